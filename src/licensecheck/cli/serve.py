"""``serve``: the local web app over the workspace (see docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import codes
from ..errors import Diagnostic, UsageError
from .options import pack_path_option, workspace_options

if TYPE_CHECKING:
    from ..workspace.store import Workspace


@click.command("serve")
@workspace_options
@pack_path_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token",
    envvar="LICENSECHECK_TOKEN",
    help="The access token every request must carry (required on any address but this "
    "machine's; env: LICENSECHECK_TOKEN).",
)
@click.option(
    "--example",
    metavar="NAME",
    help="Start a questionnaire on a bundled example firm (e.g. demo-credit-scoring).",
)
@click.option("--as-of", help="The assessment date (YYYY-MM-DD); default: today.")
def serve(
    workspace: Path | None,
    db: str | None,
    host: str,
    port: int,
    token: str | None,
    example: str | None,
    as_of: str | None,
) -> None:
    """Serve the web app: questionnaire, reports, plans, history and the HTTP API.

    It listens on 127.0.0.1 unless --host says otherwise; any other address needs --token
    (or LICENSECHECK_TOKEN). Without --workspace or --db it uses the nearest workspace, or
    creates one in the working directory. Packs are found, locked and signature-checked as
    every command's are (--pack-path, licensecheck.lock, --require-signed).
    """
    import uvicorn

    from ..api import parse_as_of
    from ..web.app import create_app
    from ..web.examples import start_example
    from ..web.security import needs_token
    from ..web.state import Settings

    if needs_token(host) and not token:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"--host {host} lets other machines in: give --token (or LICENSECHECK_TOKEN)",
            )
        )
    if as_of is not None:
        parse_as_of(as_of)
    store = _workspace(workspace, db)
    settings = Settings(store, token=token, as_of=as_of)
    app = create_app(settings)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if example is not None:
        url += f"drafts/{start_example(settings, example)}"
    click.echo(f"licensecheck: serving {store.location.shown} at {url}", err=True)
    if token:
        click.echo("licensecheck: every request needs the access token (?token=… once)", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        store.close()


def _workspace(workspace: Path | None, db: str | None) -> Workspace:
    """The workspace named, else the nearest one, else a new one in the working directory."""
    from ..api import open_workspace
    from ..errors import WorkspaceError

    if workspace is not None or db:
        return open_workspace(workspace, database_url=db, initialise=True)
    try:
        return open_workspace()
    except WorkspaceError:
        return open_workspace(".", initialise=True)
