"""The typed syntax tree of the policy language.

Every node is an immutable, slotted object carrying the :class:`~licensecheck.errors.Span` it
came from. Spans are excluded from equality, so two parses of differently laid-out text compare
equal when they mean the same thing (the formatter's round-trip property relies on this).

The classes are written out on :class:`~licensecheck._record.Record`, not made by
``@dataclass``: building 22 frozen, slotted dataclasses compiled some 150 methods at every
start, about 8 ms of each cold ``check`` (issue #12). They
behave as those dataclasses did: positional fields and a keyword-only ``span``, equality and
hashing by the fields but the span, reprs without the span, ``__match_args__``, pickling (a
spawned batch worker gets its pack pickled), and :class:`~dataclasses.FrozenInstanceError` on
assignment. A node's fields, the span apart, are its ``__match_args__`` (where code took
:func:`dataclasses.fields`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Literal, TypeAlias

from .._record import Record, set_field
from ..errors import Span
from .values import Duration

NO_SPAN = Span("<builtin>", 0, 0)

#: Sets a slot of a node, past the refusal of ``Node.__setattr__`` (as a frozen dataclass does)
_set = set_field


class Node(Record):
    """A syntax node: a :class:`~licensecheck._record.Record` of its fields, with a span that
    equality, hashing and the repr leave out (pickling keeps it)."""

    __slots__ = ("span",)
    span: Span

    def __init__(self, *, span: Span = NO_SPAN) -> None:
        _set(self, "span", span)

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.span, *self.__class__._state(self))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(("span", *self.__match_args__), state, strict=True):
            _set(self, name, value)

    def children(self) -> Iterator[Expr]:
        return iter(())


LiteralValue: TypeAlias = bool | int | float | str | dt.date | Duration | None


class Literal_(Node):
    __slots__ = __match_args__ = ("value",)
    value: LiteralValue

    def __init__(self, value: LiteralValue, *, span: Span = NO_SPAN) -> None:
        _set(self, "value", value)
        _set(self, "span", span)


class ListExpr(Node):
    __slots__ = __match_args__ = ("items",)
    items: tuple[Expr, ...]

    def __init__(self, items: tuple[Expr, ...], *, span: Span = NO_SPAN) -> None:
        _set(self, "items", items)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        return iter(self.items)


class Name(Node):
    __slots__ = __match_args__ = ("name",)
    name: str

    def __init__(self, name: str, *, span: Span = NO_SPAN) -> None:
        _set(self, "name", name)
        _set(self, "span", span)


class Attr(Node):
    __slots__ = __match_args__ = ("obj", "name")
    obj: Expr
    name: str

    def __init__(self, obj: Expr, name: str, *, span: Span = NO_SPAN) -> None:
        _set(self, "obj", obj)
        _set(self, "name", name)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.obj


class Index(Node):
    __slots__ = __match_args__ = ("obj", "index")
    obj: Expr
    index: Expr

    def __init__(self, obj: Expr, index: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "obj", obj)
        _set(self, "index", index)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.obj
        yield self.index


class Call(Node):
    __slots__ = __match_args__ = ("func", "args")
    func: str
    args: tuple[Expr, ...]

    def __init__(self, func: str, args: tuple[Expr, ...], *, span: Span = NO_SPAN) -> None:
        _set(self, "func", func)
        _set(self, "args", args)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        return iter(self.args)


class Not(Node):
    __slots__ = __match_args__ = ("operand",)
    operand: Expr

    def __init__(self, operand: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "operand", operand)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.operand


class Neg(Node):
    __slots__ = __match_args__ = ("operand",)
    operand: Expr

    def __init__(self, operand: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "operand", operand)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.operand


BoolOperator = Literal["and", "or"]
CompareOperator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "matches"]
ArithOperator = Literal["+", "-", "*", "/"]
QuantifierKind = Literal["all", "any", "none"]
AggregateKind = Literal["count", "sum", "min", "max"]


class BoolOp(Node):
    __slots__ = __match_args__ = ("op", "left", "right")
    op: BoolOperator
    left: Expr
    right: Expr

    def __init__(self, op: BoolOperator, left: Expr, right: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


class Compare(Node):
    __slots__ = __match_args__ = ("op", "left", "right")
    op: CompareOperator
    left: Expr
    right: Expr

    def __init__(
        self, op: CompareOperator, left: Expr, right: Expr, *, span: Span = NO_SPAN
    ) -> None:
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


class Arith(Node):
    __slots__ = __match_args__ = ("op", "left", "right")
    op: ArithOperator
    left: Expr
    right: Expr

    def __init__(self, op: ArithOperator, left: Expr, right: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


class Coalesce(Node):
    __slots__ = __match_args__ = ("value", "default")
    value: Expr
    default: Expr

    def __init__(self, value: Expr, default: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "value", value)
        _set(self, "default", default)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.value
        yield self.default


class If(Node):
    __slots__ = __match_args__ = ("cond", "then", "otherwise")
    cond: Expr
    then: Expr
    otherwise: Expr

    def __init__(self, cond: Expr, then: Expr, otherwise: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "cond", cond)
        _set(self, "then", then)
        _set(self, "otherwise", otherwise)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.cond
        yield self.then
        yield self.otherwise


class Quantifier(Node):
    __slots__ = __match_args__ = ("kind", "var", "collection", "filter", "body")
    kind: QuantifierKind
    var: str
    collection: Expr
    filter: Expr | None
    body: Expr

    def __init__(
        self,
        kind: QuantifierKind,
        var: str,
        collection: Expr,
        filter: Expr | None,
        body: Expr,
        *,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "kind", kind)
        _set(self, "var", var)
        _set(self, "collection", collection)
        _set(self, "filter", filter)
        _set(self, "body", body)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.collection
        if self.filter is not None:
            yield self.filter
        yield self.body


class Aggregate(Node):
    __slots__ = __match_args__ = ("kind", "var", "collection", "filter", "body")
    kind: AggregateKind
    var: str
    collection: Expr
    filter: Expr | None
    body: Expr | None  # None for `count`

    def __init__(
        self,
        kind: AggregateKind,
        var: str,
        collection: Expr,
        filter: Expr | None,
        body: Expr | None,
        *,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "kind", kind)
        _set(self, "var", var)
        _set(self, "collection", collection)
        _set(self, "filter", filter)
        _set(self, "body", body)
        _set(self, "span", span)

    def children(self) -> Iterator[Expr]:
        yield self.collection
        if self.filter is not None:
            yield self.filter
        if self.body is not None:
            yield self.body


Expr: TypeAlias = (
    Literal_
    | ListExpr
    | Name
    | Attr
    | Index
    | Call
    | Not
    | Neg
    | BoolOp
    | Compare
    | Arith
    | Coalesce
    | If
    | Quantifier
    | Aggregate
)


def walk(expr: Expr) -> Iterator[Expr]:
    """Every sub-expression of ``expr``, parents before children."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(node.children())))


