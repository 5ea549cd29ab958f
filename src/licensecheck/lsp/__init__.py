"""The language server (``licensecheck lsp``): rules, ``pack.yaml`` and declarations in an editor.

Input: LSP messages over stdio. Output: diagnostics, hovers, completions, definitions,
references, symbols, folds, formatting, code actions and code lenses, every one computed by
the engine's own functions through :mod:`licensecheck.api` (this package imports nothing
else of licensecheck). :mod:`.project` knows the files and what the engine says about them;
:mod:`.language` reads the text around a cursor; :mod:`.features` answers each request;
:mod:`.server` wires them to pygls.
"""

from __future__ import annotations

__all__ = ["serve"]


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    from .server import build_server

    build_server().start_io()
