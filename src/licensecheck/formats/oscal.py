"""OSCAL 1.2.1: assessments → an assessment-results document; a remediation plan → a POA&M.

**Assessment results** (``check --format oscal``): one ``result`` per declaration. Every rule
that applies is a ``finding`` whose target is the rule (``objective-id``), ``satisfied`` when
it passes and ``not-satisfied`` otherwise (reason ``pass``, ``fail`` or ``other`` for
``unknown`` and ``error``). Each gap has an ``observation`` (method ``TEST``) whose
``relevant-evidence`` are its witnesses, linked as ``file#Lline``, and a ``risk`` whose
statement is the remediation: ``open``, or ``deviation-approved`` when a waiver covers it.

**POA&M** (``plan --format oscal``): one ``poam-item`` per plan task with an observation
and a risk (its deadline the task's end); the risk's ``remediations`` hold the task, with its
timing (``within-date-range``: from the start of its first working day to the start of the
day after its last) and its dependencies (the tasks of the rules that must come first).

1.2.1 is the version compliance-trestle's models use; the documents also validate against
NIST's 1.0.6 JSON schemas (the last committed to git), whose structure they share.

Identifiers are UUIDv5 from a fixed namespace and the content they name; timestamps are the
assessment date at midnight UTC: the same inputs give the same bytes. Properties of our own
are in the ``urn:licensecheck`` namespace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..engine.batch import Batch, BatchItem
from ..engine.models import Assessment, Finding, PackInfo, Witness, json_bytes
from .sarif import artifact_uri, original_status
from .text import witness_text

if TYPE_CHECKING:
    from ..reports.plan import Plan, Task

OSCAL_VERSION = "1.2.1"
NS = "urn:licensecheck"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)
GAP_STATUSES = ("fail", "unknown", "error", "waived")


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "\0".join(str(p) for p in parts)))


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _token(value: str) -> str:
    """An OSCAL token (an XML NCName): letters, digits, ``.``, ``-``, ``_``; a letter or ``_`` first."""
    cleaned = re.sub(r"[^\w.\-]", "_", value)
    return cleaned if re.match(r"[^\W\d]", cleaned) else f"_{cleaned}"


def _string(value: object) -> str:
    """An OSCAL string: no leading or trailing whitespace, never empty, one line."""
    return " ".join(str(value).split()) or "-"


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": _token(name), "ns": NS, "value": _string(value)}


def _digest(dumps: Iterable[bytes]) -> str:
    """The digest of assessments from their JSON (:func:`json_bytes`), in order."""
    h = assessments_hash()
    for dump in dumps:
        h.update(dump)
    return h.hexdigest()


# ---------------------------------------------------------------------------- assessment results


def render_assessment_results(batch: Batch) -> str:
    return _dump(assessment_results(batch))


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def assessment_results(batch: Batch) -> dict[str, Any]:
    dumps = [json_bytes(a) for a in batch.assessments]  # each dumped once, for two digests
    results = [_result(a, dump) for a, dump in zip(batch.assessments, dumps, strict=True)]
    return results_document(batch.pack_info, batch.options.as_of, _digest(dumps), results)


def results_document(info: PackInfo, day: dt.date, digest: str, results: Any) -> dict[str, Any]:
    """The document around ``results`` (a streamed one passes a marker in their place);
    ``digest`` is that of every assessment, in order (:func:`assessments_hash`)."""
    document = {
        "uuid": _uuid("assessment-results", info.id, info.version, day, digest),
        "metadata": {
            "title": _string(f"licensecheck assessment results: {info.title or info.id}"),
            "last-modified": _timestamp(day),
            "version": day.isoformat(),
            "oscal-version": OSCAL_VERSION,
            "props": [
                _prop("tool", f"licensecheck {__version__}"),
                _prop("pack", info.id),
                _prop("pack-version", info.version),
            ],
        },
        "import-ap": {
            "href": f"{NS}:pack:{_token(info.id)}:{_token(info.version)}",
            "remarks": f"licensecheck writes no assessment plan: the rules of pack {info.id} "
            f"{info.version} are the assessment objectives.",
        },
        "results": results,
    }
    return {"assessment-results": document}


def result_part(item: BatchItem, depth: int) -> tuple[bytes, str] | None:
    """What a streamed document needs of ``item``: the bytes its digest covers and its
    result as it sits in the document, ``depth`` levels deep (None: not assessed)."""
    a = item.assessment
    if a is None:
        return None
    dump = json_bytes(a)
    text = json.dumps(_result(a, dump), indent=2, ensure_ascii=False)
    return dump, text.replace("\n", "\n" + "  " * depth)


def assessments_hash() -> hashlib._Hash:
    """The hash whose digest names the document: fed each assessment's JSON, in order."""
    return hashlib.sha256()


