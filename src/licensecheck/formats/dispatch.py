"""Which renderer writes which format: one entry point per kind of result.

Enters: an assessment or a batch (``check``), a diff report (``diff``), a gap report
(``report``) or a plan (``plan``), and a format name. Leaves: the rendered text, or a usage
error naming the formats there are. Renderers are imported when used, so that ``check``
never loads the document templates (Jinja2).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import codes
from ..engine.gate import DEFAULT_FAIL_ON
from ..errors import Diagnostic, UsageError

if TYPE_CHECKING:
    from ..engine.baseline import DiffReport
    from ..engine.batch import Batch
    from ..engine.models import Assessment
    from ..engine.pipeline import PackRef
    from ..reports.gap import GapReport
    from ..reports.plan import Plan

#: The formats of ``check``: one assessment or a batch.
FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "oscal", "markdown")
DIFF_FORMATS = ("text", "json")


def render(
    result: Assessment | Batch,
    fmt: str = "text",
    *,
    pack: PackRef | None = None,
    fail_on: str = DEFAULT_FAIL_ON,
    verbose: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """An assessment or a batch in one of :data:`FORMATS`. Text and JSON of one assessment
    are its own report; every other format sees a batch (of one)."""
    from ..engine.batch import Batch, BatchItem, BatchOptions
    from ..engine.models import Assessment

    _check_format(fmt, FORMATS)
    if isinstance(result, Assessment):
        if fmt == "json":
            return render_json(result)
        if fmt == "text":
            from .text import render_text

            return render_text(result, verbose=verbose, **({"style": style} if style else {}))
        from ..engine.pipeline import prepare_pack

        compiled = prepare_pack(pack) if pack is not None else None
        batch = Batch(
            (BatchItem(result.declaration, result),),
            compiled,
            BatchOptions(as_of=result.as_of, lang=result.lang),
        )
        return _render_batch(batch, fmt, fail_on=fail_on, verbose=verbose, style=style)
    return _render_batch(result, fmt, fail_on=fail_on, verbose=verbose, style=style)


def render_runs(
    runs: Sequence[Batch],
    fmt: str = "text",
    *,
    single: bool = False,
    fail_on: str = DEFAULT_FAIL_ON,
    verbose: bool = False,
    quiet: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """``check``'s output: one batch per pack (``--pack A --pack B``) in one of
    :data:`FORMATS`. ``single``: the run names one file, shown as its own report.

    With several packs, SARIF has a run per pack, JUnit a suite per pack and file, GitHub one
    list of annotations (most severe first), JSON a :class:`PackRuns` wrapper and text a
    section per pack; OSCAL describes one pack's assessment and refuses several. ``quiet``
    text is the summary line of each file (or batch) and pack alone.
    """
    _check_format(fmt, FORMATS)
    if fmt == "text" and quiet:
        named = len(runs) > 1
        return "".join(_quiet(batch, single=single, named=named, style=style) for batch in runs)
    if len(runs) == 1:
        (batch,) = runs
        result = batch.assessments[0] if single and batch.assessments else batch
        return render(result, fmt, pack=batch.pack, fail_on=fail_on, verbose=verbose, style=style)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(runs)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(runs, fail_on=fail_on)
    if fmt == "github":
        from .github import render_github

        return render_github(runs, fail_on=fail_on)
    if fmt == "markdown":
        from .summary import render_summary

        return render_summary(runs, fail_on=fail_on)
    if fmt == "oscal":
        raise oscal_of_several_packs()
    if fmt == "jsonl":
        return "".join(
            _render_batch(b, fmt, fail_on=fail_on, verbose=verbose, style=style) for b in runs
        )
    if fmt == "json":
        return through_sink(runs, fmt)
    sections = []
    for batch in runs:
        info = batch.pack_info
        result = batch.assessments[0] if single and batch.assessments else batch
        body = render(result, fmt, fail_on=fail_on, verbose=verbose, style=style)
        sections.append(f"=== {info.id} {info.version} ===\n\n{body}")
    return "\n".join(sections)


def render_json(assessment: Assessment) -> str:
    """One assessment's JSON report (the report contract). Here, not with the text renderer:
    a JSON check then imports neither it nor its phrases (~0.7 ms, issue #12)."""
    return assessment.model_dump_json(indent=2, by_alias=True) + "\n"


def oscal_of_several_packs() -> UsageError:
    """The error of ``--format oscal`` with several packs."""
    return UsageError(
        Diagnostic(
            codes.USAGE,
            "an OSCAL assessment-results document describes one pack's assessment: "
            "write --format oscal with one --pack at a time",
        )
    )


def _quiet(batch: Batch, *, single: bool, named: bool, style: Callable[..., str] | None) -> str:
    from ..engine.batch_report import render_batch_summary
    from .text import summary_line

    if single and batch.assessments:
        line = summary_line(batch.assessments[0], **({"style": style} if style else {}))
    else:
        line = render_batch_summary(batch).splitlines()[0] + "\n"
    return f"{batch.pack_info.id}: {line}" if named else line


def _check_format(fmt: str, choices: tuple[str, ...]) -> None:
    if fmt not in choices:
        from ..errors import did_you_mean

        guess = did_you_mean(fmt, choices)
        hint = f"did you mean '{guess}'? " if guess else ""
        raise UsageError(
            Diagnostic(
                codes.USAGE, f"unknown format '{fmt}'; {hint}use one of {', '.join(choices)}"
            )
        )


def _render_batch(
    batch: Batch, fmt: str, *, fail_on: str, verbose: bool, style: Callable[..., str] | None
) -> str:
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(batch)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(batch, fail_on=fail_on)
    if fmt == "github":
        from .github import render_github

        return render_github(batch, fail_on=fail_on)
    if fmt == "oscal":
        from .oscal import render_assessment_results

        return render_assessment_results(batch)
    if fmt == "markdown":
        from .summary import render_summary

        return render_summary(batch, fail_on=fail_on)
    if fmt in ("json", "jsonl"):
        return through_sink([batch], fmt)
    from ..engine.batch_report import render_batch_summary
    from .text import render_text

    parts = [
        render_text(item.assessment, verbose=verbose, **({"style": style} if style else {}))
        for item in batch.items
        if item.assessment is not None
    ]
    return "\n".join([*parts, render_batch_summary(batch)])


def through_sink(runs: Sequence[Batch], fmt: str) -> str:
    """Whole batches through the sink that otherwise writes them while they run: one
    renderer of ``json`` and ``jsonl``."""
    from ..engine.batch import BatchRun
    from ..output import joined
    from .piece import Output, Render, piece
    from .stream import JsonSink, make_sink, rule_infos_from

    first = runs[0]
    sink = JsonSink(0, fmt, len(runs) > 1, first.options.as_of)
    for batch in runs:
        if batch.pack is not None:
            sink.start(BatchRun(batch.pack, batch.options, ()))
        else:  # an assessment rendered without its pack: the rules its findings name
            rules = rule_infos_from(batch.assessments[0]) if fmt == "jsonl" else []
            info, options = batch.pack_info, batch.options
            sink.begin(make_sink(fmt, info, rules, options.as_of, options.lang))
        render = Render((Output(fmt),), batch.pack_info.id, batch.options.as_of)
        for item in batch.items:
            sink.add(piece(item, render))
    return joined([*sink.ready(), *sink.chunks()])


def render_diff(
    report: DiffReport,
    fmt: str = "text",
    *,
    verbose: bool = False,
    style: Callable[..., str] | None = None,
) -> str:
    """A diff report as ``text`` (``verbose``: with the unchanged gaps) or ``json``."""
    from ..engine.baseline import render_diff_json, render_diff_text

    _check_format(fmt, DIFF_FORMATS)
    if fmt == "json":
        return render_diff_json(report)
    return render_diff_text(report, verbose=verbose, style=style)


def render_report(
    report: GapReport,
    fmt: str = "markdown",
    *,
    templates: str | os.PathLike[str] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """A gap report as ``markdown``, ``html`` or ``json``, with the bundled templates or those
    in the ``templates`` folder; ``history`` adds the score trend chart to the HTML."""
    from pathlib import Path

    from ..reports.documents import render_report as _render

    return _render(
        report, fmt, templates=Path(templates) if templates is not None else None, history=history
    )


def render_plan(
    plan: Plan,
    fmt: str = "markdown",
    *,
    templates: str | os.PathLike[str] | None = None,
    bom: bool = False,
) -> str:
    """A plan as an OSCAL POA&M (``oscal``) or as one of the documents (markdown, html, json,
    csv) the reports write."""
    if fmt == "oscal":
        from .oscal import render_poam

        return render_poam(plan)
    from pathlib import Path

    from ..reports.documents import render_plan as _render

    folder = Path(templates) if templates is not None else None
    return _render(plan, fmt, templates=folder, bom=bom)
