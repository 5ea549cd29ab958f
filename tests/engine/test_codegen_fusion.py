"""Schema-typed and fused generated code (issue #12 item 4): the same outcomes as the closures
and the traced closures, on validated declarations for the typed variant and on any mapping
for the untyped one; each fused rule keeps its own errors, budget and first deciding element."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import re
from functools import cache
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import licensecheck
from helpers.cli import run
from helpers.mutations import CHANGES as ODD_CHANGES
from helpers.mutations import changed, differential
from helpers.paths import REPO
from helpers.rules import AS_OF, traced_statuses
from licensecheck.declaration.loader import Declaration
from licensecheck.declaration.schema import build_schema
from licensecheck.engine import compile as compile_module
from licensecheck.engine.codegen import FUSE_LOOPS, generate_pack
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import (
    _GENERATED_OUTCOMES,
    closure_outcomes,
    evaluate_rules,
    generated_code,
    validated,
)
from licensecheck.engine.pipeline import load_declaration
from licensecheck.packs.listing import list_packs
from licensecheck.sources.limits import Limits, current_limits, limits_in_force

BENCH_PACK = str(REPO / "bench" / "pack")
PACKS = [*sorted(p.id for p in list_packs()), BENCH_PACK]
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
DATES = [AS_OF, dt.date(2021, 6, 1)]
VARIANTS = [(typed, fuse) for typed in (True, False) for fuse in (True, False)]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


@cache
def variant(pack: str, typed: bool, fuse: bool) -> Any:
    checked = compiled(pack).checked
    return generate_pack(checked, checked.rules, _GENERATED_OUTCOMES, typed=typed, fuse=fuse).run


@cache
def _bench_declarations() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_declarations", REPO / "bench" / "declarations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _base(source: int) -> dict[str, Any]:
    """A valid declaration as a mapping (dates as text): an example file, or one the
    benchmark's generator makes from a seed."""
    if source < len(EXAMPLES):
        return _as_text(licensecheck.load_declaration(EXAMPLES[source]).data)
    generated: dict[str, Any] = _bench_declarations().generate(1, seed=source)[0]
    return generated


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


VALUES = st.sampled_from(
    [True, False, 0, 3, 2.5, -1, "", "none", "consent", "crawled", "purchased", "2020-01-31"]
)
CHANGES = st.lists(
    st.tuples(st.integers(min_value=0), st.sampled_from(["delete", "set", "copy"]), VALUES),
    max_size=8,
)


def _validated_declaration(
    pack: CompiledPack, base: dict[str, Any], changes: list[Any]
) -> Declaration:
    """``base`` with each change the pack's schema still accepts, loaded (and so validated
    and converted) against that schema."""
    schema = pack.checked.schema
    data = base
    for change in changes:
        candidate = changed(data, change)
        if schema.accepts(candidate):
            data = candidate
    try:
        return load_declaration(data, schema=schema)
    except licensecheck.DeclarationError:  # a copied id made two elements' ids the same
        return load_declaration(base, schema=schema)


@pytest.mark.parametrize("pack_id", PACKS)
@differential(30)
@given(
    source=st.one_of(
        st.integers(min_value=0, max_value=len(EXAMPLES) - 1),
        st.integers(min_value=len(EXAMPLES), max_value=10**6),
    ),
    changes=CHANGES,
    as_of=st.sampled_from(DATES),
)
def test_every_variant_equals_closures_equals_traced_on_validated_declarations(
    pack_id: str, source: int, changes: list[Any], as_of: dt.date
) -> None:
    pack = compiled(pack_id)
    declaration = _validated_declaration(pack, _base(source), changes)
    assert validated(pack, declaration)
    data = declaration.data
    before = copy.deepcopy(data)
    expected = closure_outcomes(pack, data, as_of)
    limit = current_limits().max_rule_steps
    for typed, fuse in VARIANTS:
        assert variant(pack_id, typed, fuse)(data, as_of, limit) == expected, (typed, fuse)
    assert [o.status for o in expected] == traced_statuses(pack, data, as_of)
    assert data == before  # evaluation never changes its input


@pytest.mark.parametrize("pack_id", PACKS)
@differential(30)
@given(
    source=st.integers(min_value=0, max_value=len(EXAMPLES) - 1),
    changes=ODD_CHANGES,
)
def test_untyped_fused_code_equals_closures_on_unvalidated_mistyped_data(
    pack_id: str, source: int, changes: list[Any]
) -> None:
    """A raw mapping gets the untyped code: exact on whatever it holds, fused or not."""
    pack = compiled(pack_id)
    data = licensecheck.load_declaration(EXAMPLES[source]).data
    for change in changes:
        data = changed(data, change)
    expected = closure_outcomes(pack, data, AS_OF)
    limit = current_limits().max_rule_steps
    assert variant(pack_id, False, True)(data, AS_OF, limit) == expected
    assert variant(pack_id, False, False)(data, AS_OF, limit) == expected
    for outcome, traced in zip(expected, traced_statuses(pack, data, AS_OF), strict=True):
        # the traced aggregates go on past the first unknown element (see test_codegen.py)
        assert traced == outcome.status or (outcome.status, traced) == ("unknown", "error")


