"""Loading declarations: parsing with positions, safety limits, validation messages, conversion."""

from __future__ import annotations

import copy
import datetime
import json
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import paths
from licensecheck.declaration.loader import Declaration, load_declaration, parse_declaration_text
from licensecheck.declaration.schema import build_schema, load_declaration_schema
from licensecheck.declaration.validate import validate
from licensecheck.errors import DeclarationError, Diagnostic
from licensecheck.resources import examples_dir
from licensecheck.sources.limits import Limits
from licensecheck.sources.paths import format_path

FIXTURES = paths.FIXTURES / "declarations"
MINIMAL = "schema_version: 1\ncompany:\n  name: Acme\n"


def _errors(call: Any, *args: Any, **kwargs: Any) -> list[Diagnostic]:
    """The diagnostics of the DeclarationError that ``call`` must raise."""
    with pytest.raises(DeclarationError) as caught:
        call(*args, **kwargs)
    return list(caught.value.diagnostics)


def _where(diagnostics: list[Diagnostic]) -> list[tuple[int, int]]:
    return [(d.span.line, d.span.column) for d in diagnostics if d.span is not None]


def _parse(text: str, **kwargs: Any) -> dict[str, Any]:
    return parse_declaration_text(text, "t.yaml", **kwargs)[0]


def _load_text(text: str, name: str = "d.yaml") -> dict[str, Any]:
    """Parse and validate YAML text (what load_declaration does for a file)."""
    data, positions = parse_declaration_text(text, name)
    problems = validate(data, positions, name, text, load_declaration_schema())
    if problems:
        raise DeclarationError(problems)
    return data


# --------------------------------------------------------------------------- positions


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), (2, 1)),
        (("company",), (3, 1)),
        (("company", "name"), (4, 3)),
        (("company", "licenses", 0), (6, 7)),
        (("company", "licenses", 1), (8, 9)),
        (("company", "licenses", 1, "issued_on"), (9, 9)),
        (("data_sources", 0), (11, 5)),
        (("data_sources", 0, "consent"), (11, 31)),
        (("data_sources", 0, "consent", "separate"), (11, 57)),
        (("data_sources", 1, "consent", "separate"), (15, 7)),
        (("data_sources", 1, "consent", "purpose"), (14, 7)),  # null: in the file, not the data
        (("extensions", "client-acme"), (17, 3)),
        (("extensions", "client-acme", "board_approved"), (17, 19)),
        (("company", "licenses", 2), None),
        (("company", "nope"), None),
        (("company", "name", "deeper"), None),
    ],
)
def test_yaml_positions_are_exact(path: tuple[str | int, ...], expected: Any) -> None:
    declaration = load_declaration(FIXTURES / "positions.yaml")
    assert declaration.position(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), (1, 1)),
        (("company",), (3, 3)),
        (("company", "licenses", 1), (7, 7)),
        (("company", "licenses", 1, "issued_on"), (7, 23)),
        (("data_sources", 0, "consent", "separate"), (11, 69)),
        (("data_sources", 1, "consent"), (12, 20)),
        (("data_sources", 1, "consent", "purpose"), (12, 32)),
        (("extensions", "client-acme"), (14, 18)),
        (("extensions", "client-acme", "board_approved"), (14, 34)),
    ],
)
def test_json_positions_are_exact(path: tuple[str | int, ...], expected: Any) -> None:
    declaration = load_declaration(FIXTURES / "positions.json")
    assert declaration.position(path) == expected


def test_yaml_and_json_fixtures_hold_the_same_data() -> None:
    from_yaml = load_declaration(FIXTURES / "positions.yaml").data
    from_json = load_declaration(FIXTURES / "positions.json").data
    assert from_yaml == from_json


def test_locate_falls_back_to_the_nearest_parent() -> None:
    declaration = load_declaration(FIXTURES / "positions.yaml")
    assert declaration.locate(("data_sources", 1, "consent", "written")) == (13, 5)
    assert declaration.locate(("data_sources", 1, "consent", "separate")) == (15, 7)
    assert declaration.locate(("data_sources", 7, "kind")) == (10, 1)
    assert declaration.locate(("governance", "policies")) == (2, 1)
    assert declaration.locate(()) == (2, 1)


