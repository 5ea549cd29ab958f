"""Findings built once per rule and language (engine/evaluate.py): a rule that passes or does
not apply gives the same frozen Finding on every declaration; the others copy the rule's
validated fields, and equal what validating every field gives."""

from __future__ import annotations

import datetime as dt

import licensecheck
from helpers.paths import REPO
from licensecheck.engine.evaluate import assess_compiled
from licensecheck.engine.models import Finding, Witness

EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))


def test_passing_and_inapplicable_findings_are_shared_across_declarations() -> None:
    pack = licensecheck.prepare_pack("cn-credit-reporting")
    first, second = (licensecheck.load_declaration(p) for p in EXAMPLES[:2])
    as_of = dt.date(2026, 1, 15)
    a = {f.rule_id: f for f in assess_compiled(pack, first, as_of).findings}
    b = {f.rule_id: f for f in assess_compiled(pack, second, as_of).findings}
    shared = [r for r in a if a[r].status in ("pass", "not_applicable") and a[r] == b[r]]
    assert shared
    assert all(a[r] is b[r] for r in shared)
    chinese = {f.rule_id: f for f in assess_compiled(pack, first, as_of, "zh").findings}
    assert all(chinese[r] is not a[r] for r in shared)  # one per language


def test_every_finding_equals_its_fully_validated_twin() -> None:
    pack = licensecheck.prepare_pack("cn-credit-reporting")
    for path in EXAMPLES:
        try:
            declaration = licensecheck.load_declaration(path)
        except licensecheck.DeclarationError:
            continue
        for as_of in (dt.date(2026, 1, 15), dt.date(2021, 6, 1)):
            for finding in assess_compiled(pack, declaration, as_of).findings:
                fields = finding.model_dump()
                fields["witnesses"] = [Witness(**w) for w in fields["witnesses"]]
                twin = Finding(**fields)
                assert twin == finding
                assert twin.model_dump_json() == finding.model_dump_json()
