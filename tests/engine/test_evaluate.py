"""Evaluation semantics: Kleene logic, quantifiers, aggregates, dates, built-ins, statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import licensecheck
from helpers.rules import AS_OF, Assess, compile_rule, evaluate_rule, status

# ---------------------------------------------------------------- Kleene logic (property)

LEAVES = {
    "p": ("governance", "background_checks"),
    "q": ("governance", "whistleblowing_channel"),
    "r": ("security", "encryption_at_rest"),
}
U = "unknown"
TruthValue = bool | str


def _formula() -> st.SearchStrategy[tuple[str, Any]]:
    """(rule text, reference evaluator) pairs over the three leaves."""
    leaves = st.sampled_from(sorted(LEAVES)).map(lambda k: (".".join(LEAVES[k]), ("leaf", k)))

    def extend(children: st.SearchStrategy[tuple[str, Any]]) -> st.SearchStrategy[tuple[str, Any]]:
        return st.one_of(
            children.map(lambda c: (f"not ({c[0]})", ("not", c[1]))),
            st.tuples(children, children).map(
                lambda t: (f"({t[0][0]}) and ({t[1][0]})", ("and", t[0][1], t[1][1]))
            ),
            st.tuples(children, children).map(
                lambda t: (f"({t[0][0]}) or ({t[1][0]})", ("or", t[0][1], t[1][1]))
            ),
            st.tuples(children, children, children).map(
                lambda t: (
                    f"(if {t[0][0]} then {t[1][0]} else {t[2][0]})",
                    ("if", t[0][1], t[1][1], t[2][1]),
                )
            ),
        )

    return st.recursive(leaves, extend, max_leaves=6)


def kleene(tree: Any, env: dict[str, TruthValue]) -> TruthValue:
    op = tree[0]
    if op == "leaf":
        return env[tree[1]]
    if op == "not":
        v = kleene(tree[1], env)
        return U if v == U else not v
    if op == "if":
        c = kleene(tree[1], env)
        return U if c == U else kleene(tree[2] if c else tree[3], env)
    a, b = kleene(tree[1], env), kleene(tree[2], env)
    if op == "and":
        return False if False in (a, b) else (U if U in (a, b) else True)
    return True if True in (a, b) else (U if U in (a, b) else False)


def _declaration(env: dict[str, TruthValue]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in env.items():
        if value != U:
            section, field = LEAVES[key]
            data.setdefault(section, {})[field] = value
    return data


STATUS_OF = {True: "pass", False: "fail", U: "unknown"}


@settings(max_examples=200, deadline=None)
@given(_formula(), st.fixed_dictionaries({k: st.sampled_from([True, False, U]) for k in LEAVES}))
def test_boolean_operators_are_kleene(formula: tuple[str, Any], env: dict[str, TruthValue]) -> None:
    text, tree = formula
    compiled = compile_rule(text)
    data = _declaration(env)
    expected = STATUS_OF[kleene(tree, env)]
    assert evaluate_rule(compiled, data) == expected
    assert evaluate_rule(compiled, data, traced=True) == expected  # tracing never changes a result


# ---------------------------------------------------------------- quantifier laws (property)

ELEMENT = st.fixed_dictionaries(
    {},
    optional={
        "deidentified": st.booleans(),
        "cross_border": st.booleans(),
        "id": st.sampled_from(["a", "b", "c"]),
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ELEMENT, max_size=5) | st.none())
def test_where_filters_mean_what_the_spec_says(sources: list[dict[str, Any]] | None) -> None:
    data = {} if sources is None else {"data_sources": sources}
    pairs = [
        (
            "all s in data_sources where s.deidentified: s.cross_border",
            "all s in data_sources: not s.deidentified or s.cross_border",
        ),
        (
            "any s in data_sources where s.deidentified: s.cross_border",
            "any s in data_sources: s.deidentified and s.cross_border",
        ),
        (
            "none s in data_sources where s.deidentified: s.cross_border",
            "not (any s in data_sources where s.deidentified: s.cross_border)",
        ),
        ("none s in data_sources: s.cross_border", "not (any s in data_sources: s.cross_border)"),
    ]
    for shorthand, meaning in pairs:
        got = evaluate_rule(compile_rule(shorthand), data)
        assert got == evaluate_rule(compile_rule(meaning), data), shorthand
        assert got == evaluate_rule(compile_rule(shorthand), data, traced=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(ELEMENT, max_size=5))
def test_all_and_any_follow_kleene_over_elements(sources: list[dict[str, Any]]) -> None:
    values: list[TruthValue] = [s.get("cross_border", U) for s in sources]
    expected_all = False if False in values else (U if U in values else True)
    expected_any = True if True in values else (U if U in values else False)
    data = {"data_sources": sources}
    assert (
        evaluate_rule(compile_rule("all s in data_sources: s.cross_border"), data)
        == STATUS_OF[expected_all]
    )
    assert (
        evaluate_rule(compile_rule("any s in data_sources: s.cross_border"), data)
        == STATUS_OF[expected_any]
    )


# ---------------------------------------------------------------- expressions (table)

SOURCES = [
    {"id": "a", "volume_individuals": 100, "retention_days": 30},
    {"id": "b", "volume_individuals": 250, "retention_days": 400},
]


@pytest.mark.parametrize(
    ("require", "data", "expected"),
    [
        ("(sum s in data_sources: s.volume_individuals) == 350", {"data_sources": SOURCES}, "pass"),
        (
            "(sum s in data_sources where s.retention_days > 100: s.volume_individuals) == 250",
            {"data_sources": SOURCES},
            "pass",
        ),
        ("(sum s in data_sources: s.volume_individuals) == 0", {"data_sources": []}, "pass"),
        (
            "(sum s in data_sources: s.volume_individuals) > 0",
            {"data_sources": [*SOURCES, {"id": "c"}]},
            "unknown",
        ),
        ("(min s in data_sources: s.retention_days) == 30", {"data_sources": SOURCES}, "pass"),
        ("(max s in data_sources: s.retention_days) == 400", {"data_sources": SOURCES}, "pass"),
        ("(max s in data_sources: s.retention_days) > 0", {"data_sources": []}, "unknown"),
        ("(count s in data_sources) == 2", {"data_sources": SOURCES}, "pass"),
        (
            "(count s in data_sources where s.deidentified) == 0",
            {"data_sources": [{"id": "a"}]},
            "unknown",
        ),
        ('data_sources[1].id == "b"', {"data_sources": SOURCES}, "pass"),
        ('data_sources[5].id == "b"', {"data_sources": SOURCES}, "unknown"),
        ("len(data_sources) == 2", {"data_sources": SOURCES}, "pass"),
        ("len(company.name) == 7", {"company": {"name": "Test Co"}}, "pass"),
        (
            'lower(company.name) == "test co" and upper(company.name) == "TEST CO"',
            {"company": {"name": "Test Co"}},
            "pass",
        ),
        ('company.name contains "st C"', {"company": {"name": "Test Co"}}, "pass"),
        ('company.name matches "^Test"', {"company": {"name": "Test Co"}}, "pass"),
        ('company.name matches "^Co"', {"company": {"name": "Test Co"}}, "fail"),
        (
            'data_sources[0].sensitive_categories contains "health"',
            {"data_sources": [{"id": "a", "sensitive_categories": ["health"]}]},
            "pass",
        ),
        (
            '"health" in data_sources[0].sensitive_categories',
            {"data_sources": [{"id": "a", "sensitive_categories": []}]},
            "fail",
        ),
        (
            '"health" not in data_sources[0].sensitive_categories',
            {"data_sources": [{"id": "a", "sensitive_categories": []}]},
            "pass",
        ),
        ("declared(company.uscc)", {"company": {"name": "x"}}, "fail"),
        ("declared(company.name)", {"company": {"name": "x"}}, "pass"),
        ("not declared(governance.staff_training.hours_per_year)", {}, "pass"),
        (
            "days_since(company.incorporated_on) == 14",
            {"company": {"incorporated_on": dt.date(2026, 1, 1)}},
            "pass",
        ),
        (
            "company.incorporated_on + 1 month == 2026-02-28",
            {"company": {"incorporated_on": dt.date(2026, 1, 31)}},
            "pass",
        ),
        (
            "company.incorporated_on - 1 year == 2023-02-28",
            {"company": {"incorporated_on": dt.date(2024, 2, 29)}},
            "pass",
        ),
        (
            "today - company.incorporated_on == 14 days",
            {"company": {"incorporated_on": dt.date(2026, 1, 1)}},
            "pass",
        ),
        (
            "today - company.incorporated_on < 1 month",
            {"company": {"incorporated_on": dt.date(2026, 1, 1)}},
            "pass",
        ),
        ("1 month == 30 days and 1 year == 365 days and 2 years > 23 months", {}, "pass"),
        ("today == 2026-01-15", {}, "pass"),
        ("(company.headcount ?? 10) * 2 + 1 == 21", {}, "pass"),
        ("company.headcount / 4 == 2.5", {"company": {"headcount": 10}}, "pass"),
        ("-company.headcount < 0", {"company": {"headcount": 10}}, "pass"),
        (
            '(if company.headcount > 5 then "big" else "small") == "big"',
            {"company": {"headcount": 10}},
            "pass",
        ),
        ("(if company.headcount > 5 then 1 else 2) == 1", {}, "unknown"),
        (
            'extensions["client-acme"].board_approved == true',
            {"extensions": {"client-acme": {"board_approved": True}}},
            "pass",
        ),
        ("company.headcount > 5 and company.headcount < 3", {"company": {"headcount": 10}}, "fail"),
    ],
)
def test_expressions(require: str, data: dict[str, Any], expected: str) -> None:
    assert evaluate_rule(compile_rule(require), data) == expected


@pytest.mark.parametrize(
    ("require", "data"),
    [
        ("company.headcount / 0 > 1", {"company": {"headcount": 10}}),
        ('extensions["x"].n > 1', {"extensions": {"x": {"n": "text"}}}),
        ('extensions["x"].n == 1', {"extensions": {"x": {"n": "text"}}}),
        ('extensions["x"].flag', {"extensions": {"x": {"flag": 3}}}),
        ('all e in extensions["x"].items: e', {"extensions": {"x": {"items": 5}}}),
    ],
)
def test_runtime_type_errors_give_error_status(require: str, data: dict[str, Any]) -> None:
    assert evaluate_rule(compile_rule(require), data) == "error"


def test_evaluation_budget_is_an_error_not_a_hang() -> None:
    compiled = compile_rule(
        'all a in data_sources: all b in data_sources: all c in data_sources: a.id != "zz"'
    )
    many = {"data_sources": [{"id": str(i)} for i in range(120)]}  # 120^3 = 1.7M steps > 1M budget
    assert evaluate_rule(compiled, many) == "error"


def test_error_in_one_rule_does_not_stop_the_others(assess: Assess) -> None:
    rules = """
        rule A-1 { title: "x" domain: d severity: low require: company.headcount / 0 > 1 }
        rule A-2 { title: "x" domain: d severity: low require: company.headcount > 1 }
    """
    result = assess(rules, {"company": {"headcount": 3}})
    assert [(f.rule_id, f.status) for f in result.findings] == [("A-1", "error"), ("A-2", "pass")]
    assert "division by zero" in result.findings[0].message


# ---------------------------------------------------------------- statuses, time phases, summary


def test_when_unknown_is_unknown_and_false_is_not_applicable(assess: Assess) -> None:
    rules = 'rule A-1 { title: "x" domain: d severity: low when: company.headcount > 10 require: false }'
    assert status(assess(rules, {}), "A-1") == "unknown"
    assert status(assess(rules, {"company": {"headcount": 5}}), "A-1") == "not_applicable"
    assert status(assess(rules, {"company": {"headcount": 50}}), "A-1") == "fail"


def test_time_phased_rules(assess: Assess) -> None:
    rules = """
        rule A-1 { title: "x" domain: d severity: critical effective_from: 2026-06-01 grace_until: 2026-12-31
                   require: declared(company.uscc) }
    """
    before = assess(rules, {}, as_of=dt.date(2026, 1, 1)).findings[0]
    assert (before.status, before.message) == (
        "not_applicable",
        "not yet in force (takes effect on 2026-06-01)",
    )
    during = assess(rules, {}, as_of=dt.date(2026, 7, 1))
    assert (during.findings[0].status, during.findings[0].in_grace) == ("fail", True)
    assert during.summary.ready and licensecheck.exit_code(during, "low") == 0
    after = assess(rules, {}, as_of=dt.date(2027, 1, 1))
    assert (after.findings[0].status, after.findings[0].in_grace) == ("fail", False)
    assert not after.summary.ready and licensecheck.exit_code(after, "critical") == 1


SCORED = """
rule C-1 { title: "x" domain: a severity: critical require: company.headcount > 0 }
rule H-1 { title: "x" domain: a severity: high require: company.headcount > 100 }
rule M-1 { title: "x" domain: b severity: medium require: declared(company.uscc) }
rule L-1 { title: "x" domain: b severity: low require: governance.background_checks }
rule L-2 { title: "x" domain: b severity: low when: false require: true }
"""


def test_score_counts_and_readiness(make_pack: Any) -> None:
    pack = make_pack(SCORED, domains={"a": "A", "b": "B"})
    result = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "x", "headcount": 5}}, pack, as_of=AS_OF
    )
    # pass: C-1 (8); fail: H-1 (4), M-1 (2); unknown: L-1 (1); L-2 not applicable
    assert result.summary.score == round(100 * 8 / 15)
    assert result.summary.ready is False
    counts = result.summary.counts
    assert counts.by_status == {
        "pass": 1,
        "fail": 2,
        "unknown": 1,
        "not_applicable": 1,
        "waived": 0,
        "error": 0,
    }
    assert counts.by_severity["low"] == {
        "pass": 0,
        "fail": 0,
        "unknown": 1,
        "not_applicable": 1,
        "waived": 0,
        "error": 0,
    }
    assert counts.by_domain["a"]["pass"] == 1 and counts.by_domain["a"]["fail"] == 1
    assert [
        licensecheck.exit_code(result, f) for f in ("critical", "high", "medium", "low", "none")
    ] == [0, 1, 1, 1, 0]


def test_ready_when_only_medium_and_low_gaps(make_pack: Any) -> None:
    pack = make_pack(SCORED, domains={"a": "A", "b": "B"})
    result = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "x", "headcount": 500}}, pack, as_of=AS_OF
    )
    assert result.summary.ready is True
    assert licensecheck.exit_code(result) == 0


def test_no_applicable_rules_scores_100(assess: Assess) -> None:
    result = assess('rule A-1 { title: "x" domain: d severity: low when: false require: true }', {})
    assert result.summary.score == 100 and result.summary.ready


def test_lang_zh_picks_translations(make_pack: Any) -> None:
    pack = make_pack(
        'rule A-1 { title: "Title" title@zh: "标题" domain: d severity: low require: false message: "m" message@zh: "消息" }'
    )
    result = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "x"}}, pack, as_of=AS_OF, lang="zh"
    )
    assert (result.findings[0].title, result.findings[0].message) == ("标题", "消息")
    english = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "x"}}, pack, as_of=AS_OF
    )
    assert english.findings[0].title == "Title"


def test_consts_fold_arithmetic() -> None:
    compiled = compile_rule(
        "data_sources[0].collection.share_of_target_traffic <= MAX_SHARE and company.headcount > -LIMIT",
        prelude="const MAX_SHARE = 1 / 3\nconst LIMIT = 2 * 5",
    )
    data = {
        "data_sources": [{"id": "a", "collection": {"share_of_target_traffic": 0.3}}],
        "company": {"headcount": 0},
    }
    assert evaluate_rule(compiled, data) == "pass"
    assert compiled.checked.consts == {"MAX_SHARE": 1 / 3, "LIMIT": 10}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["^a", "b$", "a.c", "[0-9]{2,}", "中文", "^$", "(ab|cd)+e", "\\\\d+-\\\\d+", "x*"]
    ),
    st.text(alphabet="abcde0123-中文\n", max_size=12),
)
def test_patterns_search_like_a_regular_expression_search(pattern: str, text: str) -> None:
    """The fast call into RE2 agrees with RE2's public search (and so with its semantics)."""
    import re2

    from licensecheck.lang.operations import compile_pattern

    assert compile_pattern(pattern).found_in(text) == (re2.search(pattern, text) is not None)


