"""A batch's JSON forms and its combined summary: the report of several files (``check --format
json``), its JSON lines (``--format jsonl``) and the summary closing a text report of several
files.

Enters: a :class:`~licensecheck.engine.batch.Batch` (or, streamed, its items one at a time).
Leaves: the pydantic models of those outputs (the source of ``schemas/batch-report.schema.json``,
``multi-pack-report`` and ``batch-lines``) and the summary text. They are models of their own,
out of :mod:`.batch`, because building them costs a cold start milliseconds that a check of one
file, whose report is the :class:`~licensecheck.engine.models.Assessment` alone, never uses
(issue #12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from ..sources.validation import empty_list
from .models import (
    STATUSES,
    Assessment,
    PackInfo,
    Severity,
    Status,
    ToolInfo,
    Witness,
    schema_uri_field,
    schema_version_field,
    tool_info,
)

if TYPE_CHECKING:
    from ..errors import Diagnostic
    from .batch import Batch, BatchItem


# ---------------------------------------------------------------------------- the JSON form


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorInfo(_Model):
    """A problem that stopped a file from being assessed."""

    code: str
    message: str
    file: str | None
    line: int | None
    column: int | None


class FileResult(_Model):
    declaration: str = Field(description="The declaration file as given (or found in a folder).")
    outcome: Literal["ready", "not_ready", "error"]
    score: int | None = Field(description="Readiness score; null when the file had errors.")
    report: Assessment | None = Field(description="The file's report; null when it had errors.")
    errors: list[ErrorInfo] = Field(default_factory=empty_list)


class BatchSummary(_Model):
    files: int
    ready: int
    not_ready: int
    errors: int = Field(description="Files that could not be assessed.")
    by_status: dict[str, int] = Field(description="Status -> findings over all assessed files.")


class BatchReport(_Model):
    """``licensecheck check --format json`` with several declarations: one result per file."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck batch report")

    schema_uri: str = schema_uri_field("batch-report")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo
    as_of: dt.date
    summary: BatchSummary
    results: list[FileResult]


class PackRuns(_Model):
    """``licensecheck check --pack A --pack B --format json``: one batch report per pack."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck multi-pack report")

    schema_uri: str = schema_uri_field("multi-pack-report")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    as_of: dt.date
    runs: list[BatchReport] = Field(description="One batch report per --pack, in order.")


# ------------------------------------------------------------- the JSON-lines form (jsonl)


class _Line(_Model):
    """One line of ``--format jsonl``."""


class RuleInfo(_Line):
    """A rule as every declaration line refers to it (by id)."""

    id: str
    title: str
    domain: str
    severity: Severity
    cite: list[str]
    remediation: str | None
    effort_days: float | None


class HeaderLine(_Line):
    """The first line: the tool, the pack and its rules, the date."""

    kind: Literal["header"] = "header"
    schema_uri: str = schema_uri_field("batch-lines")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo
    as_of: dt.date
    lang: str
    rules: list[RuleInfo] = Field(description="The rules assessed, in the pack's order.")


class Gap(_Line):
    """A ``fail``, ``unknown`` or ``error`` finding: why, and where in the declaration."""

    rule_id: str
    status: Status
    message: str
    in_grace: bool = False
    witnesses: list[Witness] = Field(default_factory=empty_list)


class DeclarationLine(_Line):
    """One declaration: its outcome, score, every rule's status, and its gaps in detail."""

    kind: Literal["declaration"] = "declaration"
    declaration: str
    outcome: Literal["ready", "not_ready", "error"]
    score: int | None = Field(description="Readiness score; null when the file had errors.")
    statuses: dict[str, Status] = Field(description="Rule id -> status, in the report's order.")
    gaps: list[Gap] = Field(default_factory=empty_list)
    errors: list[ErrorInfo] = Field(default_factory=empty_list)


class SummaryLine(_Line):
    """The last line: the batch's combined summary."""

    kind: Literal["summary"] = "summary"
    summary: BatchSummary


class BatchLine(
    RootModel[Annotated[HeaderLine | DeclarationLine | SummaryLine, Field(discriminator="kind")]]
):
    """``licensecheck check --format jsonl``: each line of the output is one of these."""

    model_config = ConfigDict(title="licensecheck batch line")


def outcome(item: BatchItem) -> Literal["ready", "not_ready", "error"]:
    if item.assessment is None:
        return "error"
    return "ready" if item.assessment.summary.ready else "not_ready"


def batch_report(batch: Batch) -> BatchReport:
    by_status: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for a in batch.assessments:
        for status, n in a.summary.counts.by_status.items():
            by_status[status] += n
    outcomes = [outcome(item) for item in batch.items]
    return BatchReport(
        tool=tool_info(),
        pack=batch.pack_info,
        as_of=batch.options.as_of,
        summary=BatchSummary(
            files=len(batch.items),
            ready=outcomes.count("ready"),
            not_ready=outcomes.count("not_ready"),
            errors=outcomes.count("error"),
            by_status=by_status,
        ),
        results=[
            FileResult(
                declaration=item.source,
                outcome=result,
                score=item.assessment.summary.score if item.assessment else None,
                report=item.assessment,
                errors=[error_info(d) for d in item.diagnostics],
            )
            for item, result in zip(batch.items, outcomes, strict=True)
        ],
    )


def error_info(d: Diagnostic) -> ErrorInfo:
    return ErrorInfo(
        code=d.code,
        message=d.message,
        file=d.span.file if d.span else None,
        line=d.span.line if d.span else None,
        column=d.span.column if d.span else None,
    )


def render_batch_summary(batch: Batch) -> str:
    """The combined summary closing a text report of several files."""
    report = batch_report(batch)
    rows = [
        summary_row(
            r.outcome,
            r.score,
            r.declaration,
            r.report.summary.counts.by_status if r.report is not None else {},
            len(r.errors),
        )
        for r in report.results
    ]
    return summary_text(report.summary, rows)


#: A file's line in the combined summary: verdict and score, the file, its counts.
SummaryRow = tuple[str, str, str]


def summary_row(
    result: str, score: int | None, declaration: str, by_status: Mapping[str, int], problems: int
) -> SummaryRow:
    """A file's line of :func:`summary_text` (``problems``: those that stopped it)."""
    verdict = {"ready": "READY", "not_ready": "NOT READY", "error": "ERROR"}[result]
    shown = f"{score:>3}/100" if score is not None else "       "
    detail = ""
    if result != "error":
        detail = " · ".join(
            f"{by_status[k]} {k}" for k in ("fail", "unknown", "error", "waived") if by_status[k]
        )
    elif problems:
        detail = f"{problems} problem{'s' if problems != 1 else ''}"
    return f"{verdict:<10} {shown}", declaration, detail


def summary_text(s: BatchSummary, rows: Sequence[SummaryRow]) -> str:
    """The combined summary: the counts, then a line per file (:func:`summary_row`)."""
    lines = [
        f"{s.files} file{'' if s.files == 1 else 's'}  ·  {s.ready} ready  ·  {s.not_ready} not ready  ·  {s.errors} with errors"
    ]
    width = max((len(declaration) for _, declaration, _ in rows), default=0)
    for verdict, declaration, detail in rows:
        lines.append(f"  {verdict}  {declaration:<{width}}  {detail}".rstrip())
    return "\n".join(lines) + "\n"
