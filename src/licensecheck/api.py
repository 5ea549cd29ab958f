"""The Python API: everything the CLI does, callable from code.

>>> import licensecheck
>>> result = licensecheck.assess("examples/demo-credit-scoring.yaml", "starter", as_of="2026-01-01")
>>> result.summary.score, result.summary.ready  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from .check import CheckedPack, check_pack
from .compile import CompiledPack, compile_pack
from .declaration import Declaration
from .declaration import load_declaration as _load_declaration
from .errors import Diagnostic, UsageError
from .evaluate import assess_compiled
from .models import SEVERITIES, Assessment, Finding, Severity
from .pack import LoadedPack, load_pack
from .schema import DeclarationSchema, load_declaration_schema

if TYPE_CHECKING:
    from pathlib import Path

    from .batch import Batch, BatchItem
    from .config import LoadedConfig
    from .diff import Baseline, DiffReport
    from .fmt import FormatResult
    from .lint import LintResult
    from .packtest import PackTestReport
    from .planning import Plan
    from .reporting import GapReport
    from .waivers import WaiverSet

FAIL_ON_CHOICES = (*SEVERITIES, "none")
LANGUAGES = ("en", "zh")

PackRef = str | os.PathLike[str] | LoadedPack | CheckedPack | CompiledPack
DeclarationRef = str | os.PathLike[str] | Mapping[str, Any] | Declaration


def prepare_pack(
    pack: PackRef,
    *,
    schema: DeclarationSchema | None = None,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> CompiledPack:
    """Load (by id or folder), statically check and compile a pack.

    A pack id is searched in ``pack_path`` (folders holding pack folders), then in the
    ``LICENSECHECK_PACK_PATH`` folders, then among the bundled packs. Raises
    :class:`~licensecheck.errors.PackError` listing every problem. The result can be reused
    for any number of declarations.
    """
    if isinstance(pack, CompiledPack):
        return pack
    if isinstance(pack, CheckedPack):
        return compile_pack(pack)
    with _no_garbage_collection():  # building thousands of nodes triggers useless GC passes
        loaded = pack if isinstance(pack, LoadedPack) else load_pack(pack, pack_path=pack_path)
        return compile_pack(check_pack(loaded, schema or load_declaration_schema()))


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_declaration(
    declaration: DeclarationRef, *, schema: DeclarationSchema | None = None
) -> Declaration:
    """Read and validate a declaration file (YAML or JSON) or an in-memory mapping."""
    if isinstance(declaration, Declaration):
        return declaration
    return _load_declaration(declaration, schema=schema or load_declaration_schema())


def parse_as_of(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            Diagnostic("usage", f"--as-of: '{value}' is not a date (YYYY-MM-DD)")
        ) from None


def assess(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | Assessment | None = None,
) -> Assessment:
    """Assess one declaration against one pack on the date ``as_of`` (default: today).

    ``waivers``: a waiver file (or :func:`load_waivers` result); covered gaps become
    ``waived`` and every waiver's state is recorded. ``baseline``: an earlier JSON report
    (file, :func:`load_baseline` result or :class:`Assessment`); each finding is marked new,
    worsened, improved, unchanged or fixed, and :func:`exit_code` counts only new and
    worsened gaps.
    """
    if lang not in LANGUAGES:
        raise UsageError(
            Diagnostic("usage", f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}")
        )
    day = parse_as_of(as_of)
    compiled = prepare_pack(pack)
    waiver_set = prepare_waivers(waivers, compiled) if waivers is not None else None
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    result = assess_compiled(compiled, loaded, day, lang)
    if waiver_set is not None:
        from .waivers import apply_waivers

        result = apply_waivers(result, waiver_set, loaded)
    if baseline is not None:
        from .diff import apply_baseline

        if isinstance(baseline, Assessment):
            result = apply_baseline(result, baseline, baseline.declaration)
        else:
            base = load_baseline(baseline)
            result = apply_baseline(result, base.for_declaration(loaded.source), base.source)
    return result


def blocks(finding: Finding, fail_on: str = "high") -> bool:
    """Whether ``finding`` makes :func:`exit_code` return 1: a gap (``fail``, ``unknown``,
    ``error``) at or above ``fail_on``, not in its grace period and, with a baseline, new or
    worsened."""
    if fail_on == "none" or finding.status not in ("fail", "unknown", "error"):
        return False
    if finding.in_grace or finding.baseline in ("unchanged", "improved"):
        return False
    return SEVERITIES.index(finding.severity) <= SEVERITIES.index(cast(Severity, fail_on))


def exit_code(result: Assessment | Batch, fail_on: str = "high") -> int:
    """0 when no gap is at or above ``fail_on``, else 1 (``none`` never fails); for a batch,
    2 when a file could not be assessed.

    A gap is a ``fail``, ``unknown`` or ``error`` finding; failures inside a rule's grace
    period do not count, nor, with a baseline, gaps that are not new or worse.
    """
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(
            Diagnostic(
                "usage", f"unknown --fail-on '{fail_on}'; use one of {', '.join(FAIL_ON_CHOICES)}"
            )
        )
    if not isinstance(result, Assessment):
        if result.errors:
            return 2
        return max((exit_code(a, fail_on) for a in result.assessments), default=0)
    return 1 if any(blocks(f, fail_on) for f in result.findings) else 0


# ---------------------------------------------------------------------------- CI integration


def load_waivers(path: str | os.PathLike[str]) -> WaiverSet:
    """Read and validate a waiver file on its own (schema, paths, duplicates)."""
    from .waivers import load_waivers as _load

    return _load(path)


def prepare_waivers(waivers: str | os.PathLike[str] | WaiverSet, pack: PackRef) -> WaiverSet:
    """Load a waiver file (unless already loaded) and check it against ``pack``: unknown
    rules and critical rules without ``approved_by`` raise :class:`WaiverError`."""
    from .waivers import WaiverSet, check_waivers

    waiver_set = waivers if isinstance(waivers, WaiverSet) else load_waivers(waivers)
    check_waivers(waiver_set, prepare_pack(pack))
    return waiver_set


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
    from .waivers import WaiverSet, check_waivers, expired_diagnostics

    waiver_set = waivers if isinstance(waivers, WaiverSet) else load_waivers(waivers)
    chosen = pack if pack is not None else (waiver_set.file.model.pack or "starter")
    warnings = check_waivers(waiver_set, prepare_pack(chosen))
    warnings += expired_diagnostics(waiver_set, parse_as_of(as_of))
    return sorted(warnings, key=Diagnostic.sort_key)


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
    from .declaration import parse_path
    from .waivers import fingerprint, scope_paths

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    result = assess_compiled(compiled, loaded, parse_as_of(as_of), "en")
    finding = result.finding(rule_id)
    if finding is None:
        raise UsageError(Diagnostic("usage", f"pack {compiled.checked.id} has no rule '{rule_id}'"))
    try:
        parsed = parse_path(path) if path is not None else None
    except ValueError as exc:
        raise UsageError(Diagnostic("usage", f"--path '{path}' is not a path: {exc}")) from None
    scope = scope_paths(loaded.data, path=parsed, element=element)
    if scope == []:
        what = path if path is not None else f"element '{element}'"
        raise UsageError(Diagnostic("usage", f"{what} is not in {loaded.source}"))
    value = fingerprint(finding, scope, loaded.data)
    if value is None:
        raise UsageError(
            Diagnostic(
                "usage",
                f"{rule_id} is {finding.status} for {loaded.source}: there is no gap to waive",
            )
        )
    return value


def load_baseline(baseline: str | os.PathLike[str] | Baseline) -> Baseline:
    """Read a JSON report (``check --format json``, one file or a batch) as a baseline."""
    from .diff import Baseline
    from .diff import load_baseline as _load

    return baseline if isinstance(baseline, Baseline) else _load(baseline)


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
    paths: Sequence[str | os.PathLike[str]], *, exclude: Sequence[str | os.PathLike[str]] = ()
) -> list[str]:
    """Files as given; folders replaced by the ``*.yaml``/``*.yml``/``*.json`` files below
    them, leaving out ``exclude`` (a waiver file, a baseline, an output kept beside them)."""
    from .batch import expand_paths

    return expand_paths(paths, exclude=exclude)


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
    from .batch import Batch, BatchOptions, expand_paths, run_batch

    if lang not in LANGUAGES:
        raise UsageError(
            Diagnostic("usage", f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}")
        )
    if jobs < 1:
        raise UsageError(Diagnostic("usage", f"--jobs must be at least 1, not {jobs}"))
    compiled = prepare_pack(pack)
    options = BatchOptions(
        as_of=parse_as_of(as_of),
        lang=lang,
        waivers=prepare_waivers(waivers, compiled) if waivers is not None else None,
        baseline=load_baseline(baseline) if baseline is not None else None,
    )
    items = []
    for item in run_batch(expand_paths(declarations), compiled, options, jobs=jobs):
        items.append(item)
        if on_result is not None:
            on_result(item)
    return Batch(tuple(items), compiled, options)


FORMATS = ("text", "json", "sarif", "junit", "github", "oscal")


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
    from .batch import Batch, BatchItem, BatchOptions

    if fmt not in FORMATS:
        raise UsageError(
            Diagnostic("usage", f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
        )
    if isinstance(result, Assessment):
        if fmt in ("text", "json"):
            from .report import render_json, render_text

            if fmt == "json":
                return render_json(result)
            return render_text(result, verbose=verbose, **({"style": style} if style else {}))
        compiled = prepare_pack(pack) if pack is not None else None
        batch = Batch(
            (BatchItem(result.declaration, result),),
            compiled,
            BatchOptions(as_of=result.as_of, lang=result.lang),
        )
        return _render_batch(batch, fmt, fail_on=fail_on, verbose=verbose, style=style)
    return _render_batch(result, fmt, fail_on=fail_on, verbose=verbose, style=style)


def _render_batch(
    batch: Batch, fmt: str, *, fail_on: str, verbose: bool, style: Callable[..., str] | None
) -> str:
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(batch)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(batch)
    if fmt == "github":
        from .github_annotations import render_github

        return render_github(batch, fail_on=fail_on)
    if fmt == "oscal":
        from .oscal import render_assessment_results

        return render_assessment_results(batch)
    from .batch import render_batch_json, render_batch_summary
    from .report import render_text

    if fmt == "json":
        return render_batch_json(batch)
    parts = [
        render_text(item.assessment, verbose=verbose, **({"style": style} if style else {}))
        for item in batch.items
        if item.assessment is not None
    ]
    return "\n".join([*parts, render_batch_summary(batch)])


def compare(
    old: DeclarationRef | Assessment,
    new: DeclarationRef | Assessment,
    pack: PackRef | None = None,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
) -> DiffReport:
    """``licensecheck diff``: compare two declarations (assessed with ``pack`` on ``as_of``)
    or two JSON reports (files or :class:`Assessment`): fixed, new, worsened, improved and
    unchanged gaps, and the score change."""
    from .diff import diff_assessments

    before = _diff_side(old, pack, as_of, lang)
    after = _diff_side(new, pack, as_of, lang)
    if before.pack.id != after.pack.id:
        raise UsageError(
            Diagnostic(
                "usage",
                f"{before.declaration} and {after.declaration} were assessed with different "
                f"packs ({before.pack.id}, {after.pack.id}): compare like with like",
            )
        )
    return diff_assessments(before, after)


def _diff_side(
    side: DeclarationRef | Assessment,
    pack: PackRef | None,
    as_of: str | dt.date | None,
    lang: str,
) -> Assessment:
    from .diff import is_report, load_reports

    if isinstance(side, Assessment):
        return side
    if isinstance(side, str | os.PathLike) and is_report(side):
        reports = load_reports(side)
        if len(reports) != 1:
            raise UsageError(
                Diagnostic(
                    "usage",
                    f"{os.fspath(side)} holds {len(reports)} reports; diff compares one with one",
                )
            )
        return next(iter(reports.values()))
    if pack is None:
        raise UsageError(Diagnostic("usage", "comparing declarations needs a pack (--pack)"))
    return assess(side, pack, as_of=as_of, lang=lang)


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
    from .diff import diff_assessments
    from .reporting import build_gap_report

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    base = load_baseline(baseline) if baseline is not None else None
    result = assess(loaded, compiled, as_of=as_of, lang=lang, baseline=base, waivers=waivers)
    old = base.for_declaration(loaded.source) if base is not None else None
    changes = diff_assessments(old, result) if old is not None else None
    return build_gap_report(result, compiled, loaded, changes=changes)


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
) -> Plan:
    """A remediation plan for ``declaration``: one task per fail and per unknown, in phases,
    scheduled over working days from ``start`` (default ``as_of``) on ``capacity`` parallel
    workstreams, with the critical path, milestones and a projected licence-ready date.
    ``assume_fixed`` plans as if those rules passed; ``what_if`` adds, for each blocking gap,
    the score and date if it alone were fixed. Render it with :func:`render_plan`."""
    from .planning import build_plan

    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    result = assess(loaded, compiled, as_of=as_of, lang=lang, waivers=waivers)
    first = parse_as_of(start) if start is not None else result.as_of
    company = loaded.data.get("company", {})
    return build_plan(
        result,
        compiled,
        company=str(company.get("name", "")) if isinstance(company, dict) else "",
        start=first,
        capacity=capacity,
        assume_fixed=assume_fixed,
        what_if=what_if,
    )


def render_report(
    report: GapReport, fmt: str = "markdown", *, templates: str | os.PathLike[str] | None = None
) -> str:
    """A gap report as ``markdown``, ``html`` (one self-contained file) or ``json``;
    ``templates``: a folder of your own Jinja2 templates (run in the sandbox)."""
    from pathlib import Path

    from .documents import render_report as _render

    return _render(report, fmt, templates=Path(templates) if templates is not None else None)


def render_plan(
    plan: Plan,
    fmt: str = "markdown",
    *,
    templates: str | os.PathLike[str] | None = None,
    bom: bool = False,
) -> str:
    """A plan as ``markdown``, ``html`` (with a Gantt chart), ``json``, ``csv`` (``bom``:
    start with a UTF-8 byte-order mark for Excel) or ``oscal`` (an OSCAL POA&M)."""
    if fmt == "oscal":
        from .oscal import render_poam

        return render_poam(plan)
    from pathlib import Path

    from .documents import render_plan as _render

    folder = Path(templates) if templates is not None else None
    return _render(plan, fmt, templates=folder, bom=bom)


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
    from .lint import lint_pack as _lint

    return _lint(pack, strict=strict, pack_path=pack_path)


def run_pack_tests(
    pack: PackRef, *, pack_path: Sequence[str | os.PathLike[str]] | None = None
) -> PackTestReport:
    """Run the cases in the pack's ``tests/`` folder: per-case results and rule coverage."""
    from .packtest import run_pack_tests as _run

    return _run(prepare_pack(pack, pack_path=pack_path))