def _result(a: Assessment, dump: bytes) -> dict[str, Any]:
    """``a`` as an OSCAL result; ``dump`` is its JSON (:func:`json_bytes`), which names it."""
    base = _uuid("result", a.declaration, a.pack.id, a.pack.version, a.as_of, _digest([dump]))
    verdict = "ready" if a.summary.ready else "not ready"
    observations: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for f in a.findings:
        if f.status == "not_applicable":
            continue
        finding: dict[str, Any] = {
            "uuid": _uuid(base, "finding", f.rule_id),
            "title": _string(f"{f.rule_id}: {f.title}"),
            "description": f.message,
            "props": [
                _prop("status", f.status),
                _prop("severity", f.severity),
                _prop("domain", f.domain),
            ],
            "target": {
                "type": "objective-id",
                "target-id": _token(f.rule_id),
                "status": _target_status(f),
            },
        }
        if f.status in GAP_STATUSES:
            observation = observation_of(base, a, f)
            risk = risk_of(base, f, observation["uuid"])
            observations.append(observation)
            risks.append(risk)
            finding["related-observations"] = [{"observation-uuid": observation["uuid"]}]
            finding["related-risks"] = [{"risk-uuid": risk["uuid"]}]
        findings.append(finding)
    result: dict[str, Any] = {
        "uuid": base,
        "title": _string(f"{a.declaration} against {a.pack.id} {a.pack.version}"),
        "description": f"licensecheck {a.tool.version} assessed {a.declaration} against pack "
        f"{a.pack.id} {a.pack.version} as of {a.as_of.isoformat()}: {verdict}, "
        f"readiness score {a.summary.score}/100.",
        "start": _timestamp(a.as_of),
        "end": _timestamp(a.as_of),
        "props": [
            _prop("declaration", a.declaration),
            _prop("score", a.summary.score),
            _prop("ready", "true" if a.summary.ready else "false"),
        ],
        "reviewed-controls": {
            "control-selections": [
                {"description": f"Every rule of pack {a.pack.id}.", "include-all": {}}
            ]
        },
    }
    if observations:
        result["observations"] = observations
        result["risks"] = risks
    if findings:
        result["findings"] = findings
    return result


def _target_status(f: Finding) -> dict[str, str]:
    if f.status == "pass":
        return {"state": "satisfied", "reason": "pass"}
    status = original_status(f)
    state: dict[str, str] = {
        "state": "not-satisfied",
        "reason": "fail" if status == "fail" else "other",
    }
    if f.status == "waived" and f.waiver is not None:
        state["remarks"] = f"Waived ({f.waiver.id}): {f.waiver.detail}"
    elif status in ("unknown", "error"):
        state["remarks"] = f"Status {status}: {f.message}"
    return state


def observation_of(base: str, a: Assessment, f: Finding) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": _uuid(base, "observation", f.rule_id),
        "title": _string(f"{f.rule_id}: {original_status(f)}"),
        "description": f.message,
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": _timestamp(a.as_of),
    }
    evidence = [_evidence(a.declaration, w) for w in f.witnesses]
    if evidence:
        observation["relevant-evidence"] = evidence
    return observation


def _evidence(source: str, w: Witness) -> dict[str, Any]:
    href = artifact_uri(source) + (f"#L{w.line}" if w.line is not None else "")
    return {"href": href, "description": witness_text(w)}


def risk_of(base: str, f: Finding, observation: str) -> dict[str, Any]:
    risk: dict[str, Any] = {
        "uuid": _uuid(base, "risk", f.rule_id),
        "title": _string(f"{f.rule_id}: {f.title}"),
        "description": f.message + ("" if not f.cite else " Cite: " + "; ".join(f.cite) + "."),
        "statement": f.remediation or f.message,
        "props": [_prop("severity", f.severity)],
        "status": "deviation-approved" if f.status == "waived" else "open",
        "related-observations": [{"observation-uuid": observation}],
    }
    return risk


# ---------------------------------------------------------------------------- POA&M


def render_poam(plan: Plan) -> str:
    return _dump(poam(plan))