# ---------------------------------------------------------------- definitions


class Const(Node):
    __slots__ = __match_args__ = ("name", "value")
    name: str
    value: Expr

    def __init__(self, name: str, value: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "name", name)
        _set(self, "value", value)
        _set(self, "span", span)


class Predicate(Node):
    __slots__ = __match_args__ = ("name", "body")
    name: str
    body: Expr

    def __init__(self, name: str, body: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "name", name)
        _set(self, "body", body)
        _set(self, "span", span)


class RuleField(Node):
    """One ``key: value`` line of a rule, as written (``title@zh`` keeps its suffix)."""

    __slots__ = __match_args__ = ("key", "value")
    key: str
    value: Expr

    def __init__(self, key: str, value: Expr, *, span: Span = NO_SPAN) -> None:
        _set(self, "key", key)
        _set(self, "value", value)
        _set(self, "span", span)


class RuleRef(Node):
    __slots__ = __match_args__ = ("rule_id",)
    rule_id: str

    def __init__(self, rule_id: str, *, span: Span = NO_SPAN) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "span", span)


class RuleDef(Node):
    __slots__ = __match_args__ = ("rule_id", "fields", "after")
    rule_id: str
    fields: tuple[RuleField, ...]
    after: tuple[RuleRef, ...] | None

    def __init__(
        self,
        rule_id: str,
        fields: tuple[RuleField, ...],
        after: tuple[RuleRef, ...] | None,
        *,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "fields", fields)
        _set(self, "after", after)
        _set(self, "span", span)

    def field(self, key: str) -> RuleField | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


Definition: TypeAlias = Const | Predicate | RuleDef


class Module(Node):
    """One parsed ``.rules`` file."""

    __slots__ = __match_args__ = ("path", "definitions")
    path: str
    definitions: tuple[Definition, ...]

    def __init__(
        self, path: str, definitions: tuple[Definition, ...], *, span: Span = NO_SPAN
    ) -> None:
        _set(self, "path", path)
        _set(self, "definitions", definitions)
        _set(self, "span", span)
