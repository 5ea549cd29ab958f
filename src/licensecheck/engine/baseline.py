"""Compare two assessments: an old and a new one → a :class:`DiffReport`; a baseline → marked findings.

A *gap* is a ``fail``, ``unknown`` or ``error`` finding. Comparing rule by rule:

- ``new``: a gap now that was not one before (or a rule the old report did not have);
- ``fixed``: a gap before that is not one now (it passes, does not apply, or is waived);
- ``worsened``: a gap in both, now worse: ``unknown`` became ``fail``/``error``, or it fails at
  places (witness locations) it did not fail before;
- ``improved``: a gap in both, now better: ``fail`` became ``unknown``, or fewer places;
- ``unchanged``: a gap in both, the same.

Locations are witness paths with list indexes replaced by ``[]`` plus the element id, so
reordering a list does not make a gap look new. ``--baseline`` uses the same comparison to
mark each finding of a new assessment (:func:`apply_baseline`): then only ``new`` and
``worsened`` gaps count toward the exit code. Reports are read back with :func:`load_reports`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import codes
from ..errors import Diagnostic, ReportError, Span, UsageError
from ..sources.parse import locate_excess
from ..sources.text import FileKind, read_source_text
from ..sources.validation import empty_list
from .gate import GAP_STATUSES, exit_code_for, gap_blocks, severity_rank
from .models import (
    Assessment,
    BaselineInfo,
    BaselineState,
    Finding,
    PackInfo,
    Severity,
    Status,
    ToolInfo,
    schema_uri_field,
    schema_version_field,
)

_GAP_RANK = {"unknown": 1, "fail": 2, "error": 2}
CHANGES: tuple[BaselineState, ...] = ("new", "worsened", "improved", "unchanged", "fixed")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiffEntry(_Model):
    """One rule whose gap is new, worse, better, the same or fixed."""

    rule_id: str
    title: str
    domain: str
    severity: Severity
    change: BaselineState
    old_status: Status | None = Field(description="Null when the old report lacks the rule.")
    new_status: Status | None = Field(description="Null when the new report lacks the rule.")
    in_grace: bool = Field(default=False, description="The new finding is in its grace period.")
    added: list[str] = Field(
        default_factory=empty_list,
        description="Witness locations that fail now and did not before.",
    )
    removed: list[str] = Field(
        default_factory=empty_list,
        description="Witness locations that failed before and do not now.",
    )


class DiffSide(_Model):
    declaration: str
    report: str | None = Field(
        default=None,
        description="The JSON report file this side was read from; null when assessed here.",
    )
    as_of: dt.date
    score: int
    ready: bool


class DiffReport(_Model):
    """``licensecheck diff OLD NEW``: what changed between two assessments of one pack."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck diff")

    schema_uri: str = schema_uri_field("diff")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo = Field(description="The pack of the new assessment.")
    before: DiffSide = Field(description="The old declaration or report.")
    after: DiffSide = Field(description="The new declaration or report.")
    score_change: int = Field(description="New score minus old score.")
    counts: dict[str, int] = Field(description="Change -> number of rules.")
    fixed: list[DiffEntry]
    new: list[DiffEntry]
    worsened: list[DiffEntry]
    improved: list[DiffEntry]
    unchanged: list[DiffEntry]

    def entries(self) -> list[DiffEntry]:
        return [*self.new, *self.worsened, *self.improved, *self.unchanged, *self.fixed]


# ---------------------------------------------------------------------------- comparing


def _is_gap(finding: Finding | None) -> bool:
    return finding is not None and finding.status in GAP_STATUSES


def locations(finding: Finding) -> set[str]:
    """Where a gap is, independent of list order: ``data_sources[].consent [ds-web]``."""
    return {
        re.sub(r"\[[0-9]+\]", "[]", w.path) + (f" [{w.element}]" if w.element else "")
        for w in finding.witnesses
    }


def change(old: Finding | None, new: Finding | None) -> BaselineState | None:
    """How the gap of one rule changed; None when it is a gap in neither."""
    if not _is_gap(new):
        return "fixed" if _is_gap(old) else None
    if not _is_gap(old):
        return "new"
    assert old is not None and new is not None
    before, after = _GAP_RANK[old.status], _GAP_RANK[new.status]
    if after != before:
        return "worsened" if after > before else "improved"
    old_places, new_places = locations(old), locations(new)
    if new_places - old_places:
        return "worsened"
    if old_places - new_places:
        return "improved"
    return "unchanged"


