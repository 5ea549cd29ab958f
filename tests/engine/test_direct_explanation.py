"""Witnesses without a trace (engine/direct_explanation.py): the deciding part of a failing
or unknown rule explained by evaluating its parts untraced, only where the explanation
walks. The oracle is the plain lazy trace (``explained(run_rule(..., Trace()))``), the
reference every traced way already agrees with (tests/engine/test_lazy_traces.py): the same
raw witnesses (paths, values of the same type, expectations, order, truncation) wherever
the direct way answers, on every bundled pack, bench/pack, the examples, the benchmark's
generated declarations and hypothesis-mutated ones; and the same findings from
``assess_compiled`` with the direct way on or off."""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import licensecheck
from helpers.declarations import EXAMPLE_FILES, example, example_or_generated, generated_one
from helpers.mutations import CHANGES, differential, mutated
from helpers.paths import REPO
from helpers.rules import AS_OF, compile_rule
from licensecheck.declaration.loader import Declaration
from licensecheck.engine import evaluate
from licensecheck.engine.codegen_elements import ElementLoop, element_loop
from licensecheck.engine.codegen_explain import Explainer, generated_explainer
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.direct_explanation import direct_witnesses
from licensecheck.engine.evaluate import assess_compiled, closure_outcomes, run_rule
from licensecheck.engine.explanation import MAX_WITNESSES, RawWitness, explained
from licensecheck.engine.models import Finding
from licensecheck.engine.runtime import Trace
from licensecheck.lang import nodes as n
from licensecheck.lang.values import UNKNOWN
from licensecheck.packs.listing import list_packs
from licensecheck.sources.limits import Limits, limits_in_force

BAD = 'const BAD = ["religion", "genetic"]'
OK = 'predicate ok = any s in data_sources: s.kind == "crawled"'
PACKS = [*sorted(p.id for p in list_packs()), str(REPO / "bench" / "pack")]
DATES = [dt.date(2026, 1, 15), dt.date(2021, 6, 1)]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