PLACES = [
    ("data_sources", 1, "consent", "written"),
    ("data_sources", 1, "consent", "separate"),
    ("data_sources", 7, "kind"),
    ("data_sources", "kind"),
    ("governance", "policies"),
    ("company", "name"),
    ("no_such_section", "x"),
    ("no_such_section",),
    (0,),
    (),
]


@pytest.mark.parametrize("path", PLACES)
def test_a_witness_is_placed_where_it_is_located_unless_its_section_is_absent(
    path: tuple[str | int, ...],
) -> None:
    """One walk gives what locating and asking for the first key's position gave."""
    declaration = load_declaration(FIXTURES / "positions.yaml")
    expected = declaration.locate(path) if declaration.position(path[:1]) else None
    assert declaration.place(path) == expected
    assert declaration.place(("no_such_section", "x")) is None
    assert load_declaration({"schema_version": 1, "company": {"name": "x"}}).place(path) is None


def test_in_memory_declarations_have_no_positions() -> None:
    declaration = load_declaration({"schema_version": 1, "company": {"name": "x"}})
    assert declaration.source == "<memory>" and declaration.text == ""
    assert declaration.position(("company",)) is None
    assert declaration.locate(("company", "name")) is None


def test_alias_positions_point_at_the_alias_and_share_the_anchors_children() -> None:
    text = "a: &x\n  b: 1\nc: *x\n"
    data, positions = parse_declaration_text(text, "t.yaml")
    declaration = Declaration(data=data, source="t.yaml", text=text, positions=positions)
    assert data["c"] is data["a"]  # shared, not copied
    assert declaration.position(("c",)) == (3, 1)
    assert declaration.position(("c", "b")) == (2, 3)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("data_sources", 2, "consent", "separate"), "data_sources[2].consent.separate"),
        (("extensions", "client-acme", "x"), 'extensions["client-acme"].x'),
        (("company",), "company"),
        (("a b", 0), '["a b"][0]'),
        (("extensions", 'q"t', "_ok9"), 'extensions["q\\"t"]._ok9'),
        ((), ""),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


# --------------------------------------------------------------------------- scalars


def test_null_is_the_same_as_absent() -> None:
    text = MINIMAL + "  name_zh: null\n  uscc: ~\n  headcount:\n  jurisdiction: Null\nas_of: NULL\n"
    data = _load_text(text)
    assert data == {"schema_version": 1, "company": {"name": "Acme"}}
    json_text = '{"schema_version": 1, "company": {"name": "Acme", "uscc": null}, "as_of": null}'
    assert _parse(json_text, json=True) == {"schema_version": 1, "company": {"name": "Acme"}}
    in_memory = {"schema_version": 1, "company": {"name": "Acme", "uscc": None}, "as_of": None}
    assert load_declaration(in_memory).data == {"schema_version": 1, "company": {"name": "Acme"}}


def test_null_list_items_stay_and_are_reported() -> None:
    errors = _errors(_load_text, MINIMAL + "  licenses: [null]\n")
    assert [e.message for e in errors] == [
        "company.licenses[0]: expected a mapping ('key: value' entries), got null"
    ]


def test_norway_problem_country_codes_stay_strings() -> None:
    data = load_declaration(FIXTURES / "norway.yaml").data
    assert data["company"]["jurisdiction"] == "NO"
    first, second = data["recipients"]
    assert first == {"id": "r-no", "name": "on", "country": "NO", "purpose": "yes"}
    assert second["licensed"] is True
    assert second["contract_signed"] is False
    assert second["separate_consent"] is True


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("yes", "yes"),
        ("No", "No"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("True", True),
        ("FALSE", False),
        ("12", 12),
        ("-3", -3),
        ("+5", 5),
        ("007", 7),
        ("50_000_000", 50_000_000),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-2.5E-1", -0.25),
        ("2024-01-31", "2024-01-31"),
        ("12:30", "12:30"),
        ("0b101", "0b101"),
        ("1_", "1_"),
        ("0o8", "0o8"),
        ("Acme Data", "Acme Data"),
        ("'12'", "12"),
        ('"true"', "true"),
        ("!!str 12", "12"),
        ("! 12", "12"),
        ("!!int '12'", 12),
        ("!!float 1", 1.0),
        ('!!bool "false"', False),
    ],
)
def test_yaml_1_2_core_scalars(plain: str, value: object) -> None:
    parsed = _parse(f"x: {plain}\n")["x"]
    assert parsed == value and type(parsed) is type(value)


