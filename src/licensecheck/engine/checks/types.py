"""The type model of the static checks: what an expression's value can be.

Input: schema nodes of the declaration schema, and literal values. Output: a :class:`Type`
(kind, list item type, schema node, enum values), the words messages use for it, and which
arithmetic is allowed between kinds (:func:`arith_result`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from ...declaration.schema import SchemaNode
from ...lang.values import Duration

TypeKind = Literal["bool", "number", "string", "date", "duration", "list", "object", "null", "any"]

KIND_WORDS = {
    "bool": "true/false",
    "number": "a number",
    "string": "text",
    "date": "a date",
    "duration": "a duration",
    "list": "a list",
    "object": "an object",
    "null": "null",
    "any": "any value",
}


@dataclass(frozen=True)
class Type:
    kind: TypeKind
    item: Type | None = None
    schema: SchemaNode | None = None
    enum: tuple[Any, ...] | None = None
    #: True when the value comes from the declaration (so it can be absent)
    from_declaration: bool = False

    def words(self) -> str:
        if self.kind == "list" and self.item is not None and self.item.kind != "any":
            return f"a list of {KIND_WORDS[self.item.kind].removeprefix('a ').removeprefix('an ')}"
        return KIND_WORDS[self.kind]


ANY = Type("any")
BOOL = Type("bool")
NUMBER = Type("number")
STRING = Type("string")
DATE = Type("date")
DURATION = Type("duration")


def type_of_schema(node: SchemaNode | None) -> Type:
    if node is None:
        return ANY
    kind = node.kind
    if kind == "object":
        return Type("object", schema=node, from_declaration=True)
    if kind == "array":
        return Type("list", item=type_of_schema(node.items), schema=node, from_declaration=True)
    mapped: dict[str, TypeKind] = {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "bool",
        "date": "date",
    }
    return Type(mapped.get(kind, "any"), schema=node, enum=node.enum, from_declaration=True)


def type_of_value(value: Any) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, Duration):
        return DURATION
    if value is None:
        return Type("null")
    if isinstance(value, list):
        item_types = {type_of_value(v).kind for v in value}
        item = Type(item_types.pop()) if len(item_types) == 1 else ANY
        return Type("list", item=item)
    return ANY


def compatible(a: Type, b: Type) -> bool:
    return a.kind == "any" or b.kind == "any" or a.kind == b.kind


_ARITH: dict[tuple[str, str, str], TypeKind] = {
    **{(op, "number", "number"): "number" for op in "+-*/"},
    ("+", "date", "duration"): "date",
    ("-", "date", "duration"): "date",
    ("+", "duration", "date"): "date",
    ("-", "date", "date"): "duration",
    ("+", "duration", "duration"): "duration",
    ("-", "duration", "duration"): "duration",
    ("*", "duration", "number"): "duration",
    ("*", "number", "duration"): "duration",
}


def arith_result(op: str, left: str, right: str) -> TypeKind | None:
    if left == "any" or right == "any":
        known = left if right == "any" else right
        candidates = {v for (o, a, b), v in _ARITH.items() if o == op and known in (a, b)}
        return (
            candidates.pop()
            if len(candidates) == 1
            else ("any" if candidates or known == "any" else None)
        )
    return _ARITH.get((op, left, right))
