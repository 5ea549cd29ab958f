"""``suppliers`` and ``watchlist check``: the supply graph of a folder of declarations, screened
against a watchlist; a watchlist file checked on its own."""

from __future__ import annotations

from pathlib import Path

import click

from .. import codes
from ..api import SUPPLIER_FORMATS
from ..errors import Diagnostic, UsageError, printable
from .options import as_of_option, format_option, output_option, pack_option
from .packchoice import choose_pack
from .render import EXIT_GAPS, EXIT_OK, emit

WATCHLIST_HELP = "A watchlist (CSV or YAML: name, aliases, registration_id, source, date, reason)."


@click.command("suppliers")
@click.argument("targets", nargs=-1, required=True, metavar="[FIRM] DIR...")
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
@output_option
def suppliers(
    targets: tuple[str, ...],
    pack: str | None,
    watchlist: Path | None,
    fmt: str,
    as_of: str | None,
    output: Path | None,
) -> None:
    """The supply graph of the declarations in DIR... (files or folders): who supplies whom,
    each party's readiness under --pack, contradictions between what firms declare about each
    other (each citing both declarations) and watchlist hits.

    FIRM, when given first (a registration id, USCC or name), starts the tree at that firm.
    Exit status: 0 no contradiction and no watchlist hit, 1 some, 2 bad input.
    """
    from ..api import find_declarations, render_suppliers, supply_graph

    firm, paths = _firm_and_paths(targets)
    skipped = [output] if output is not None else []
    if pack is None:
        pack = choose_pack(pack, find_declarations(paths, exclude=skipped))
    graph = supply_graph(paths, pack, as_of=as_of, watchlist=watchlist, exclude=skipped)
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
    """A first argument that names no file or folder, followed by others, is the firm."""
    if len(targets) > 1 and not Path(targets[0]).exists():
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
