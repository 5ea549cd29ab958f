"""Lazy element traces (engine/compile.py, runtime.py): a traced loop records each element's
filter and body values from the untraced closures and builds the element's sub-evaluations only
when a reader asks. The oracle is the eager trace (``Trace(lazy=False)``): the same trees once
forced, and the same findings (witnesses, their order and truncation) on every bundled pack,
bench/pack, the examples and the benchmark's generated declarations."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
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
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import assess_compiled, closure_outcomes, run_rule
from licensecheck.engine.explanation import explained
from licensecheck.engine.models import Finding, Witness
from licensecheck.engine.runtime import LazyTraceNode, Trace, TraceNode
from licensecheck.packs.listing import list_packs

PACKS = [*sorted(p.id for p in list_packs()), str(REPO / "bench" / "pack")]
EXAMPLES = EXAMPLE_FILES
DATES = [dt.date(2026, 1, 15), dt.date(2021, 6, 1)]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


def _tree(node: TraceNode) -> Iterator[Any]:
    """The whole trace below ``node``, forcing every lazy part, as comparable tuples."""
    yield (node.expr, repr(node.value), node.path, repr(node.element), len(node.children))
    for child in node.children:
        yield from _tree(child)


def _witnesses(outcome: evaluate.RuleOutcome, decl: Declaration) -> list[Witness]:
    return evaluate._witnesses(explained(outcome.trace), decl)


#: The ways a rule is traced: the plain lazy trace (the reference, what a finding's witnesses
#: come from where the direct way cannot tell), the predictive one (what comes out unknown or
#: false recorded at once: what the direct way replays a part with) and in full (``explain``)
WAYS = {
    "reference": lambda: Trace(),
    "predictive": lambda: Trace(predict=True),
    "in full": lambda: Trace(lazy=False),
}


def _findings(pack: CompiledPack, decl: Declaration, as_of: dt.date, way: str) -> list[Finding]:
    """The findings with every rule's witnesses from a traced run made ``way``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate, "witness_key", lambda *_: None)  # every rule traced here
        patch.setattr(
            evaluate, "direct_witnesses", lambda *_, **__: None
        )  # (test_direct_explanation)
        patch.setattr(evaluate, "Trace", WAYS[way])
        return assess_compiled(pack, decl, as_of).findings


def _same_both_ways(pack: CompiledPack, decl: Declaration, as_of: dt.date) -> set[str]:
    """Every way of tracing gives the untraced status, the same whole tree and the same
    finding (witnesses in the same order, cut at the same place), also on data no loader
    gives (a null top-level field) and mistyped data (an aggregate that goes on past an
    unknown element to show them all stops at an error the untraced loop never met)."""
    before = copy.deepcopy(decl.data)
    agreeing = set()
    for c, fast in zip(pack.rules, closure_outcomes(pack, decl.data, as_of), strict=True):
        runs = {
            way: run_rule(pack.traced_rule(c.rule.id), decl.data, as_of, trace())
            for way, trace in WAYS.items()
        }
        lazy = runs["reference"]
        assert (lazy.status, lazy.error, lazy.decided_by) == (
            fast.status,
            fast.error,
            fast.decided_by,
        )
        agreeing.add(c.rule.id)
        assert lazy.trace is not None
        reference = list(_tree(lazy.trace.root))
        for way, run in runs.items():
            assert (run.status, run.error) == (fast.status, fast.error), (c.rule.id, way)
            assert run.trace is not None
            assert list(_tree(run.trace.root)) == reference, (c.rule.id, way)
    ways = ("predictive", "in full")
    findings = {way: _findings(pack, decl, as_of, way) for way in ("reference", *ways)}
    for way in ways:
        assert [f.rule_id for f in findings[way]] == [f.rule_id for f in findings["reference"]]
        for finding, reference_finding in zip(findings[way], findings["reference"], strict=True):
            if finding.rule_id in agreeing:
                assert finding == reference_finding, way
    assert decl.data == before
    return agreeing


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=lambda i: EXAMPLES[i].stem)
def test_lazy_equals_eager_on_the_examples(pack_id: str, index: int) -> None:
    pack = compiled(pack_id)
    for as_of in DATES:  # real declarations: the eager trace agrees everywhere
        assert len(_same_both_ways(pack, example(index), as_of)) == len(pack.rules)


