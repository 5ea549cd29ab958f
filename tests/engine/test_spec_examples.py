"""A reference pack in the language of docs/language.md behaves as that page says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from helpers.rules import Assess, status

SPEC_PACK = """
const MIN_CAPITAL = 50_000_000
const PROHIBITED = ["religion", "genetic", "fingerprint", "blood_type", "medical_history"]

predicate provides_personal_credit =
    any b in business_lines: b.provides_credit_information and b.subject_type == "individual"

rule CR-LIC-001 {
    title: "Hold a personal credit reporting licence before offering personal credit products"
    title@zh: "提供个人征信产品前须取得个人征信业务许可"
    domain: licensing
    severity: critical
    cite: ["征信业管理条例 第六条", "征信业务管理办法 第四条"]
    when: provides_personal_credit
    require: any l in company.licenses:
                 l.kind == "personal_credit_reporting" and l.valid_until >= today
    message: "no valid personal credit reporting licence is declared"
    remediation: "Apply to the PBOC for a personal credit reporting licence, or route credit products through a licensed agency."
    effort: 180 days
    after: [CR-GOV-001]
}

rule CR-GOV-001 { title: "capital" domain: licensing severity: high cite: "x" remediation: "y"
    require: company.registered_capital_cny >= MIN_CAPITAL }

# vacuous truth: a firm with no data sources passes
rule EX-ALL-001 { title: "x" domain: d severity: low
    require: all s in data_sources: s.lawful_basis != "none" }

# filtered quantifier: only crawled sources are checked
rule EX-CRAWL-001 { title: "x" domain: d severity: high
    require: all s in data_sources where s.kind == "crawled": not s.collection.stores_user_credentials }

# counting and constants
rule EX-CNT-001 { title: "x" domain: d severity: medium
    require: (count r in recipients where not r.licensed) == 0 }

# dates and durations: an MLPS certificate no older than a year
rule EX-DATE-001 { title: "x" domain: d severity: high
    when: security.mlps.level >= 3
    require: security.mlps.certified_on + 1 year >= today }

# absent data: unknown, not fail; ?? supplies a default
rule EX-UNK-001 { title: "x" domain: d severity: low
    require: governance.pi_protection_officer.appointed }
rule EX-DEF-001 { title: "x" domain: d severity: low
    require: (governance.staff_training.hours_per_year ?? 0) >= 8 }

# membership, contains, matches
rule EX-SET-001 { title: "x" domain: d severity: critical
    require: none s in data_sources: any c in s.sensitive_categories: c in PROHIBITED }
rule EX-RE-001 { title: "x" domain: d severity: low
    require: company.uscc matches "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$" }