# ---------------------------------------------------------------- which variant runs


def test_only_declarations_validated_against_the_packs_schema_get_the_typed_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compile_module, "GENERATE_AFTER", 0)
    pack = licensecheck.prepare_pack("starter")
    loaded = load_declaration(EXAMPLES[0], schema=pack.checked.schema)
    assert validated(pack, loaded)
    by_hand = Declaration(loaded.data, loaded.source)  # nobody vouches for its data
    assert not validated(pack, by_hand)
    other_schema = loaded.replaced(schema=build_schema({"type": "object"}))
    assert not validated(pack, other_schema)
    assert evaluate_rules(pack, loaded.data, AS_OF) == closure_outcomes(pack, loaded.data, AS_OF)
    assert set(pack._generated) == {False}  # a raw mapping: the untyped code
    licensecheck.assess(loaded, pack, as_of=AS_OF)
    assert set(pack._generated) == {False, True}  # a validated declaration: the typed code


def test_a_mistyped_mapping_is_exact_in_the_untyped_code_and_refused_by_evaluate() -> None:
    pack = compiled(BENCH_PACK)
    data = copy.deepcopy(licensecheck.load_declaration(EXAMPLES[0]).data)
    data["data_sources"] = [{"id": "s", "kind": 5}]  # the schema wants text
    assert variant(BENCH_PACK, False, True)(data, AS_OF, 10**6) == closure_outcomes(
        pack, data, AS_OF
    )
    with pytest.raises(licensecheck.DeclarationError):
        licensecheck.evaluate(pack, _as_text(data), AS_OF)  # validated first: never typed


def test_the_schema_says_only_what_validation_guarantees() -> None:
    root = build_schema(
        {
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": {"type": "string"},
                "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "c": {"properties": {"x": {"type": "boolean"}}},  # no type: any value passes
                "d": {"type": "number"},
                "e": {"type": "string", "format": "date"},
                "f": {"allOf": [{"type": "array", "items": {"type": "string"}}]},
            },
        }
    ).root
    assert root.enforced and root.required == {"a"}
    kinds = {k: (v.kind, v.enforced) for k, v in root.properties.items()}
    assert kinds == {
        "a": ("string", True),
        "b": ("integer", False),
        "c": ("object", False),
        "d": ("number", False),
        "e": ("date", True),
        "f": ("array", True),
    }


@pytest.mark.parametrize(
    ("volumes", "status", "error"),
    [
        ([3, 1], "pass", None),  # added up inline
        ([3, 2**950], "fail", None),  # past the inline bound: the rest through `fold`
        ([2**1023, 2**1023], "error", "the result is too large (more than 308 digits)"),
    ],
)
def test_a_typed_sum_of_whole_numbers_is_the_closures_sum(
    make_pack: Any, volumes: list[int], status: str, error: str | None
) -> None:
    folder = make_pack(
        """
        rule A-1 {
            title: "x" domain: d severity: low
            require: (sum s in data_sources: s.volume_individuals ?? 0) < 5
        }
        """
    )
    pack = licensecheck.prepare_pack(folder)
    sources = [{"id": f"s{i}", "volume_individuals": v} for i, v in enumerate(volumes)]
    declaration = load_declaration(
        {**_base(0), "data_sources": sources}, schema=pack.checked.schema
    )
    assert validated(pack, declaration)
    expected = closure_outcomes(pack, declaration.data, AS_OF)
    assert [(o.status, o.error) for o in expected] == [(status, error)]
    for fuse in (True, False):
        typed = variant(str(folder), True, fuse)
        assert typed(declaration.data, AS_OF, current_limits().max_rule_steps) == expected
    source = generated_code(pack, typed=True).source()
    assert re.search(r"_v\d+ \+= _v\d+", source)  # added up inline
    assert "_fold('sum'" in source  # and through `fold` only past the bound


# ---------------------------------------------------------------- fused loops


def _fused(folder: Any) -> tuple[CompiledPack, str]:
    pack = licensecheck.prepare_pack(folder)
    return pack, generated_code(pack, typed=False, fuse=True).source()


