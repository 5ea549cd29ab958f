"""A Markdown summary: batches of assessments (one per pack) → a short page for people, such as
a GitHub Actions job summary (``$GITHUB_STEP_SUMMARY``) or a merge-request comment.

The page has the overall verdict, a table with one row per declaration and pack (verdict,
score, gaps by status) and the gaps that fail the build at ``--fail-on`` (the exit code's own
test, :func:`~licensecheck.engine.gate.blocks`), most severe first, each with its rule, title
and ``file:line``. The list stops after :data:`MAX_GAPS` rows and says how many more there
are: the SARIF output (code scanning) has them all. Files that could not be assessed are
listed with their first problem. Every value from a declaration or a pack is escaped, so
nothing in it can break the table or become a link or HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from ..engine.batch import Batch, BatchItem
from ..engine.gate import DEFAULT_FAIL_ON, blocks, severity_rank
from ..engine.models import Assessment, Finding
from ..output import joined, relative_path
from ..reports.templates import markdown_code, markdown_escape

#: Rows of blocking gaps shown; a job summary is read, not searched.
MAX_GAPS = 50
_COUNTED = ("fail", "unknown", "error", "waived")


def render_summary(batches: Batch | Sequence[Batch], *, fail_on: str = DEFAULT_FAIL_ON) -> str:
    runs = [batches] if isinstance(batches, Batch) else list(batches)
    rows: list[str] = []
    gaps: list[tuple[tuple[int, str], str]] = []
    problems: list[str] = []
    for batch in runs:
        for item in batch.items:
            row = item_row(item, batch.pack_info.id, fail_on)
            rows.append(row.row)
            problems.extend(row.problems)
            gaps.extend(row.gaps)
    gaps.sort(key=lambda gap: gap[0])
    return joined(
        summary_page(
            (row + "\n" for row in rows),
            [text for _, text in gaps[:MAX_GAPS]],
            len(gaps),
            problems,
            fail_on,
        )
    )


class ItemRow(NamedTuple):
    """One file's part of the page: its row, its problem, its blocking gaps (sort key, row)."""

    row: str
    problems: list[str]
    gaps: list[tuple[tuple[int, str], str]]


def item_row(item: BatchItem, pack_id: str, fail_on: str) -> ItemRow:
    where = markdown_code(relative_path(item.source) or item.source)
    pack = markdown_escape(pack_id)
    a = item.assessment
    if a is None:
        first = item.diagnostics[0].message if item.diagnostics else "unreadable"
        return ItemRow(
            f"| {where} | {pack} | ERROR | | | | | |", [f"- {where}: {markdown_escape(first)}"], []
        )
    gaps = [
        ((severity_rank(f.severity), f.rule_id), _gap_row(f, a))
        for f in a.findings
        if blocks(f, fail_on)
    ]
    return ItemRow(_row(where, pack, a), [], gaps)


def summary_page(
    rows: Iterable[str | bytes], gaps: list[str], total_gaps: int, problems: list[str], fail_on: str
) -> Iterator[str | bytes]:
    """The page in chunks: ``rows`` are the table's rows, each ending in a newline; ``gaps``
    the first :data:`MAX_GAPS` rows of ``total_gaps``, most severe first."""
    ready = not total_gaps and not problems
    lines = [
        f"## licensecheck: {'no gaps at or above' if ready else 'gaps at or above'} "
        f"`--fail-on {fail_on}`",
        "",
        "| declaration | pack | verdict | score | fail | unknown | error | waived |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    yield from (line + "\n" for line in lines)
    yield from rows
    lines = []
    if total_gaps:
        lines += ["", f"### Gaps that fail the check ({total_gaps})", ""]
        lines += ["| severity | rule | title | where |", "| --- | --- | --- | --- |"]
        lines += gaps
        if total_gaps > MAX_GAPS:
            lines += ["", f"… and {total_gaps - MAX_GAPS} more: see the SARIF report."]
    if problems:
        lines += ["", "### Files that could not be assessed", "", *problems]
    yield from (line + "\n" for line in lines)


def _row(where: str, pack: str, a: Assessment) -> str:
    counts = a.summary.counts.by_status
    verdict = "READY" if a.summary.ready else "NOT READY"
    numbers = " | ".join(str(counts.get(status, 0)) for status in _COUNTED)
    return f"| {where} | {pack} | {verdict} | {a.summary.score} | {numbers} |"


def _gap_row(f: Finding, a: Assessment) -> str:
    witness = next((w for w in f.witnesses if w.line is not None), None)
    path = relative_path(a.declaration) or a.declaration
    where = f"{path}:{witness.line}" if witness else path
    status = "" if f.status == "fail" else f" ({f.status})"
    return (
        f"| {f.severity}{status} | {markdown_code(f.rule_id)} | {markdown_escape(f.title)} "
        f"| {markdown_code(where)} |"
    )
