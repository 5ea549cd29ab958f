"""SARIF 2.1.0: batches of assessments (one per pack) → one SARIF log with one run per pack.

- ``tool.driver.rules``: every rule of the pack, sorted by id: ``name``, the title as
  ``shortDescription``, the requirement (generated from the rule's expression) as
  ``fullDescription``, citation, remediation and effort as ``help`` (text and Markdown), and
  ``defaultConfiguration.level`` from the severity (critical and high ``error``, medium
  ``warning``, low ``note``); ``properties`` carry the domain, the severity and a
  ``security-severity`` score. GitHub code scanning reads ``security-severity`` only on rules
  tagged ``security``; these rules are compliance requirements, not vulnerabilities, so they
  are deliberately not tagged ``security`` and GitHub ranks them by ``level`` (the score stays
  for other dashboards). ``informationUri`` points at the tool's home page.
- ``automationDetails.id`` is ``licensecheck/PACK/``: each pack's run is its own category, so
  code scanning keeps the alerts of several packs apart.
- ``results``: every ``fail``, ``unknown`` and ``error`` finding, located at its first witness
  (declaration file, line, column; the URI relative to the working directory), the other
  witnesses as ``relatedLocations``. The URI is relative to the repository root (the nearest
  folder upwards with ``.git``, else the working directory), as code scanning expects. A
  ``fail`` or ``error`` is ``kind: fail``; an ``unknown`` (the declaration does not say) is
  ``kind: open`` with level ``none``, as SARIF §3.27.9–10 requires for a result that needs
  more information. ``partialFingerprints`` hash the rule id and the file,
  never a line number, so a dashboard tracks one gap across commits while lines move.
  Waived findings are results with an accepted external ``suppression``; with a baseline,
  each result has a ``baselineState``.
- ``invocations``: ``executionSuccessful`` is false when a file could not be assessed, and
  its problems are ``toolExecutionNotifications`` at their positions.

No timestamps or absolute paths: the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._version import HOMEPAGE, __version__
from ..engine.batch import Batch, BatchItem
from ..engine.compile import CompiledPack
from ..engine.evaluate import text
from ..engine.gate import GAP_STATUSES
from ..engine.models import Finding, PackInfo, Witness
from ..engine.rules import Rule
from ..errors import Diagnostic
from ..lang import nodes as n
from ..output import relative_path
from ..reports.requirements import requirement_text
from .text import witness_text

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
_BASELINE_STATES = {
    "new": "new",
    "worsened": "updated",
    "unchanged": "unchanged",
    "improved": "unchanged",
    "fixed": "unchanged",  # a gap before, waived now: the result exists in both
}


def artifact_uri(source: str) -> str:
    """A declaration path as a URI reference: relative to the repository root with ``/``
    separators when the file is below it, else an absolute ``file:`` URI."""
    relative = relative_path(source)
    if relative is not None:
        return urllib.parse.quote(relative)
    return Path(source).resolve().as_uri()


def render_sarif(batches: Batch | Sequence[Batch]) -> str:
    return json.dumps(sarif_log(batches), indent=2, ensure_ascii=False) + "\n"


def sarif_log(batches: Batch | Sequence[Batch]) -> dict[str, Any]:
    """The log: one run per batch (a batch is one pack's assessments)."""
    runs = [_run(batches)] if isinstance(batches, Batch) else [_run(b) for b in batches]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}


def _run(batch: Batch) -> dict[str, Any]:
    rules = _rules(batch)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    with_baseline = any(a.baseline is not None for a in batch.assessments)
    for item in batch.items:
        uri = artifact_uri(item.source)
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifacts.append(artifact_object(uri))
        if item.assessment is None:
            continue
        for finding in item.assessment.findings:
            if finding.status in (*GAP_STATUSES, "waived"):
                results.append(_result(finding, uri, artifact_index[uri], index, with_baseline))
    notifications = [
        notification(d, artifact_index) for item in batch.errors for d in item.diagnostics
    ]
    return run_object(
        batch.pack_info, batch.options.as_of, rules, notifications, artifacts, results
    )


def run_object(
    info: PackInfo,
    as_of: dt.date,
    rules: list[dict[str, Any]],
    notifications: list[dict[str, Any]],
    artifacts: list[Any] | str,
    results: list[Any] | str,
) -> dict[str, Any]:
    """One pack's run (a streamed log passes markers for its artifacts and results)."""
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "licensecheck",
                "informationUri": HOMEPAGE,
                "semanticVersion": __version__,
                "version": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"licensecheck/{info.id}/"},
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "pack": info.id,
            "packVersion": info.version,
            "asOf": as_of.isoformat(),
        },
    }
    return run