@pytest.mark.parametrize("pack_id", ["cn-credit-reporting", str(REPO / "bench" / "pack")])
@pytest.mark.parametrize("index", range(4))
def test_lazy_equals_eager_on_generated_declarations(pack_id: str, index: int) -> None:
    pack = compiled(pack_id)
    assert len(_same_both_ways(pack, generated_one(index), AS_OF)) == len(pack.rules)


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
@differential(30)
@given(
    index=st.integers(min_value=0, max_value=len(EXAMPLES) + 1),
    changes=CHANGES,
    as_of=st.sampled_from(DATES),
)
def test_lazy_equals_eager_on_changed_declarations(
    pack_id: str, index: int, changes: list[tuple[int, str, Any]], as_of: dt.date
) -> None:
    data = mutated(example_or_generated(index).data, changes)
    _same_both_ways(compiled(pack_id), Declaration(data=data), as_of)


def test_only_the_elements_a_reader_looks_at_are_replayed() -> None:
    pack = compile_rule('all s in data_sources: s.kind != "crawled"')
    rule = pack.traced_rule("T-1")
    sources = [{"id": f"ds-{i}", "kind": "crawled" if i == 3 else "first_party"} for i in range(8)]
    decl = Declaration(data={"data_sources": sources})
    outcome = run_rule(rule, decl.data, AS_OF, Trace())
    assert outcome.status == "fail" and outcome.trace is not None
    (quantifier,) = outcome.trace.root.children
    bodies = [c for c in quantifier.children if isinstance(c, LazyTraceNode)]
    assert len(bodies) == 8 and not any(b.expanded for b in bodies)
    assert [b.value for b in bodies] == [i != 3 for i in range(8)]
    witnesses = _witnesses(outcome, decl)
    assert [w.path for w in witnesses] == ["data_sources[3].kind"]
    assert [b.expanded for b in bodies] == [i == 3 for i in range(8)]  # the offender alone
    eager = run_rule(rule, decl.data, AS_OF, Trace(lazy=False))
    assert eager.trace is not None
    assert not any(isinstance(c, LazyTraceNode) for c in eager.trace.root.children[0].children)
    assert _witnesses(eager, decl) == witnesses


@pytest.mark.parametrize(
    "require", ["governance.security_officer.appointed", "len(governance.policies) > 0"]
)
def test_a_null_top_level_field_is_absent_traced_or_not(require: str) -> None:
    """A raw mapping may hold ``governance: null`` (no loader gives it): every reader takes
    it as absent, so the traced run that finds the witnesses says ``unknown`` as the
    untraced one does, not that null has no field."""
    from licensecheck.engine.evaluate import evaluate_rules
    from licensecheck.engine.runtime import Trace

    pack = compile_rule(require)
    data: dict[str, Any] = {"governance": None}
    assert evaluate_rules(pack, data, AS_OF)[0].status == "unknown"
    for trace in (Trace(), Trace(lazy=False)):
        assert run_rule(pack.traced_rule("T-1"), data, AS_OF, trace).status == "unknown"


@pytest.mark.parametrize("kind", ["all", "any", "none"])
def test_a_filter_that_is_not_true_or_false_errs_before_the_body_every_way(kind: str) -> None:
    """On data no schema checked, a ``where`` that gives an object errs at that element
    before its body runs (whose comparison would err otherwise): the closures, the
    generated code (fused or not) and a traced run give the same error. A hypothesis run
    found the closures erring at the body where a traced run erred at the filter."""
    from licensecheck.engine.codegen import generate_pack
    from licensecheck.sources.limits import current_limits

    pack = compile_rule(f'{kind} r in recipients where r.receives_personal_info: r.country != "CN"')
    data = {"recipients": [{"receives_personal_info": {"obtained": True}, "country": ["x"]}]}
    (fast,) = closure_outcomes(pack, data, AS_OF)
    assert (fast.status, fast.error) == ("error", "'where' needs true/false, got object")
    traced = run_rule(pack.traced_rule("T-1"), data, AS_OF, Trace())
    assert (traced.status, traced.error) == (fast.status, fast.error)
    limit = current_limits().max_rule_steps
    for fuse in (False, True):
        generated = generate_pack(
            pack.checked, pack.checked.rules, evaluate._GENERATED_OUTCOMES, typed=False, fuse=fuse
        )
        assert generated.run(data, AS_OF, limit) == [fast]
