"""Evidence for readers: each entry's state on a date (``evidence verify``), and the evidence
part of a gap report.

Input: the :class:`~licensecheck.declaration.evidence.EvidenceStatus` of each entry, or an
assessment judged for assurance. Output: a text table (id, state, file or uri, what it covers)
or a JSON document; an :class:`EvidenceSection` (the assurance of each finding, the evidence
requests, the evidenced score, the entries' states and drift) that the report templates show.
Every value in the table comes from the declaration, so each goes through
:func:`~licensecheck.errors.printable`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..declaration.evidence import EvidenceStatus
from ..engine.assurance import REQUIRED
from ..engine.compile import CompiledPack
from ..engine.models import ASSURANCES, Assessment, Assurance, EvidenceRecord, Finding
from ..errors import printable

__all__ = [
    "EVIDENCE_FORMATS",
    "EvidenceSection",
    "evidence_section",
    "render_evidence_states",
]

EVIDENCE_FORMATS = ("text", "json")

#: Why an entry is in its state, said once for the table and the JSON.
_STATE_WORDS = {
    "valid": "the file is there and its sha256 is the one pinned",
    "missing": "no file at this path",
    "altered": "the file changed since it was hashed (sha256 differs)",
    "expired": "past its expires_on date",
    "unhashed": "no sha256 pinned: nothing shows the file is the one meant",
    "remote": "a uri: licensecheck never fetches it, so it proves nothing offline",
}


def render_evidence_states(
    statuses: Sequence[EvidenceStatus], declaration: str, as_of: dt.date, fmt: str = "text"
) -> str:
    """The states of a declaration's evidence as a table (``text``) or a JSON document."""
    if fmt == "json":
        return _json(statuses, declaration, as_of)
    return _table(statuses, declaration, as_of)


def _where(status: EvidenceStatus) -> str:
    entry = status.entry
    return entry.path if entry.path is not None else entry.uri or ""


def _table(statuses: Sequence[EvidenceStatus], declaration: str, as_of: dt.date) -> str:
    if not statuses:
        return f"{printable(declaration)}: no evidence entries\n"
    rows: list[tuple[str, ...]] = [("id", "state", "file", "covers")]
    rows += [(s.entry.id, s.state, _where(s), ", ".join(s.entry.covers) or "-") for s in statuses]
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        for row in rows
    ]
    lines += _notes(statuses)
    counts = _counts(statuses)
    lines.append(
        f"{printable(declaration)} on {as_of.isoformat()}: "
        + ", ".join(f"{n} {state}" for state, n in counts.items())
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _notes(statuses: Sequence[EvidenceStatus]) -> list[str]:
    """A line under the table for each entry that proves nothing, saying why."""
    notes = []
    for s in statuses:
        if s.state == "valid":
            continue
        detail = _STATE_WORDS[s.state]
        if s.state == "altered":
            covered = ", ".join(s.entry.covers) or "nothing"
            detail += f"; it used to cover {covered}"
        elif s.state == "expired" and s.entry.expires_on is not None:
            detail += f" ({s.entry.expires_on.isoformat()})"
        notes.append(f"  {printable(s.entry.id)}: {printable(detail)}")
    return ["", *notes, ""] if notes else [""]


def _counts(statuses: Sequence[EvidenceStatus]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.state] = counts.get(s.state, 0) + 1
    return counts


def _json(statuses: Sequence[EvidenceStatus], declaration: str, as_of: dt.date) -> str:
    document = {
        "declaration": declaration,
        "as_of": as_of.isoformat(),
        "evidence": [_entry_json(s) for s in statuses],
        "counts": _counts(statuses),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry_json(s: EvidenceStatus) -> dict[str, Any]:
    entry = s.entry
    return {
        "id": entry.id,
        "kind": entry.kind,
        "state": s.state,
        "detail": _STATE_WORDS[s.state],
        "path": entry.path,
        "uri": entry.uri,
        "sha256": entry.sha256,
        "actual_sha256": s.actual_sha256,
        "covers": list(entry.covers),
        "issued_by": entry.issued_by,
        "issued_on": entry.issued_on.isoformat() if entry.issued_on else None,
        "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
        "line": entry.span.line,
    }


# --------------------------------------------------------------------------- gap reports


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FindingAssurance(_Model):
    """One finding's line in the evidence table: its status and how well it is proven."""

    rule_id: str
    title: str
    severity: str
    status: str
    assurance: Assurance
    evidence: list[str] = Field(description="Ids of the evidence entries covering it.")


class EvidenceRequest(_Model):
    """A rule that demands evidence and has none that proves it: what to attach."""

    rule_id: str
    title: str
    severity: str
    paths: list[str] = Field(description="The declaration paths to attach evidence covering.")
    kinds: list[str] = Field(description="The kinds of evidence that count; empty: any kind.")


class EvidenceSection(_Model):
    """Evidence in a gap report: present when the declaration has evidence or the pack has
    rules demanding it."""

    evidenced_score: int = Field(
        ge=0, le=100, description="The score counting only evidenced passes."
    )
    counts: dict[str, int] = Field(description="Assurance -> number of applicable findings.")
    findings: list[FindingAssurance] = Field(description="Every applicable finding, by rule id.")
    requests: list[EvidenceRequest]
    entries: list[EvidenceRecord] = Field(description="The declaration's evidence entries.")
    drift: list[EvidenceRecord] = Field(
        description="Entries whose file changed since it was hashed, with what they covered."
    )


def evidence_section(assessment: Assessment, pack: CompiledPack) -> EvidenceSection | None:
    """The evidence part of a gap report; ``None`` when the assessment judged no evidence
    (no entries, no rule demanding any), so such reports read exactly as before."""
    if assessment.summary.evidenced_score is None:
        return None
    applicable = [f for f in assessment.findings if f.status != "not_applicable"]
    counts: dict[str, int] = dict.fromkeys(ASSURANCES, 0)
    for f in applicable:
        counts[f.assurance] += 1
    return EvidenceSection(
        evidenced_score=assessment.summary.evidenced_score,
        counts=counts,
        findings=[
            FindingAssurance(
                rule_id=f.rule_id,
                title=f.title,
                severity=f.severity,
                status=f.status,
                assurance=f.assurance,
                evidence=f.evidence,
            )
            for f in applicable
        ],
        requests=[_request(f, pack) for f in applicable if f.evidence_request],
        entries=assessment.evidence,
        drift=[e for e in assessment.evidence if e.state == "altered"],
    )


def _request(finding: Finding, pack: CompiledPack) -> EvidenceRequest:
    rule = pack.checked.rule(finding.rule_id)
    kinds = [word for word in rule.evidence if word != REQUIRED] if rule is not None else []
    return EvidenceRequest(
        rule_id=finding.rule_id,
        title=finding.title,
        severity=finding.severity,
        paths=finding.evidence_request,
        kinds=kinds,
    )