# ---------------------------------------------------------------------------- rules


def _rules(batch: Batch) -> list[dict[str, Any]]:
    if batch.pack is not None:
        return pack_rules(batch.pack, batch.options.lang)
    seen: dict[str, Finding] = {}
    for assessment in batch.assessments:
        for finding in assessment.findings:
            seen.setdefault(finding.rule_id, finding)
    return [_finding_rule(seen[rule_id]) for rule_id in sorted(seen)]


def pack_rules(pack: CompiledPack, lang: str) -> list[dict[str, Any]]:
    """The rules evaluated (all, or those --rule/--domain selected), sorted by id."""
    consts = dict(pack.checked.consts)
    selected = sorted((c.rule for c in pack.rules), key=lambda r: r.id)
    return [_pack_rule(r, consts, pack.checked.predicates, lang) for r in selected]


def _pack_rule(
    rule: Rule, consts: dict[str, Any], predicates: Mapping[str, n.Expr], lang: str
) -> dict[str, Any]:
    requirement = requirement_text(rule.require, consts, predicates=predicates)
    if rule.when is not None:
        applies = requirement_text(rule.when, consts, predicates=predicates)
        requirement = f"When {applies}: {requirement}"
    return _rule_object(
        rule_id=rule.id,
        name=text(rule.title, "en"),
        title=text(rule.title, lang),
        requirement=requirement,
        severity=rule.severity,
        domain=rule.domain,
        cite=list(rule.cite),
        remediation=text(rule.remediation, lang) or None,
        effort_days=rule.effort.days if rule.effort else None,
    )


def _finding_rule(finding: Finding) -> dict[str, Any]:
    return _rule_object(
        rule_id=finding.rule_id,
        name=finding.title,
        title=finding.title,
        requirement=finding.title,
        severity=finding.severity,
        domain=finding.domain,
        cite=finding.cite,
        remediation=finding.remediation,
        effort_days=finding.effort_days,
    )


def _rule_object(
    *,
    rule_id: str,
    name: str,
    title: str,
    requirement: str,
    severity: str,
    domain: str,
    cite: list[str],
    remediation: str | None,
    effort_days: float | None,
) -> dict[str, Any]:
    help_text = [f"Requirement: {requirement}"]
    help_md = [f"**Requirement:** {requirement}"]
    if cite:
        help_text.append("Cite: " + "; ".join(cite))
        help_md.append("**Cite:** " + "; ".join(cite))
    if remediation:
        help_text.append(f"Remediation: {remediation}")
        help_md.append(f"**Remediation:** {remediation}")
    if effort_days is not None:
        effort = f"{effort_days:g} days"
        help_text.append(f"Effort: {effort}")
        help_md.append(f"**Effort:** {effort}")
    return {
        "id": rule_id,
        "name": _pascal(name) or rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": requirement},
        "help": {"text": "\n".join(help_text), "markdown": "\n\n".join(help_md)},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {
            # "domain:" keeps a pack domain named "security" from turning the rule into a
            # security alert on GitHub (see the module docstring)
            "tags": ["compliance", f"domain:{domain}", severity],
            "domain": domain,
            "severity": severity,
            "security-severity": SECURITY_SEVERITY[severity],
            "cite": cite,
        },
    }


def _pascal(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"\w+", title))


# ---------------------------------------------------------------------------- results


