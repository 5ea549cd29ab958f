"""Assurance of findings: an assessment and the declaration's evidence in, every finding marked
*evidenced*, *declared* or *contradicted* out.

The values that decided a finding are its witnesses' paths when it fails or is unknown, and
the declaration paths its rule read (the deepest ones: reading ``data_sources`` to visit its
items is not a claim about the list itself) when it passes or does not apply. A finding is
*evidenced* when each of them is covered (a ``covers`` path equal to it or above it) by valid
evidence, *contradicted* when covering evidence is missing, altered or expired, and *declared*
otherwise. A rule with ``evidence: required`` (or a list of kinds, the only ones that count
for it) passes only when evidenced: otherwise it is ``unknown`` with an evidence request.

Applied once, after evaluation and before waivers (:func:`apply_assurance`), so every output
reads the same marks. A declaration without evidence entries and a pack without rules
demanding evidence cost nothing: no rule is traced again, every finding stays *declared*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..declaration.evidence import EvidenceStatus, parse_cover, resolve_cover
from ..declaration.loader import Declaration
from ..lang.values import display
from ..sources.paths import format_path, parse_path, value_at
from .compile import CompiledPack
from .evaluate import run_rule, summarize
from .models import Assessment, Assurance, EvidenceRecord, Finding, Status, Witness
from .rules import Rule
from .runtime import PathKey, Trace, TraceNode

__all__ = [
    "apply_assurance",
    "demanded_statuses",
    "demands_evidence",
    "pack_demands_evidence",
]

#: the word a rule's evidence field uses to demand evidence of any kind
REQUIRED = "required"


def demands_evidence(rule: Rule) -> bool:
    return bool(rule.evidence)


def pack_demands_evidence(pack: CompiledPack) -> bool:
    return any(demands_evidence(c.rule) for c in pack.rules)


def _counted_kinds(rule: Rule) -> frozenset[str] | None:
    """The kinds of evidence that count for ``rule``; ``None``: every kind."""
    kinds = frozenset(word for word in rule.evidence if word != REQUIRED)
    return kinds or None


# Plain classes, not frozen dataclasses: nothing compares, hashes, prints or changes them,
# and building a dataclass at import costs some 0.3 ms of every cold start (issue #12).
class _Cover:
    """One covers path of one entry, as the concrete path witnesses use."""

    __slots__ = ("path", "status")

    def __init__(self, path: PathKey, status: EvidenceStatus) -> None:
        self.path = path
        self.status = status


class _Judgement:
    __slots__ = ("assurance", "evidence", "uncovered")

    def __init__(
        self,
        assurance: Assurance,
        evidence: tuple[str, ...],  # ids of the covering entries
        uncovered: tuple[PathKey, ...],  # deciding paths no valid evidence covers
    ) -> None:
        self.assurance = assurance
        self.evidence = evidence
        self.uncovered = uncovered


def _covers(statuses: Sequence[EvidenceStatus], data: Mapping[str, Any]) -> tuple[_Cover, ...]:
    found = []
    for status in statuses:
        for text in status.entry.covers:
            path = resolve_cover(parse_cover(text), data)
            if path is not None:  # a list item named by an id the declaration lacks
                found.append(_Cover(path, status))
    return tuple(found)


def _judge(deciding: Iterable[PathKey], covers: Sequence[_Cover], rule: Rule) -> _Judgement:
    kinds = _counted_kinds(rule)
    counted = [c for c in covers if kinds is None or c.status.entry.kind in kinds]
    ids: dict[str, None] = {}
    uncovered: list[PathKey] = []
    contradicted = False
    paths = tuple(deciding)
    for path in paths:
        over = [c for c in counted if path[: len(c.path)] == c.path]
        ids.update(dict.fromkeys(c.status.entry.id for c in over))
        contradicted = contradicted or any(c.status.contradicts for c in over)
        if not any(c.status.state == "valid" for c in over):
            uncovered.append(path)
    if contradicted:
        assurance: Assurance = "contradicted"
    elif paths and not uncovered:
        assurance = "evidenced"
    else:
        assurance = "declared"
    return _Judgement(assurance, tuple(ids), tuple(uncovered))


# --------------------------------------------------------------------------- deciding paths


def _paths_read(node: TraceNode) -> Iterator[PathKey]:
    if node.path is not None:
        yield node.path
    for child in node.children:
        if child.element is None:
            yield from _paths_read(child)


def _deepest(paths: Iterable[PathKey]) -> tuple[PathKey, ...]:
    """The paths no other path extends, in first-read order: a list read to visit its items
    is decided by what its items hold."""
    unique = list(dict.fromkeys(paths))
    return tuple(p for p in unique if not any(len(q) > len(p) and q[: len(p)] == p for q in unique))


def _deciding(
    finding: Finding, pack: CompiledPack, data: dict[str, Any], as_of: dt.date
) -> tuple[PathKey, ...]:
    if finding.status in ("fail", "unknown"):
        return tuple(dict.fromkeys(parse_path(w.path) for w in finding.witnesses))
    if finding.status not in ("pass", "not_applicable"):
        return ()
    rule = pack.checked.rule(finding.rule_id)
    if rule is None or (rule.effective_from is not None and as_of < rule.effective_from):
        return ()  # not in force: no declared value decided it
    outcome = run_rule(pack.traced_rule(finding.rule_id), data, as_of, Trace())
    return _deepest(_paths_read(outcome.trace.root)) if outcome.trace is not None else ()


# --------------------------------------------------------------------------- the assessment


def apply_assurance(
    assessment: Assessment,
    pack: CompiledPack,
    declaration: Declaration,
    statuses: Sequence[EvidenceStatus],
    as_of: dt.date,
    *,
    judge_all: bool = True,
) -> Assessment:
    """``assessment`` with each finding's assurance, covering evidence and, for a rule that
    demands evidence and is not evidenced, its evidence request (the pass becomes
    ``unknown``); the summary's evidenced score; the evidence entries' states.

    Unchanged when there is no evidence and no rule demands it. ``judge_all=False`` (a
    statuses-only assessment, which traces nothing it need not) judges only the rules that
    demand evidence and pass, since their status depends on it: the others stay *declared*,
    and the summary has no evidenced score nor the report the entries' states."""
    if not statuses and not pack_demands_evidence(pack):
        return assessment
    covers = _covers(statuses, declaration.data)
    covering: dict[str, list[str]] = {s.entry.id: [] for s in statuses}
    findings = []
    for finding in assessment.findings:
        rule = pack.checked.rule(finding.rule_id)
        assert rule is not None
        demanded = demands_evidence(rule) and finding.status == "pass"
        if not demanded and (not covers or not judge_all):
            findings.append(finding)  # nothing could cover it: declared, without a trace
            continue
        deciding = _deciding(finding, pack, declaration.data, as_of)
        judgement = _judge(deciding, covers, rule)
        for entry_id in judgement.evidence:
            covering[entry_id].append(finding.rule_id)
        findings.append(_assured(finding, rule, judgement, declaration))
    if not judge_all:
        return assessment.model_copy(update={"findings": findings, "summary": summarize(findings)})
    return assessment.model_copy(
        update={
            "findings": findings,
            "summary": summarize(findings, evidenced=True),
            "evidence": [_record(s, covering[s.entry.id]) for s in statuses],
        }
    )


