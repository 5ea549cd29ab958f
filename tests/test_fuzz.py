"""Property tests over declarations generated from the declaration schema itself.

The strategy is built from licensecheck's own typed view of the JSON Schema
(schema.SchemaNode): hypothesis-jsonschema would be the usual tool, but its last release
does not work with the hypothesis versions we test with.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import licensecheck
from helpers.paths import REPO
from licensecheck.declaration.schema import SchemaNode, load_declaration_schema
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import evaluate_rules

AS_OF = dt.date(2026, 1, 15)
PACKS = sorted(p.name for p in (REPO / "policies").iterdir() if (p / "pack.yaml").is_file())
STATUSES = {"pass", "fail", "unknown", "not_applicable", "error"}


def strategy(node: SchemaNode, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values the schema allows (ids are made unique afterwards, by the loader's rule)."""
    if node.enum:
        return st.sampled_from(list(node.enum))
    kind = node.kind
    if kind == "object":
        if depth > 4 or not node.properties:
            return st.just({})
        props = {key: strategy(child, depth + 1) for key, child in node.properties.items()}
        return st.fixed_dictionaries({}, optional=props)
    if kind == "array":
        assert node.items is not None
        return st.lists(strategy(node.items, depth + 1), max_size=2, unique_by=lambda v: str(v))
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = int(node.minimum) if node.minimum is not None else -10
        high = int(node.maximum) if node.maximum is not None else max(low, 0) + 10_000_000
        return st.integers(min_value=low, max_value=high)
    if kind == "number":
        low = node.minimum if node.minimum is not None else 0
        high = node.maximum if node.maximum is not None else 1e6
        return st.floats(min_value=low, max_value=high, allow_nan=False)
    if kind == "date":
        return st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)).map(str)
    if kind == "string":
        return st.text(alphabet="abcAB12-", min_size=1, max_size=6)
    return st.none()


SECTIONS = load_declaration_schema().root.properties


def declarations() -> st.SearchStrategy[dict[str, Any]]:
    sections = {
        k: strategy(v)
        for k, v in SECTIONS.items()
        if k not in ("schema_version", "company", "extensions")
    }
    return st.fixed_dictionaries(
        {
            "schema_version": st.just(1),
            "company": strategy(SECTIONS["company"]).map(lambda c: {**c, "name": "Fuzz Co"}),
        },
        optional=sections,
    )


@cache
def pack(pack_id: str) -> CompiledPack:
    return licensecheck.prepare_pack(REPO / "policies" / pack_id)


def load(data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return licensecheck.load_declaration(data).data
    except licensecheck.DeclarationError:
        return None  # e.g. two list items drew the same id: the loader rightly refuses


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@FUZZ
@given(declarations())
def test_every_bundled_pack_evaluates_any_valid_declaration(data: dict[str, Any]) -> None:
    loaded = load(data)
    assume(loaded is not None)
    assert loaded is not None
    for pack_id in PACKS:
        compiled = pack(pack_id)
        statuses = [outcome.status for outcome in evaluate_rules(compiled, loaded, AS_OF)]
        assert set(statuses) <= STATUSES
        # a runtime error on schema-valid data would be a pack or engine bug
        assert "error" not in statuses, [
            (r.rule.id, o.error)
            for r, o in zip(compiled.rules, evaluate_rules(compiled, loaded, AS_OF), strict=True)
            if o.status == "error"
        ]


def scalar_leaves(
    node: SchemaNode, value: dict[str, Any], path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], SchemaNode]]:
    """Scalar fields the schema allows below objects present in ``value`` but absent there."""
    found = []
    for key, child in node.properties.items():
        if key in value:
            if child.kind == "object" and isinstance(value[key], dict):
                found += scalar_leaves(child, value[key], (*path, key))
        elif child.kind in ("boolean", "integer", "number", "string", "date") and key != "id":
            found.append(((*path, key), child))
    return found


@FUZZ
@given(declarations(), st.data())
def test_declaring_more_never_turns_a_known_result_unknown(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    """Kleene monotonicity: a new scalar field can change a pass or a fail only to another
    known status, never to unknown (rules learn from more information, they never unlearn)."""
    before = load(data)
    assume(before is not None)
    assert before is not None
    leaves = scalar_leaves(load_declaration_schema().root, data)
    assume(leaves)
    path, node = draw.draw(st.sampled_from(leaves))
    extended: dict[str, Any] = __import__("copy").deepcopy(data)
    target = extended
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw.draw(strategy(node))
    after = load(extended)
    assume(after is not None)
    assert after is not None
    for pack_id in PACKS:
        compiled = pack(pack_id)
        old = evaluate_rules(compiled, before, AS_OF)
        new = evaluate_rules(compiled, after, AS_OF)
        for rule, a, b in zip(compiled.rules, old, new, strict=True):
            if a.status in ("pass", "fail", "not_applicable"):
                assert b.status != "unknown", (
                    f"{pack_id} {rule.rule.id}: {a.status} -> unknown after adding {'.'.join(path)}"
                )
