"""Generated code for whole packs (engine/codegen.py): the same statuses as the closures and
the traced closures on every bundled pack, and the safety net around it (audit, bounds,
budgets, errors kept to their rule)."""

from __future__ import annotations

import ast
import copy
import datetime as dt
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import licensecheck
from helpers.cli import run
from helpers.mutations import CHANGES, differential, mutated
from helpers.paths import REPO
from helpers.rules import AS_OF, compile_rule, traced_statuses
from licensecheck import codes
from licensecheck.engine import codegen_safety
from licensecheck.engine import compile as compile_module
from licensecheck.engine.codegen import GeneratedPack
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import (
    _GENERATED_OUTCOMES,
    closure_outcomes,
    evaluate_rules,
    generated_code,
)
from licensecheck.errors import PackError, Span
from licensecheck.packs.listing import list_packs
from licensecheck.sources.limits import Limits, current_limits, limits_in_force

PACKS = sorted(p.id for p in list_packs())
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
DATES = [AS_OF, dt.date(2021, 6, 1)]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


@cache
def example_data(index: int) -> dict[str, Any]:
    return licensecheck.load_declaration(EXAMPLES[index]).data


def generated(pack: CompiledPack) -> GeneratedPack:
    """The pack's generated function with its tree, as ``packs compile --show`` builds it."""
    return generated_code(pack)


def fast(pack: CompiledPack, data: dict[str, Any], as_of: dt.date = AS_OF) -> list[Any]:
    """The outcomes of the pack's generated function (as evaluate_rules gives once warm)."""
    return pack.generated(_GENERATED_OUTCOMES).run(data, as_of, current_limits().max_rule_steps)


# ---------------------------------------------------------------- generated = closures = traced


@pytest.mark.parametrize("pack_id", PACKS)
@differential(40)
@given(
    example=st.integers(min_value=0, max_value=len(EXAMPLES) - 1),
    changes=CHANGES,
    as_of=st.sampled_from(DATES),
)
def test_generated_equals_closures_equals_traced(
    pack_id: str, example: int, changes: list[tuple[int, str, Any]], as_of: dt.date
) -> None:
    pack = compiled(pack_id)
    data = mutated(example_data(example), changes)
    before = copy.deepcopy(data)
    outcomes = fast(pack, data, as_of)
    assert outcomes == closure_outcomes(pack, data, as_of)  # status, part, error message
    assert traced_statuses(pack, data, as_of) == [outcome.status for outcome in outcomes]
    assert data == before  # evaluation never changes its input


def test_evaluate_rules_switches_to_generated_code_once_warm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compile_module, "GENERATE_AFTER", 3)
    pack = licensecheck.prepare_pack("starter")
    data = example_data(0)
    for _ in range(3):
        assert evaluate_rules(pack, data, AS_OF) == closure_outcomes(pack, data, AS_OF)
        assert not pack._generated  # a short run never pays for generating
    assert evaluate_rules(pack, data, AS_OF) == closure_outcomes(pack, data, AS_OF)
    (built,) = pack._generated.values()  # the untyped variant: a raw mapping
    assert isinstance(built, GeneratedPack) and built.tree is None  # evaluation keeps no tree
    statuses = licensecheck.evaluate(pack, EXAMPLES[0], AS_OF)
    assert statuses == {
        f.rule_id: f.status for f in licensecheck.assess(EXAMPLES[0], pack, as_of=AS_OF).findings
    }


# ---------------------------------------------------------------- the audit


def _audited(source: str) -> None:
    tree = ast.parse(source)
    codegen_safety.audit(tree, frozenset({"_v1", "_p2"}), Span("pack.yaml", 1, 1))