def diff_assessments(old: Assessment, new: Assessment) -> DiffReport:
    """Compare ``old`` with ``new`` rule by rule (see the module docstring)."""
    olds = {f.rule_id: f for f in old.findings}
    news = {f.rule_id: f for f in new.findings}
    groups: dict[BaselineState, list[DiffEntry]] = {c: [] for c in CHANGES}
    for rule_id in sorted(olds.keys() | news.keys()):
        before, after = olds.get(rule_id), news.get(rule_id)
        kind = change(before, after)
        if kind is None:
            continue
        shown = after if after is not None else before
        assert shown is not None
        old_places = locations(before) if _is_gap(before) and before else set()
        new_places = locations(after) if _is_gap(after) and after else set()
        groups[kind].append(
            DiffEntry(
                rule_id=rule_id,
                title=shown.title,
                domain=shown.domain,
                severity=shown.severity,
                change=kind,
                old_status=before.status if before else None,
                new_status=after.status if after else None,
                in_grace=bool(after and after.in_grace),
                added=sorted(new_places - old_places),
                removed=sorted(old_places - new_places),
            )
        )
    for entries in groups.values():
        entries.sort(key=lambda e: (severity_rank(e.severity), e.rule_id))
    return DiffReport(
        tool=new.tool,
        pack=new.pack,
        before=_side(old),
        after=_side(new),
        score_change=new.summary.score - old.summary.score,
        counts={c: len(groups[c]) for c in CHANGES},
        fixed=groups["fixed"],
        new=groups["new"],
        worsened=groups["worsened"],
        improved=groups["improved"],
        unchanged=groups["unchanged"],
    )


Side = TypeVar("Side")


def compare(
    old: Assessment | Side,
    new: Assessment | Side,
    assess_declaration: Callable[[Side], Assessment] | None,
) -> DiffReport:
    """``licensecheck diff``: each side an assessment, a JSON report file holding one, or a
    declaration that ``assess_declaration`` assesses (None: no pack was given); both sides
    must have been assessed with the same pack."""
    before, before_file = _diff_side(old, assess_declaration)
    after, after_file = _diff_side(new, assess_declaration)
    if before.pack.id != after.pack.id:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"{before.declaration} and {after.declaration} were assessed with different "
                f"packs ({before.pack.id}, {after.pack.id}): compare like with like",
            )
        )
    report = diff_assessments(before, after)
    # a side read from a report file is named by that file: a baseline report of the same
    # declaration would otherwise make the header name the declaration twice
    return report.model_copy(
        update={
            "before": report.before.model_copy(update={"report": before_file}),
            "after": report.after.model_copy(update={"report": after_file}),
        }
    )


def _diff_side(
    side: Assessment | Side, assess_declaration: Callable[[Side], Assessment] | None
) -> tuple[Assessment, str | None]:
    """The assessment of one side, and the report file it was read from (if any)."""
    if isinstance(side, Assessment):
        return side, None
    if isinstance(side, str | os.PathLike) and is_report(side):
        reports = load_reports(side)
        if len(reports) != 1:
            raise UsageError(
                Diagnostic(
                    codes.USAGE,
                    f"{os.fspath(side)} holds {len(reports)} reports; diff compares one with one",
                )
            )
        return next(iter(reports.values())), os.fspath(side)
    if assess_declaration is None:
        raise UsageError(Diagnostic(codes.USAGE, "comparing declarations needs a pack (--pack)"))
    return assess_declaration(side), None


def _side(a: Assessment) -> DiffSide:
    return DiffSide(
        declaration=a.declaration, as_of=a.as_of, score=a.summary.score, ready=a.summary.ready
    )


def diff_exit_code(report: DiffReport, fail_on: str) -> int:
    """1 when a new or worsened gap (outside its grace period) is at or above ``fail_on``."""
    return exit_code_for(
        (
            gap_blocks(
                entry,
                fail_on,
                status=entry.new_status,
                in_grace=entry.in_grace,
                baseline=entry.change,
            )
            for entry in (*report.new, *report.worsened)
        ),
        fail_on,
    )


def apply_baseline(assessment: Assessment, baseline: Assessment | None, source: str) -> Assessment:
    """Mark each finding with how it compares with ``baseline`` (``Finding.baseline``).

    ``None`` (the baseline report does not hold this declaration) makes every gap new.
    """
    olds = {f.rule_id: f for f in baseline.findings} if baseline is not None else {}
    findings = []
    for finding in assessment.findings:
        kind = change(olds.get(finding.rule_id), finding)
        findings.append(finding if kind is None else finding.model_copy(update={"baseline": kind}))
    info = BaselineInfo(
        report=source,
        as_of=baseline.as_of if baseline is not None else None,
        score=baseline.summary.score if baseline is not None else None,
    )
    return assessment.model_copy(update={"findings": findings, "baseline": info})


# ---------------------------------------------------------------------------- reading reports


#: A JSON report read back, for the one file reader: a batch report of many declarations can
#: be far larger than one declaration, so it has its own bound
REPORT_FILE = FileKind(
    "report", ReportError, max_bytes=256 * 1024 * 1024, missing="report {path} does not exist"
)


