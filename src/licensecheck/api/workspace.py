"""The public facade of the workspace: pack diffs and impact, supply graphs and watchlists,
recording, history and portfolio. :mod:`licensecheck.api` re-exports every function here."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..engine.gate import DEFAULT_FAIL_ON
from ..engine.pipeline import (
    DeclarationRef,
    PackRef,
    load_declaration,
    parse_as_of,
    prepare_pack,
)
from ..errors import Diagnostic
from ..packs.loader import DEFAULT_PACK

if TYPE_CHECKING:
    from ..declaration.loader import Declaration
    from ..declaration.schema import SchemaNode as SchemaNode
    from ..engine.models import Assessment
    from ..engine.pack_diff import PackDiff
    from ..engine.rules import CheckedPack as CheckedPack
    from ..engine.rules import Rule as Rule
    from ..errors import Span as Span
    from ..workspace.history import History
    from ..workspace.impact import ImpactInput, ImpactReport
    from ..workspace.portfolio import Portfolio
    from ..workspace.store import Workspace
    from ..workspace.suppliers import FirmInput, SupplyGraph
    from ..workspace.watchlist import Watchlist, WatchlistEntry


def diff_packs(old: PackRef, new: PackRef) -> PackDiff:
    """The semantic difference between two versions of a pack (ids or folders): rules added,
    removed or changed (conditions compared as syntax trees, so layout and comments never
    count), consts and predicates with another value and the rules that read them, and the
    pack's own changes. Each pack is loaded and checked first; a broken one raises
    :class:`PackError` at its file, line and column."""
    from ..engine.pack_diff import diff_packs as _diff

    return _diff(prepare_pack(old).checked, prepare_pack(new).checked)


def render_pack_diff(diff: PackDiff, fmt: str = "text") -> str:
    """A pack diff as ``text``, ``json`` (schemas/pack-diff.schema.json) or ``markdown``."""
    from ..reports.pack_diff import render_pack_diff as _render

    return _render(diff, fmt)


def impact(
    old: PackRef,
    new: PackRef,
    declarations: Sequence[str | os.PathLike[str]] | Sequence[ImpactInput],
    *,
    as_of: str | dt.date | None = None,
    fail_on: str = DEFAULT_FAIL_ON,
    jobs: int = 1,
) -> ImpactReport:
    """What updating a pack from ``old`` to ``new`` (ids or folders) does to each firm:
    every declaration (files and folders, as ``check`` takes them, or :class:`ImpactInput`
    values such as a workspace's stored declarations) assessed under both versions; which
    firms flip between ready and not ready, their new and resolved gaps by rule and element,
    counts per rule and the firms most affected. A file that cannot be assessed is reported
    in the result, the others are still assessed."""
    from ..workspace.impact import ImpactInput, inputs_from_paths, measure_impact

    compiled_old, compiled_new = prepare_pack(old), prepare_pack(new)
    inputs = [d for d in declarations if isinstance(d, ImpactInput)]
    paths = [d for d in declarations if not isinstance(d, ImpactInput)]
    inputs += inputs_from_paths(paths, schema_pack=compiled_new) if paths else []
    return measure_impact(
        compiled_old,
        compiled_new,
        inputs,
        as_of=parse_as_of(as_of),
        fail_on=fail_on,
        jobs=jobs,
    )


def render_impact(report: ImpactReport, fmt: str = "text") -> str:
    """An impact report as ``text``, ``json`` (schemas/impact.schema.json) or ``html``."""
    from ..workspace.impact_render import render_impact as _render

    return _render(report, fmt)


def impact_exit_code(report: ImpactReport) -> int:
    """2 when a declaration could not be assessed, 1 when the new version gives a firm a new
    gap (or raises one) at or above the report's ``fail_on``, else 0."""
    from ..workspace.impact import impact_exit_code as _exit_code

    return _exit_code(report)


# --- workspace: wssupply ---

#: The formats of ``licensecheck suppliers``
SUPPLIER_FORMATS = ("text", "json", "html")


def import_watchlist(path: str | os.PathLike[str]) -> list[WatchlistEntry]:
    """The entries of a watchlist file (CSV, or YAML/JSON): name and source required, aliases,
    registration_id, date (YYYY-MM-DD) and reason optional. Raises
    :class:`~licensecheck.errors.WatchlistError` with every problem at ``file:line:col``."""
    from ..workspace.watchlist import import_watchlist as _import

    return _import(path)


def load_watchlist(path: str | os.PathLike[str]) -> Watchlist:
    """A watchlist file, indexed for matching by registration id, name and alias."""
    from ..workspace.watchlist import load_watchlist as _load

    return _load(path)


def supply_graph(
    paths: Sequence[str | os.PathLike[str]],
    pack: PackRef = DEFAULT_PACK,
    *,
    as_of: str | dt.date | None = None,
    watchlist: str | os.PathLike[str] | Watchlist | None = None,
    exclude: Sequence[str | os.PathLike[str]] = (),
) -> SupplyGraph:
    """Assess the declarations in ``paths`` (files or folders, less ``exclude`` and the
    watchlist file) with ``pack`` and cross-check what the firms declare about their suppliers
    and recipients: the supply graph, its contradictions (each citing both declarations) and,
    with ``watchlist``, its hits."""
    from ..engine.evaluate import pack_info
    from ..workspace.suppliers import assess_firms, build_supply_graph
    from ..workspace.watchlist import Watchlist as _Watchlist
    from ..workspace.watchlist import load_watchlist as _load

    listed = (
        _load(watchlist)
        if watchlist is not None and not isinstance(watchlist, _Watchlist)
        else watchlist
    )
    skipped = [*exclude, *([watchlist] if isinstance(watchlist, str | os.PathLike) else [])]
    compiled = prepare_pack(pack)
    day = parse_as_of(as_of)
    firms = assess_firms(paths, compiled, as_of=day, exclude=skipped)
    info = pack_info(compiled, "en")
    return build_supply_graph(firms, listed, pack=f"{info.id} {info.version}", as_of=day)


def supply_graph_of(
    firms: Sequence[FirmInput],
    watchlist: Watchlist | None = None,
    *,
    pack: str = "",
    as_of: dt.date | None = None,
) -> SupplyGraph:
    """The supply graph over firms already assessed (the workspace's latest assessments, each
    made with :func:`licensecheck.workspace.suppliers.firm_from_statuses`); ``pack`` ("id
    version") and ``as_of`` are shown in its heading."""
    from ..workspace.suppliers import build_supply_graph

    return build_supply_graph(firms, watchlist, pack=pack, as_of=as_of)


def recorded_supply_graph(
    pack: PackRef = DEFAULT_PACK,
    *,
    watchlist: str | os.PathLike[str] | None = None,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
) -> SupplyGraph:
    """The supply graph of the workspace's latest assessments under ``pack`` (nothing is
    assessed again), screened against the workspace's watchlist and the ``watchlist`` file."""
    from ..workspace.suppliers import recorded_graph
    from ..workspace.watchlist import Watchlist as _Watchlist
    from ..workspace.watchlist import WatchlistEntry as _Entry

    pack_id = prepare_pack(pack).checked.id
    extra = import_watchlist(watchlist) if watchlist is not None else []
    with open_workspace(workspace, database_url=database_url) as ws:
        stored = [_Entry.from_stored(row) for row in ws.watchlist_entries()]
        latest = ws.latest_assessments(pack_id)
    listed = _Watchlist([*stored, *extra]) if stored or extra else None
    return recorded_graph(latest, listed)


def store_watchlist(
    path: str | os.PathLike[str],
    *,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
) -> tuple[int, int]:
    """Import the watchlist file ``path`` into the workspace, in place of the entries a file
    of the same name gave before; returns (entries before, entries now). A file with any
    problem raises before anything is written."""
    from pathlib import Path

    rows = [entry.stored() for entry in import_watchlist(path)]
    with open_workspace(workspace, database_url=database_url) as ws:
        return ws.replace_watchlist(Path(path).name, rows), len(rows)


def stored_watchlist(
    *, workspace: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> list[tuple[str, WatchlistEntry]]:
    """Every watchlist entry the workspace holds, with the name of the file it came from."""
    from ..workspace.watchlist import WatchlistEntry as _Entry

    with open_workspace(workspace, database_url=database_url) as ws:
        rows = ws.watchlist_entries()
    return [(str(row["list_file"]), _Entry.from_stored(row)) for row in rows]


def render_suppliers(graph: SupplyGraph, fmt: str = "text", *, root: str | None = None) -> str:
    """A supply graph as ``text`` (an indented tree), ``json`` or ``html`` (with an SVG
    picture); ``root`` is the key of the firm the tree starts from."""
    from ..workspace.suppliers_render import render_suppliers as _render

    return _render(graph, fmt, root=root)


# --- workspace: wscore ---


def open_workspace(
    workspace: str | os.PathLike[str] | None = None,
    *,
    database_url: str | None = None,
    initialise: bool = False,
) -> Workspace:
    """Open a workspace (a context manager): the folder ``workspace`` (its
    ``.licensecheck/workspace.db``), else the database at ``database_url`` (SQLite or
    ``postgresql+psycopg://…``), else the nearest workspace above the working directory.
    Its schema is checked and migrated; ``initialise`` creates it (``workspace init``)."""
    from pathlib import Path

    from ..workspace.db import find_location
    from ..workspace.store import open_workspace as _open

    if initialise and workspace is None and not database_url:
        workspace = "."
    location = find_location(Path(workspace) if workspace is not None else None, database_url)
    return _open(location, initialise=initialise)


def record_assessments(
    assessments: Sequence[Assessment],
    pack: PackRef,
    *,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    fail_on: str = DEFAULT_FAIL_ON,
    texts: Sequence[str] | None = None,
) -> int:
    """Record assessments (``check``/``report``/``plan --record``) made with ``pack``: the
    firm, the declaration and the pack's files (content-addressed), every finding and the
    score. ``texts`` (one per assessment: the declaration text it read, as a batch item's
    ``text``) are what is stored; without them each file is read again. Returns how many
    were new: identical inputs are recorded once."""
    compiled = prepare_pack(pack)
    read: Sequence[str | Declaration] = (
        texts
        if texts is not None
        else [load_declaration(a.declaration, schema=compiled.checked.schema) for a in assessments]
    )
    with recorder(
        compiled, workspace=workspace, database_url=database_url, fail_on=fail_on
    ) as store:
        return sum(store(a, d) for a, d in zip(assessments, read, strict=True))


@contextmanager
def recorder(
    pack: PackRef,
    *,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    fail_on: str = DEFAULT_FAIL_ON,
) -> Iterator[Callable[[Assessment, str | Declaration], bool]]:
    """The workspace open for recording assessments made with ``pack`` one at a time, as
    a batch makes them: ``store(assessment, text)`` records one (the declaration text it
    read, or the loaded declaration) and says whether it was new."""
    from ..engine.gate import check_fail_on
    from ..workspace.record import pack_files_of, record, recording

    check_fail_on(fail_on)
    files = pack_files_of(prepare_pack(pack))
    with open_workspace(workspace, database_url=database_url) as ws:
        yield lambda a, declaration: record(ws, recording(a, declaration, files, fail_on))


def firm_history(
    firm: str,
    *,
    pack: str | None = None,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
) -> History:
    """The recorded runs of ``firm`` (its key, register id or name), per pack: score and
    range per run, gaps opened and closed between runs and the days each closed gap was open.
    Render it with :func:`render_history`."""
    from ..workspace.history import firm_history as _history

    with open_workspace(workspace, database_url=database_url) as ws:
        return _history(ws, firm, pack)


def render_history(history: History, fmt: str = "text") -> str:
    """A firm's history as ``text`` or ``json``."""
    from ..workspace.history import render_history as _render

    return _render(history, fmt)


def portfolio(
    *,
    pack: str | None = None,
    not_ready: bool = False,
    domain: str | None = None,
    since: str | dt.date | None = None,
    fail_on: str = DEFAULT_FAIL_ON,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
) -> Portfolio:
    """Every firm's latest assessment per pack: readiness, score and range, gaps blocking at
    ``fail_on`` by domain, trend since the run before, last assessed; filtered to ``pack``,
    firms ``not_ready``, firms with blocking gaps in ``domain``, runs ``since`` a date.
    Render it with :func:`render_portfolio`."""
    from ..workspace.portfolio import Filters
    from ..workspace.portfolio import portfolio as _portfolio

    filters = Filters(
        pack_id=pack,
        not_ready=not_ready,
        domain=domain,
        since=_since(since) if since is not None else None,
        fail_on=fail_on,
    )
    with open_workspace(workspace, database_url=database_url) as ws:
        return _portfolio(ws, filters)


def _since(value: str | dt.date) -> dt.date:
    """``--since``: a date read as ``--as-of`` is, its errors naming ``--since``."""
    from ..errors import UsageError

    try:
        return parse_as_of(value)
    except UsageError as error:
        message = error.diagnostics[0].message.replace("--as-of", "--since", 1)
        raise UsageError(Diagnostic(error.diagnostics[0].code, message)) from None


def render_portfolio(result: Portfolio, fmt: str = "text") -> str:
    """A portfolio as ``text``, ``json``, ``csv`` (formula-safe) or ``html`` (sortable,
    printable, one file)."""
    from ..workspace.portfolio import render_portfolio as _render

    return _render(result, fmt)


def report_history(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    workspace: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
) -> list[dict[str, object]]:
    """The recorded runs of the firm ``declaration`` describes under ``pack``, oldest first
    (``as_of``, ``score``, ``worst``, ``best``, ``gaps``): :func:`render_report`'s ``history``.
    Raises :class:`~licensecheck.errors.WorkspaceError` when the firm has no recorded run."""
    from ..workspace.history import trend_of

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    with open_workspace(workspace, database_url=database_url) as ws:
        return trend_of(ws, loaded.data.get("company") or {}, compiled.checked.id)
