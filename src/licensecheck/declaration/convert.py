"""Conversion of a validated declaration: dates converted once.

Date-format strings become :class:`datetime.date` and whole floats at integer places become
ints, wherever the schema tree says so; everything downstream sees the converted values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from ..sources.paths import PathKey
from .schema import SchemaNode

__all__ = ["convert", "walk"]


def walk(data: object, root: SchemaNode) -> Iterator[tuple[PathKey, object, SchemaNode]]:
    """Every container in ``data`` with its path and schema node, skipping unconstrained parts."""
    stack: list[tuple[PathKey, object, SchemaNode]] = [((), data, root)]
    while stack:
        path, value, node = stack.pop()
        if node.kind == "any":
            continue
        yield path, value, node
        entries: Iterable[tuple[str | int, object]]
        if isinstance(value, dict):
            entries = value.items()
        elif isinstance(value, list):
            entries = enumerate(value)
        else:
            continue
        for key, child in entries:
            child_node = node.child(key)
            if child_node is not None and isinstance(child, dict | list):
                stack.append(((*path, key), child, child_node))


def convert(data: dict[str, Any], root: SchemaNode) -> None:
    """Turn validated date strings into dates, and whole floats at integer places into ints."""
    for _path, value, node in walk(data, root):
        entries: Iterable[tuple[Any, object]]
        if isinstance(value, dict):
            entries = value.items()
        elif isinstance(value, list):
            entries = enumerate(value)
        else:
            continue
        changes: list[tuple[Any, object]] = []
        for key, child in entries:
            child_node = node.child(key)
            if child_node is None:
                continue
            if child_node.kind == "date" and isinstance(child, str):
                changes.append((key, datetime.date.fromisoformat(child)))
            elif child_node.kind == "integer" and isinstance(child, float):
                changes.append((key, int(child)))
        for key, new in changes:
            value[key] = new
