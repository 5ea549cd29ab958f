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
import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import load_attribute
from ..engine.gate import DEFAULT_FAIL_ON, FAIL_ON_CHOICES, blocks, exit_code
from ..engine.pipeline import (
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
from ..errors import Diagnostic, LicenseCheckError
from ..formats.dispatch import DIFF_FORMATS, FORMATS
from ..packs.loader import DEFAULT_PACK

#: The names this facade re-exports from its other modules (the editors', the pack supply
#: chain's, the workspace's; one would outgrow a reader) and from the layers below, by the
#: module defining each: imported when first asked for (PEP 562), so that a cold ``check``
#: loads none of the workspace, editor, schema export or signing modules it never runs
#: (issue #12, cold start). :data:`SCHEMA_NAMES` is made by :func:`__getattr__` too.
_LAZY: dict[str, tuple[str, ...]] = {
    ".editor": (
        "declaration_schema",
        "fields_read",
        "pack_caching",
        "print_expression",
        "requirement_words",
        "schema_value_words",
        "unsaved_texts",
    ),
    ".packchain": (
        "list_pack_sources",
        "lock_packs",
        "pack_chain",
        "sign_pack_folder",
        "verify_pack",
    ),
    ".workspace": (
        "SUPPLIER_FORMATS",
        "diff_packs",
        "firm_history",
        "impact",
        "impact_exit_code",
        "import_watchlist",
        "load_watchlist",
        "open_workspace",
        "portfolio",
        "record_assessments",
        "recorded_supply_graph",
        "recorder",
        "render_history",
        "render_impact",
        "render_pack_diff",
        "render_portfolio",
        "render_suppliers",
        "report_history",
        "store_watchlist",
        "stored_watchlist",
        "supply_graph",
        "supply_graph_of",
    ),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    if name == "syntax":  # the rule language's syntax tree, for editors
        value: Any = importlib.import_module("..lang.nodes", __name__)
    elif name == "SCHEMA_NAMES":
        # the authoring layer's schemas, then the workspace's (which that layer cannot import)
        from ..authoring.schema_export import SCHEMA_NAMES as authoring

        value = (*authoring, "impact")
    else:  # a re-exported name, or one of this facade's own modules (api.workspace, …)
        return load_attribute(__name__, globals(), name, _LAZY_NAMES)
    globals()[name] = value  # once: the next look-up finds it without this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_NAMES, "syntax", "SCHEMA_NAMES"})


if TYPE_CHECKING:
    from pathlib import Path

    from ..lang import nodes as syntax  # made by __getattr__, as every name below
    from .editor import declaration_schema as declaration_schema
    from .editor import fields_read as fields_read
    from .editor import pack_caching as pack_caching
    from .editor import print_expression as print_expression
    from .editor import requirement_words as requirement_words
    from .editor import schema_value_words as schema_value_words
    from .editor import unsaved_texts as unsaved_texts
    from .packchain import list_pack_sources as list_pack_sources
    from .packchain import lock_packs as lock_packs
    from .packchain import pack_chain as pack_chain
    from .packchain import sign_pack_folder as sign_pack_folder
    from .packchain import verify_pack as verify_pack
    from .workspace import SUPPLIER_FORMATS as SUPPLIER_FORMATS
    from .workspace import diff_packs as diff_packs
    from .workspace import firm_history as firm_history
    from .workspace import impact as impact
    from .workspace import impact_exit_code as impact_exit_code
    from .workspace import import_watchlist as import_watchlist
    from .workspace import load_watchlist as load_watchlist
    from .workspace import open_workspace as open_workspace
    from .workspace import portfolio as portfolio
    from .workspace import record_assessments as record_assessments
    from .workspace import recorded_supply_graph as recorded_supply_graph
    from .workspace import recorder as recorder
    from .workspace import render_history as render_history
    from .workspace import render_impact as render_impact
    from .workspace import render_pack_diff as render_pack_diff
    from .workspace import render_portfolio as render_portfolio
    from .workspace import render_suppliers as render_suppliers
    from .workspace import report_history as report_history
    from .workspace import store_watchlist as store_watchlist
    from .workspace import stored_watchlist as stored_watchlist
    from .workspace import supply_graph as supply_graph
    from .workspace import supply_graph_of as supply_graph_of

    SCHEMA_NAMES: tuple[str, ...]

    from ..authoring.fmt import FormatResult
    from ..authoring.lint import LintResult
    from ..authoring.packtest import PackTestReport
    from ..config import LoadedConfig
    from ..declaration.loader import Declaration
    from ..declaration.schema import SchemaNode as SchemaNode
    from ..engine.baseline import Baseline, DiffReport
    from ..engine.batch import Batch, BatchItem, BatchRun
    from ..engine.compile import CompiledPack
    from ..engine.models import Assessment
    from ..engine.rules import CheckedPack as CheckedPack
    from ..engine.rules import Rule as Rule
    from ..engine.waivers import WaiverSet
    from ..errors import Span as Span
    from ..packs.listing import PackFit, PackSummary
    from ..reports.gap import GapReport
    from ..reports.plan import Plan

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
    from ..engine.waivers import WaiverSet, lint_waiver_set, waiver_pack

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
    from ..engine.waivers import waiver_fingerprint as _fingerprint

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

    from ..config import load_config as _load

    return _load(path, start=Path(start) if start is not None else None)


def find_declarations(
    paths: Sequence[str | os.PathLike[str]],
    *,
    exclude: Sequence[str | os.PathLike[str]] = (),
    outputs: Sequence[str | os.PathLike[str]] = (),
    stdout_file: os.stat_result | None = None,
    notes: list[Diagnostic] | None = None,
) -> list[str]:
    """Files as given; folders replaced by the ``*.yaml``/``*.yml``/``*.json`` files below
    them, leaving out ``exclude`` (a waiver file, a baseline). Each of ``outputs`` found by
    a scan is left out too when it is an earlier report, and refused when it is a
    declaration (it would be overwritten). A scan leaves out the file standard output is
    redirected to (``stdout_file``) and JSON outputs of an earlier run, with a warning in
    ``notes`` for each of those."""
    from ..engine.batch import expand_paths

    return expand_paths(
        paths, exclude=exclude, outputs=outputs, stdout_file=stdout_file, notes=notes
    )


def packs_that_fit(declaration: DeclarationRef) -> list[PackFit]:
    """The bundled packs whose jurisdiction and business lines fit ``declaration``, best
    first (see :func:`licensecheck.packs.listing.packs_that_fit`); offered when no pack is
    named. Raises :class:`DeclarationError` when the declaration does not load."""
    from ..packs.listing import packs_that_fit as _fit

    return _fit(load_declaration(declaration).data)


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
    evidence_root: str | os.PathLike[str] | None = None,
) -> Batch:
    """Assess many declaration files (folders stand for the declarations below them).

    One result per file, in order; a file that cannot be assessed carries its diagnostics
    instead of stopping the batch. ``jobs`` worker processes give the same results as a
    serial run. ``on_result`` is called after each file (for progress bars).
    ``evidence_root``: a folder evidence files may be in besides each declaration's own.
    """
    from ..engine.batch import assess_many as _assess_many

    return _assess_many(
        declarations,
        pack,
        as_of=as_of,
        lang=lang,
        waivers=waivers,
        baseline=baseline,
        jobs=jobs,
        on_result=on_result,
        evidence_root=evidence_root,
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
    evidence_root: str | os.PathLike[str] | None = None,
    witnesses: bool = True,
) -> BatchRun:
    """A batch prepared, not run: ``run.items()`` assesses the files in order, keeping nothing.
    ``witnesses=False``: gaps are not explained for their witnesses (their messages do not name
    them either), for a caller that shows only statuses, counts and scores; ignored with
    waivers or a baseline, which compare witnesses."""
    from ..engine.batch import start_batch as _start_batch

    return _start_batch(
        declarations,
        pack,
        as_of=as_of,
        lang=lang,
        waivers=waivers,
        baseline=baseline,
        jobs=jobs,
        evidence_root=evidence_root,
        witnesses=witnesses,
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
    from ..formats.dispatch import render as _render

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
    from ..formats.dispatch import render_runs as _render_runs

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
    from ..engine.selection import RuleSelection
    from ..engine.selection import select_rules as _select

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

    from ..engine.baseline import compare as _compare

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
    from ..formats.dispatch import render_diff as _render

    return _render(report, fmt, verbose=verbose, style=style)


def json_schema(name: str) -> str:
    """The JSON Schema of a public format, by one of :data:`SCHEMA_NAMES`, as JSON text."""
    import json

    from ..authoring.schema_export import schema_text
    from ..workspace.impact import impact_schema

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
    evidence_root: str | os.PathLike[str] | None = None,
) -> GapReport:
    """Assess ``declaration`` and turn the result into a gap report: summary, score range,
    each gap with what the rule requires and the smallest declaration change, the unknowns as
    a questionnaire and, with ``baseline`` (an earlier ``check --format json`` report), what
    changed. ``evidence_root``: a folder evidence files may be in besides the declaration's.
    Render it with :func:`render_report`."""
    from ..reports.gap import gap_report as _gap_report

    return _gap_report(
        declaration,
        pack,
        as_of=as_of,
        lang=lang,
        baseline=baseline,
        waivers=waivers,
        evidence_root=evidence_root,
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
    evidence_root: str | os.PathLike[str] | None = None,
) -> Plan:
    """A remediation plan for ``declaration``: one task per fail and per unknown, in phases,
    scheduled over working days from ``start`` (default ``as_of``) on ``capacity`` parallel
    workstreams, with the critical path, milestones and a projected licence-ready date.
    ``assume_fixed`` plans as if those rules passed; ``what_if`` adds, for each blocking gap,
    the score and date if it alone were fixed. ``calendar`` (``weekends``, ``cn`` or ``none``)
    says which days are working days; by default the pack's (pack.yaml ``calendar``), else
    Monday to Friday. Render it with :func:`render_plan`."""
    from ..reports.plan import plan_declaration

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
        evidence_root=evidence_root,
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
    from ..formats.dispatch import render_report as _render

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
    from ..formats.dispatch import render_plan as _render

    return _render(plan, fmt, templates=templates, bom=bom)


# ---------------------------------------------------------------- packs


def list_packs() -> list[PackSummary]:
    """The bundled packs: id, version, title, the packs each extends and its own rules."""
    from ..packs.listing import list_packs as _list

    return _list()


def pack_catalogue(pack: PackRef) -> str:
    """``pack`` as a Markdown rule catalogue: every rule with its citation and requirement."""
    from ..authoring.catalogue import render_catalogue

    return render_catalogue(prepare_pack(pack))


def generated_code(pack: PackRef) -> str:
    """The Python code ``pack``'s rules are evaluated with once warm: one function built
    with the ``ast`` module, audited (``packs compile --show``; docs/security.md)."""
    from ..engine.evaluate import generated_code as _generated

    return _generated(prepare_pack(pack)).source()


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
    from ..authoring.lint import lint_pack as _lint

    return _lint(pack, strict=strict, pack_path=pack_path)


def run_pack_tests(
    pack: PackRef, *, pack_path: Sequence[str | os.PathLike[str]] | None = None
) -> PackTestReport:
    """Run the cases in the pack's ``tests/`` folder: per-case results and rule coverage."""
    from ..authoring.packtest import run_pack_tests as _run

    return _run(prepare_pack(pack, pack_path=pack_path))


def format_pack(target: str | os.PathLike[str], *, write: bool = False) -> list[FormatResult]:
    """Format the ``.rules`` files of a pack folder (or one file); ``write`` replaces the
    files that change, atomically. Raises :class:`~licensecheck.errors.PackError` if a file
    does not parse (and then writes nothing)."""
    from ..authoring.fmt import format_paths

    return format_paths(target, write=write)


def format_rules(text: str, path: str = "<rules>") -> str:
    """The canonical layout of the text of one rules file."""
    from ..authoring.fmt import format_rules as _format

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
    from ..authoring.explain import explain_rule as _explain

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
    from ..authoring.explain import explain_declaration

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
    from ..authoring.scaffold import new_pack as _new

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
    from ..authoring.skeleton import declaration_skeleton as _skeleton
    from ..authoring.skeleton import schema_modeline

    text = _skeleton(prepare_pack(pack, pack_path=pack_path).checked)
    return text if written_to is None else schema_modeline(written_to) + text


# ---------------------------------------------------------------------------- text in memory


def load_declaration_text(text: str, source: str, pack: PackRef | None = None) -> Declaration:
    """Parse and validate a declaration held in memory (a web form, an HTTP request body),
    reported as ``source`` (``.json`` is JSON, anything else YAML), against the schema of
    ``pack`` (with its extensions) or the base schema. Raises
    :class:`~licensecheck.errors.DeclarationError` as :func:`load_declaration` does."""
    from ..declaration.loader import load_declaration_text as _load

    schema = prepare_pack(pack).checked.schema if pack is not None else None
    return _load(text, source, schema=schema)
