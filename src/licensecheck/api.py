"""The Python API: everything the CLI does, callable from code.

>>> import licensecheck
>>> result = licensecheck.assess("examples/demo-credit-scoring.yaml", "starter", as_of="2026-01-01")
>>> result.summary.score, result.summary.ready  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .engine.evaluate import assess_compiled
from .engine.gate import FAIL_ON_CHOICES, blocks, exit_code
from .engine.models import Assessment
from .engine.pipeline import (
    LANGUAGES,
    DeclarationRef,
    PackRef,
    assess,
    check_lang,
    load_baseline,
    load_declaration,
    load_waivers,
    parse_as_of,
    prepare_pack,
    prepare_waivers,
)
from .errors import Diagnostic, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from .authoring.fmt import FormatResult
    from .authoring.lint import LintResult
    from .authoring.packtest import PackTestReport
    from .config import LoadedConfig
    from .engine.baseline import Baseline, DiffReport
    from .engine.batch import Batch, BatchItem
    from .engine.waivers import WaiverSet
    from .reports.gap import GapReport
    from .reports.plan import Plan

__all__ = [
    "FAIL_ON_CHOICES",
    "LANGUAGES",
    "DeclarationRef",
    "PackRef",
    "assess",
    "blocks",
    "exit_code",
    "load_baseline",
    "load_declaration",
    "load_waivers",
    "parse_as_of",
    "prepare_pack",
    "prepare_waivers",
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
    from .engine.waivers import WaiverSet, check_waivers, expired_diagnostics

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
    from .declaration.loader import parse_path
    from .engine.waivers import fingerprint, scope_paths

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
    from .engine.batch import expand_paths

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
    from .engine.batch import Batch, BatchOptions, expand_paths, run_batch

    check_lang(lang)
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
    from .engine.batch import Batch, BatchItem, BatchOptions

    if fmt not in FORMATS:
        raise UsageError(
            Diagnostic("usage", f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
        )
    if isinstance(result, Assessment):
        if fmt in ("text", "json"):
            from .formats.text import render_json, render_text

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
        from .formats.sarif import render_sarif

        return render_sarif(batch)
    if fmt == "junit":
        from .formats.junit import render_junit

        return render_junit(batch)
    if fmt == "github":
        from .formats.github import render_github

        return render_github(batch, fail_on=fail_on)
    if fmt == "oscal":
        from .formats.oscal import render_assessment_results

        return render_assessment_results(batch)
    from .engine.batch import render_batch_json, render_batch_summary
    from .formats.text import render_text

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
    from .engine.baseline import diff_assessments

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
    from .engine.baseline import is_report, load_reports

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
    from .engine.baseline import diff_assessments
    from .reports.gap import build_gap_report

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
    from .reports.plan import build_plan

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

    from .reports.documents import render_report as _render

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
        from .formats.oscal import render_poam

        return render_poam(plan)
    from pathlib import Path

    from .reports.documents import render_plan as _render

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
    from .authoring.explain import explain_evaluation as _explain
    from .authoring.explain import find_rule

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
    from .authoring.scaffold import new_pack as _new

    return _new(name, directory, extends=extends, title=title, pack_path=pack_path)


def declaration_skeleton(
    pack: PackRef, *, pack_path: Sequence[str | os.PathLike[str]] | None = None
) -> str:
    """A YAML declaration holding exactly the fields the pack's rules read, each commented
    with what it is, the values it takes and the rules that use it."""
    from .authoring.skeleton import declaration_skeleton as _skeleton

    return _skeleton(prepare_pack(pack, pack_path=pack_path).checked)