def poam(plan: Plan) -> dict[str, Any]:
    """A remediation plan as an OSCAL plan of action and milestones: a ``poam-item``, an
    observation and a risk per task; the risk's remediation holds the task with its timing
    and dependencies; the phases' milestones are tasks of type ``milestone``."""
    digest = hashlib.sha256(json_bytes(plan)).hexdigest()
    base = _uuid("poam", plan.pack.id, plan.pack.version, plan.declaration, digest)
    task_uuids = {t.id: _uuid(base, "task", t.id) for t in plan.tasks}
    observations: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for task in plan.tasks:
        observation = {
            "uuid": _uuid(base, "observation", task.id),
            "title": _string(f"{task.rule_id}: {task.status}"),
            "description": f"Rule {task.rule_id} ({task.severity}) is {task.status}: {task.title}",
            "methods": ["TEST"],
            "types": ["finding"],
            "relevant-evidence": [
                {"href": artifact_uri(plan.declaration), "description": "The declaration assessed."}
            ],
            "collected": _timestamp(plan.as_of),
        }
        risk = {
            "uuid": _uuid(base, "risk", task.id),
            "title": _string(f"{task.rule_id}: {task.title}"),
            "description": f"Rule {task.rule_id} is {task.status} ({task.severity}).",
            "statement": task.remediation or task.title,
            "props": [_prop("severity", task.severity)],
            "status": "open",
            "deadline": _timestamp(task.end),
            "remediations": [_remediation(base, task, task_uuids)],
            "related-observations": [{"observation-uuid": observation["uuid"]}],
        }
        observations.append(observation)
        risks.append(risk)
        items.append(
            {
                "uuid": _uuid(base, "poam-item", task.id),
                "title": _string(task.title),
                "description": f"Task {task.id}: {task.effort_days} working days from "
                f"{task.start.isoformat()}, done by {task.end.isoformat()} (phase {task.phase}).",
                "props": [
                    _prop("task", task.id),
                    _prop("rule", task.rule_id),
                    _prop("severity", task.severity),
                    _prop("phase", task.phase),
                ],
                "related-observations": [{"observation-uuid": observation["uuid"]}],
                "related-risks": [{"risk-uuid": risk["uuid"]}],
            }
        )
    document: dict[str, Any] = {
        "uuid": base,
        "metadata": {
            "title": _string(f"licensecheck remediation plan: {plan.company or plan.declaration}"),
            "last-modified": _timestamp(plan.as_of),
            "version": plan.as_of.isoformat(),
            "oscal-version": OSCAL_VERSION,
            "props": [
                _prop("tool", f"licensecheck {__version__}"),
                _prop("pack", plan.pack.id),
                _prop("pack-version", plan.pack.version),
                _prop("declaration", plan.declaration),
                _prop("score", plan.score),
                _prop("ready-on", plan.ready_on.isoformat()),
                _prop("completes-on", plan.completes_on.isoformat()),
            ],
        },
        "system-id": {"identifier-type": NS, "id": _string(plan.company or plan.declaration)},
        "poam-items": items,
    }
    if observations:
        document["observations"] = observations
        document["risks"] = risks
    if plan.milestones:
        document["local-definitions"] = {
            "remarks": "Milestones: "
            + "; ".join(f"{m.title} by {m.date.isoformat()}" for m in plan.milestones)
        }
    return {"plan-of-action-and-milestones": document}


def _remediation(base: str, task: Task, task_uuids: dict[str, str]) -> dict[str, Any]:
    oscal_task: dict[str, Any] = {
        "uuid": task_uuids[task.id],
        "type": "action",
        "title": _string(task.title),
        "description": task.remediation or task.title,
        "props": [
            _prop("effort-days", task.effort_days),
            _prop("workstream", task.workstream),
            _prop("critical-path", "true" if task.critical else "false"),
        ],
        "timing": {
            "within-date-range": {"start": _timestamp(task.start), "end": _timestamp(task.end)}
        },
    }
    dependencies = [d for d in task.depends_on if d in task_uuids]
    if dependencies:
        oscal_task["dependencies"] = [{"task-uuid": task_uuids[d]} for d in dependencies]
    return {
        "uuid": _uuid(base, "response", task.id),
        "lifecycle": "planned",
        "title": _string(task.title),
        "description": task.remediation or task.title,
        "props": [_prop("phase", task.phase)],
        "tasks": [oscal_task],
    }
