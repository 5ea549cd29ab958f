"""JUnit XML: a batch of assessments → ``<testsuites>`` with one ``<testsuite>`` per declaration.

Each applicable rule (every status but ``not_applicable``) is a ``<testcase>`` named
``RULE-ID title`` in class ``pack.domain``: ``fail`` and ``unknown`` are ``<failure>``s whose
message is the finding's and whose text lists the witnesses (``file:line:col path = value``),
the citation and the fix; ``error`` is an ``<error>``; ``waived`` is ``<skipped>`` with the
waiver's reason. A file that could not be assessed is a suite with one errored testcase
holding its diagnostics.

The layout satisfies the strict Ant schema (``JUnit.xsd``: ``properties``, ``system-out``,
``system-err``, ``hostname``, ``timestamp``, ``package`` and ``id``) and the lenient one
Jenkins and GitLab read. Times are ``0`` and the timestamp is the assessment date at
midnight, so the output is deterministic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .. import codes
from ..engine.batch import Batch, BatchItem
from ..engine.models import Assessment, Finding
from .text import finding_notes, witness_text

HOSTNAME = "localhost"
# Characters XML 1.0 cannot hold, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(value))


def render_junit(batch: Batch) -> str:
    root = ET.Element("testsuites")
    for i, item in enumerate(batch.items):
        if item.assessment is not None:
            _suite(root, i, item.assessment)
        else:
            _error_suite(root, i, item, batch.pack_info.id, batch.options.as_of.isoformat())
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite_element(
    root: ET.Element, index: int, name: str, package: str, day: str, counts: dict[str, int]
) -> ET.Element:
    return ET.SubElement(
        root,
        "testsuite",
        {
            "name": _clean(name),
            "package": _clean(package),
            "id": str(index),
            "timestamp": f"{day}T00:00:00",
            "hostname": HOSTNAME,
            "tests": str(counts["tests"]),
            "failures": str(counts["failures"]),
            "errors": str(counts["errors"]),
            "skipped": str(counts["skipped"]),
            "time": "0",
        },
    )


def _suite(root: ET.Element, index: int, a: Assessment) -> None:
    cases = [f for f in a.findings if f.status != "not_applicable"]
    counts = {
        "tests": len(cases),
        "failures": sum(1 for f in cases if f.status in ("fail", "unknown")),
        "errors": sum(1 for f in cases if f.status == "error"),
        "skipped": sum(1 for f in cases if f.status == "waived"),
    }
    suite = _suite_element(root, index, a.declaration, a.pack.id, a.as_of.isoformat(), counts)
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("pack", a.pack.id),
        ("pack_version", a.pack.version),
        ("declaration", a.declaration),
        ("as_of", a.as_of.isoformat()),
        ("lang", a.lang),
        ("score", str(a.summary.score)),
        ("ready", "true" if a.summary.ready else "false"),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    for finding in cases:
        _case(suite, a, finding)
    verdict = "READY" if a.summary.ready else "NOT READY"
    counted = " · ".join(f"{n} {s}" for s, n in a.summary.counts.by_status.items() if n)
    ET.SubElement(suite, "system-out").text = _clean(
        f"{verdict}  score {a.summary.score}/100  ·  {counted}\n"
    )
    ET.SubElement(suite, "system-err").text = ""


def _case(suite: ET.Element, a: Assessment, f: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": _clean(f"{f.rule_id} {f.title}"),
            "classname": _clean(f"{a.pack.id}.{f.domain}"),
            "time": "0",
        },
    )
    if f.status in ("fail", "unknown", "error"):
        tag = "error" if f.status == "error" else "failure"
        message = f.message + (" (in grace period)" if f.in_grace else "")
        element = ET.SubElement(case, tag, {"message": _clean(message), "type": f.status})
        element.text = _clean(_details(a.declaration, f))
    elif f.status == "waived" and f.waiver is not None:
        element = ET.SubElement(case, "skipped", {"message": _clean(f"waived: {f.waiver.reason}")})
        element.text = _clean(f"{f.waiver.detail}\n{f.message}\n")


def _details(source: str, f: Finding) -> str:
    lines = [f"{f.severity} {f.rule_id}: {f.message}"]
    for w in f.witnesses:
        where = f"{source}:{w.line}:{w.column}" if w.line is not None else source
        lines.append(f"at {where}  {witness_text(w)}")
    lines.extend(finding_notes(f))
    return "\n".join(lines) + "\n"


def _error_suite(root: ET.Element, index: int, item: BatchItem, pack_id: str, day: str) -> None:
    counts = {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
    suite = _suite_element(root, index, item.source, pack_id, day, counts)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "declaration", "value": _clean(item.source)})
    case = ET.SubElement(
        suite, "testcase", {"name": "declaration", "classname": _clean(pack_id), "time": "0"}
    )
    first = item.diagnostics[0] if item.diagnostics else None
    element = ET.SubElement(
        case,
        "error",
        {
            "message": _clean(first.message if first else "could not be assessed"),
            "type": first.code if first else codes.INPUT,
        },
    )
    element.text = _clean("\n".join(d.render() for d in item.diagnostics) + "\n")
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""
