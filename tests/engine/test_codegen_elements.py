"""Generated element loops (engine/codegen_elements.py): what an explanation reads of each
element of a loop, from generated code once a pack runs its own. That they give the closures'
elements, witness for witness, on every bundled pack, is tests/engine/test_direct_explanation.py
(every test there runs both ways); here, when they are built and what they charge."""

from __future__ import annotations

import pytest

from helpers.rules import AS_OF, compile_rule
from licensecheck.engine import evaluate
from licensecheck.engine.codegen_elements import element_loop
from licensecheck.engine.compile import CompiledPack
from licensecheck.errors import RuleRuntimeError
from licensecheck.lang import nodes as n
from licensecheck.lang.values import UNKNOWN

SOURCES = [
    {"id": "ds-0", "kind": "crawled"},
    {"id": "ds-1", "kind": "purchased", "lawful_basis": "contract"},
    {"id": "ds-2"},
    None,
]


def _loop(require: str) -> tuple[CompiledPack, n.Quantifier]:
    pack = compile_rule(require)
    loop = pack.rules[0].rule.require
    assert isinstance(loop, n.Quantifier)
    return pack, loop


def test_a_pack_gets_element_loops_once_it_runs_its_generated_code() -> None:
    """A check of a few declarations never loads the generator for an explanation; a batch
    (the pack's generated code built) gets each loop's, built once."""
    pack, loop = _loop('all s in data_sources where s.kind != "crawled": declared(s.lawful_basis)')
    assert pack.element_loop(loop, frozenset()) is None
    pack.generated(evaluate._GENERATED_OUTCOMES)
    generated = pack.element_loop(loop, frozenset())
    assert generated is not None
    assert pack.element_loop(loop, frozenset()) is generated
    elements, steps = generated({}, AS_OF, 100, 5, SOURCES, ("data_sources",), {})
    assert steps == 5  # no loop inside: the caller charges the elements
    assert [(e.path, e.filter, e.body) for e in elements] == [
        (("data_sources", 0), False, None),  # filtered out: the body does not run
        (("data_sources", 1), True, True),
        (("data_sources", 2), UNKNOWN, False),  # an unknown filter: the body runs
        (("data_sources", 3), UNKNOWN, False),  # a null element is unknown
    ]
    assert elements[3].value is UNKNOWN


def test_loops_inside_are_charged_and_bound_variables_read() -> None:
    pack, outer = _loop("all s in data_sources: any t in data_sources: t.id == s.id")
    assert isinstance(outer.body, n.Quantifier)
    root = {"data_sources": SOURCES[:3]}
    elements, steps = element_loop(pack.checked, outer, frozenset())(
        root, AS_OF, 1000, 0, SOURCES[:3], None, {}
    )
    assert steps == 3 * 3  # each element's inner loop charges its collection
    assert [(e.path, e.body) for e in elements] == [(None, True)] * 3
    # the inner loop on its own, `s` bound by the caller
    inner = element_loop(pack.checked, outer.body, frozenset({"s"}))
    elements, _ = inner(root, AS_OF, 1000, 0, SOURCES[:3], ("data_sources",), {"s": SOURCES[1]})
    assert [e.body for e in elements] == [False, True, False]
    with pytest.raises(RuleRuntimeError, match="visited more than 5 list elements"):
        element_loop(pack.checked, outer, frozenset())(root, AS_OF, 5, 0, SOURCES[:3], None, {})


def test_a_body_that_is_no_truth_value_raises_at_its_element() -> None:
    pack, loop = _loop("all s in data_sources: s.collection.respects_robots_txt")
    run = element_loop(pack.checked, loop, frozenset())
    items = [
        {"collection": {"respects_robots_txt": True}},
        {"collection": {"respects_robots_txt": "yes"}},
    ]
    with pytest.raises(RuleRuntimeError, match="'all' needs true/false, got text"):
        run({}, AS_OF, 100, 0, items, None, {})
