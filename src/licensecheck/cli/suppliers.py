"""``suppliers`` and ``watchlist check``, ``import`` and ``list``: the supply graph of a folder of
declarations or of the workspace's recorded firms, screened against a watchlist; a watchlist
file checked on its own, or kept in the workspace."""

from __future__ import annotations

from pathlib import Path

import click

from .. import codes
from ..api import SUPPLIER_FORMATS
from ..errors import Diagnostic, UsageError, printable
from .options import (
    as_of_option,
    format_option,
    output_option,
    pack_option,
    workspace_options,
)
from .render import EXIT_GAPS, EXIT_OK, emit

#: --as-of without DIR: the recorded assessments keep the dates they were made for.
RECORDED_AS_OF = (
    "--as-of applies to DIR (declarations assessed now); the workspace's firms are shown as "
    "their latest assessments were recorded, each as of its own date"
)
WATCHLIST_HELP = "A watchlist (CSV or YAML: name, aliases, registration_id, source, date, reason)."


@click.command("suppliers")
@click.argument("targets", nargs=-1, metavar="[FIRM] [DIR...]")
@pack_option
@click.option(
    "--watchlist",
    type=click.Path(dir_okay=False, path_type=Path),
    help=WATCHLIST_HELP + " Every firm, supplier and recipient is screened against it.",
)
@format_option(
    SUPPLIER_FORMATS,
    "text",
    "text (an indented tree), json, or html (the graph as an SVG picture).",
)
@as_of_option()
@workspace_options
@output_option
def suppliers(
    targets: tuple[str, ...],
    pack: str,
    watchlist: Path | None,
    fmt: str,
    as_of: str | None,
    output: Path | None,
    workspace: Path | None,
    db: str | None,
) -> None:
    """The supply graph of the declarations in DIR... (files or folders): who supplies whom,
    each party's readiness under --pack, contradictions between what firms declare about each
    other (each citing both declarations) and watchlist hits.

    Without DIR, the firms are the workspace's: each firm's latest assessment recorded under
    --pack, as it was recorded (nothing is assessed again), screened against the watchlist
    entries the workspace holds (watchlist import) and --watchlist.

    FIRM, when given first (a registration id, USCC or name), starts the tree at that firm.
    Exit status: 0 no contradiction and no watchlist hit, 1 some, 2 bad input.
    """
    from ..api import recorded_supply_graph, render_suppliers, supply_graph

    firm, paths = _firm_and_paths(targets)
    if paths:
        skipped = [output] if output is not None else []
        graph = supply_graph(paths, pack, as_of=as_of, watchlist=watchlist, exclude=skipped)
    elif as_of is not None:
        raise UsageError(Diagnostic(codes.USAGE, RECORDED_AS_OF))
    else:
        graph = recorded_supply_graph(
            pack, watchlist=watchlist, workspace=workspace, database_url=db
        )
    root = None
    if firm is not None:
        node = graph.find(firm)
        if node is None:
            names = ", ".join(n.firm.name for n in graph.nodes)
            raise UsageError(
                Diagnostic(codes.USAGE, f"no firm of the set is '{firm}' (the firms: {names})")
            )
        root = node.firm.key
    inputs = [Path(p) for p in paths] + ([watchlist] if watchlist else [])
    emit(render_suppliers(graph, fmt, root=root), output, inputs)
    raise SystemExit(EXIT_GAPS if graph.contradictions or graph.hits else EXIT_OK)


def _firm_and_paths(targets: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """A first argument that names no file or folder is the firm (with no other argument, in
    the workspace)."""
    if targets and not Path(targets[0]).exists():
        return targets[0], list(targets[1:])
    return None, list(targets)


@click.group("watchlist")
def watchlist() -> None:
    """Watchlists: named entities (enforcement notices, court cases) to screen parties against."""


@watchlist.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def watchlist_check(file: Path) -> None:
    """Check a watchlist FILE (CSV or YAML) and list its entries.

    Exit status: 0 valid, 2 every problem found, each at file:line:col.
    """
    from ..api import import_watchlist

    entries = import_watchlist(file)
    lines = [f"{file}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"]
    for entry in entries:
        where = entry.origin.format() if entry.origin else str(file)
        lines.append(f"  {where}  {entry.name}  ({entry.cited()})")
    click.echo("\n".join(printable(line) for line in lines))


@watchlist.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workspace_options
def watchlist_import(file: Path, workspace: Path | None, db: str | None) -> None:
    """Keep the entries of a watchlist FILE (CSV or YAML) in the workspace: suppliers and
    suppliers --format html screen every recorded firm, supplier and recipient against them.

    Importing a file again replaces the entries a file of the same name (without its folder)
    gave before, so an updated list is imported by importing it again. Exit status: 0
    imported, 2 a problem in the file (each at file:line:col; nothing is written) or no
    workspace.
    """
    from ..api import store_watchlist

    before, now = store_watchlist(file, workspace=workspace, database_url=db)
    replaced = f", replacing {before} from {file.name}" if before else ""
    click.echo(printable(f"{file}: imported {now} entr{'y' if now == 1 else 'ies'}{replaced}"))


@watchlist.command("list")
@workspace_options
def watchlist_list(workspace: Path | None, db: str | None) -> None:
    """The watchlist entries the workspace holds, by the file each came from."""
    from ..api import stored_watchlist

    entries = stored_watchlist(workspace=workspace, database_url=db)
    lines = [f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"]
    for list_file, entry in entries:
        where = entry.origin.format() if entry.origin else list_file
        lines.append(f"  {where}  {entry.name}  ({entry.cited()})")
    click.echo("\n".join(printable(line) for line in lines))
