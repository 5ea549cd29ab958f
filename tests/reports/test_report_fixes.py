"""The smallest declaration change that makes a rule pass, derived from the rule's logic."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.rules import AS_OF, compile_rule
from licensecheck.declaration.loader import Declaration
from licensecheck.engine.evaluate import run_rule
from licensecheck.reports.fix_words import edit_sentences, fact_sentences, value_text
from licensecheck.reports.fixes import Fix, apply_edits, smallest_fix


def fix(require: str, data: dict[str, Any], *, when: str | None = None, prelude: str = "") -> Fix:
    pack = compile_rule(require, when=when, prelude=prelude)
    result = smallest_fix(pack, "T-1", Declaration(data=data), AS_OF)
    assert result is not None, "expected a fix"
    return result


def words(result: Fix, data: dict[str, Any], lang: str = "en", consts: Any = None) -> list[str]:
    return edit_sentences(result.edits, data, consts or {}, lang)


SOURCES = {
    "data_sources": [
        {"id": "ds-crawl", "consent": {"separate": False}},
        {"id": "ds-ok", "consent": {"separate": True}},
        {"id": "ds-panel"},
    ]
}


def test_raise_a_number_to_the_minimum() -> None:
    data = {"company": {"registered_capital_cny": 10_000_000}}
    result = fix("company.registered_capital_cny >= MIN", data, prelude="const MIN = 50_000_000")
    assert words(result, data) == [
        "raise `company.registered_capital_cny` from 10,000,000 to at least 50,000,000"
    ]
    assert words(result, data, "zh") == [
        "将 `company.registered_capital_cny` 从 10,000,000 提高到不少于 50,000,000"
    ]
    assert result.verified


def test_set_a_flag_on_the_listed_elements_only() -> None:
    result = fix("all s in data_sources: s.consent.separate", SOURCES)
    assert words(result, SOURCES) == [
        "set `consent.separate: true` on data_sources ds-crawl, ds-panel"
    ]
    assert [e.path for e in result.edits] == [
        ("data_sources", 0, "consent", "separate"),
        ("data_sources", 2, "consent", "separate"),
    ]
    assert result.verified


def test_must_be_false_and_none_quantifier() -> None:
    result = fix(
        "not (any b in business_lines: b.direct_connection_to_financial_institutions)",
        {
            "business_lines": [
                {"id": "bl-a", "direct_connection_to_financial_institutions": True},
                {"id": "bl-b", "direct_connection_to_financial_institutions": False},
            ]
        },
    )
    assert [(e.action, e.path, e.value) for e in result.edits] == [
        ("set", ("business_lines", 0, "direct_connection_to_financial_institutions"), False)
    ]
    assert result.verified


def test_enum_must_be_one_of_the_allowed_values() -> None:
    data = {"data_sources": [{"id": "ds-1", "collection": {"method": "crawler"}}]}
    result = fix('all s in data_sources: s.collection.method in ["api", "file"]', data)
    assert words(result, data) == [
        'change `data_sources[0].collection.method` (ds-1) from "crawler" to one of "api", "file"'
    ]
    assert result.verified


def test_an_absent_field_is_declared_with_the_value_needed() -> None:
    data: dict[str, Any] = {"security": {}}
    result = fix("security.mlps.level >= 3", data)
    assert words(result, data) == ["declare `security.mlps.level` (at least 3)"]
    assert result.verified


def test_date_arithmetic_is_solved_for_the_declared_date() -> None:
    data = {"security": {"mlps": {"certified_on": dt.date(2023, 3, 1)}}}
    result = fix("security.mlps.certified_on + 1 year >= today", data)
    assert words(result, data) == [
        "change `security.mlps.certified_on` from 2023-03-01 to 2025-01-15 or later"
    ]
    assert result.edits[0].value == dt.date(2025, 1, 15)
    assert result.verified


def test_scaled_number_is_solved() -> None:
    data = {"data_sources": [{"id": "s", "collection": {"share_of_target_traffic": 0.5}}]}
    result = fix("all s in data_sources: s.collection.share_of_target_traffic * 4 <= 1", data)
    assert words(result, data) == [
        "lower `data_sources[0].collection.share_of_target_traffic` (s) from 0.5 to at most 0.25"
    ]
    assert result.verified


def test_list_must_contain_the_required_items() -> None:
    data = {"security": {"audit_logging": {"fields": ["user"]}}}
    result = fix(
        'all f in ["user", "time", "purpose"]: security.audit_logging.fields contains f', data
    )
    assert words(result, data) == ['add "time", "purpose" to `security.audit_logging.fields`']
    assert result.verified


def test_forbidden_list_items_are_removed() -> None:
    data = {
        "recipients": [{"id": "r-1", "data_categories": ["health", "contact", "location_trace"]}]
    }
    result = fix(
        'none r in recipients: any c in r.data_categories: c in ["health", "location_trace"]', data
    )
    assert words(result, data) == [
        'remove "health", "location_trace" from `recipients[0].data_categories`'
    ]
    patched = apply_edits(data, result.edits)
    assert patched is not None
    assert patched["recipients"][0]["data_categories"] == ["contact"]
    assert result.verified


def test_any_prefers_a_new_entry_over_rewriting_an_unrelated_one() -> None:
    data = {
        "company": {
            "licenses": [
                {"id": "lic-icp", "kind": "value_added_telecom", "valid_until": dt.date(2021, 9, 1)}
            ]
        }
    }
    result = fix(
        'any l in company.licenses: l.kind == "personal_credit_reporting" and l.valid_until >= today',
        data,
    )
    assert words(result, data) == [
        'add an entry to `company.licenses` where kind is "personal_credit_reporting" and '
        "valid_until is on or after today"
    ]
    assert result.verified  # the new entry is built from the condition and passes
    # re-declaring the ICP licence as a credit licence would pass on paper only: the kind of a
    # licence is a fact, so it is named, never offered
    assert not any(e.path[-1] == "kind" for alt in result.alternatives for e in alt)
    assert [(e.action, e.path) for e in result.facts] == [
        ("change", ("company", "licenses", 0, "kind"))
    ]


def test_any_renews_an_entry_that_needs_one_change() -> None:
    data = {
        "company": {
            "licenses": [
                {
                    "id": "lic-pc",
                    "kind": "personal_credit_reporting",
                    "valid_until": dt.date(2025, 6, 30),
                }
            ]
        }
    }
    result = fix(
        'any l in company.licenses: l.kind == "personal_credit_reporting" and l.valid_until >= today',
        data,
    )
    assert words(result, data) == [
        "change `company.licenses[0].valid_until` (lic-pc) from 2025-06-30 to 2026-01-15 or later"
    ]


def test_or_takes_the_cheapest_branch_controls_before_facts() -> None:
    data = {
        "data_sources": [
            {
                "id": "d",
                "lawful_basis": "consent",
                "consent": {"obtained": False, "scope_documented": False},
            }
        ]
    }
    result = fix(
        'all s in data_sources: s.lawful_basis == "publicly_disclosed" '
        "or (s.consent.obtained and s.consent.scope_documented)",
        data,
    )
    # two booleans (cost 2) beat re-describing the data as published (cost 2.5)
    assert [e.path[-1] for e in result.edits] == ["obtained", "scope_documented"]
    assert words(result, data)[0] == "set `consent.obtained: true` on data_sources d"


def test_unknown_applicability_gives_the_fields_to_declare() -> None:
    data: dict[str, Any] = {"data_sources": [{"id": "d"}]}
    result = fix(
        "company.registered_capital_cny >= 1",
        data,
        when="any s in data_sources: s.contains_personal_info",
    )
    assert [(e.action, e.path) for e in result.edits] == [
        ("declare", ("data_sources", 0, "contains_personal_info"))
    ]
    assert words(result, data) == ["declare `contains_personal_info` on data_sources d"]
    assert not result.verified


def test_passing_rule_has_no_fix() -> None:
    pack = compile_rule("company.registered_capital_cny >= 1")
    data = {"company": {"registered_capital_cny": 5}}
    assert smallest_fix(pack, "T-1", Declaration(data=data), AS_OF) is None


def test_the_declaration_is_never_modified() -> None:
    data = copy.deepcopy(SOURCES)
    result = fix("all s in data_sources: s.consent.separate", data)
    patched = apply_edits(data, result.edits)
    assert data == SOURCES
    assert patched is not None and patched != data


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 10**9), st.sampled_from([">=", ">", "<=", "<"]))
def test_a_numeric_bound_fix_makes_the_rule_pass(actual: int, bound: int, op: str) -> None:
    pack = compile_rule(f"company.registered_capital_cny {op} {bound}")
    data = {"company": {"registered_capital_cny": actual}}
    result = smallest_fix(pack, "T-1", Declaration(data=data), AS_OF)
    passes = run_rule(pack.rules[0], data, AS_OF).status == "pass"
    assert (result is None) == passes
    if result is not None:
        (edit,) = result.edits
        assert edit.action == ("raise" if op in (">=", ">") else "lower")
        patched = apply_edits(data, result.edits)
        assert patched is not None
        assert run_rule(pack.rules[0], patched, AS_OF).status == "pass"
        assert result.verified
        assert value_text(bound) in words(result, data)[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=6))
def test_flag_fix_sets_exactly_the_failing_elements(flags: list[bool | None]) -> None:
    sources = [
        {"id": f"ds-{i}", **({"consent": {"separate": f}} if f is not None else {})}
        for i, f in enumerate(flags)
    ]
    data = {"data_sources": sources}
    pack = compile_rule("all s in data_sources: s.consent.separate")
    result = smallest_fix(pack, "T-1", Declaration(data=data), AS_OF)
    failing = [i for i, f in enumerate(flags) if f is not True]
    if not failing:
        assert result is None
        return
    assert result is not None
    assert [e.path[1] for e in result.edits] == failing
    assert result.verified
    verb = "declare" if all(flags[i] is None for i in failing) else "set"
    assert words(result, data) == [
        f"{verb} `consent.separate: true` on data_sources " + ", ".join(f"ds-{i}" for i in failing)
    ]


@settings(max_examples=60, deadline=None)
@given(st.dates(dt.date(2000, 1, 1), dt.date(2026, 1, 14)))
def test_date_fix_is_the_latest_allowed_date(certified: dt.date) -> None:
    pack = compile_rule("security.mlps.certified_on + 1 year >= today")
    data = {"security": {"mlps": {"certified_on": certified}}}
    result = smallest_fix(pack, "T-1", Declaration(data=data), AS_OF)
    if certified >= dt.date(2025, 1, 15):
        assert result is None
        return
    assert result is not None
    assert result.edits[0].value == dt.date(2025, 1, 15)
    assert result.verified


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentences_exist_in_both_languages(lang: str) -> None:
    result = fix("all s in data_sources: s.consent.separate", SOURCES)
    (sentence,) = words(result, SOURCES, lang)
    assert "`consent.separate" in sentence and "ds-crawl" in sentence


@pytest.mark.parametrize(
    ("expression", "zh"),
    [
        (
            "company.registered_capital_cny >= 50_000_000",
            "company.registered_capital_cny 不少于 50,000,000",
        ),
        (
            'all s in data_sources where s.kind == "crawled": not s.collection.stores_user_credentials',
            'data_sources 中满足“kind 为 "crawled"”的每一项均满足：'
            "collection.stores_user_credentials 为 false",
        ),
        (
            "not (any b in business_lines: b.direct)",
            "business_lines 中没有任何一项满足：direct 为 true",
        ),
        ("x.a and (x.b or x.c)", "x.a 为 true 且 （x.b 为 true 或 x.c 为 true）"),
        (
            "security.mlps.certified_on + 1 year >= today",
            "security.mlps.certified_on + 1 year 不早于 评估日",
        ),
        (
            "(count r in recipients where not r.licensed) == 0",
            "recipients 中满足“licensed 为 false”的项数 为 0",
        ),
        ("declared(x.y)", "x.y 已申报"),
    ],
)
def test_requirement_words_in_chinese(expression: str, zh: str) -> None:
    from licensecheck.lang.parser import parse_expression
    from licensecheck.reports.requirements import requirement_text

    assert requirement_text(parse_expression(expression), lang="zh") == zh


PREDICATES = {
    "serves_banks": 'any b in business_lines: any c in b.clients: c == "bank"',
    "licensed": 'any l in company.licenses: l.kind == "personal_credit_reporting"',
    "credit_agency": "licensed or company.nationwide_cra",
}


@pytest.mark.parametrize(
    ("expression", "lang", "said"),
    [
        (
            "serves_banks and not licensed",
            "en",
            "(at least one element of business_lines has: at least one element of clients has:"
            ' it is "bank") and (no element of company.licenses has: kind is'
            ' "personal_credit_reporting")',
        ),
        (
            "not credit_agency",
            "en",
            'not ((at least one element of company.licenses has: kind is "personal_credit_reporting")'
            " or company.nationwide_cra is true)",
        ),
        (
            "serves_banks and not licensed",
            "zh",
            '（business_lines 中至少有一项满足：clients 中至少有一项满足：该项 为 "bank"） 且'
            ' （company.licenses 中没有任何一项满足：kind 为 "personal_credit_reporting"）',
        ),
    ],
)
def test_predicates_are_said_as_what_they_test(expression: str, lang: str, said: str) -> None:
    from licensecheck.lang.parser import parse_expression
    from licensecheck.reports.requirements import requirement_text

    bodies = {name: parse_expression(body) for name, body in PREDICATES.items()}
    assert requirement_text(parse_expression(expression), {}, lang, predicates=bodies) == said
    # without the bodies, the names are all there is
    assert "serves banks" in requirement_text(parse_expression("serves_banks"))


# ---------------------------------------------------------------- facts are never offered


def test_a_volume_is_a_fact_the_control_is_offered_instead() -> None:
    data = {
        "data_sources": [
            {"id": "ds-big", "volume_individuals": 2_000_000, "necessity_documented": False}
        ]
    }
    # before facts were marked, "lower volume_individuals from 2,000,000 to less than 500"
    # won the tie (it comes first in the expression)
    result = fix(
        "all s in data_sources: s.volume_individuals < 500 or s.necessity_documented", data
    )
    assert words(result, data) == ["set `necessity_documented: true` on data_sources ds-big"]
    assert result.verified
    assert fact_sentences(result.facts, data) == [
        "`data_sources[0].volume_individuals` (ds-big) is 2,000,000: a fact, not something the "
        "firm sets, so changing it is not offered as a fix"
    ]
    assert "2,000,000" in fact_sentences(result.facts, data, "zh")[0]


def test_only_facts_would_pass_gives_no_edit_and_names_the_facts() -> None:
    data = {"data_sources": [{"id": "ds-big", "volume_individuals": 2_000_000}]}
    result = fix("none s in data_sources: s.volume_individuals >= 500", data)
    assert result.edits == ()
    assert not result.verified
    assert [e.path for e in result.facts] == [("data_sources", 0, "volume_individuals")]


def test_a_tainted_entry_is_taken_out_by_a_control_when_only_facts_fix_its_body() -> None:
    data = {
        "data_sources": [
            {
                "id": "ds-crawl",
                "volume_individuals": 21_000_000,
                "collection": {"bypasses_anti_crawling": True},
            }
        ]
    }
    result = fix(
        "none s in data_sources where s.collection.bypasses_anti_crawling:"
        " s.volume_individuals >= 50",
        data,
    )
    assert words(result, data) == [
        "set `collection.bypasses_anti_crawling: false` on data_sources ds-crawl"
    ]
    assert result.verified
    assert [e.path[-1] for e in result.facts] == ["volume_individuals"]


def test_an_undeclared_fact_may_be_asked_for_but_not_claimed() -> None:
    data: dict[str, Any] = {"data_sources": [{"id": "ds-1"}]}
    asked = fix("all s in data_sources: declared(s.volume_individuals)", data)
    assert words(asked, data) == ["declare `volume_individuals` on data_sources ds-1"]
    claimed = fix("all s in data_sources: s.volume_individuals < 500 or s.deidentified", data)
    # "declare volume_individuals (less than 500)" would claim a fact: the control is offered
    assert words(claimed, data) == ["declare `deidentified: true` on data_sources ds-1"]
    assert [(e.action, e.path[-1]) for e in claimed.facts] == [("declare", "volume_individuals")]