def test_explicit_null_tag_and_empty_value() -> None:
    assert _parse("x: !!null ''\ny: 1\n") == {"y": 1}


@pytest.mark.parametrize(
    ("plain", "fragment"),
    [
        (".inf", "only finite numbers"),
        ("-.Inf", "only finite numbers"),
        (".nan", "only finite numbers"),
        ("1e999", "too large"),
        ("1" * 5000, "too many digits"),
        ("!!int abc", "not a valid !!int value"),
        ("!!bool yes", "not a valid !!bool value"),
        ("!!null x", "not a valid !!null value"),
    ],
)
def test_bad_scalars_are_errors(plain: str, fragment: str) -> None:
    (error,) = _errors(_parse, f"x: {plain}\n")
    assert fragment in error.message
    assert _where([error]) == [(1, 4)]


def test_quoted_json_numbers_and_unicode_are_exact() -> None:
    text = (
        '{"a": 1.0, "b": 10000000000000000000000, "c": "\\u4e2d\\ud83d\\ude00", "d": -0, "e": 1E2}'
    )
    assert _parse(text, json=True) == json.loads(text)


# --------------------------------------------------------------------------- dates


def test_dates_are_converted_after_validation() -> None:
    declaration = load_declaration(FIXTURES / "positions.yaml")
    licence = declaration.data["company"]["licenses"][1]
    assert licence["issued_on"] == datetime.date(2020, 2, 29)
    raw = _parse((FIXTURES / "positions.yaml").read_text(encoding="utf-8"))
    assert raw["company"]["licenses"][1]["issued_on"] == "2020-02-29"  # parsing alone: a string


def test_in_memory_dates_and_whole_floats_are_accepted() -> None:
    source = {
        "schema_version": 1.0,
        "as_of": datetime.date(2024, 6, 30),
        "company": {"name": "x", "headcount": 12.0, "incorporated_on": "2020-01-01"},
        "processing": {"purposes": ("scoring", "fraud")},
    }
    data = load_declaration(source).data
    assert data["as_of"] == datetime.date(2024, 6, 30)
    assert data["company"]["incorporated_on"] == datetime.date(2020, 1, 1)
    assert data["schema_version"] == 1 and type(data["schema_version"]) is int
    assert data["company"]["headcount"] == 12 and type(data["company"]["headcount"]) is int
    assert data["processing"]["purposes"] == ["scoring", "fraud"]


def test_dates_in_extensions_stay_strings() -> None:
    data = load_declaration(
        {"schema_version": 1, "company": {"name": "x"}, "extensions": {"p": {"d": "2024-01-01"}}}
    ).data
    assert data["extensions"]["p"]["d"] == "2024-01-01"


def test_load_never_modifies_the_input_mapping() -> None:
    source: dict[str, Any] = {
        "schema_version": 1,
        "company": {
            "name": "x",
            "uscc": None,
            "licenses": [{"id": "a", "issued_on": "2020-01-01"}],
        },
    }
    before = copy.deepcopy(source)
    declaration = load_declaration(source)
    assert source == before
    assert declaration.data["company"] is not source["company"]


# --------------------------------------------------------------------------- validation messages


def test_all_violations_are_reported_at_once_with_positions() -> None:
    errors = _errors(load_declaration, FIXTURES / "many-errors.yaml")
    assert [(d.span.line, d.span.column, d.message) for d in errors if d.span] == [
        (4, 3, 'company.incorporated_on: "2021-13-01" is not a valid date (YYYY-MM-DD)'),
        (5, 3, "company.registered_capital_cny: must be at least 0, got -5"),
        (7, 5, "company.ownership.foreign_owned_pct: must be at most 100, got 120"),
        (
            10,
            5,
            'data_sources[0].kind: "crawl" is not one of first_party, user_authorized_crawl, '
            + ", ".join(_enum("data_sources", 0, "kind")[2:])
            + " (did you mean 'crawled'?)",
        ),
        (14, 7, "unknown key 'separte' in data_sources[2].consent (did you mean 'separate'?)"),
        (15, 7, 'data_sources[2].consent.separate: expected true or false, got the string "yes"'),
        (18, 5, "security.mlps.level: must be at most 5, got 7"),
    ]
    assert all(
        d.code == "schema" and d.span and d.span.file.endswith("many-errors.yaml") for d in errors
    )
    assert all(d.snippet and "^" in d.snippet for d in errors)


