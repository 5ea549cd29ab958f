"""``workspace …``, ``history`` and ``portfolio``: the workspace that remembers assessments.

``workspace init|info|verify|backup|forget`` look after the database; ``history FIRM`` is a
firm's timeline; ``portfolio`` screens every firm's latest assessment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import fail_on_option, format_option, output_option, workspace_options
from .render import EXIT_GAPS, emit


@click.group()
def workspace() -> None:
    """Create and look after the workspace: the database that remembers assessments."""


@workspace.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db", metavar="URL", help="Initialise this database (PostgreSQL) instead.")
def init_command(directory: Path | None, db: str | None) -> None:
    """Create a workspace in DIRECTORY (default: here): .licensecheck/workspace.db, readable by
    you alone, or the tables in the database --db names. Running it again is harmless."""
    from ..api import open_workspace

    with open_workspace(directory, database_url=db, initialise=True) as ws:
        click.echo(f"workspace ready: {ws.location.shown} (schema revision {ws.revision})")


@workspace.command("info")
@workspace_options
def info_command(workspace: Path | None, db: str | None) -> None:
    """Where the workspace is (never with a password), its schema revision and its counts."""
    from ..api import open_workspace

    with open_workspace(workspace, database_url=db) as ws:
        info = ws.info()
    click.echo(f"database: {info.location}")
    click.echo(f"schema revision: {info.revision}")
    for name, count in info.counts.items():
        click.echo(f"{name}: {count}")


@workspace.command("verify")
@workspace_options
def verify_command(workspace: Path | None, db: str | None) -> None:
    """Recompute the sha256 of every stored declaration and pack file, and every pack
    version's digest. Exit status: 0 all as recorded, 1 a mismatch, 2 no workspace."""
    from ..api import open_workspace

    with open_workspace(workspace, database_url=db) as ws:
        problems = ws.verify()
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} mismatches", err=True)
        sys.exit(EXIT_GAPS)
    click.echo("every stored file matches its hash")


@workspace.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@workspace_options
def backup_command(destination: Path, workspace: Path | None, db: str | None) -> None:
    """Copy an SQLite workspace to DESTINATION (consistent while others record). For a
    PostgreSQL workspace use pg_dump."""
    from ..api import open_workspace

    with open_workspace(workspace, database_url=db) as ws:
        ws.backup(destination)
    click.echo(f"backed up to {destination}")


@workspace.command("forget")
@click.argument("firm")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@workspace_options
def forget_command(firm: str, yes: bool, workspace: Path | None, db: str | None) -> None:
    """Delete FIRM (its key, register id or name): its assessments, findings and the stored
    declarations nothing else refers to (a data-protection request)."""
    from ..api import open_workspace

    with open_workspace(workspace, database_url=db) as ws:
        found = ws.firm(firm)
        if not yes:
            click.confirm(
                f"delete every record of {found.name} ({found.key})?", abort=True, err=True
            )
        gone = ws.forget(found.key)
    click.echo(
        f"forgot {gone.firm.name}: {gone.assessments} assessments, {gone.findings} findings, "
        f"{gone.blobs} stored files"
    )


@click.command("history")
@click.argument("firm")
@click.option("--pack", "-p", help="Only the runs under this pack id.")
@format_option(("text", "json"), "text")
@workspace_options
@output_option
def history_command(
    firm: str,
    pack: str | None,
    fmt: str,
    workspace: Path | None,
    db: str | None,
    output: Path | None,
) -> None:
    """The recorded runs of FIRM (its key, register id or name): score and range per run,
    the gaps opened and closed between runs, and how long each closed gap was open."""
    from ..api import firm_history, render_history

    history = firm_history(firm, pack=pack, workspace=workspace, database_url=db)
    emit(render_history(history, fmt), output, [])


@click.command("portfolio")
@click.option("--pack", "-p", help="Only assessments under this pack id.")
@format_option(
    ("text", "json", "csv", "html"),
    "text",
    "text, json, csv (for spreadsheets) or html (one sortable, printable page).",
)
@click.option("--not-ready", is_flag=True, help="Only firms that are not licence-ready.")
@click.option("--domain", help="Only firms with blocking gaps in this domain.")
@click.option("--since", metavar="DATE", help="Only runs assessed on or after DATE (YYYY-MM-DD).")
@fail_on_option("a gap that counts as blocking")
@workspace_options
@output_option
def portfolio_command(
    pack: str | None,
    fmt: str,
    not_ready: bool,
    domain: str | None,
    since: str | None,
    fail_on: str,
    workspace: Path | None,
    db: str | None,
    output: Path | None,
) -> None:
    """Every firm's latest assessment per pack: ready or not, score and range, blocking gaps
    by domain, trend since the run before and the day last assessed."""
    from ..api import portfolio, render_portfolio

    result = portfolio(
        pack=pack,
        not_ready=not_ready,
        domain=domain,
        since=since,
        fail_on=fail_on,
        workspace=workspace,
        database_url=db,
    )
    emit(render_portfolio(result, fmt), output, [])