"""


def run(
    assess: Assess, declaration: dict[str, Any], rule_id: str, as_of: dt.date | None = None
) -> str:
    rules = SPEC_PACK
    result = assess(rules, declaration, as_of) if as_of else assess(rules, declaration)
    return status(result, rule_id)


@pytest.fixture
def spec(assess: Assess, make_pack: Any) -> Any:
    pack = make_pack(SPEC_PACK, domains={"d": "D", "licensing": "Licensing"})
    import licensecheck

    compiled = licensecheck.prepare_pack(pack)

    def evaluate(declaration: dict[str, Any], as_of: dt.date = dt.date(2026, 1, 15)) -> Any:
        full = {"schema_version": 1, "company": {"name": "Co"}, **declaration}
        if "company" in declaration:
            full["company"] = {"name": "Co", **declaration["company"]}
        return licensecheck.assess(full, compiled, as_of=as_of)

    return evaluate


def test_vacuous_truth_on_an_empty_list(spec: Any) -> None:
    assert status(spec({"data_sources": []}), "EX-ALL-001") == "pass"


def test_absent_list_is_unknown_not_vacuous(spec: Any) -> None:
    assert status(spec({}), "EX-ALL-001") == "unknown"


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ([{"id": "a", "lawful_basis": "consent"}], "pass"),
        ([{"id": "a", "lawful_basis": "consent"}, {"id": "b", "lawful_basis": "none"}], "fail"),
        ([{"id": "a", "lawful_basis": "consent"}, {"id": "b"}], "unknown"),
        (
            [{"id": "a", "lawful_basis": "none"}, {"id": "b"}],
            "fail",
        ),  # false beats unknown in `all`
    ],
)
def test_all_is_kleene(spec: Any, sources: list[dict[str, Any]], expected: str) -> None:
    assert status(spec({"data_sources": sources}), "EX-ALL-001") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            {"kind": "purchased", "collection": {"stores_user_credentials": True}},
            "pass",
        ),  # filtered out
        ({"kind": "crawled", "collection": {"stores_user_credentials": True}}, "fail"),
        ({"kind": "crawled", "collection": {"stores_user_credentials": False}}, "pass"),
        ({"kind": "crawled"}, "unknown"),
        (
            {"collection": {"stores_user_credentials": True}},
            "unknown",
        ),  # filter unknown, body false
        ({"collection": {"stores_user_credentials": False}}, "pass"),  # filter unknown, body true
    ],
)
def test_filtered_quantifier(spec: Any, source: dict[str, Any], expected: str) -> None:
    result = spec({"data_sources": [{"id": "ds-1", **source}]})
    assert status(result, "EX-CRAWL-001") == expected


def test_filtered_quantifier_witness_points_at_the_field(spec: Any) -> None:
    sources = [
        {"id": "ok", "kind": "crawled", "collection": {"stores_user_credentials": False}},
        {"id": "bad", "kind": "crawled", "collection": {"stores_user_credentials": True}},
    ]
    finding = spec({"data_sources": sources}).finding("EX-CRAWL-001")
    assert finding.status == "fail"
    assert [(w.path, w.actual, w.element) for w in finding.witnesses] == [
        ("data_sources[1].collection.stores_user_credentials", "true", "bad")
    ]


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [
        ([], "pass"),
        ([{"id": "r1", "licensed": True}], "pass"),
        ([{"id": "r1", "licensed": True}, {"id": "r2", "licensed": False}], "fail"),
        ([{"id": "r1", "licensed": True}, {"id": "r2"}], "unknown"),
    ],
)
def test_count_with_filter(spec: Any, recipients: list[dict[str, Any]], expected: str) -> None:
    assert status(spec({"recipients": recipients}), "EX-CNT-001") == expected


def test_count_witness_lists_the_counted_elements(spec: Any) -> None:
    recipients = [{"id": "r1", "licensed": True}, {"id": "r2", "licensed": False}]
    finding = spec({"recipients": recipients}).finding("EX-CNT-001")
    paths = [w.path for w in finding.witnesses]
    assert paths == ["recipients", "recipients[1]"]
    assert finding.witnesses[0].actual == "1"
    assert finding.witnesses[0].expected == "== 0"


@pytest.mark.parametrize(
    ("mlps", "as_of", "expected"),
    [
        ({"level": 2}, dt.date(2026, 1, 15), "not_applicable"),
        ({}, dt.date(2026, 1, 15), "unknown"),
        ({"level": 3}, dt.date(2026, 1, 15), "unknown"),
        ({"level": 3, "certified_on": "2025-06-01"}, dt.date(2026, 1, 15), "pass"),
        ({"level": 3, "certified_on": "2024-06-01"}, dt.date(2026, 1, 15), "fail"),
        # calendar arithmetic clamps: 2024-02-29 + 1 year = 2025-02-28
        ({"level": 3, "certified_on": "2024-02-29"}, dt.date(2025, 2, 28), "pass"),
        ({"level": 3, "certified_on": "2024-02-29"}, dt.date(2025, 3, 1), "fail"),
    ],
)
def test_dates_and_durations(
    spec: Any, mlps: dict[str, Any], as_of: dt.date, expected: str
) -> None:
    assert status(spec({"security": {"mlps": mlps}}, as_of), "EX-DATE-001") == expected


@pytest.mark.parametrize(
    ("governance", "expected"),
    [
        ({}, "unknown"),
        ({"pi_protection_officer": {"appointed": False}}, "fail"),
        ({"pi_protection_officer": {"appointed": True}}, "pass"),
    ],
)
def test_absent_is_unknown(spec: Any, governance: dict[str, Any], expected: str) -> None:
    assert status(spec({"governance": governance}), "EX-UNK-001") == expected


def test_unknown_finding_names_the_missing_path(spec: Any) -> None:
    finding = spec({"governance": {}}).finding("EX-UNK-001")
    assert [(w.path, w.actual) for w in finding.witnesses] == [
        ("governance.pi_protection_officer.appointed", None)
    ]
    assert "governance.pi_protection_officer.appointed" in finding.message


@pytest.mark.parametrize(
    ("training", "expected"),
    [({}, "fail"), ({"hours_per_year": 4}, "fail"), ({"hours_per_year": 8}, "pass")],
)
def test_default_operator(spec: Any, training: dict[str, Any], expected: str) -> None:
    assert status(spec({"governance": {"staff_training": training}}), "EX-DEF-001") == expected


def test_explicit_null_is_absent(spec: Any) -> None:
    result = spec(
        {
            "governance": {
                "pi_protection_officer": {"appointed": None},
                "staff_training": {"hours_per_year": None},
            }
        }
    )
    assert status(result, "EX-UNK-001") == "unknown"
    assert status(result, "EX-DEF-001") == "fail"


@pytest.mark.parametrize(
    ("categories", "expected"),
    [(["health", "location_trace"], "pass"), (["health", "religion"], "fail"), ([], "pass")],
)
def test_membership_in_a_constant(spec: Any, categories: list[str], expected: str) -> None:
    result = spec({"data_sources": [{"id": "s", "sensitive_categories": categories}]})
    assert status(result, "EX-SET-001") == expected


def test_none_witness_names_the_offending_value(spec: Any) -> None:
    sources = [{"id": "s1", "sensitive_categories": ["health", "religion"]}]
    finding = spec({"data_sources": sources}).finding("EX-SET-001")
    assert [(w.path, w.actual, w.element) for w in finding.witnesses] == [
        ("data_sources[0].sensitive_categories[1]", '"religion"', "s1")
    ]


@pytest.mark.parametrize(
    ("uscc", "expected"),
    [
        ("91110000MA01ABCD3X", "pass"),
        ("91110000MA01ABCD3", "fail"),
        ("x91110000MA01ABCD3XY", "fail"),
    ],
)
def test_matches(spec: Any, uscc: str, expected: str) -> None:
    assert status(spec({"company": {"uscc": uscc}}), "EX-RE-001") == expected


def test_licence_rule_from_the_spec(spec: Any) -> None:
    credit = {
        "business_lines": [
            {"id": "b", "provides_credit_information": True, "subject_type": "individual"}
        ]
    }
    result = spec(credit)
    assert status(result, "CR-LIC-001") == "unknown"  # applies, but no licences declared
    expired = {"id": "l1", "kind": "personal_credit_reporting", "valid_until": "2025-12-31"}
    valid = {"id": "l2", "kind": "personal_credit_reporting", "valid_until": "2027-12-31"}
    assert status(spec({**credit, "company": {"licenses": [expired]}}), "CR-LIC-001") == "fail"
    assert (
        status(spec({**credit, "company": {"licenses": [expired, valid]}}), "CR-LIC-001") == "pass"
    )
    enterprise = {
        "business_lines": [
            {"id": "b", "provides_credit_information": True, "subject_type": "enterprise"}
        ]
    }
    assert status(spec(enterprise), "CR-LIC-001") == "not_applicable"
    finding = spec({**credit, "company": {"licenses": [expired]}}).finding("CR-LIC-001")
    assert finding.after == ["CR-GOV-001"]
    assert finding.effort_days == 180
    assert finding.witnesses[0].path == "company.licenses"


def test_every_failing_part_of_an_and_is_a_witness(assess: Any) -> None:
    rules = 'rule A-1 { title: "x" domain: d severity: low require: company.headcount > 10 and declared(company.uscc) and company.registered_capital_cny > 5 }'
    finding = assess(rules, {"company": {"headcount": 3, "registered_capital_cny": 1}}).findings[0]
    assert finding.status == "fail"
    assert [(w.path, w.expected) for w in finding.witnesses] == [
        ("company.headcount", "> 10"),
        ("company.uscc", "declared"),
        ("company.registered_capital_cny", "> 5"),
    ]


def test_witness_of_a_computed_date_shows_the_declared_value(assess: Any) -> None:
    rules = 'rule A-1 { title: "x" domain: d severity: low require: security.penetration_test_on + 6 months >= today }'
    finding = assess(rules, {"security": {"penetration_test_on": "2025-03-01"}}).findings[0]
    assert [(w.path, w.actual, w.expected) for w in finding.witnesses] == [
        (
            "security.penetration_test_on",
            "2025-03-01",
            "security.penetration_test_on + 6 months >= today (2026-01-15)",
        )
    ]
