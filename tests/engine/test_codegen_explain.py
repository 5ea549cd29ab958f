"""Generated explanations of failing and unknown rules (engine/codegen_explain.py). That the
direct way gives the trace's witnesses with them on is tests/engine/test_direct_explanation.py
(every test there runs with them too); but there a generated explanation that gives up falls
back to the direct way unseen, so here each is called itself: it answers every failing and
unknown rule of the bundled packs on the examples and generated declarations, with the
trace's witnesses, and gives up (for the direct way to answer) only where it should."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

import licensecheck
from helpers.declarations import EXAMPLE_FILES, example, generated
from helpers.paths import REPO
from helpers.rules import AS_OF, compile_rule
from licensecheck.engine import evaluate
from licensecheck.engine.codegen_explain import Explainer, generated_explainer
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.direct_explanation import direct_witnesses
from licensecheck.engine.evaluate import closure_outcomes, run_rule
from licensecheck.engine.explanation import RawWitness, Unexpected, explained, merged
from licensecheck.engine.runtime import Trace
from licensecheck.errors import RuleRuntimeError
from licensecheck.lang.values import UNKNOWN
from licensecheck.packs.listing import list_packs

PACKS = [*sorted(p.id for p in list_packs()), str(REPO / "bench" / "pack")]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


def _exact(raw: list[RawWitness]) -> list[tuple[object, ...]]:
    return [(w.path, type(w.actual), repr(w.actual), w.expected) for w in raw]


@pytest.mark.parametrize("typed", [False, True], ids=["untyped", "typed"])
@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_gap_is_explained_by_its_generated_code(pack_id: str, typed: bool) -> None:
    """Each failing or unknown rule of the examples and 20 generated declarations: its
    generated explanation answers, without giving up, the trace's witnesses; the typed one
    on the declarations that validate against the pack's own schema."""
    pack = compiled(pack_id)
    datas = [example(i).data for i in range(len(EXAMPLE_FILES))] + [d.data for d in generated(20)]
    if typed:
        datas = [d for d in map(_validated(pack), datas) if d is not None]
    gaps: dict[str, int] = {"fail": 0, "unknown": 0}
    for data in datas:
        for c, fast in zip(pack.rules, closure_outcomes(pack, data, AS_OF), strict=True):
            if fast.status not in gaps:
                continue
            gaps[fast.status] += 1
            decider = c.rule.when if fast.decided_by == "when" else c.rule.require
            assert decider is not None
            unknown = fast.status == "unknown"
            explain = generated_explainer(pack.checked, decider, unknown, typed)
            assert explain is not None, c.rule.id  # the bundled packs' shapes are all written
            reference = run_rule(pack.traced_rule(c.rule.id), data, AS_OF, Trace())
            found = merged(explain(data, AS_OF, 10**6))
            assert _exact(found) == _exact(explained(reference.trace)), c.rule.id
    assert gaps["fail"] > 0 and gaps["unknown"] > 0


