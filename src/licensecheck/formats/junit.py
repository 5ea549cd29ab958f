"""JUnit XML: batches of assessments (one per pack) → ``<testsuites>`` with one ``<testsuite>``
per declaration and pack.

Each rule is a ``<testcase>`` named ``RULE-ID title`` in class ``pack.domain``. A gap that
blocks at ``--fail-on`` (:func:`~licensecheck.engine.gate.blocks`, the exit code's own test)
is a ``<failure>`` (``fail``, ``unknown``) or an ``<error>`` (``error``) whose message is the
finding's and whose text lists the witnesses (``file:line:col path = value``), the citation
and the fix. A gap that does not block (below the threshold, in its grace period, or no worse
than the baseline) passes, so the XML is red exactly when the exit code is 1; it is listed in
the suite's ``<system-out>`` and counted in the ``gaps_not_blocking`` property (the strict
Ant schema allows no output inside a testcase). ``waived`` is ``<skipped>`` with the waiver's
reason, ``not_applicable`` ``<skipped>`` with "does not apply". Suites are named by the
declaration's path from the repository root (with the pack when a run has several), unique
in the document. A file that could not be assessed is a suite with one errored testcase
holding its diagnostics.

The layout satisfies the strict Ant schema (``JUnit.xsd``: ``properties``, ``system-out``,
``system-err``, ``hostname``, ``timestamp``, ``package`` and ``id``) and the lenient one
Jenkins and GitLab read. Times are ``0`` and the timestamp is the assessment date at
midnight, so the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .. import codes
from ..engine.batch import Batch, BatchItem
from ..engine.gate import DEFAULT_FAIL_ON, GAP_STATUSES, blocks
from ..engine.models import Assessment, Finding
from ..output import relative_path
from .text import finding_notes, witness_text

HOSTNAME = "localhost"
# Characters XML 1.0 cannot hold, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(value))


def render_junit(batches: Batch | Sequence[Batch], *, fail_on: str = DEFAULT_FAIL_ON) -> str:
    """One suite per declaration and pack; failures are the gaps that block at ``fail_on``."""
    runs = [batches] if isinstance(batches, Batch) else list(batches)
    root = ET.Element("testsuites")
    names: set[str] = set()
    for batch in runs:
        pack_id = batch.pack_info.id
        for item in batch.items:
            name = unique_name(suite_name(item.source, pack_id if len(runs) > 1 else None), names)
            _add_suite(root, len(names) - 1, name, item, pack_id, batch.options.as_of, fail_on)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return XML_DECLARATION + body + "\n"


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _add_suite(
    root: ET.Element,
    index: int,
    name: str,
    item: BatchItem,
    pack_id: str,
    day: dt.date,
    fail_on: str,
) -> None:
    if item.assessment is not None:
        _suite(root, index, name, item.assessment, fail_on)
    else:
        _error_suite(root, index, name, item, pack_id, day.isoformat())


def suite_text(item: BatchItem, name: str, pack_id: str, day: dt.date, fail_on: str) -> str:
    """The item's suite as it sits in the document (indented, one level deep), numbered 0:
    :func:`renamed` gives it its place in a document written one suite at a time."""
    root = ET.Element("testsuites")
    _add_suite(root, 0, name, item, pack_id, day, fail_on)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return body.removeprefix("<testsuites>\n").removesuffix("\n</testsuites>")


def renamed(suite: str, name: str, unique: str, index: int) -> str:
    """A suite from :func:`suite_text` named ``unique`` (when its ``name`` was taken) and
    numbered ``index``. Attribute values never hold a bare quote, so the first match of each
    attribute is the suite's own."""
    if unique != name:
        suite = suite.replace(f"name={_attribute(name)}", f"name={_attribute(unique)}", 1)
    return suite.replace(' id="0" ', f' id="{index}" ', 1)


def _attribute(value: str) -> str:
    """``value`` quoted and escaped as ElementTree writes an attribute."""
    element = ET.tostring(ET.Element("x", {"v": _clean(value)}), encoding="unicode")
    return element.removeprefix("<x v=").removesuffix(" />")


def suite_name(source: str, pack_id: str | None) -> str:
    path = relative_path(source) or source
    return f"{path} [{pack_id}]" if pack_id else path


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when a suite already has it (one file named
    by two spellings of its path)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


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


def _suite(root: ET.Element, index: int, name: str, a: Assessment, fail_on: str) -> None:
    blocking = [f for f in a.findings if blocks(f, fail_on)]
    quiet_gaps = [f for f in a.findings if f.status in GAP_STATUSES and not blocks(f, fail_on)]
    counts = {
        "tests": len(a.findings),
        "failures": sum(1 for f in blocking if f.status != "error"),
        "errors": sum(1 for f in blocking if f.status == "error"),
        "skipped": sum(1 for f in a.findings if f.status in ("waived", "not_applicable")),
    }
    suite = _suite_element(root, index, name, a.pack.id, a.as_of.isoformat(), counts)
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("pack", a.pack.id),
        ("pack_version", a.pack.version),
        ("declaration", a.declaration),
        ("as_of", a.as_of.isoformat()),
        ("lang", a.lang),
        ("score", str(a.summary.score)),
        ("ready", "true" if a.summary.ready else "false"),
        ("fail_on", fail_on),
        ("gaps_not_blocking", str(len(quiet_gaps))),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": _clean(value)})
    for finding in a.findings:
        _case(suite, a, finding, blocks(finding, fail_on))
    verdict = "READY" if a.summary.ready else "NOT READY"
    counted = " · ".join(f"{n} {s}" for s, n in a.summary.counts.by_status.items() if n)
    out = [f"{verdict}  score {a.summary.score}/100  ·  {counted}"]
    if quiet_gaps:
        out.append(f"Gaps that do not fail at --fail-on {fail_on}:")
        out.extend(f"  {_details(a.declaration, f).splitlines()[0]}" for f in quiet_gaps)
    ET.SubElement(suite, "system-out").text = _clean("\n".join(out) + "\n")
    ET.SubElement(suite, "system-err").text = ""


def _case(suite: ET.Element, a: Assessment, f: Finding, blocking: bool) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": _clean(f"{f.rule_id} {f.title}"),
            "classname": _clean(f"{a.pack.id}.{f.domain}"),
            "time": "0",
        },
    )
    if blocking:
        tag = "error" if f.status == "error" else "failure"
        message = f.message + (" (in grace period)" if f.in_grace else "")
        element = ET.SubElement(case, tag, {"message": _clean(message), "type": f.status})
        element.text = _clean(_details(a.declaration, f))
    elif f.status == "waived" and f.waiver is not None:
        element = ET.SubElement(case, "skipped", {"message": _clean(f"waived: {f.waiver.reason}")})
        element.text = _clean(f"{f.waiver.detail}\n{f.message}\n")
    elif f.status == "not_applicable":
        ET.SubElement(case, "skipped", {"message": _clean(f"does not apply: {f.message}")})


def _details(source: str, f: Finding) -> str:
    lines = [f"{f.severity} {f.rule_id}: {f.message}"]
    for w in f.witnesses:
        where = f"{source}:{w.line}:{w.column}" if w.line is not None else source
        lines.append(f"at {where}  {witness_text(w)}")
    lines.extend(finding_notes(f))
    return "\n".join(lines) + "\n"


def _error_suite(
    root: ET.Element, index: int, name: str, item: BatchItem, pack_id: str, day: str
) -> None:
    counts = {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
    suite = _suite_element(root, index, name, pack_id, day, counts)
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
