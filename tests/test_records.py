"""The records that stand in for frozen dataclasses on the cold path (``_record.Record``):
each behaves as its dataclass did (equality and hashing by the compared fields, the repr,
immutability, pickling, ``replaced`` for ``dataclasses.replace``, Span's ordering)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from helpers.rules import compile_rule
from licensecheck.declaration.loader import Declaration
from licensecheck.engine.codegen_tree import Fact
from licensecheck.engine.compile import CompiledPack, CompiledRule
from licensecheck.errors import Diagnostic, Span


def test_a_span_compares_and_sorts_by_file_line_and_column_not_its_end() -> None:
    span = Span("a.yaml", 3, 5, 3, 9)
    assert span == Span("a.yaml", 3, 5) and hash(span) == hash(Span("a.yaml", 3, 5))
    assert span != Span("a.yaml", 3, 6) and span != ("a.yaml", 3, 5)
    spans = [Span("b.yaml", 1, 1), Span("a.yaml", 10, 2), Span("a.yaml", 2, 7), span]
    assert sorted(spans) == [Span("a.yaml", 2, 7), span, Span("a.yaml", 10, 2), spans[0]]
    assert span <= Span("a.yaml", 3, 5) < Span("a.yaml", 3, 6) and Span("b.yaml", 1, 1) > span
    with pytest.raises(TypeError):
        _ = span < ("a.yaml", 3, 5)
    assert repr(span) == ("Span(file='a.yaml', line=3, column=5, end_line=3, end_column=9)")


def test_a_diagnostic_is_a_frozen_value() -> None:
    found = Diagnostic("schema", "a problem", Span("a.yaml", 1, 2), hint="do this")
    assert found == Diagnostic(
        "schema", "a problem", Span("a.yaml", 1, 2), "error", None, "do this"
    )
    assert found != found.replaced(level="warning")
    assert found.replaced(span=None) == Diagnostic("schema", "a problem", hint="do this")
    assert {found: 1}[Diagnostic("schema", "a problem", Span("a.yaml", 1, 2), hint="do this")]
    for back in (pickle.loads(pickle.dumps(found)), copy.deepcopy(found), copy.copy(found)):
        assert back == found and back.span == found.span and back.hint == "do this"
    with pytest.raises(FrozenInstanceError):
        found.level = "warning"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        found.extra = 1  # type: ignore[attr-defined]


def test_a_declaration_compares_by_its_contents_not_how_it_was_read() -> None:
    data = {"company": {"name": "Acme"}}
    read = Declaration(data, "a.yaml", "company: {name: Acme}\n")
    assert read == Declaration(data, "a.yaml", "company: {name: Acme}\n", reads_evidence=False)
    assert read != Declaration(data, "b.yaml", "company: {name: Acme}\n")
    outside = read.replaced(reads_evidence=False)
    assert (outside.reads_evidence, outside.source, outside.text) == (False, "a.yaml", read.text)
    assert repr(read) == (
        "Declaration(data={'company': {'name': 'Acme'}}, source='a.yaml', reads_evidence=True)"
    )


def test_a_compiled_pack_is_equal_by_its_pack_and_rules_whatever_it_has_built() -> None:
    pack = compile_rule("declared(company.name)")
    same = CompiledPack(pack.checked, pack.rules)
    pack.shared(("x",), lambda: 41)
    assert pack == same and same.shared(("x",), lambda: 0) == 0
    assert pack != CompiledPack(pack.checked, ())
    assert repr(pack).startswith("CompiledPack(checked=") and "_shared" not in repr(pack)
    (rule,) = pack.rules
    assert rule == CompiledRule(rule.rule, rule.when, rule.require)
    with pytest.raises(FrozenInstanceError):
        pack.rules = ()  # type: ignore[misc]
    assert Fact(int, True) == Fact(int, True, None) and Fact(int, True) != Fact(int, False)
