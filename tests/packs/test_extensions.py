"""Schema extensions: a pack's schema.json types, validates and checks the fields rules read
under ``extensions``, and its children see them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import licensecheck
from helpers.packs import error_of, rule, write_pack
from helpers.paths import REPO
from helpers.rules import AS_OF

FRAGMENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "board_approved": {"type": "boolean", "description": "The board approved it."},
        "approved_on": {"$ref": "#/$defs/date"},
        "tier": {"$ref": "#/$defs/tier"},
    },
    "$defs": {"tier": {"type": "string", "enum": ["gold", "silver"]}},
}


def extension_pack(tmp_path: Path, rules: str) -> Path:
    folder = write_pack(tmp_path, "client-acme", rules)
    (folder / "schema.json").write_text(json.dumps(FRAGMENT, indent=2), encoding="utf-8")
    return folder


EXT = 'extensions["client-acme"]'


def test_extension_fields_are_typed_validated_and_evaluated(tmp_path: Path) -> None:
    folder = extension_pack(
        tmp_path,
        rule("EXT-1", require=f'{EXT}.board_approved and {EXT}.tier == "gold"')
        + rule("EXT-2", require=f"{EXT}.approved_on >= 2025-01-01"),
    )
    pack = licensecheck.prepare_pack(folder)
    node = pack.checked.schema.node_at(("extensions", "client-acme", "approved_on"))
    assert node is not None and node.kind == "date"
    declaration = {
        "schema_version": 1,
        "company": {"name": "X"},
        "extensions": {
            "client-acme": {"board_approved": True, "tier": "gold", "approved_on": "2025-03-01"}
        },
    }
    result = licensecheck.assess(declaration, pack, as_of=AS_OF)
    assert [(f.rule_id, f.status) for f in result.findings] == [
        ("EXT-1", "pass"),
        ("EXT-2", "pass"),
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema_version: 1\ncompany: {name: X}\nextensions:\n"
        "  client-acme: {board_aproved: true, tier: bronze}\n"
    )
    with pytest.raises(licensecheck.DeclarationError) as caught:
        licensecheck.assess(bad, pack, as_of=AS_OF)
    rendered = caught.value.render()
    assert "bad.yaml:4:17: error: unknown key 'board_aproved'" in rendered
    assert "did you mean 'board_approved'" in rendered
    assert '"bronze" is not one of gold, silver' in rendered


def test_rules_on_extension_fields_are_statically_checked(tmp_path: Path) -> None:
    folder = extension_pack(tmp_path, rule("EXT-1", require=f'{EXT}.tier == "bronze"'))
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    assert '"bronze" is never a value of this field; allowed: gold, silver' in caught.value.render()
    (folder / "main.rules").write_text(rule("EXT-1", require=f"{EXT}.board_aproved"))
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    assert "no field 'board_aproved'" in caught.value.render()
    assert "did you mean 'board_approved'" in caught.value.render()


def test_a_child_sees_its_parents_extension_fields(tmp_path: Path) -> None:
    extension_pack(tmp_path, rule("EXT-1"))
    child = write_pack(
        tmp_path, "child", rule("C-1", require=f"{EXT}.board_approved"), "extends: client-acme\n"
    )
    node = licensecheck.prepare_pack(child).checked.schema.node_at(
        ("extensions", "client-acme", "board_approved")
    )
    assert node is not None and node.kind == "boolean"


def test_an_invalid_schema_fragment_is_an_error_at_its_line(tmp_path: Path) -> None:
    folder = write_pack(tmp_path, "client-acme", rule("EXT-1"))
    (folder / "schema.json").write_text(
        '{\n  "type": "object",\n  "properties": {\n    "x": {"type": "bool"}\n  }\n}\n'
    )
    diagnostic = error_of(folder)
    assert diagnostic.code == "schema-fragment"
    assert diagnostic.span is not None and diagnostic.span.file.endswith("schema.json")
    assert diagnostic.span.line == 4
    assert "is not a valid JSON Schema at properties/x/type" in diagnostic.message
    (folder / "schema.json").write_text('{"type": "array"}')
    assert "not 'array'" in error_of(folder).message
    (folder / "schema.json").write_text("{not json")
    assert error_of(folder).span is not None


def test_a_pack_without_fragments_uses_the_declaration_schema_itself() -> None:
    from licensecheck.declaration.schema import load_declaration_schema

    pack = licensecheck.prepare_pack(REPO / "policies" / "starter")
    assert pack.checked.schema is load_declaration_schema()


def test_a_schema_fragment_that_is_not_an_object(tmp_path: Path) -> None:
    folder = write_pack(tmp_path, "client-acme", rule("EXT-1"))
    (folder / "schema.json").write_text("[1, 2]")
    assert "must hold a JSON Schema object" in error_of(folder).message
    (folder / "schema.json").write_text('{"properties": {"a": {"$ref": "#/$defs/nope"}}}')
    assert (
        "schema at '/properties/a': $ref '#/$defs/nope' points at nothing"
        in error_of(folder).message
    )