def _assured(
    finding: Finding, rule: Rule, judgement: _Judgement, declaration: Declaration
) -> Finding:
    update: dict[str, Any] = {
        "assurance": judgement.assurance,
        "evidence": list(judgement.evidence),
    }
    if demands_evidence(rule) and finding.status == "pass" and judgement.assurance != "evidenced":
        wanted = judgement.uncovered or ()
        update |= {
            "status": "unknown",
            "message": _request_message(rule, wanted, judgement.assurance),
            "evidence_request": [format_path(p) for p in wanted],
            "witnesses": [_request_witness(p, declaration) for p in wanted],
        }
    return finding.model_copy(update=update)


def _request_message(rule: Rule, wanted: Sequence[PathKey], assurance: Assurance) -> str:
    kinds = _counted_kinds(rule)
    of_kind = f" ({', '.join(sorted(kinds))})" if kinds else ""
    if not wanted:
        return f"the rule demands evidence{of_kind}, and it reads no declared value to cover"
    shown = [format_path(p) for p in wanted[:5]]
    what = ", ".join(shown) + (", …" if len(wanted) > 5 else "")
    why = (
        "covering evidence is missing, altered or expired: " if assurance == "contradicted" else ""
    )
    return f"met as declared, but the rule demands evidence: {why}attach evidence{of_kind} covering {what}"


def _request_witness(path: PathKey, declaration: Declaration) -> Witness:
    where = declaration.place(path)
    value = value_at(declaration.data, path)
    return Witness(
        path=format_path(path),
        line=where[0] if where else None,
        column=where[1] if where else None,
        actual=None if value is None else display(value),
        expected="covered by valid evidence",
    )


def _record(status: EvidenceStatus, rule_ids: list[str]) -> EvidenceRecord:
    entry = status.entry
    return EvidenceRecord(
        id=entry.id,
        kind=entry.kind,
        state=status.state,
        path=entry.path,
        uri=entry.uri,
        covers=list(entry.covers),
        expires_on=entry.expires_on,
        actual_sha256=status.actual_sha256 if status.state == "altered" else None,
        findings=sorted(rule_ids),
    )


# --------------------------------------------------------------------------- the fast API


def demanded_statuses(
    pack: CompiledPack,
    declaration: Declaration,
    statuses: dict[str, Status],
    evidence: Sequence[EvidenceStatus],
    as_of: dt.date,
) -> dict[str, Status]:
    """``statuses`` (rule id → status, from the untraced evaluation) with each rule that
    demands evidence and passes without being evidenced made ``unknown``, as
    :func:`apply_assurance` makes it: :func:`licensecheck.evaluate` agrees with ``assess``.
    Only those rules are traced."""
    covers = _covers(evidence, declaration.data)
    result = dict(statuses)
    for compiled in pack.rules:
        rule = compiled.rule
        if not demands_evidence(rule) or statuses.get(rule.id) != "pass":
            continue
        outcome = run_rule(pack.traced_rule(rule.id), declaration.data, as_of, Trace())
        deciding = _deepest(_paths_read(outcome.trace.root)) if outcome.trace else ()
        if _judge(deciding, covers, rule).assurance != "evidenced":
            result[rule.id] = "unknown"
    return result