@pytest.fixture(autouse=True, params=["closures", "generated loops", "generated explanations"])
def element_loops(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test each way the direct way runs: by the closures (a pack not yet warm), by
    generated element loops (engine/codegen_elements.py) and by generated explanations of
    failing and unknown rules (engine/codegen_explain.py) on top of them, as a batch's;
    each against the same trace."""
    loops = request.param != "closures"
    monkeypatch.setattr(CompiledPack, "element_loop", _generated_loop if loops else _none)
    explanations = request.param == "generated explanations"
    monkeypatch.setattr(CompiledPack, "explainer", _explainer if explanations else _none)
    return str(request.param)


def _none(*_: object) -> None:
    return None


def _generated_loop(
    pack: CompiledPack, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
) -> ElementLoop:
    """The generated loop whether or not ``pack`` is warm (built afresh: tests are few)."""
    return element_loop(pack.checked, expr, bound)


def _explainer(
    pack: CompiledPack, expr: n.Expr, unknown: bool, typed: bool = False
) -> Explainer | None:
    """The generated explanation whether or not ``pack`` is warm (built afresh)."""
    return generated_explainer(pack.checked, expr, unknown, typed)


def _exact(raw: list[RawWitness]) -> list[tuple[Any, ...]]:
    """Witnesses compared exactly: an ``actual`` of another type (text already rendered
    against a plain string, 1 against 1.0 or True) shows otherwise."""
    return [(w.path, type(w.actual), repr(w.actual), w.expected) for w in raw]


def _agreeing(pack: CompiledPack, data: dict[str, Any], as_of: dt.date) -> tuple[int, int]:
    """Check the direct way against the traced reference for every failing or unknown rule
    of ``pack``; (how many it answered, how many there were)."""
    before = copy.deepcopy(data)
    answered = total = 0
    for c, fast in zip(pack.rules, closure_outcomes(pack, data, as_of), strict=True):
        if fast.status not in ("fail", "unknown"):
            continue
        total += 1
        reference = run_rule(pack.traced_rule(c.rule.id), data, as_of, Trace())
        decider = c.rule.when if fast.decided_by == "when" else c.rule.require
        assert decider is not None
        direct = direct_witnesses(pack, decider, data, as_of)
        # told the value its status implies (as assess does), it explains the same
        implied = False if fast.status == "fail" else UNKNOWN
        assert direct_witnesses(pack, decider, data, as_of, value=implied) == direct
        if direct is not None:
            answered += 1
            assert _exact(direct) == _exact(explained(reference.trace)), c.rule.id
    assert data == before  # the declaration is read, never changed
    return answered, total


def _findings(pack: CompiledPack, decl: Declaration, as_of: dt.date, direct: bool) -> list[Finding]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate, "witness_key", lambda *_: None)  # every rule explained afresh
        if not direct:
            patch.setattr(evaluate, "direct_witnesses", lambda *_, **__: None)
        return assess_compiled(pack, decl, as_of).findings


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
@pytest.mark.parametrize("index", range(len(EXAMPLE_FILES)), ids=lambda i: EXAMPLE_FILES[i].stem)
def test_the_direct_way_equals_the_trace_on_the_examples(pack_id: str, index: int) -> None:
    pack = compiled(pack_id)
    for as_of in DATES:
        _agreeing(pack, example(index).data, as_of)
        assert _findings(pack, example(index), as_of, True) == _findings(
            pack, example(index), as_of, False
        )


@pytest.mark.parametrize("pack_id", ["cn-credit-reporting", str(REPO / "bench" / "pack")])
def test_the_direct_way_answers_most_findings_of_generated_declarations(pack_id: str) -> None:
    """Not a test that passes by never answering: on the benchmark's declarations the direct
    way explains nearly every gap (the rest are unknowns and aggregates, replayed or traced)."""
    pack = compiled(pack_id)
    answered = total = 0
    for index in range(6):
        a, t = _agreeing(pack, generated_one(index).data, AS_OF)
        answered, total = answered + a, total + t
    assert total > 50
    assert answered >= 0.9 * total, (answered, total)


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
@differential(30)
@given(
    index=st.integers(min_value=0, max_value=len(EXAMPLE_FILES) + 1),
    changes=CHANGES,
    as_of=st.sampled_from(DATES),
)
def test_the_direct_way_equals_the_trace_on_changed_declarations(
    pack_id: str, index: int, changes: list[tuple[int, str, Any]], as_of: dt.date
) -> None:
    _agreeing(compiled(pack_id), mutated(example_or_generated(index).data, changes), as_of)


#: Rules of each shape the direct way reasons about, or replays, with data that fails them
SHAPES = [
    ('all s in data_sources: s.kind != "crawled"', None, ""),
    (
        'all s in data_sources where s.kind == "crawled": '
        "s.collection.respects_robots_txt and s.collection.share_of_target_traffic <= 0.3",
        None,
        "",
    ),
    ("none s in data_sources: any c in s.sensitive_categories: c in BAD", None, BAD),
    ('any s in data_sources: s.kind == "purchased"', None, ""),
    ('not (any s in data_sources: s.kind == "crawled")', None, ""),
    ("all s in data_sources: (s.collection.share_of_target_traffic ?? 0) <= 0.3", None, ""),
    ("all s in data_sources: s.supplier.contract_reviewed_on + 1 year >= today", None, ""),
    ("all s in data_sources: 0.3 >= s.collection.share_of_target_traffic", None, ""),
    ('all s in data_sources: declared(s.kind) and lower(s.kind) != "crawled"', None, ""),
    (
        "all s in data_sources: "
        "s.collection.respects_robots_txt or s.collection.share_of_target_traffic < 0.1",
        None,
        "",
    ),
    ("if ok then all s in data_sources: s.collection.respects_robots_txt else true", None, OK),
    ("(count s in data_sources where not s.collection.respects_robots_txt) == 0", None, ""),
    ("all s in data_sources: s.sensitive_categories[0] != BAD[1]", None, BAD),
    (
        "all s in data_sources: s.collection.respects_robots_txt",
        "any s in data_sources: s.collection.respects_robots_txt",
        "",
    ),
    ("all s in data_sources: ok", None, OK),
    ("all s in [1, 2]: s > 1", None, ""),
    (
        'all s in data_sources: s.sensitive_categories[len(s.sensitive_categories) - 1] != "genetic"',
        None,
        "",
    ),
    ("(sum s in data_sources: s.collection.share_of_target_traffic ?? 0) < 1", None, ""),
    ("(sum s in data_sources: s.collection.share_of_target_traffic) < 1", None, ""),
    ("(count s in data_sources) <= 3", None, ""),
    ('2 >= (count s in data_sources where s.kind == "crawled")', None, ""),
    (
        "(max s in data_sources where s.collection.respects_robots_txt: "
        "s.collection.share_of_target_traffic) < 0.3",
        None,
        "",
    ),
    ("(count c in BAD where c in data_sources[0].sensitive_categories) == 0", None, BAD),
    ("len(data_sources) < 3 or data_sources[0].collection.respects_robots_txt", None, ""),
    (
        '"purchased" in kinds',
        None,
        "predicate kinds = [data_sources[0].kind, data_sources[4].kind]",
    ),
    ("not (any s in data_sources: s.kind in kinds)", None, 'predicate kinds = ["crawled"]'),
]


def _sources(count: int) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    for i in range(count):
        source: dict[str, Any] = {
            "id": f"ds-{i}",
            "kind": ["crawled", "purchased", "first_party"][i % 3],
            "sensitive_categories": [["religion"], [], ["health", "genetic"]][i % 3],
            "collection": {"respects_robots_txt": i % 4 != 1},
        }
        share = [0.1, 0.5, None, 0.2][i % 4]
        if share is not None:
            source["collection"]["share_of_target_traffic"] = share
        if i % 5 == 4:
            del source["kind"]
        if i % 2:
            source["supplier"] = {"contract_reviewed_on": dt.date(2024, 1, 1 + i % 28)}
        sources.append(source)
    return sources


@pytest.mark.parametrize(("require", "when", "prelude"), SHAPES)
@pytest.mark.parametrize("count", [0, 1, 7, 130])
def test_each_shape_equals_the_trace(
    require: str, when: str | None, prelude: str, count: int
) -> None:
    pack = compile_rule(require, when=when, prelude=prelude)
    data = {"data_sources": _sources(count)}
    _agreeing(pack, data, AS_OF)
    decl = Declaration(data=data)
    assert _findings(pack, decl, AS_OF, True) == _findings(pack, decl, AS_OF, False)


def test_an_offending_element_is_explained_by_the_parts_that_decided() -> None:
    pack = compile_rule(SHAPES[1][0])
    shown = [(True, 0.1), (True, 0.5), (False, 0.2), (False, 0.9)]
    data = {
        "data_sources": [
            {
                "kind": "crawled" if i != 2 else "purchased",
                "collection": {"respects_robots_txt": robots, "share_of_target_traffic": share},
            }
            for i, (robots, share) in enumerate(shown)
        ]
    }
    found = direct_witnesses(pack, pack.rules[0].rule.require, data, AS_OF)
    assert found is not None
    share, robots = "share_of_target_traffic", "respects_robots_txt"
    assert [(w.path, w.actual, w.expected) for w in found] == [
        (("data_sources", 1, "collection", share), 0.5, "<= 0.3"),
        (("data_sources", 3, "collection", robots), False, "true"),
        (("data_sources", 3, "collection", share), 0.9, "<= 0.3"),
    ]
    _agreeing(pack, data, AS_OF)


def test_more_witnesses_than_shown_are_cut_where_the_trace_cuts_them() -> None:
    pack = compile_rule(
        'all s in data_sources: s.kind != "crawled" and not s.collection.respects_robots_txt'
    )
    data = {"data_sources": _sources(200)}
    found = direct_witnesses(pack, pack.rules[0].rule.require, data, AS_OF)
    assert found is not None and len(found) == MAX_WITNESSES
    _agreeing(pack, data, AS_OF)


def test_an_error_the_untraced_loop_never_met_is_left_to_the_trace() -> None:
    """A traced loop goes on past the element that decided it and stops at one that raises:
    the direct way does not guess what that element had read, the traced run says."""
    pack = compile_rule("all s in data_sources: s.collection.share_of_target_traffic <= 0.3")
    shares = [0.5, "high"]
    data = {"data_sources": [{"collection": {"share_of_target_traffic": v}} for v in shares]}
    assert closure_outcomes(pack, data, AS_OF)[0].status == "fail"
    assert direct_witnesses(pack, pack.rules[0].rule.require, data, AS_OF) is None
    decl = Declaration(data=data)
    (finding,) = _findings(pack, decl, AS_OF, True)
    assert finding.witnesses and finding.witnesses[0].path == (
        "data_sources[0].collection.share_of_target_traffic"
    )
    assert _findings(pack, decl, AS_OF, True) == _findings(pack, decl, AS_OF, False)


def test_where_the_budget_runs_out_the_traced_way_decides() -> None:
    pack = compile_rule(
        'all s in data_sources: all t in data_sources: t.id != s.id or t.kind != "crawled"'
    )
    kinds = ["crawled" if i % 4 == 3 else "first_party" for i in range(12)]
    data = {"data_sources": [{"id": f"d{i}", "kind": k} for i, k in enumerate(kinds)]}
    decl = Declaration(data=data)
    refused = 0
    for budget in range(60, 200, 7):
        with limits_in_force(Limits(max_rule_steps=budget)):
            if closure_outcomes(pack, data, AS_OF)[0].status != "fail":
                continue
            refused += direct_witnesses(pack, pack.rules[0].rule.require, data, AS_OF) is None
            assert _findings(pack, decl, AS_OF, True) == _findings(pack, decl, AS_OF, False)
    assert refused  # some budgets are too small for the direct way: the traced run answered