@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "def _pack(_root, _today, _max):\n    return open('x')",  # a builtin, not minted
        "def _pack(_root, _today, _max):\n    return _root.__class__",  # attribute outside
        "def _pack(_root, _today, _max):\n    _v1 = b'bytes'",  # a constant of another type
        "def _pack(_root, _today, _max):\n    _v9 = 1",  # looks minted, was not
        "def _pack(_root, _today, _max):\n    return lambda: 1",  # a node kind outside
        "def _pack(_root, _today, _max):\n    return [x for x in _root]",
        "def _pack(_root, _today, _max):\n    _v1 = f'{_root}'",
        "def _pack(_root, _today, _max):\n    with _root: pass",
        "def _pack(_root, _today, _max):\n    _v1 = _root[0]",  # subscripts are not emitted
        "def _pack(_root, _today, _max):\n    try:\n        pass\n    except _RuleRuntimeError as e:\n        pass",
        "@_v1\ndef _pack(_root, _today, _max):\n    pass",
        "def _pack(_root, _today, _max):\n    global _v1",
        "def _pack(_root, _today, _max):\n    _v1 = _root @ _root",  # an operator outside
        "def _pack(_root, _today, _max):\n    _v1 = _root | _v1",
        "def _pack(_root, _today, _max):\n    _v1 = 1\n    return _v1 is _v1 and _v9",  # once seen
    ],
)
def test_the_audit_rejects_trees_outside_the_whitelist(source: str) -> None:
    with pytest.raises(PackError) as caught:
        _audited(source)
    assert caught.value.diagnostics[0].code == codes.GENERATED_AUDIT


def test_the_audit_accepts_what_the_compiler_emits() -> None:
    for pack_id in PACKS:
        code = generated(compiled(pack_id))
        codegen_safety.audit(code.tree, frozenset(_minted(code.tree)), Span("p", 1, 1))


def _minted(tree: ast.AST) -> set[str]:
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    return {name for name in names if codegen_safety.MINTED.match(name)}


