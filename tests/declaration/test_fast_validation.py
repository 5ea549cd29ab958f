"""The compiled validator: valid declarations take it; it never passes what jsonschema rejects."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.paths import REPO
from licensecheck.declaration.schema import load_declaration_schema

SCHEMA = load_declaration_schema()
DEMO = yaml.safe_load((REPO / "examples" / "demo-credit-scoring.yaml").read_text(encoding="utf-8"))


def jsonschema_valid(data: object) -> bool:
    return not any(True for _ in SCHEMA.validator().iter_errors(data))


def test_every_bundled_example_takes_the_fast_path() -> None:
    for path in sorted((REPO / "examples").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert SCHEMA.accepts(data), path
        assert jsonschema_valid(data)


def test_invalid_documents_are_left_to_jsonschema() -> None:
    data = {"schema_version": 1, "company": {"name": "X"}, "incidents": "none"}
    assert not SCHEMA.accepts(data)
    assert not jsonschema_valid(data)
    assert not SCHEMA.accepts({"schema_version": 1, "company": {"name": 2**70}})


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from(
        ["2026-01-15", "2026-02-30", "2026-1-5", "20260115", "yes", "", "crawled", "individual"]
    )
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


DEMO_DATA = json.loads(json.dumps(DEMO, default=str))
PATHS = [p for p in _paths(DEMO_DATA) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), SCALARS), min_size=1, max_size=3))
def test_the_fast_path_is_never_looser_than_jsonschema(changes: list[Any]) -> None:
    """The demo declaration with a few values replaced (dates, enums, types, empties)."""
    data = copy.deepcopy(DEMO_DATA)
    for path, value in changes:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change replaced a parent
            continue
    if SCHEMA.accepts(data):
        assert jsonschema_valid(data)