def format_pack(target: str | os.PathLike[str], *, write: bool = False) -> list[FormatResult]:
    """Format the ``.rules`` files of a pack folder (or one file); ``write`` replaces the
    files that change, atomically. Raises :class:`~licensecheck.errors.PackError` if a file
    does not parse (and then writes nothing)."""
    from .fmt import format_paths

    return format_paths(target, write=write)


def format_rules(text: str, path: str = "<rules>") -> str:
    """The canonical layout of the text of one rules file."""
    from .fmt import format_rules as _format

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
    from .explain import explain_rule as _explain

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
    from .explain import explain_evaluation as _explain
    from .explain import find_rule

    compiled = prepare_pack(pack, pack_path=pack_path)
    find_rule(compiled, rule_id)  # an unknown rule is a usage error before any reading
    day = parse_as_of(as_of)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    finding = assess_compiled(compiled, loaded, day, lang).finding(rule_id)
    assert finding is not None
    return _explain(compiled, rule_id, loaded, finding, day, lang)


def new_pack(
    name: str,
    directory: str | os.PathLike[str] = ".",
    *,
    extends: str | None = None,
    title: str | None = None,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> Path:
    """Scaffold the pack ``directory/name`` (one example rule, tests that pass); returns it."""
    from .scaffold import new_pack as _new

    return _new(name, directory, extends=extends, title=title, pack_path=pack_path)


def declaration_skeleton(
    pack: PackRef, *, pack_path: Sequence[str | os.PathLike[str]] | None = None
) -> str:
    """A YAML declaration holding exactly the fields the pack's rules read, each commented
    with what it is, the values it takes and the rules that use it."""
    from .skeleton import declaration_skeleton as _skeleton

    return _skeleton(prepare_pack(pack, pack_path=pack_path).checked)
