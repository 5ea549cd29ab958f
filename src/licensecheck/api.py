"""The Python API: everything the CLI does, callable from code.

This module is the public facade only: each function states the contract (signature,
defaults, docstring) and delegates to the module that does the work. Nothing inside the
package imports it except ``licensecheck/__init__`` and the CLI.

>>> import licensecheck
>>> result = licensecheck.assess("examples/demo-credit-scoring.yaml", "starter", as_of="2026-01-01")
>>> result.summary.score, result.summary.ready  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from .authoring.schema_export import SCHEMA_NAMES as _AUTHORING_SCHEMAS
from .engine.gate import DEFAULT_FAIL_ON, FAIL_ON_CHOICES, blocks, exit_code
from .engine.pipeline import (
    LANGUAGES,
    DeclarationRef,
    PackRef,
    assess,
    evaluate,
    load_baseline,
    load_declaration,
    load_waivers,
    parse_as_of,
    prepare_pack,
    prepare_waivers,
)
from .errors import Diagnostic, LicenseCheckError
from .formats.dispatch import DIFF_FORMATS, FORMATS
from .lang import nodes as syntax  # the rule language's syntax tree, for editors
from .packs.listing import DEFAULT_PACK

#: Every schema ``licensecheck schema`` prints: the authoring layer's, then the workspace's
#: (which that layer cannot import).
SCHEMA_NAMES: tuple[str, ...] = (*_AUTHORING_SCHEMAS, "impact")

if TYPE_CHECKING:
    from pathlib import Path

    from .authoring.fmt import FormatResult
    from .authoring.lint import LintResult
    from .authoring.packtest import PackTestReport
    from .config import LoadedConfig
    from .declaration.loader import Declaration
    from .declaration.schema import DeclarationSchema
    from .declaration.schema import SchemaNode as SchemaNode
    from .engine.baseline import Baseline, DiffReport
    from .engine.batch import Batch, BatchItem, BatchRun
    from .engine.compile import CompiledPack
    from .engine.models import Assessment
    from .engine.pack_diff import PackDiff
    from .engine.rules import CheckedPack as CheckedPack
    from .engine.rules import Rule as Rule
    from .engine.waivers import WaiverSet
    from .errors import Span as Span
    from .packs.listing import PackSummary
    from .reports.gap import GapReport
    from .reports.plan import Plan
    from .workspace.history import History
    from .workspace.impact import ImpactInput, ImpactReport
    from .workspace.portfolio import Portfolio
    from .workspace.store import Workspace
    from .workspace.suppliers import FirmInput, SupplyGraph
    from .workspace.watchlist import Watchlist, WatchlistEntry

__all__ = [
    "DEFAULT_FAIL_ON",
    "DEFAULT_PACK",
    "DIFF_FORMATS",
    "FAIL_ON_CHOICES",
    "FORMATS",
    "LANGUAGES",
    "SCHEMA_NAMES",
    "DeclarationRef",
    "Diagnostic",
    "LicenseCheckError",
    "PackRef",
    "assess",
    "blocks",
    "evaluate",
    "exit_code",
    "load_baseline",
    "load_declaration",
    "load_waivers",
    "parse_as_of",
    "prepare_pack",
    "prepare_waivers",
    "syntax",
]


# ---------------------------------------------------------------------------- CI integration


def lint_waivers(
    waivers: str | os.PathLike[str] | WaiverSet,
    pack: PackRef | None = None,
    *,
    as_of: str | dt.date | None = None,
) -> list[Diagnostic]:
    """Check a waiver file on its own: raises :class:`WaiverError` on errors, returns the
    warnings (expired by ``as_of``, no expiry, no fingerprint).

    ``pack`` defaults to the file's ``pack:`` key, else the starter pack.
    """
    from .engine.waivers import WaiverSet, lint_waiver_set, waiver_pack

    waiver_set = waivers if isinstance(waivers, WaiverSet) else load_waivers(waivers)
    compiled = prepare_pack(pack if pack is not None else waiver_pack(waiver_set))
    checked = prepare_waivers(waiver_set, compiled)  # errors against the pack before the date
    return lint_waiver_set(checked, compiled, parse_as_of(as_of))


def waiver_fingerprint(
    declaration: DeclarationRef,
    pack: PackRef,
    rule_id: str,
    *,
    path: str | None = None,
    element: str | None = None,
    as_of: str | dt.date | None = None,
) -> str:
    """The ``fingerprint`` to record in a waiver of ``rule_id`` with this scope."""
    from .engine.waivers import waiver_fingerprint as _fingerprint

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    return _fingerprint(
        compiled, loaded, rule_id, path=path, element=element, as_of=parse_as_of(as_of)
    )


def load_config(
    path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> LoadedConfig:
    """The configuration the CLI would use: ``path``, else the nearest ``licensecheck.toml``
    or ``pyproject.toml`` with ``[tool.licensecheck]`` from ``start`` (default: the working
    directory) upwards. ``option_defaults()`` gives the option values it sets."""
    from pathlib import Path

    from .config import load_config as _load

    return _load(path, start=Path(start) if start is not None else None)


def find_declarations(
    paths: Sequence[str | os.PathLike[str]],
    *,
    exclude: Sequence[str | os.PathLike[str]] = (),
    outputs: Sequence[str | os.PathLike[str]] = (),
) -> list[str]:
    """Files as given; folders replaced by the ``*.yaml``/``*.yml``/``*.json`` files below
    them, leaving out ``exclude`` (a waiver file, a baseline). Each of ``outputs`` found by
    a scan is left out too when it is an earlier report, and refused when it is a
    declaration (it would be overwritten)."""
    from .engine.batch import expand_paths

    return expand_paths(paths, exclude=exclude, outputs=outputs)


def assess_many(
    declarations: Sequence[str | os.PathLike[str]],
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | None = None,
    jobs: int = 1,
    on_result: Callable[[BatchItem], None] | None = None,
) -> Batch:
    """Assess many declaration files (folders stand for the declarations below them).

    One result per file, in order; a file that cannot be assessed carries its diagnostics
    instead of stopping the batch. ``jobs`` worker processes give the same results as a
    serial run. ``on_result`` is called after each file (for progress bars).
    """
    from .engine.batch import assess_many as _assess_many

    return _assess_many(
        declarations,
        pack,
        as_of=as_of,
        lang=lang,
        waivers=waivers,
        baseline=baseline,
        jobs=jobs,
        on_result=on_result,
    )


def start_batch(
    declarations: Sequence[str | os.PathLike[str]],
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | None = None,
    jobs: int = 1,
) -> BatchRun:
    """A batch prepared, not run: ``run.items()`` assesses the files in order, keeping nothing."""
    from .engine.batch import start_batch as _start_batch

    return _start_batch(
        declarations, pack, as_of=as_of, lang=lang, waivers=waivers, baseline=baseline, jobs=jobs
    )


def render(
    result: Assessment | Batch,
    fmt: str = "text",
    *,
    pack: PackRef | None = None,
    fail_on: str = "high",
    verbose: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """Render an assessment or a batch as ``text``, ``json``, ``sarif`` (2.1.0), ``junit``
    (XML), ``github`` (workflow commands) or ``oscal`` (assessment-results JSON).

    ``pack`` (for a single assessment) adds the rules' requirement texts to SARIF and
    OSCAL; ``fail_on`` decides which GitHub annotations are errors.
    """
    from .formats.dispatch import render as _render

    return _render(result, fmt, pack=pack, fail_on=fail_on, verbose=verbose, style=style)


def render_runs(
    runs: Sequence[Batch],
    fmt: str = "text",
    *,
    single: bool = False,
    fail_on: str = "high",
    verbose: bool = False,
    quiet: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """Render the batches of one run against several packs (one :class:`Batch` per pack,
    as ``check --pack A --pack B`` makes) in one of the formats of :func:`render`: SARIF
    with one run per pack, JUnit with a suite per pack and file, JSON as a multi-pack
    report (``schemas/multi-pack-report.schema.json``), text with a section per pack.
    ``single``: the run names one file; ``quiet``: text is the summary lines alone.
    """
    from .formats.dispatch import render_runs as _render_runs

    return _render_runs(
        runs, fmt, single=single, fail_on=fail_on, verbose=verbose, quiet=quiet, style=style
    )


def select_rules(
    pack: PackRef,
    *,
    rules: Sequence[str] = (),
    skip: Sequence[str] = (),
    domains: Sequence[str] = (),
) -> CompiledPack:
    """``pack`` compiled with only the rules matching ``rules`` (ids or globs; all when
    empty) in ``domains`` (all when empty), minus those matching ``skip``. A pattern or
    domain that matches nothing raises :class:`UsageError` with a suggestion."""
    from .engine.selection import RuleSelection
    from .engine.selection import select_rules as _select

    return _select(prepare_pack(pack), RuleSelection(tuple(rules), tuple(skip), tuple(domains)))


def compare(
    old: DeclarationRef | Assessment,
    new: DeclarationRef | Assessment,
    pack: PackRef | None = None,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
) -> DiffReport:
    """``licensecheck diff``: compare two declarations (assessed with ``pack`` on ``as_of``)
    or two JSON reports (files or :class:`Assessment`): fixed, new, worsened, improved and
    unchanged gaps, and the score change. ``waivers`` apply to the declarations assessed
    here, so that a gap waived in a report and still waived now is not new."""
    import functools

    from .engine.baseline import compare as _compare

    assess_declaration = None
    if pack is not None:
        compiled = prepare_pack(pack)
        waiver_set = prepare_waivers(waivers, compiled) if waivers is not None else None
        assess_declaration = functools.partial(
            assess, pack=compiled, as_of=as_of, lang=lang, waivers=waiver_set
        )
    return _compare(old, new, assess_declaration)


def render_diff(
    report: DiffReport,
    fmt: str = "text",
    *,
    verbose: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """A :func:`compare` result as ``text`` (``verbose``: with the unchanged gaps; ``style``
    colours it like :func:`click.style`) or ``json`` (schemas/diff.schema.json)."""
    from .formats.dispatch import render_diff as _render

    return _render(report, fmt, verbose=verbose, style=style)


def json_schema(name: str) -> str:
    """The JSON Schema of a public format, by one of :data:`SCHEMA_NAMES`, as JSON text."""
    import json

    from .authoring.schema_export import schema_text
    from .workspace.impact import impact_schema

    if name == "impact":
        return json.dumps(impact_schema(), indent=2, ensure_ascii=False) + "\n"
    return schema_text(name)


# ---------------------------------------------------------------------------- gap reports and plans


def gap_report(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    baseline: str | os.PathLike[str] | Baseline | None = None,
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
) -> GapReport:
    """Assess ``declaration`` and turn the result into a gap report: summary, score range,
    each gap with what the rule requires and the smallest declaration change, the unknowns as
    a questionnaire and, with ``baseline`` (an earlier ``check --format json`` report), what
    changed. Render it with :func:`render_report`."""
    from .reports.gap import gap_report as _gap_report

    return _gap_report(
        declaration, pack, as_of=as_of, lang=lang, baseline=baseline, waivers=waivers
    )


def plan(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    start: str | dt.date | None = None,
    capacity: int = 2,
    assume_fixed: Sequence[str] = (),
    what_if: bool = False,
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    calendar: str | None = None,
) -> Plan:
    """A remediation plan for ``declaration``: one task per fail and per unknown, in phases,
    scheduled over working days from ``start`` (default ``as_of``) on ``capacity`` parallel
    workstreams, with the critical path, milestones and a projected licence-ready date.
    ``assume_fixed`` plans as if those rules passed; ``what_if`` adds, for each blocking gap,
    the score and date if it alone were fixed. ``calendar`` (``weekends``, ``cn`` or ``none``)
    says which days are working days; by default the pack's (pack.yaml ``calendar``), else
    Monday to Friday. Render it with :func:`render_plan`."""
    from .reports.plan import plan_declaration

    return plan_declaration(
        declaration,
        pack,
        as_of=as_of,
        lang=lang,
        start=start,
        capacity=capacity,
        assume_fixed=assume_fixed,
        what_if=what_if,
        waivers=waivers,
        calendar=calendar,
    )


def render_report(
    report: GapReport,
    fmt: str = "markdown",
    *,
    templates: str | os.PathLike[str] | None = None,
    history: Sequence[Mapping[str, object]] | None = None,
) -> str:
    """A gap report as ``markdown``, ``html`` (one self-contained file) or ``json``;
    ``templates``: a folder of your own Jinja2 templates (run in the sandbox); ``history``
    (HTML only, from :func:`report_history`): a score trend and burn-down chart."""
    from .formats.dispatch import render_report as _render

    return _render(report, fmt, templates=templates, history=history)


def render_plan(
    plan: Plan,
    fmt: str = "markdown",
    *,
    templates: str | os.PathLike[str] | None = None,
    bom: bool = False,
) -> str:
    """A plan as ``markdown``, ``html`` (with a Gantt chart), ``json``, ``csv`` (``bom``:
    start with a UTF-8 byte-order mark for Excel) or ``oscal`` (an OSCAL POA&M)."""
    from .formats.dispatch import render_plan as _render

    return _render(plan, fmt, templates=templates, bom=bom)


# ---------------------------------------------------------------- packs


def list_packs() -> list[PackSummary]:
    """The bundled packs: id, version, title, the packs each extends and its own rules."""
    from .packs.listing import list_packs as _list

    return _list()


def pack_catalogue(pack: PackRef) -> str:
    """``pack`` as a Markdown rule catalogue: every rule with its citation and requirement."""
    from .authoring.catalogue import render_catalogue

    return render_catalogue(prepare_pack(pack))


# ---------------------------------------------------------------- pack authoring


def lint_pack(
    pack: str | os.PathLike[str],
    *,
    strict: bool = False,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> LintResult:
    """Every error and warning of a pack (load, static and lint checks): a broken pack's
    problems are the result, not an exception (only a pack that cannot be found raises
    :class:`~licensecheck.errors.UsageError`). ``strict`` turns warnings into errors."""
    from .authoring.lint import lint_pack as _lint

    return _lint(pack, strict=strict, pack_path=pack_path)


def run_pack_tests(
    pack: PackRef, *, pack_path: Sequence[str | os.PathLike[str]] | None = None
) -> PackTestReport:
    """Run the cases in the pack's ``tests/`` folder: per-case results and rule coverage."""
    from .authoring.packtest import run_pack_tests as _run

    return _run(prepare_pack(pack, pack_path=pack_path))