def _validated(pack: CompiledPack) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """A declaration's data as the loader gives it once validated against ``pack``'s own
    schema (None where it does not validate)."""

    def load(data: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return licensecheck.load_declaration(data, schema=pack.checked.schema).data
        except licensecheck.DeclarationError:
            return None

    return load


def test_a_pack_gets_generated_explanations_once_it_runs_its_generated_code() -> None:
    pack = compile_rule('all s in data_sources: s.kind != "crawled"')
    require = pack.rules[0].rule.require
    assert pack.explainer(require, False) is None  # a cold check never loads the generator
    pack.generated(evaluate._GENERATED_OUTCOMES)
    explain = pack.explainer(require, False)
    assert explain is not None
    assert pack.explainer(require, False) is explain  # built once
    assert pack.explainer(require, True) not in (None, explain)  # the unknown one
    data = {"data_sources": [{"id": "a", "kind": "crawled"}, {"id": "b", "kind": "bought"}]}
    assert explain(data, AS_OF, 100) == [
        RawWitness(("data_sources", 0, "kind"), "crawled", '!= "crawled"')
    ]


@pytest.mark.parametrize(
    "require",
    [
        "all s in data_sources: today < 2020-01-01",
        "none s in data_sources: today > 2020-01-01",
        "not (any s in data_sources: today > 2020-01-01)",
        'all s in data_sources where s.kind == "crawled": s.deidentified',
        'none s in data_sources: s.kind == "crawled" or today > 2020-01-01',
    ],
)
def test_offending_elements_are_explained_in_order_or_shown_themselves(require: str) -> None:
    """The offending elements of a failing quantifier, each explained by its body or, where
    the body reads no path (``today``), shown itself against the body's text, with the
    trace's witnesses."""
    pack = compile_rule(require)
    rule = pack.rules[0].rule
    explain = generated_explainer(pack.checked, rule.require, False)
    assert explain is not None
    data = {
        "data_sources": [
            {"id": "a", "kind": "crawled", "deidentified": False},
            {"name": "b", "kind": "bought", "deidentified": False},
            {"kind": "crawled", "deidentified": False},
            {"id": "d", "kind": "crawled", "deidentified": True},
        ]
    }
    assert closure_outcomes(pack, data, AS_OF)[0].status == "fail"
    reference = explained(run_rule(pack.traced_rule(rule.id), data, AS_OF, Trace()).trace)
    found = merged(explain(data, AS_OF, 100))
    assert _exact(found) == _exact(reference)
    assert len(found) >= 2  # more than one offending element, in the declaration's order
    assert [w.path for w in found] == sorted(w.path for w in found if w.path is not None)


@pytest.mark.parametrize(
    ("require", "unknown"),
    [
        # a computed index, explained either way
        (
            'all s in data_sources: s.sensitive_categories[len(s.sensitive_categories) - 1] == "health"',
            False,
        ),
        (
            'all s in data_sources: s.sensitive_categories[len(s.sensitive_categories) - 1] == "health"',
            True,
        ),
        # a comparison with a list of paths (an unknown one's absent values are written out)
        ('all s in data_sources: s.kind in [s.lawful_basis, "crawled"]', False),
        # a loop over a predicate's list
        ('all s in sources: s.kind == "crawled"', False),
        ('all s in sources: s.kind == "crawled"', True),
    ],
)
def test_a_part_the_direct_way_replays_is_not_written_out(require: str, unknown: bool) -> None:
    pack = compile_rule(require, prelude="predicate sources = data_sources")
    assert generated_explainer(pack.checked, pack.rules[0].rule.require, unknown) is None


def test_a_part_that_is_not_what_a_failure_implies_gives_up() -> None:
    """Called on a rule that is unknown, not false, the code meets an unknown part where the
    failure implied a known one, and raises: the direct way explains the rule instead."""
    pack = compile_rule('not company.name == "x"')
    require = pack.rules[0].rule.require
    explain = generated_explainer(pack.checked, require, False)
    assert explain is not None
    with pytest.raises(Unexpected):
        explain({}, AS_OF, 100)


def test_errors_and_the_step_budget_raise_for_the_direct_way_to_decide() -> None:
    pack = compile_rule("all s in data_sources: any t in data_sources: t.id != s.id")
    require = pack.rules[0].rule.require
    explain = generated_explainer(pack.checked, require, False)
    assert explain is not None
    same = {"data_sources": [{"id": "a"}, {"id": "a"}, {"id": "a"}]}
    assert merged(explain(same, AS_OF, 100)) == direct_witnesses(pack, require, same, AS_OF)
    with pytest.raises(RuleRuntimeError, match="more than 5 list elements"):
        explain(same, AS_OF, 5)  # 3 elements, then 3 more for the first element's inner loop
    with pytest.raises(RuleRuntimeError, match="needs a list"):
        explain({"data_sources": "text"}, AS_OF, 100)


def test_the_direct_way_takes_the_generated_explanation_where_told_the_value() -> None:
    """Told the part came to false (or unknown), the direct way runs the generated
    explanation of a warm pack for that value; not told, it walks as before."""
    pack = compile_rule("all s in data_sources: s.consent.obtained")
    require = pack.rules[0].rule.require
    pack.generated(evaluate._GENERATED_OUTCOMES)
    calls: list[object] = []
    explainers = pack.shared(("explainers",), dict)
    for unknown in (False, True):
        built = pack.explainer(require, unknown)
        assert built is not None
        explainers[id(require), unknown, False] = _counting(built, calls)
    date = dt.date(2026, 1, 15)
    fails = {"data_sources": [{}, {"consent": {"obtained": False}}]}  # one false: it fails
    found = direct_witnesses(pack, require, fails, date, value=False)
    assert len(calls) == 1
    assert found == [RawWitness(("data_sources", 1, "consent", "obtained"), False, "true")]
    unknown = {"data_sources": [{}]}
    found = direct_witnesses(pack, require, unknown, date, value=UNKNOWN)
    assert len(calls) == 2
    assert found == [RawWitness(("data_sources", 0, "consent", "obtained"), UNKNOWN, None)]
    direct_witnesses(pack, require, fails, date)
    assert len(calls) == 2


def _counting(built: Explainer, calls: list[object]) -> Explainer:
    def counting(*args: object) -> list[RawWitness]:
        calls.append(args)
        return built(*args)

    return counting
