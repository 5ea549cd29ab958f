"""Remembered witnesses (engine/witness_memo.py): a rule whose deciding part reads no list has
the witnesses an earlier declaration with the same plain values at the paths it reads had.
The oracle is the witnesses found afresh every time (the memo switched off): the same
findings, on every bundled pack and bench/pack, on the examples, generated declarations and
changed ones."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import licensecheck
from helpers.declarations import EXAMPLE_FILES, generated, loadable_examples
from helpers.mutations import CHANGES, differential, mutated
from helpers.paths import REPO
from helpers.rules import AS_OF, compile_rule
from licensecheck.declaration.loader import Declaration
from licensecheck.engine import evaluate
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import assess_compiled
from licensecheck.engine.models import Finding
from licensecheck.engine.witness_memo import static_reads, witness_key
from licensecheck.packs.listing import list_packs

PACKS = [*sorted(p.id for p in list_packs()), str(REPO / "bench" / "pack")]
EXAMPLES = EXAMPLE_FILES
DATES = [dt.date(2026, 1, 15), dt.date(2021, 6, 1)]


def _reads(require: str, prelude: str = "") -> Any:
    pack = compile_rule(require, prelude=prelude)
    return static_reads(pack.checked.rules[0].require, pack.checked)


def test_the_paths_a_rule_reads_through_its_predicates() -> None:
    reads = _reads(
        'company.name == "x" and (p or declared(governance["pi_protection_officer"].appointed))'
        " and len(data_sources) > 1",
        prelude="predicate p = company.registered_capital_cny > LIMIT\nconst LIMIT = 3",
    )
    assert reads == (
        ("company", "name"),
        ("company", "registered_capital_cny"),
        ("data_sources",),
        ("governance", "pi_protection_officer", "appointed"),
    )


def test_a_loop_reads_its_collection_and_what_its_body_reads_outside_the_element() -> None:
    reads = _reads(
        "all s in data_sources where s.kind == company.name: (count x in s.data_categories) > 0"
        ' and extensions[s.kind].ok and data_sources[company.headcount].kind == "crawled"'
    )
    assert reads == (
        ("company", "headcount"),
        ("company", "name"),
        ("data_sources",),
        ("extensions",),  # up to the computed index
    )
    loop = ("data_sources",)
    assert witness_key((loop,), {}, AS_OF) is not None  # not declared: nothing to visit
    assert witness_key((loop,), {"data_sources": []}, AS_OF) is not None  # empty
    assert witness_key((loop,), {"data_sources": [{"kind": "crawled"}]}, AS_OF) is None


def test_the_key_is_the_plain_values_and_where_a_path_ended() -> None:
    paths = (("a", "b"), ("c",))

    def key(data: dict[str, Any]) -> Any:
        return witness_key(paths, data, AS_OF)

    assert key({"a": {"b": 1}, "c": "x"}) == key({"a": {"b": 1, "z": 2}, "c": "x", "d": 0})
    distinct = [
        {"a": {"b": 1}},
        {"a": {"b": 1.0}},  # equal in Python, shown otherwise
        {"a": {"b": True}},
        {"a": {"b": 0.0}},
        {"a": {"b": -0.0}},
        {"a": {}},  # absent at the last step
        {},  # absent at the first
        {"a": {"b": dt.date(2024, 1, 1)}},
    ]
    keys = [key(data) for data in distinct]
    assert None not in keys and len(set(keys)) == len(keys)
    assert witness_key(paths, {"a": {"b": 1}}, dt.date(2020, 1, 1)) != keys[0]  # the date too
    assert None not in (key({"a": {"b": []}}), key({"a": {"b": {}}}))  # nothing in them
    for unkeyed in ({"a": {"b": [1]}}, {"a": {"b": {"x": 1}}}, {"a": "text"}, {"a": [1]}):
        assert key(unkeyed) is None  # a list or mapping, or a path through a non-mapping


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


def _afresh(pack: CompiledPack, decl: Declaration, as_of: dt.date) -> list[Finding]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate, "witness_key", lambda *_: None)
        return assess_compiled(pack, decl, as_of).findings


def _declarations() -> list[Declaration]:
    return generated(8) + loadable_examples()


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_remembered_witnesses_are_those_found_afresh(
    pack_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = licensecheck.prepare_pack(pack_id)
    declarations = _declarations()
    expected = [_afresh(pack, d, as_of) for as_of in DATES for d in declarations]
    found = []  # the explanations made (the others were remembered)
    real_direct_witnesses = evaluate.direct_witnesses
    monkeypatch.setattr(
        evaluate,
        "direct_witnesses",
        lambda *a, **k: found.append(a[1]) or real_direct_witnesses(*a, **k),
    )
    for _ in range(2):  # the second time round, every key is known
        found.clear()
        assert [
            assess_compiled(pack, d, as_of).findings for as_of in DATES for d in declarations
        ] == expected
    witnessed = sum(f.status in ("fail", "unknown") for findings in expected for f in findings)
    assert 0 < len(found) < witnessed  # some were remembered


@pytest.mark.parametrize("pack_id", PACKS, ids=lambda p: p.rsplit("/", 1)[-1])
@differential(30)
@given(
    index=st.integers(min_value=0, max_value=len(EXAMPLES) - 1),
    changes=CHANGES,
    as_of=st.sampled_from(DATES),
)
def test_remembered_witnesses_on_changed_declarations(
    pack_id: str, index: int, changes: list[tuple[int, str, Any]], as_of: dt.date
) -> None:
    """Raw mappings with odd values (nulls, wrong types, deleted fields), the memo warmed by
    every example before them: the findings explained afresh."""
    pack = compiled(pack_id)
    decl = Declaration(data=mutated(licensecheck.load_declaration(EXAMPLES[index]).data, changes))
    expected = _afresh(pack, decl, as_of)
    assert assess_compiled(pack, decl, as_of).findings == expected
    assert assess_compiled(pack, decl, as_of).findings == expected  # now remembered


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "MEMO_SIZE", 3)
    pack = licensecheck.prepare_pack(str(REPO / "bench" / "pack"))
    declarations = _declarations()
    expected = [_afresh(pack, d, AS_OF) for d in declarations]
    assert [assess_compiled(pack, d, AS_OF).findings for d in declarations] == expected
    assert len(pack.shared(("witness memo",), dict)) <= 3