def _enum(*path: str | int) -> list[str]:
    node = load_declaration_schema().node_at(path)
    assert node is not None and node.enum is not None
    return [str(v) for v in node.enum]


def test_missing_required_key_is_reported_at_the_object() -> None:
    (error,) = _errors(_load_text, "schema_version: 1\ncompany:\n  headcount: 3\n")
    assert error.message == "company: missing required key 'name'"
    assert _where([error]) == [(2, 1)]
    (error,) = _errors(_load_text, "company:\n  name: x\n")
    assert error.message == "the top level: missing required key 'schema_version'"


def test_each_missing_key_is_reported_once() -> None:
    errors = _errors(_load_text, "as_of: 2026-01-01\n")
    assert [e.message for e in errors] == [
        "the top level: missing required key 'company'",
        "the top level: missing required key 'schema_version'",
    ]


def test_unknown_keys_one_each_at_the_key() -> None:
    text = MINIMAL + "compnay: {}\nzzz_unrelated: 1\n"
    errors = _errors(_load_text, text)
    assert [(e.message, _where([e])) for e in errors] == [
        ("unknown key 'compnay' at the top level (did you mean 'company'?)", [(4, 1)]),
        ("unknown key 'zzz_unrelated' at the top level", [(5, 1)]),
    ]
    assert errors[1].hint is not None and "company" in errors[1].hint


def test_wrong_types_read_plainly_with_hints() -> None:
    text = MINIMAL + "  uscc: 911100001000012345\n  headcount: '12'\n  incorporated_on: 20200101\n"
    errors = _errors(_load_text, text)
    assert [(e.message, e.hint) for e in errors] == [
        (
            "company.uscc: expected a string, got the number 911100001000012345",
            "put the value in quotes to keep it as text",
        ),
        (
            'company.headcount: expected a whole number, got the string "12"',
            "write numbers without quotes",
        ),
        (
            "company.incorporated_on: expected a date (YYYY-MM-DD), got the number 20200101",
            "write dates as YYYY-MM-DD, for example 2024-01-31",
        ),
    ]


def test_schema_version_and_pattern_messages() -> None:
    text = "schema_version: 2\ncompany:\n  name: x\n  jurisdiction: cn\n"
    errors = _errors(_load_text, text)
    assert [e.message for e in errors] == [
        "schema_version: must be 1, got 2",
        'company.jurisdiction: "cn" is not in the expected form',
    ]
    assert errors[1].hint is not None and "ISO 3166" in errors[1].hint


def test_duplicate_items_in_enum_lists() -> None:
    text = MINIMAL + "business_lines:\n  - id: b\n    clients: [bank, insurer, bank]\n"
    (error,) = _errors(_load_text, text)
    assert error.message == 'business_lines[0].clients: "bank" appears more than once'


def test_duplicate_ids_in_a_list() -> None:
    text = MINIMAL + "recipients:\n  - id: r1\n  - id: r2\n  - id: r1\n"
    (error,) = _errors(_load_text, text)
    assert error.message == 'recipients[2].id: the id "r1" is already used by recipients[0]'
    assert _where([error]) == [(7, 5)]


def test_the_number_of_reported_problems_is_bounded() -> None:
    many = {"schema_version": 1, "company": {"name": "x"}, "processing": {"purposes": [1] * 5000}}
    started = time.perf_counter()
    errors = _errors(load_declaration, many)
    assert time.perf_counter() - started < 5
    assert len(errors) == 1001
    assert errors[-1].message == "more problems were found; only the first 1000 are shown"


def test_top_level_must_be_a_mapping() -> None:
    (error,) = _errors(_parse, "- a\n- b\n")
    assert "must be a mapping" in error.message and "a list" in error.message


