"""Conversion of a validated declaration: dates converted once.

Date-format strings become :class:`datetime.date` and whole floats at integer places become
ints, wherever the schema tree says so; everything downstream sees the converted values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from ..sources.paths import PathKey
from .schema import DeclarationSchema, SchemaNode

__all__ = ["convert", "walk"]


#: An entry of a container the walk visits: its key or index, its value and its schema node.
Entry = tuple[str | int, object, SchemaNode]


def walk(
    data: object, root: SchemaNode, reaching: frozenset[int] | None = None
) -> Iterator[tuple[PathKey, object, SchemaNode, list[Entry]]]:
    """Every container in ``data`` with its path, its schema node and its entries that the
    schema allows (each with its node: the walk looks them up to go on, and a caller reads
    them rather than look them up again, issue #12), skipping unconstrained parts and,
    with ``reaching`` (:meth:`DeclarationSchema.reaching`), the parts whose schema holds
    nothing the walk is for."""
    stack: list[tuple[PathKey, object, SchemaNode]] = []
    if reaching is None or id(root) in reaching:
        stack.append(((), data, root))
    while stack:
        path, value, node = stack.pop()
        if node.kind == "any":
            continue
        items: Iterable[tuple[str | int, object]]
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            yield path, value, node, []
            continue
        entries: list[Entry] = []
        for key, child in items:
            child_node = node.child(key)
            if child_node is None:
                continue
            entries.append((key, child, child_node))
            if isinstance(child, dict | list) and (reaching is None or id(child_node) in reaching):
                stack.append(((*path, key), child, child_node))
        yield path, value, node, entries


def convert(data: dict[str, Any], schema: DeclarationSchema) -> None:
    """Turn validated date strings into dates, and whole floats at integer places into ints."""
    reaching = schema.reaching("conversions", _converts_a_child)
    for _path, value, _node, entries in walk(data, schema.root, reaching):
        changes: list[tuple[Any, object]] = []
        for key, child, child_node in entries:
            if child_node.kind == "date" and isinstance(child, str):
                changes.append((key, datetime.date.fromisoformat(child)))
            elif child_node.kind == "integer" and isinstance(child, float):
                changes.append((key, int(child)))
        for key, new in changes:
            value[key] = new  # type: ignore[index]


def _converts_a_child(node: SchemaNode) -> bool:
    """Whether a value of ``node`` may hold a date or an integer (of those :func:`convert`
    converts) directly."""
    children = [*node.properties.values(), node.additional, node.items]
    return any(c is not None and c.kind in ("date", "integer") for c in children)