def test_one_witness_per_place_and_constants_without_a_trailing_point(assess: Assess) -> None:
    rules = """
        const LIMIT = 5000
        rule A-1 { title: "x" domain: d severity: low
            require: company.headcount < LIMIT / 2 and company.headcount < 3000
                     and company.headcount < 4000 }
    """
    result = assess(rules, {"company": {"headcount": 9000}})
    (witness,) = result.findings[0].witnesses
    assert witness.path == "company.headcount"
    assert witness.expected == "< LIMIT / 2 (2500); < 3000; < 4000"


@pytest.mark.parametrize("severity", ["critical", "high", "medium", "low"])
@pytest.mark.parametrize("status", ["pass", "fail", "unknown", "error", "not_applicable", "waived"])
@pytest.mark.parametrize("in_grace", [False, True])
def test_readiness_is_the_gate_at_its_threshold_without_a_baseline(
    severity: str, status: str, in_grace: bool
) -> None:
    from types import SimpleNamespace

    from licensecheck.engine.gate import READINESS_THRESHOLD, blocks_readiness, gap_blocks

    finding = SimpleNamespace(severity=severity, status=status, in_grace=in_grace, baseline=None)
    gate = gap_blocks(finding, READINESS_THRESHOLD, status=status, in_grace=in_grace)
    assert blocks_readiness(finding) == gate
    assert gate == (
        status in ("fail", "unknown", "error") and not in_grace and severity in ("critical", "high")
    )