def test_in_memory_errors_name_the_path() -> None:
    errors = _errors(
        load_declaration,
        {"schema_version": 1, "company": {"name": "x", "headcount": "many", 3: "x"}},
    )
    assert [e.message for e in errors] == ["company: the key 3 is not a string"]
    errors = _errors(
        load_declaration, {"schema_version": 1, "company": {"name": "x", "headcount": "many"}}
    )
    assert [e.message for e in errors] == [
        'company.headcount: expected a whole number, got the string "many"'
    ]
    assert errors[0].span is None


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, {1, 2}, object(), datetime.datetime(2024, 1, 1)]
)
def test_in_memory_values_must_be_plain_data(value: object) -> None:
    (error,) = _errors(
        load_declaration, {"schema_version": 1, "company": {"name": "x"}, "x": value}
    )
    assert error.message.startswith("x: ")


def test_the_example_declaration_validates() -> None:
    declaration = load_declaration(examples_dir() / "demo-credit-scoring.yaml")
    data = declaration.data
    assert data["company"]["name_zh"]
    assert len(data["company"]["uscc"]) == 18
    assert 3 <= len(data["data_sources"]) <= 4
    assert any(s["kind"] == "crawled" for s in data["data_sources"])
    assert len(data["recipients"]) == 3
    assert data["cross_border"]["transfers"] and data["incidents"]
    assert isinstance(data["as_of"], datetime.date)


# --------------------------------------------------------------------------- syntax and safety


def test_duplicate_keys_yaml() -> None:
    (error,) = _errors(load_declaration, FIXTURES / "duplicate-keys.yaml")
    assert error.message == "duplicate key 'name' (first defined on line 3)"
    assert _where([error]) == [(5, 3)]


def test_duplicate_keys_json() -> None:
    (error,) = _errors(load_declaration, FIXTURES / "duplicate-keys.json")
    assert error.message == "duplicate key 'name' (first defined on line 3)"
    assert _where([error]) == [(4, 15)]


def test_duplicate_null_key_is_still_a_duplicate() -> None:
    (error,) = _errors(_parse, "a: null\na: 1\n")
    assert "duplicate key 'a'" in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1: a\n", "the key 1 is not text: put it in quotes"),
        ("true: a\n", "the key true is not text"),
        ("? [a, b]\n: c\n", "a key must be text, not a list or mapping"),
        ("~: a\n", "this key is empty"),
        ("<<: {a: 1}\n", "merge keys"),
    ],
)
def test_keys_must_be_text(text: str, fragment: str) -> None:
    (error,) = _errors(_parse, text)
    assert fragment in error.message


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['echo pwned']\n",
        "x: !!python/name:os.system\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!timestamp 2024-01-01\n",
        "x: !!set {a, b}\n",
        "x: !!omap [a: 1]\n",
        "x: !custom 1\n",
        "x: !!map [1]\n",
        "x: !!seq {a: 1}\n",
        "x: !!str [1]\n",
    ],
)
def test_explicit_non_standard_tags_are_rejected(text: str) -> None:
    (error,) = _errors(_parse, text)
    assert "is not allowed" in error.message


def test_python_tag_fixture_is_rejected_with_position() -> None:
    (error,) = _errors(load_declaration, FIXTURES / "python-tag.yaml")
    assert "!!python/object/apply:os.system" in error.message
    assert _where([error]) == [(3, 9)]


def test_billion_laughs_fails_fast() -> None:
    started = time.perf_counter()
    (error,) = _errors(load_declaration, FIXTURES / "billion-laughs.yaml")
    assert time.perf_counter() - started < 1.0
    assert "alias bomb" in error.message and "more than 1000000 values" in error.message
    assert error.span is not None and error.span.line == 8


def test_value_limit_counts_alias_expansion() -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert _parse(text, limits=Limits(max_values=20))["b"][2] == [1, 2, 3]
    (error,) = _errors(_parse, text, limits=Limits(max_values=10))
    assert "the alias *a expands to more than 10 values" in error.message


def test_value_limit_for_plain_json_and_memory() -> None:
    big = {"k": list(range(50))}
    (error,) = _errors(_parse, json.dumps(big), json=True, limits=Limits(max_values=20))
    assert "more than 20 values" in error.message
    (error,) = _errors(load_declaration, big, limits=Limits(max_values=20))
    assert "more than 20 values" in error.message


