"""``lsp``: the language server for editors, on stdin and stdout."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Speak LSP on stdin/stdout (the default and only way).")
def lsp_command(stdio: bool) -> None:
    """Run the language server for .rules files, pack.yaml and declarations (for editors)."""
    from ..lsp import serve  # pygls is loaded only when an editor starts the server

    serve()