def test_pack_text_never_becomes_names_or_code() -> None:
    hostile = "__import__('os').system('echo pwned'); _UNKNOWN"
    pack = compile_rule(f'company.name == "{hostile}" and company.name != "x\\"; import os"')
    code = generated(pack)
    names = {node.id for node in ast.walk(code.tree) if isinstance(node, ast.Name)}
    assert all(
        codegen_safety.MINTED.match(x) or x in codegen_safety.HELPERS or x.startswith("_")
        for x in names
    )
    strings = [
        node.value
        for node in ast.walk(code.tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert hostile in strings  # the text is a constant compared with, never code
    assert code.run({"company": {"name": hostile}}, AS_OF, 10)[0].status == "pass"


def test_the_generated_function_has_no_builtins() -> None:
    code = generated(compile_rule("company.headcount > 1"))
    assert code.run.__globals__["__builtins__"] == {}


# ---------------------------------------------------------------- bounds


def test_a_pack_beyond_the_bounds_is_a_clear_error_and_still_evaluates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deep = " and ".join(f"(company.headcount > {i}" for i in range(30)) + ")" * 30
    monkeypatch.setattr(codegen_safety, "MAX_DEPTH", 20)
    pack = compile_rule(deep)
    with pytest.raises(PackError) as caught:
        generated(pack)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == codes.GENERATED_BOUND
    assert "nesting deeper than 20" in diagnostic.message
    monkeypatch.setattr(compile_module, "GENERATE_AFTER", 0)
    data = {"company": {"headcount": 50}}
    assert evaluate_rules(pack, data, AS_OF) == closure_outcomes(pack, data, AS_OF)
    assert evaluate_rules(pack, data, AS_OF)[0].status == "pass"


def test_the_size_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen_safety, "MAX_NODES", 50)
    with pytest.raises(PackError, match="more than 50 syntax nodes"):
        generated(compile_rule('all s in data_sources: s.kind == "crawled" and s.deidentified'))


def test_the_size_bound_counts_every_node(monkeypatch: pytest.MonkeyPatch) -> None:
    # the contexts and operators the audit counts without stacking them count too, the last
    # nodes of the tree included
    code = generated(compile_rule('all s in data_sources: s.kind == "crawled" and s.deidentified'))
    size = sum(1 for _ in ast.walk(code.tree))
    minted = frozenset(_minted(code.tree))
    monkeypatch.setattr(codegen_safety, "MAX_NODES", size)
    codegen_safety.audit(code.tree, minted, Span("p", 1, 1))
    monkeypatch.setattr(codegen_safety, "MAX_NODES", size - 1)
    with pytest.raises(PackError, match=f"more than {size - 1:,} syntax nodes"):
        codegen_safety.audit(code.tree, minted, Span("p", 1, 1))
    tail = ast.parse("def _pack(_root, _today, _max):\n    _v1 = _root is _root")
    monkeypatch.setattr(codegen_safety, "MAX_NODES", sum(1 for _ in ast.walk(tail)) - 1)
    with pytest.raises(PackError, match="syntax nodes"):  # the tree ends in an operator
        codegen_safety.audit(tail, frozenset({"_v1"}), Span("p", 1, 1))


def test_nested_loops_are_bounded_below_pythons_limit() -> None:
    nested = "true"
    for i in range(codegen_safety.MAX_LOOP_NESTING + 1):
        nested = f"all x{i} in data_sources: {nested}"
    with pytest.raises(PackError, match="nested loops"):
        generated(compile_rule(nested))


# ---------------------------------------------------------------- budgets and errors


def test_the_loop_budget_is_the_closures_budget() -> None:
    pack = compile_rule("all a in data_sources: all b in data_sources: a.id != b.id or true")
    data = {"data_sources": [{"id": str(i)} for i in range(30)]}  # 30 + 30 * 30 = 930 steps
    for steps, expected in ((930, "pass"), (929, "error")):
        with limits_in_force(Limits(max_rule_steps=steps)):
            outcomes = fast(pack, data)
            assert outcomes == closure_outcomes(pack, data, AS_OF)
        assert outcomes[0].status == expected
    assert outcomes[0].error == "the rule visited more than 929 list elements"


def test_each_rule_starts_with_a_fresh_budget_and_predicates_are_charged_once(
    make_pack: Any,
) -> None:
    folder = make_pack(
        """
        predicate big = (count s in data_sources) >= 0
        rule A-1 { title: "x" domain: d severity: low require: big and (count s in data_sources) > 0 }
        rule A-2 { title: "x" domain: d severity: low require: big and (count s in data_sources) > 0 }
        """
    )
    pack = licensecheck.prepare_pack(folder)
    data = {"data_sources": [{}] * 10}
    with limits_in_force(Limits(max_rule_steps=15)):  # A-1 pays 20 (predicate + count), A-2 10
        outcomes = fast(pack, data)
        assert outcomes == closure_outcomes(pack, data, AS_OF)
    assert [o.status for o in outcomes] == ["error", "pass"]


def test_an_error_stays_in_its_rule(make_pack: Any) -> None:
    folder = make_pack(
        """
        rule A-1 { title: "x" domain: d severity: low require: company.headcount / 0 > 1 }
        rule A-2 { title: "x" domain: d severity: low require: company.headcount > 1 }
        rule A-3 { title: "x" domain: d severity: low when: extensions["x"].n require: true }
        rule A-4 { title: "x" domain: d severity: low require: extensions["x"].n }
        """
    )
    pack = licensecheck.prepare_pack(folder)
    data = {"company": {"headcount": 3}, "extensions": {"x": {"n": 3}}}
    outcomes = fast(pack, data)
    assert outcomes == closure_outcomes(pack, data, AS_OF)
    assert [(o.status, o.error) for o in outcomes] == [
        ("error", "division by zero"),
        ("pass", None),
        ("error", "'when' did not give true or false"),
        ("error", "'require' did not give true or false"),
    ]


# ---------------------------------------------------------------- packs compile --show


def test_packs_compile_show_prints_the_generated_code() -> None:
    code, out, _ = run("packs", "compile", "--show", "starter")
    assert code == 0
    tree = ast.parse(out)  # Python text, printed from the tree that was audited and compiled
    (function,) = tree.body
    assert isinstance(function, ast.FunctionDef) and function.name == "_pack"
    labels = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert {f"rule {c.rule.id}" for c in compiled("starter").rules} <= set(labels)
    assert run("packs", "compile", "--show", "starter")[1] == out  # the same every time


def test_packs_compile_without_show_says_what_it_built() -> None:
    code, out, _ = run("packs", "compile", "starter")
    assert code == 0
    assert out.startswith("starter: compiled into one audited function (")
    code, _, err = run("packs", "compile", "--show", "no-such-pack")
    assert code == 2 and "no-such-pack" in err
