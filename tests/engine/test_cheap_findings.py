"""Findings built once per rule and language (engine/evaluate.py): a rule that passes or does
not apply gives the same frozen Finding on every declaration; the others copy the rule's
validated fields, and equal what validating every field gives."""

from __future__ import annotations

import collections
import datetime as dt

import pytest

import licensecheck
from helpers.declarations import EXAMPLE_FILES, generated, loadable_examples
from licensecheck.engine import evaluate
from licensecheck.engine.evaluate import assess_compiled
from licensecheck.engine.models import Finding, Witness, constructed, updated
from licensecheck.packs.listing import list_packs


def test_passing_and_inapplicable_findings_are_shared_across_declarations() -> None:
    pack = licensecheck.prepare_pack("cn-credit-reporting")
    first, second = (licensecheck.load_declaration(p) for p in EXAMPLE_FILES[:2])
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
    for declaration in loadable_examples():
        for as_of in (dt.date(2026, 1, 15), dt.date(2021, 6, 1)):
            for finding in assess_compiled(pack, declaration, as_of).findings:
                fields = finding.model_dump()
                fields["witnesses"] = [Witness(**w) for w in fields["witnesses"]]
                twin = Finding(**fields)
                assert twin == finding
                assert twin.model_dump_json() == finding.model_dump_json()


WITNESS = {
    "path": "data_sources[2].consent.separate",
    "line": 14,
    "column": 9,
    "actual": "false",
    "expected": "== true",
    "element": "ds-carrier",
}


def test_a_constructed_model_is_what_model_construct_makes() -> None:
    """The witnesses' shortcut past model_construct's per-field pass leaves the same model:
    equal, the same fields set, the same JSON, as frozen. Should pydantic lay its models out
    differently, this fails before a report could differ."""
    made, reference = constructed(Witness, dict(WITNESS)), Witness.model_construct(**WITNESS)
    assert made == reference
    assert made.model_fields_set == reference.model_fields_set == set(WITNESS)
    assert made.model_dump_json() == reference.model_dump_json()
    assert made.model_copy(update={"line": 3}) == reference.model_copy(update={"line": 3})
    with pytest.raises(ValueError, match="frozen"):
        made.line = 3  # type: ignore[misc]


def test_an_updated_model_is_what_model_copy_makes() -> None:
    passed = licensecheck.assess(EXAMPLE_FILES[0], "starter", as_of=dt.date(2026, 1, 15))
    finding = passed.findings[0]
    before = finding.model_dump()
    witness = constructed(Witness, dict(WITNESS))
    changes = {"status": "fail", "message": "x", "in_grace": True, "witnesses": [witness]}
    made, reference = updated(finding, changes), finding.model_copy(update=changes)
    assert made == reference
    assert made.model_fields_set == reference.model_fields_set
    assert made.model_dump_json() == reference.model_dump_json()
    assert finding.model_dump() == before  # the original is untouched


@pytest.mark.parametrize("pack_id", [p.id for p in list_packs()])
def test_rules_whose_shared_when_is_unknown_share_its_witnesses(
    pack_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The witnesses of a rule whose ``when`` is unknown depend on that ``when`` alone: found
    once per declaration for the rules sharing it, they are what each rule's own traced run
    gives, on the examples and on generated declarations."""
    pack = licensecheck.prepare_pack(pack_id)
    declarations = generated(6) + loadable_examples()
    as_of = dt.date(2026, 1, 15)
    shared = [assess_compiled(pack, d, as_of).findings for d in declarations]
    monkeypatch.setattr(evaluate, "_unknown_when_key", lambda _pack, _rule: None)
    monkeypatch.setattr(evaluate, "witness_key", lambda *_: None)  # each rule traced anew
    alone = [assess_compiled(pack, d, as_of).findings for d in declarations]
    assert shared == alone
    unknown_whens = collections.Counter(
        evaluate.expression_text(c.rule.when)
        for c in pack.rules
        if c.rule.when is not None
        for findings in shared
        for f in findings
        if f.rule_id == c.rule.id
        and f.status == "unknown"
        and f.message.startswith("cannot tell whether the rule applies")
    )
    if pack_id == "cn-personal-information":  # the case it is for: one condition, many rules
        assert max(unknown_whens.values()) > len(declarations)