@pytest.mark.parametrize(
    "text",
    ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a\n  - &b [*a]\n"],
)
def test_recursive_aliases_are_errors(text: str) -> None:
    (error,) = _errors(_parse, text)
    assert "recursive alias" in error.message


def test_undefined_alias_is_an_error() -> None:
    (error,) = _errors(_parse, "a: *nowhere\n")
    assert error.code == "syntax"
    assert error.message == "the alias *nowhere has no anchor &nowhere before it"
    assert _where([error]) == [(1, 4)]


@pytest.mark.parametrize(
    ("text", "json_mode"),
    [
        ("[" * 100_000, False),
        ("[" * 100_000, True),
        ("{a: " * 100_000, False),
        ('{"a": ' * 100_000, True),
        ("a:\n" + "".join(" " * i + "- \n" for i in range(1, 2000)), False),
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(text: str, json_mode: bool) -> None:
    (error,) = _errors(_parse, text, json=json_mode)
    assert "nest" in error.message


def test_depth_limit_is_exact() -> None:
    ok = "a: " + "[" * 63 + "]" * 63 + "\n"  # the root mapping plus 63 lists: 64 levels
    assert _parse(ok)
    (error,) = _errors(_parse, "a: " + "[" * 64 + "]" * 64 + "\n")
    assert "more than 64 levels" in error.message
    (error,) = _errors(_parse, '{"a": ' + "[" * 64 + "]" * 64 + "}", json=True)
    assert "more than 64 levels" in error.message
    assert _parse('{"a": ' + "[" * 63 + "]" * 63 + "}", json=True)


def test_self_referencing_mapping_in_memory() -> None:
    looped: dict[str, Any] = {"schema_version": 1, "company": {"name": "x"}}
    looped["extensions"] = {"p": looped}
    (error,) = _errors(load_declaration, looped)
    assert "nested more than 64 levels" in error.message


def test_several_documents_are_an_error() -> None:
    (error,) = _errors(_parse, MINIMAL + "---\nschema_version: 1\n")
    assert "more than one YAML document" in error.message
    assert _where([error]) == [(4, 1)]


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n", "~\n"])
def test_empty_declarations(text: str) -> None:
    (error,) = _errors(_parse, text)
    assert error.message == "the declaration is empty"


def test_empty_json_declarations() -> None:
    for text in ("", " \n", "null"):
        (error,) = _errors(_parse, text, json=True)
        assert error.message == "the declaration is empty"


def test_yaml_syntax_errors_have_positions() -> None:
    (error,) = _errors(_parse, "company:\n  name: [unclosed\n  x: 1\n")
    assert error.code == "syntax" and error.message.startswith("invalid YAML:")
    assert error.span is not None and error.span.line >= 2


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"a": 1,}', (1, 9), "Expecting property name"),
        ('{"a": NaN}', (1, 7), "NaN and Infinity are not allowed"),
        ('{"a": 1}\n{"b": 2}', (2, 1), "Extra data"),
        ("{'a': 1}", (1, 2), "Expecting property name"),
        ('{"a": tru}', (1, 7), "Expecting value"),
        ('{"a": "x\ty"}', (1, 9), "Invalid control character"),
    ],
)
def test_json_syntax_errors_use_json_messages(
    text: str, where: tuple[int, int], fragment: str
) -> None:
    (error,) = _errors(_parse, text, json=True)
    assert error.message.startswith("invalid JSON:") and fragment in error.message
    assert _where([error]) == [where]


def test_json_with_tabs_parses() -> None:
    assert _parse('{\t"a":\t1}', json=True) == {"a": 1}


# --------------------------------------------------------------------------- files


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    (error,) = _errors(load_declaration, missing)
    assert str(missing) in error.message and "no such file" in error.message
    (error,) = _errors(load_declaration, tmp_path)
    assert str(tmp_path) in error.message


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: nothing is written
    (error,) = _errors(load_declaration, huge)
    assert "larger than 10485760 bytes" in error.message
    small = tmp_path / "small.yaml"
    small.write_text(MINIMAL, encoding="utf-8")
    (error,) = _errors(load_declaration, small, limits=Limits(max_bytes=10))
    assert "larger than 10 bytes" in error.message
    (error,) = _errors(_parse, MINIMAL, limits=Limits(max_bytes=10))
    assert "larger than 10 bytes" in error.message