def test_an_error_in_one_fused_rule_stays_in_that_rule(make_pack: Any) -> None:
    pack, source = _fused(
        make_pack(
            """
            rule A-1 { title: "x" domain: d severity: low require: any s in data_sources: s.id == "0" }
            rule A-2 { title: "x" domain: d severity: low
                       require: all s in data_sources: s.volume_individuals / 0 > 1 }
            rule A-3 { title: "x" domain: d severity: low when: company.headcount > 10
                       require: none s in data_sources: s.contains_personal_info }
            rule A-4 { title: "x" domain: d severity: low
                       require: all s in data_sources where s.kind == "crawled": s.volume_individuals > 0 }
            """
        )
    )
    assert "fused loop over data_sources: rules A-1, A-2, A-3, A-4" in source
    data = {
        "company": {"headcount": 20},
        "data_sources": [
            {"id": "0", "volume_individuals": 3, "contains_personal_info": False},
            {
                "id": "1",
                "kind": "crawled",
                "volume_individuals": 0,
                "contains_personal_info": False,
            },
        ],
    }
    for typed in (False, True):
        outcomes = variant(str(pack.checked.loaded.root), typed, True)(data, AS_OF, 10**6)
        assert outcomes == closure_outcomes(pack, data, AS_OF)
        assert [(o.status, o.error) for o in outcomes] == [
            ("pass", None),  # decided by the first element, while the others went on
            ("error", "division by zero"),
            ("pass", None),
            ("fail", None),  # decided by the second element
        ]
    data["company"]["headcount"] = 1  # A-3 does not apply: decided before the loop
    outcomes = variant(str(pack.checked.loaded.root), False, True)(data, AS_OF, 10**6)
    assert outcomes == closure_outcomes(pack, data, AS_OF)
    assert outcomes[2].status == "not_applicable"


def test_each_fused_rule_has_its_own_step_budget(make_pack: Any) -> None:
    pack, source = _fused(
        make_pack(
            """
            rule A-1 { title: "x" domain: d severity: low
                       require: all a in data_sources: all b in data_sources: a.id != b.id or true }
            rule A-2 { title: "x" domain: d severity: low require: all s in data_sources: s.id != "x" }
            """
        )
    )
    assert "fused loop over data_sources" in source
    data = {"data_sources": [{"id": str(i)} for i in range(30)]}  # A-1: 930 steps, A-2: 30
    for steps, expected in ((930, "pass"), (929, "error")):
        with limits_in_force(Limits(max_rule_steps=steps)):
            for typed in (False, True):
                run_pack = variant(str(pack.checked.loaded.root), typed, True)
                outcomes = run_pack(data, AS_OF, steps)
                assert outcomes == closure_outcomes(pack, data, AS_OF)
                assert [o.status for o in outcomes] == [expected, "pass"]
    with limits_in_force(Limits(max_rule_steps=29)):  # neither can start
        outcomes = variant(str(pack.checked.loaded.root), False, True)(data, AS_OF, 29)
        assert outcomes == closure_outcomes(pack, data, AS_OF)
        assert [o.status for o in outcomes] == ["error", "error"]


def test_a_fused_collection_that_is_not_a_list_is_each_rules_error(make_pack: Any) -> None:
    pack, _ = _fused(
        make_pack(
            """
            rule A-1 { title: "x" domain: d severity: low require: any s in data_sources: s.id == "0" }
            rule A-2 { title: "x" domain: d severity: low require: none s in data_sources: s.id == "0" }
            """
        )
    )
    for value in ("text", {"id": "0"}, None, []):
        data = {"data_sources": value}
        outcomes = variant(str(pack.checked.loaded.root), False, True)(data, AS_OF, 10**6)
        assert outcomes == closure_outcomes(pack, data, AS_OF)


def test_packs_compile_show_says_which_variant_it_prints() -> None:
    code, out, _ = run("packs", "compile", "--show", BENCH_PACK)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("# schema-typed variant")
    fused = "'fused loop over data_sources: rules" in out
    assert fused is FUSE_LOOPS and first.endswith("fused" if fused else "one loop per rule")


def test_the_typed_code_tests_a_read_once_for_absent_and_unknown(make_pack: Any) -> None:
    """A read that may be absent is followed by its unknown test: the typed code makes them
    one (loaded data never holds the unknown marker itself); the untyped code keeps both."""
    pack = licensecheck.prepare_pack(
        make_pack('rule A-1 { title: "x" domain: d severity: low require: company.headcount > 3 }')
    )
    for typed, merged in ((True, True), (False, False)):
        source = generated_code(pack, typed=typed).source()
        read = re.search(r"(_v\d+) = _v\d+\.get\('headcount'\)", source)
        assert read is not None
        assert (f"if {read[1]} is _UNKNOWN:" not in source) == merged
    for headcount, status in ((5, "pass"), (2, "fail"), (None, "unknown")):
        data = {"schema_version": 1, "company": {"name": "x", "headcount": headcount}}
        declaration = load_declaration(data, schema=pack.checked.schema)
        outcomes = variant(str(pack.checked.loaded.root), True, False)(
            declaration.data, AS_OF, current_limits().max_rule_steps
        )
        assert outcomes == closure_outcomes(pack, declaration.data, AS_OF)
        assert outcomes[0].status == status
