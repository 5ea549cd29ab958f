"""Field descriptions in other languages: ``schemas/declaration.zh.json`` against the schema."""

from __future__ import annotations

import json
import re
from typing import Any

from helpers.paths import REPO
from licensecheck.declaration.schema import (
    describe,
    description_key,
    descriptions,
    load_declaration_schema,
)

SCHEMA = REPO / "schemas" / "declaration.schema.json"
ZH = REPO / "schemas" / "declaration.zh.json"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _described_fields() -> list[str]:
    """The key of every field with a description, the reference walk: a ``$ref`` is resolved
    where it is used, its own keys over the definition's."""
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    defs = document.get("$defs", {})
    keys: list[str] = []

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            merged = dict(defs[node["$ref"].rsplit("/", 1)[-1]])
            merged.update({k: v for k, v in node.items() if k != "$ref"})
            node = merged
        if "description" in node and path:
            keys.append(path)
        for key, child in node.get("properties", {}).items():
            walk(child, f"{path}.{key}" if path else key)
        if "items" in node:
            walk(node["items"], f"{path}[]")

    walk(document, "")
    return keys


def test_the_zh_file_is_an_object_of_chinese_texts() -> None:
    document = json.loads(ZH.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and document
    for key, text in document.items():
        assert isinstance(text, str) and CJK.search(text), key


def test_every_zh_key_is_a_described_field_of_the_schema() -> None:
    stale = set(json.loads(ZH.read_text(encoding="utf-8"))) - set(_described_fields())
    assert not stale, sorted(stale)


def test_every_described_field_has_a_zh_description() -> None:
    missing = [k for k in _described_fields() if k not in descriptions("zh")]
    assert not missing, missing


def test_description_keys_are_dotted_with_brackets_for_items() -> None:
    assert description_key(("company", "name")) == "company.name"
    assert description_key(("company", "licenses", "[]", "kind")) == "company.licenses[].kind"
    assert (
        description_key(("data_sources", 3, "supplier", "name")) == "data_sources[].supplier.name"
    )


def test_describe_reads_the_language_and_falls_back_to_english() -> None:
    schema = load_declaration_schema()
    path = ("company", "name")
    node = schema.node_at(path)
    assert node is not None and node.description
    assert describe(path, node, "en") == node.description
    assert describe(path, node, "zh") == descriptions("zh")["company.name"]
    assert CJK.search(describe(path, node, "zh"))
    # a field no file describes keeps the schema's words; an unknown language too
    assert describe(("company", "no_such_field"), node, "zh") == node.description
    assert describe(path, node, "fr") == node.description
    assert describe(path, node, "../x") == node.description