def is_report(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds a licensecheck JSON report (single or batch), not a declaration."""
    if not os.fspath(path).lower().endswith(".json"):
        return False
    try:
        data = json.loads(read_source_text(path, REPORT_FILE, record=False))
    except (ReportError, ValueError, RecursionError):
        return False  # the declaration reader will say what is wrong with it
    return isinstance(data, dict) and "tool" in data and ("findings" in data or "results" in data)


def load_reports(path: str | os.PathLike[str]) -> dict[str, Assessment]:
    """The assessments in a JSON report file, by declaration path: one for a ``check
    --format json`` report, one per valid file for a batch report."""
    shown = os.fspath(path)
    text = read_source_text(shown, REPORT_FILE)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            Diagnostic(
                codes.SYNTAX,
                f"not a JSON report: {exc.msg.lower()}",
                Span(shown, exc.lineno, exc.colno),
            )
        ) from None
    except (ValueError, RecursionError):  # too deep for json, or a number past the digit limit
        line, column, problem = locate_excess(text)
        raise ReportError(
            Diagnostic(codes.LIMIT, f"not a JSON report: {problem}", Span(shown, line, column))
        ) from None
    if isinstance(data, dict) and "results" in data and "findings" not in data:
        items = data["results"] if isinstance(data["results"], list) else []
        reports = [r.get("report") for r in items if isinstance(r, dict) and r.get("report")]
    else:
        reports = [data]
    found: dict[str, Assessment] = {}
    for i, report in enumerate(reports):
        try:
            assessment = Assessment.model_validate(report)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            prefix = f"results[{i}].report." if len(reports) > 1 or report is not data else ""
            raise ReportError(
                Diagnostic(
                    codes.REPORT,
                    f"not a licensecheck JSON report (licensecheck check --format json): "
                    f"{prefix}{where}: {first['msg'].lower()}",
                    Span(shown, 1, 1),
                )
            ) from None
        found[assessment.declaration] = assessment
    return found


# ---------------------------------------------------------------------------- text


_ARROW = "→"
_HEADINGS = {
    "new": "New gaps",
    "worsened": "Worsened",
    "improved": "Improved",
    "unchanged": "Unchanged gaps",
    "fixed": "Fixed",
}


def render_diff_text(
    report: DiffReport, *, verbose: bool = False, style: Callable[..., str] | None = None
) -> str:
    paint = style or (lambda text, **_: text)
    old, new = report.before, report.after
    sign = f"{report.score_change:+d}"
    lines = [
        f"licensecheck diff · {report.pack.id} {report.pack.version} · "
        f"{_side_name(old)} {_ARROW} {_side_name(new)}",
        "",
        f"score {old.score} {_ARROW} {new.score} ({sign})  ·  "
        f"{_verdict(old.ready)} {_ARROW} {_verdict(new.ready)}",
        "  ·  ".join(f"{report.counts[c]} {c}" for c in CHANGES),
    ]
    colours = {"new": "red", "worsened": "red", "improved": "green", "fixed": "green"}
    for kind in CHANGES:
        entries = [e for e in report.entries() if e.change == kind]
        if not entries or (kind == "unchanged" and not verbose):
            continue
        lines += ["", paint(_HEADINGS[kind], bold=True, fg=colours.get(kind))]
        for e in entries:
            status = f"{e.old_status or '-'} {_ARROW} {e.new_status or '-'}"
            lines.append(f"  {status:<22} {e.severity:<8} {e.rule_id}  {e.title}")
            lines.extend(f"  {'':<22} + {place}" for place in e.added)
            lines.extend(f"  {'':<22} - {place}" for place in e.removed)
    if report.counts["unchanged"] and not verbose:
        lines += ["", f"{report.counts['unchanged']} unchanged gaps not shown (use --verbose)"]
    return "\n".join(lines) + "\n"


def _side_name(side: DiffSide) -> str:
    """The report file a side was read from (``base.json (firm.yaml)``), else its declaration."""
    return f"{side.report} ({side.declaration})" if side.report else side.declaration


def _verdict(ready: bool) -> str:
    return "READY" if ready else "NOT READY"


def render_diff_json(report: DiffReport) -> str:
    return report.model_dump_json(indent=2, by_alias=True) + "\n"


@dataclass(frozen=True)
class Baseline:
    """A baseline report file (``--baseline``): its assessments by declaration path."""

    source: str
    reports: Mapping[str, Assessment]

    def for_declaration(self, declaration: str) -> Assessment | None:
        """The assessment of ``declaration``: the one with its path, or the only one."""
        if declaration in self.reports:
            return self.reports[declaration]
        if len(self.reports) == 1:
            return next(iter(self.reports.values()))
        normalised = {os.path.normpath(k): v for k, v in self.reports.items()}
        return normalised.get(os.path.normpath(declaration))


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    return Baseline(os.fspath(path), load_reports(path))