def format_pack(target: str | os.PathLike[str], *, write: bool = False) -> list[FormatResult]:
    """Format the ``.rules`` files of a pack folder (or one file); ``write`` replaces the
    files that change, atomically. Raises :class:`~licensecheck.errors.PackError` if a file
    does not parse (and then writes nothing)."""
    from .authoring.fmt import format_paths

    return format_paths(target, write=write)


def format_rules(text: str, path: str = "<rules>") -> str:
    """The canonical layout of the text of one rules file."""
    from .authoring.fmt import format_rules as _format

    return _format(text, path)


def explain_rule(
    rule_id: str,
    pack: PackRef,
    *,
    lang: str = "en",
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> str:
    """A rule in full: origin, overrides, citation, condition, requirement, dependencies and
    the declaration fields it reads."""
    from .authoring.explain import explain_rule as _explain

    return _explain(prepare_pack(pack, pack_path=pack_path), rule_id, lang)


def explain_evaluation(
    rule_id: str,
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> str:
    """The evaluation trace of one rule on one declaration: every sub-expression with its
    value and the declaration value (and ``file:line:col``) it read."""
    from .authoring.explain import explain_declaration

    return explain_declaration(
        rule_id, declaration, pack, as_of=as_of, lang=lang, pack_path=pack_path
    )


def new_pack(
    name: str,
    directory: str | os.PathLike[str] = ".",
    *,
    extends: str | None = None,
    title: str | None = None,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> Path:
    """Scaffold the pack ``directory/name`` (one example rule, tests that pass); returns it."""
    from .authoring.scaffold import new_pack as _new

    return _new(name, directory, extends=extends, title=title, pack_path=pack_path)


def declaration_skeleton(
    pack: PackRef,
    *,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
    written_to: str | os.PathLike[str] | None = None,
) -> str:
    """A YAML declaration holding exactly the fields the pack's rules read, each commented
    with what it is, the values it takes and the rules that use it. With ``written_to`` (the
    file it will be saved as), it opens with a ``# yaml-language-server: $schema=…`` modeline
    naming the declaration schema relative to that file, so YAML editors validate it."""
    from .authoring.skeleton import declaration_skeleton as _skeleton
    from .authoring.skeleton import schema_modeline

    text = _skeleton(prepare_pack(pack, pack_path=pack_path).checked)
    return text if written_to is None else schema_modeline(written_to) + text


# --- workspace: wsimpact ---


def diff_packs(old: PackRef, new: PackRef) -> PackDiff:
    """The semantic difference between two versions of a pack (ids or folders): rules added,
    removed or changed (conditions compared as syntax trees, so layout and comments never
    count), consts and predicates with another value and the rules that read them, and the
    pack's own changes. Each pack is loaded and checked first; a broken one raises
    :class:`PackError` at its file, line and column."""
    from .engine.pack_diff import diff_packs as _diff

    return _diff(prepare_pack(old).checked, prepare_pack(new).checked)


def render_pack_diff(diff: PackDiff, fmt: str = "text") -> str:
    """A pack diff as ``text``, ``json`` (schemas/pack-diff.schema.json) or ``markdown``."""
    from .reports.pack_diff import render_pack_diff as _render

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
    from .workspace.impact import ImpactInput, inputs_from_paths, measure_impact

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
    from .workspace.impact_render import render_impact as _render

    return _render(report, fmt)


def impact_exit_code(report: ImpactReport) -> int:
    """2 when a declaration could not be assessed, 1 when the new version gives a firm a new
    gap (or raises one) at or above the report's ``fail_on``, else 0."""
    from .workspace.impact import impact_exit_code as _exit_code

    return _exit_code(report)


# --- workspace: wssupply ---

#: The formats of ``licensecheck suppliers``
SUPPLIER_FORMATS = ("text", "json", "html")


def import_watchlist(path: str | os.PathLike[str]) -> list[WatchlistEntry]:
    """The entries of a watchlist file (CSV, or YAML/JSON): name and source required, aliases,
    registration_id, date (YYYY-MM-DD) and reason optional. Raises
    :class:`~licensecheck.errors.WatchlistError` with every problem at ``file:line:col``."""
    from .workspace.watchlist import import_watchlist as _import

    return _import(path)


def load_watchlist(path: str | os.PathLike[str]) -> Watchlist:
    """A watchlist file, indexed for matching by registration id, name and alias."""
    from .workspace.watchlist import load_watchlist as _load

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
    from .engine.evaluate import pack_info
    from .workspace.suppliers import assess_firms, build_supply_graph
    from .workspace.watchlist import Watchlist as _Watchlist
    from .workspace.watchlist import load_watchlist as _load

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
    from .workspace.suppliers import build_supply_graph

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
    from .workspace.suppliers import recorded_graph
    from .workspace.watchlist import Watchlist as _Watchlist
    from .workspace.watchlist import WatchlistEntry as _Entry

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
    from .workspace.watchlist import WatchlistEntry as _Entry

    with open_workspace(workspace, database_url=database_url) as ws:
        rows = ws.watchlist_entries()
    return [(str(row["list_file"]), _Entry.from_stored(row)) for row in rows]


def render_suppliers(graph: SupplyGraph, fmt: str = "text", *, root: str | None = None) -> str:
    """A supply graph as ``text`` (an indented tree), ``json`` or ``html`` (with an SVG
    picture); ``root`` is the key of the firm the tree starts from."""
    from .workspace.suppliers_render import render_suppliers as _render

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

    from .workspace.db import find_location
    from .workspace.store import open_workspace as _open

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
    from .engine.gate import check_fail_on
    from .workspace.record import pack_files_of, record, recording

    check_fail_on(fail_on)
    compiled = prepare_pack(pack)
    files = pack_files_of(compiled)
    read: Sequence[str | Declaration] = (
        texts
        if texts is not None
        else [load_declaration(a.declaration, schema=compiled.checked.schema) for a in assessments]
    )
    with open_workspace(workspace, database_url=database_url) as ws:
        return sum(
            record(ws, recording(a, d, files, fail_on))
            for a, d in zip(assessments, read, strict=True)
        )


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
    from .workspace.history import firm_history as _history

    with open_workspace(workspace, database_url=database_url) as ws:
        return _history(ws, firm, pack)


def render_history(history: History, fmt: str = "text") -> str:
    """A firm's history as ``text`` or ``json``."""
    from .workspace.history import render_history as _render

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
    from .workspace.portfolio import Filters
    from .workspace.portfolio import portfolio as _portfolio

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
    from .errors import Diagnostic, UsageError

    try:
        return parse_as_of(value)
    except UsageError as error:
        message = error.diagnostics[0].message.replace("--as-of", "--since", 1)
        raise UsageError(Diagnostic(error.diagnostics[0].code, message)) from None


def render_portfolio(result: Portfolio, fmt: str = "text") -> str:
    """A portfolio as ``text``, ``json``, ``csv`` (formula-safe) or ``html`` (sortable,
    printable, one file)."""
    from .workspace.portfolio import render_portfolio as _render

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
    from .workspace.history import trend_of

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    with open_workspace(workspace, database_url=database_url) as ws:
        return trend_of(ws, loaded.data.get("company") or {}, compiled.checked.id)


# --- lsp ---


def unsaved_texts(texts: Mapping[str, str]) -> AbstractContextManager[None]:
    """Within the block, every file in ``texts`` (absolute path → text) is read from it
    instead of the disk: an editor's unsaved buffers, checked as typed."""
    from .sources.text import unsaved_texts as _unsaved

    return _unsaved(texts)


def requirement_words(
    expr: object, consts: Mapping[str, object] | None = None, lang: str = "en"
) -> str:
    """What a rule expression (a :mod:`licensecheck.lang.nodes` node) requires, in words."""
    from .lang.nodes import Node
    from .reports.requirements import requirement_text

    if not isinstance(expr, Node):
        raise TypeError(f"not an expression: {expr!r}")
    return requirement_text(expr, consts, lang)  # type: ignore[arg-type]


def fields_read(pack: PackRef) -> dict[str, set[str]]:
    """Every declaration path the pack's rules read (``data_sources[].kind``) → the ids of
    the rules that read it."""
    from .authoring.skeleton import format_read, read_fields

    checked = prepare_pack(pack).checked
    return {format_read(path): rules for path, rules in read_fields(checked).items()}


def schema_value_words(node: SchemaNode | None) -> str:
    """The values a declaration field takes, in words (as ``init`` comments them)."""
    from .authoring.skeleton import value_words

    return value_words(node)


def print_expression(expr: syntax.Node) -> str:
    """A rule expression as the rule language writes it."""
    from .lang.printer import expression_text

    return expression_text(expr)  # type: ignore[arg-type]


def declaration_schema() -> DeclarationSchema:
    """The declaration schema (without any pack's extensions)."""
    from .declaration.schema import load_declaration_schema

    return load_declaration_schema()


# ---------------------------------------------------------------------------- text in memory


def load_declaration_text(text: str, source: str, pack: PackRef | None = None) -> Declaration:
    """Parse and validate a declaration held in memory (a web form, an HTTP request body),
    reported as ``source`` (``.json`` is JSON, anything else YAML), against the schema of
    ``pack`` (with its extensions) or the base schema. Raises
    :class:`~licensecheck.errors.DeclarationError` as :func:`load_declaration` does."""
    from .declaration.loader import load_declaration_text as _load

    schema = prepare_pack(pack).checked.schema if pack is not None else None
    return _load(text, source, schema=schema)