def test_bad_utf8_is_reported_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"schema_version: 1\ncompany:\n  name: \xe4\xb8\xad\xff\n")  # 中 then 0xff
    (error,) = _errors(load_declaration, bad)
    assert (
        error.code == "encoding" and "not valid UTF-8" in error.message and "0xff" in error.message
    )
    assert _where([error]) == [(3, 10)]
    assert error.hint == "save the file with UTF-8 encoding"


def test_utf8_bom_is_tolerated_and_utf16_is_explained(tmp_path: Path) -> None:
    with_bom = tmp_path / "bom.yaml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_declaration(with_bom).position(("schema_version",)) == (1, 1)
    with_bom_json = tmp_path / "bom.json"
    with_bom_json.write_bytes(b"\xef\xbb\xbf" + b'{"schema_version": 1, "company": {"name": "x"}}')
    assert load_declaration(with_bom_json).data["company"] == {"name": "x"}
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(MINIMAL.encode("utf-16"))
    (error,) = _errors(load_declaration, utf16)
    assert "UTF-16" in error.message


def test_control_characters_are_syntax_errors() -> None:
    (error,) = _errors(_parse, "a: b\x07c\n")
    assert error.code == "syntax" and error.span is not None


def test_json_is_chosen_by_extension(tmp_path: Path) -> None:
    as_json = tmp_path / "d.JSON"
    as_json.write_text(
        '{"schema_version": 1, "company": {"name": "x", "name": "y"}}', encoding="utf-8"
    )
    (error,) = _errors(load_declaration, as_json)
    assert "duplicate key" in error.message


# --------------------------------------------------------------------------- properties


def _schema_words() -> list[str]:
    """Property names and enum values of the schema, so random data reaches deep validation."""
    words: set[str] = set()
    stack = [load_declaration_schema().root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        words.update(node.properties)
        words.update(str(v) for v in node.enum or ())
        stack.extend(node.properties.values())
        stack.extend(n for n in (node.items, node.additional) if n is not None)
    return sorted(words)


WORDS = _schema_words()
KEYS = st.sampled_from(WORDS) | st.text(max_size=10)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(WORDS)
    | st.sampled_from(["2024-01-31", "2021-13-01", "CN", "yes", "1"])
    | st.text(max_size=20)
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON_LIKE, max_size=8))
def test_random_mappings_raise_only_declaration_errors(value: dict[str, Any]) -> None:
    try:
        load_declaration(value)
    except DeclarationError as error:
        assert error.diagnostics


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200)
    | st.text(alphabet=st.sampled_from(list("[]{}:,-&*!|>'\"#%@?~ \n\tab1.&*<")), max_size=80),
    st.booleans(),
)
def test_random_text_raises_only_declaration_errors(text: str, json_mode: bool) -> None:
    try:
        parse_declaration_text(text, "random.yaml", json=json_mode)
    except DeclarationError as error:
        assert error.diagnostics


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


FINITE_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=15),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), FINITE_JSON, max_size=5), st.booleans())
def test_json_round_trip_values_and_positions(value: dict[str, Any], ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=1 if ascii_only else None)
    data, positions = parse_declaration_text(text, "r.json", json=True)
    assert data == _without_nulls(value)
    declaration = Declaration(data=data, source="r.json", text=text, positions=positions)
    assert all(declaration.position(path) is not None for path in _paths(data))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), FINITE_JSON, max_size=5))
def test_yaml_round_trip_values_and_positions(value: dict[str, Any]) -> None:
    # Every scalar double-quoted with its tag: exercises tagged scalars and escapes.
    text = yaml.safe_dump(value, default_style='"', allow_unicode=False)
    data, positions = parse_declaration_text(text, "r.yaml")
    assert data == _without_nulls(value)
    declaration = Declaration(data=data, source="r.yaml", text=text, positions=positions)
    assert all(declaration.position(path) is not None for path in _paths(data))