def _result(
    finding: Finding, uri: str, artifact: int, index: dict[str, int], with_baseline: bool
) -> dict[str, Any]:
    status = original_status(finding)
    kind, level = _kind_and_level(status, finding.severity)
    located = [w for w in finding.witnesses if w.line is not None] or list(finding.witnesses)
    primary = located[0] if located else None
    message = f"{finding.title}: {finding.message}"
    if finding.in_grace:
        message += " [in grace period]"
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index.get(finding.rule_id, -1),
        "kind": kind,
        "level": level,
        "message": {"text": message},
        "locations": [_location(primary, uri, artifact, 1)],
        "partialFingerprints": {"licensecheckGap/v1": _fingerprint(finding.rule_id, uri)},
        "properties": {
            "status": status,
            "severity": finding.severity,
            "domain": finding.domain,
            "inGrace": finding.in_grace,
            "witnesses": [
                {k: v for k, v in w.model_dump().items() if v is not None}
                for w in finding.witnesses
            ],
        },
    }
    if result["ruleIndex"] < 0:
        del result["ruleIndex"]
    related = located[1:]
    if related:
        result["relatedLocations"] = [
            {**_location(w, uri, artifact, i + 2), "message": {"text": witness_text(w)}}
            for i, w in enumerate(related)
        ]
    if finding.status == "waived" and finding.waiver is not None:
        waiver = finding.waiver
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": waiver.reason,
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(waiver.file)},
                    "region": {"startLine": waiver.line},
                }
            },
            "properties": {"waiver": waiver.id},
        }
        if waiver.approved_by:
            suppression["properties"]["approvedBy"] = waiver.approved_by
        if waiver.expires_on:
            suppression["properties"]["expiresOn"] = waiver.expires_on.isoformat()
        result["suppressions"] = [suppression]
    if with_baseline:
        result["baselineState"] = _BASELINE_STATES.get(finding.baseline or "", "new")
    return result


#: The artifact index a result rendered by :func:`results_text` carries until the log's writer,
#: which numbers the files, puts the real one in its place (:func:`with_artifact`).
ARTIFACT_SLOT = -1
_SLOT_TEXT = f'"index": {ARTIFACT_SLOT}'


def results_text(item: BatchItem, depth: int) -> str:
    """The item's results as they sit in the log, ``depth`` levels deep, separated as there,
    with :data:`ARTIFACT_SLOT` for the artifact index ("" when there are none). The rule
    index comes from the findings: an assessment has one per rule evaluated, sorted by id,
    as the run's rules are."""
    a = item.assessment
    if a is None:
        return ""
    uri = artifact_uri(item.source)
    index = {f.rule_id: i for i, f in enumerate(sorted(a.findings, key=lambda f: f.rule_id))}
    with_baseline = a.baseline is not None  # set on every assessment of a run with --baseline
    indent = "\n" + "  " * depth
    return ("," + indent).join(
        json.dumps(
            _result(f, uri, ARTIFACT_SLOT, index, with_baseline), indent=2, ensure_ascii=False
        ).replace("\n", indent)
        for f in a.findings
        if f.status in (*GAP_STATUSES, "waived")
    )


def with_artifact(text: str, artifact: int) -> str:
    """Results from :func:`results_text` pointing at artifact number ``artifact``."""
    return text.replace(_SLOT_TEXT, f'"index": {artifact}')


def artifact_object(uri: str) -> dict[str, Any]:
    return {"location": {"uri": uri}, "roles": ["analysisTarget"]}


def _kind_and_level(status: str, severity: str) -> tuple[str, str]:
    """An unknown is an open question (``open``, which SARIF allows only with level
    ``none``); an error always an ``error``; a failure at its severity's level."""
    if status == "unknown":
        return "open", "none"
    if status == "error":
        return "fail", "error"
    return "fail", LEVELS[severity]


def original_status(finding: Finding) -> str:
    """The status of a finding before a waiver covered it."""
    if finding.status == "waived" and finding.waiver and finding.waiver.finding_status:
        return finding.waiver.finding_status
    return finding.status


def _location(witness: Witness | None, uri: str, artifact: int, ident: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": 1}
    if witness is not None and witness.line is not None:
        region = {"startLine": witness.line, "startColumn": witness.column or 1}
    location: dict[str, Any] = {
        "id": ident,
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "index": artifact},
            "region": region,
        },
    }
    if witness is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": witness.path, "kind": "member"}]
    return location


def _fingerprint(rule_id: str, uri: str) -> str:
    return hashlib.sha256(f"{rule_id}\0{uri}".encode()).hexdigest()[:32]


def notification(d: Diagnostic, artifacts: dict[str, int]) -> dict[str, Any]:
    """A problem of a file that could not be assessed, as a tool execution notification."""
    notification: dict[str, Any] = {
        "level": "error" if d.level == "error" else "warning",
        "message": {"text": d.message},
        "descriptor": {"id": d.code},
    }
    if d.span is not None:
        uri = artifact_uri(d.span.file)
        artifact: dict[str, Any] = {"uri": uri}
        if uri in artifacts:
            artifact["index"] = artifacts[uri]
        notification["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {"startLine": d.span.line, "startColumn": d.span.column},
                }
            }
        ]
    return notification
