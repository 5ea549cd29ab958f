"""GitHub Actions annotations: a batch of assessments → workflow commands, one per gap.

Each ``fail``, ``unknown`` or ``error`` finding becomes
``::error file=F,line=L,col=C,title=T::MESSAGE`` at its first located witness: ``error`` when
the gap counts toward the exit code (at or above ``--fail-on``, not in grace, new or worse
than the baseline), ``warning`` otherwise, so the annotations that turn a check red are
exactly the ones that fail the build. Waived findings are not annotated. GitHub shows only the
first 10 errors and 10 warnings of a step, so annotations come most severe first: errors
before warnings, then by severity (critical first), then in file and rule order. A file that could
not be assessed gets an ``error`` at each problem's position. A plain summary line per file
closes the output.

Escaping follows the Actions toolkit: in the message ``%``, CR and LF become ``%25``,
``%0D``, ``%0A``; in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``. No value
may start a line of its own, where the runner would read it as a workflow command: every
value, the summary lines included, goes through the same escaping, other control characters
are written as visible escapes (:func:`~licensecheck.errors.printable`), and a summary line
that would begin with ``:`` (a file named ``::error::x``) begins with ``%3A`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..engine.batch import Batch, BatchItem
from ..engine.gate import DEFAULT_FAIL_ON, GAP_STATUSES, blocks, severity_rank
from ..engine.models import Assessment, Finding
from ..errors import Diagnostic, printable
from ..output import relative_path
from .text import finding_notes, witness_text


def escape_data(value: str) -> str:
    escaped = printable(value.replace("%", "%25"), keep="\r\n")
    return escaped.replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    """One workflow command line, e.g. ``::error file=a.yaml,line=3::text``."""
    shown = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{level}{' ' + shown if shown else ''}::{escape_data(message)}"


def render_github(batches: Batch | Sequence[Batch], *, fail_on: str = DEFAULT_FAIL_ON) -> str:
    """The annotations of every batch (one per pack), most severe first, then a summary
    line per file and pack."""
    runs = [batches] if isinstance(batches, Batch) else list(batches)
    problems: list[str] = []
    gaps: list[tuple[Finding, Assessment]] = []
    for batch in runs:
        for item in batch.items:
            if item.assessment is None:
                problems.extend(_problem(d, item.source) for d in item.diagnostics)
                continue
            gaps.extend((f, item.assessment) for f in item.assessment.findings)
    ordered = sorted(
        ((f, a) for f, a in gaps if f.status in GAP_STATUSES),
        key=lambda pair: annotation_order(pair[0], fail_on),
    )
    lines = [*problems, *(_annotation(a, f, fail_on) for f, a in ordered)]
    for batch in runs:
        pack = batch.pack_info.id if len(runs) > 1 else None
        lines.extend(_summary(item.source, item.assessment, pack) for item in batch.items)
    return "\n".join(lines) + "\n"


class ItemLines(NamedTuple):
    """One file's lines, for a writer that orders them as :func:`render_github` does."""

    problems: list[str]
    #: (:func:`annotation_order`, line) of each gap
    annotations: list[tuple[tuple[bool, int], str]]
    summary: str


def item_lines(item: BatchItem, fail_on: str, pack: str | None) -> ItemLines:
    """``item``'s problems or annotations and its summary line (``pack``: the run's pack,
    when there are several)."""
    a = item.assessment
    if a is None:
        problems = [_problem(d, item.source) for d in item.diagnostics]
        return ItemLines(problems, [], _summary(item.source, None, pack))
    annotations = [
        (annotation_order(f, fail_on), _annotation(a, f, fail_on))
        for f in a.findings
        if f.status in GAP_STATUSES
    ]
    return ItemLines([], annotations, _summary(item.source, a, pack))


def annotation_order(f: Finding, fail_on: str) -> tuple[bool, int]:
    """Annotations come in this order: those that fail the build first, then most severe."""
    return (not blocks(f, fail_on), severity_rank(f.severity))


def _annotation(a: Assessment, f: Finding, fail_on: str) -> str:
    level = "error" if blocks(f, fail_on) else "warning"
    witness = next((w for w in f.witnesses if w.line is not None), None)
    body = [f.message]
    body.extend(witness_text(w) for w in f.witnesses)
    body.extend(finding_notes(f))
    status = f.status + (", in grace period" if f.in_grace else "")
    return command(
        level,
        "\n".join(body),
        file=relative_path(a.declaration) or a.declaration,
        line=witness.line if witness else None,
        col=witness.column if witness else None,
        title=f"{f.rule_id} ({f.severity}, {status}): {f.title}",
    )


def _problem(d: Diagnostic, source: str) -> str:
    return command(
        "error",
        d.message,
        file=relative_path(d.span.file if d.span else source) or source,
        line=d.span.line if d.span else None,
        col=d.span.column if d.span else None,
        title=f"licensecheck: {d.code}",
    )


def _summary(source: str, a: Assessment | None, pack: str | None = None) -> str:
    """``FILE: READY score …``, with ``[PACK]`` after the file when a run has several packs."""
    if pack is not None:
        source = f"{source} [{pack}]"
    if a is None:
        return _plain_line(f"{source}: could not be assessed")
    verdict = "READY" if a.summary.ready else "NOT READY"
    counts = " · ".join(f"{n} {s}" for s, n in a.summary.counts.by_status.items() if n)
    return _plain_line(f"{source}: {verdict}  score {a.summary.score}/100  ·  {counts}")


def _plain_line(text: str) -> str:
    """A line that is not a workflow command: escaped, and never starting with ``:``."""
    escaped = escape_data(text)
    return "%3A" + escaped[1:] if escaped.startswith(":") else escaped