def test_a_schema_with_a_pack_fragment_validates_extensions() -> None:
    document = copy.deepcopy(load_declaration_schema().document)
    document["properties"]["extensions"]["properties"] = {
        "client-acme": {
            "type": "object",
            "description": "fields of the client-acme pack",
            "additionalProperties": False,
            "properties": {"approved_on": {"type": "string", "format": "date", "description": "d"}},
        }
    }
    schema = build_schema(document)
    source = {
        "schema_version": 1,
        "company": {"name": "x"},
        "extensions": {"client-acme": {"approved_on": "2024-02-01"}},
    }
    data = load_declaration(source, schema=schema).data
    assert data["extensions"]["client-acme"]["approved_on"] == datetime.date(2024, 2, 1)
    source["extensions"] = {"client-acme": {"aproved_on": "2024-02-01"}}
    (error,) = _errors(load_declaration, source, schema=schema)
    assert error.message == (
        "unknown key 'aproved_on' in extensions[\"client-acme\"] (did you mean 'approved_on'?)"
    )


def test_a_list_entry_without_id_is_an_error_that_suggests_one(tmp_path: Path) -> None:
    """Ids stay required (README, "A declaration"): the error says why and offers one."""
    path = tmp_path / "firm.yaml"
    path.write_text(
        "schema_version: 1\ncompany: {name: X}\ndata_sources:\n  - {id: ds-a, kind: crawled}\n"
        "  - kind: purchased\n",
        encoding="utf-8",
    )
    with pytest.raises(DeclarationError) as raised:
        load_declaration(path)
    (problem,) = raised.value.diagnostics
    assert problem.message == "data_sources[1]: missing required key 'id'"
    assert problem.span is not None and (problem.span.line, problem.span.column) == (5, 5)
    assert problem.hint is not None and "e.g. id: data-sources-2" in problem.hint
    assert "waivers, baselines and diffs follow the entry" in problem.hint


def test_init_gives_an_id_to_every_entry_that_needs_one() -> None:
    from helpers.cli import run

    schema = json.loads((paths.REPO / "schemas" / "declaration.schema.json").read_text())
    needs_id: set[str] = set()

    def lists_needing_ids(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            items = node.get("items")
            if isinstance(items, dict) and "id" in items.get("required", []):
                needs_id.add(key)
            for name, value in node.items():
                lists_needing_ids(value, name)
        elif isinstance(node, list):
            for value in node:
                lists_needing_ids(value, key)

    lists_needing_ids(schema)
    code, out, _ = run("init", "--pack", "cn-credit-reporting")
    assert code == 0
    entries: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name in needs_id and isinstance(value, list):
                    entries.extend(e for e in value if isinstance(e, dict))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(out))
    assert len(entries) >= 8
    assert all(e.get("id") for e in entries)


def test_the_walks_for_dates_and_ids_visit_only_the_parts_that_can_hold_them() -> None:
    shared = {"type": "object", "properties": {"on": {"type": "string", "format": "date"}}}
    schema = build_schema(
        {
            "type": "object",
            "$defs": {"dated": shared},
            "properties": {
                "plain": {"type": "object", "properties": {"x": {"type": "string"}}},
                "deep": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "more": {"type": "array", "items": {"$ref": "#/$defs/dated"}},
                        },
                    },
                },
                "again": {"$ref": "#/$defs/dated"},
            },
        }
    )
    data = {
        "plain": {"x": "2024-01-01"},
        "deep": [{"id": "a", "more": [{"on": "2024-02-29"}]}, {"id": "b", "more": []}],
        "again": {"on": "2023-12-31"},
    }
    loaded = load_declaration(data, schema=schema)
    assert loaded.data["deep"][0]["more"][0]["on"] == datetime.date(2024, 2, 29)
    assert loaded.data["again"]["on"] == datetime.date(2023, 12, 31)
    assert loaded.data["plain"]["x"] == "2024-01-01"  # text where the schema says text
    plain = schema.root.properties["plain"]
    dated = schema.reaching("dated", lambda n: n.properties.get("on") is not None)
    assert id(plain) not in dated and id(schema.root.properties["deep"]) in dated
    twice = {**data, "deep": [{"id": "a", "more": []}, {"id": "a", "more": []}]}
    with pytest.raises(DeclarationError) as caught:
        load_declaration(twice, schema=schema)
    assert "already used by deep[0]" in str(caught.value)
