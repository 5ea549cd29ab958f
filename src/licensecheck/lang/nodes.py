"""The typed syntax tree of the policy language.

Every node is a frozen dataclass carrying the :class:`~licensecheck.errors.Span` it came
from. Spans are excluded from equality, so two parses of differently laid-out text compare
equal when they mean the same thing (the formatter's round-trip property relies on this).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from ..errors import Span
from .values import Duration

NO_SPAN = Span("<builtin>", 0, 0)


@dataclass(frozen=True, slots=True)
class Node:
    span: Span = field(compare=False, repr=False, kw_only=True, default=NO_SPAN)

    def children(self) -> Iterator[Expr]:
        return iter(())


LiteralValue: TypeAlias = bool | int | float | str | dt.date | Duration | None


@dataclass(frozen=True, slots=True)
class Literal_(Node):
    value: LiteralValue


@dataclass(frozen=True, slots=True)
class ListExpr(Node):
    items: tuple[Expr, ...]

    def children(self) -> Iterator[Expr]:
        return iter(self.items)


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Attr(Node):
    obj: Expr
    name: str

    def children(self) -> Iterator[Expr]:
        yield self.obj


@dataclass(frozen=True, slots=True)
class Index(Node):
    obj: Expr
    index: Expr

    def children(self) -> Iterator[Expr]:
        yield self.obj
        yield self.index


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Expr, ...]

    def children(self) -> Iterator[Expr]:
        return iter(self.args)


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Expr

    def children(self) -> Iterator[Expr]:
        yield self.operand


@dataclass(frozen=True, slots=True)
class Neg(Node):
    operand: Expr

    def children(self) -> Iterator[Expr]:
        yield self.operand


BoolOperator = Literal["and", "or"]
CompareOperator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "matches"]
ArithOperator = Literal["+", "-", "*", "/"]
QuantifierKind = Literal["all", "any", "none"]
AggregateKind = Literal["count", "sum", "min", "max"]


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    op: BoolOperator
    left: Expr
    right: Expr

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: CompareOperator
    left: Expr
    right: Expr

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


@dataclass(frozen=True, slots=True)
class Arith(Node):
    op: ArithOperator
    left: Expr
    right: Expr

    def children(self) -> Iterator[Expr]:
        yield self.left
        yield self.right


@dataclass(frozen=True, slots=True)
class Coalesce(Node):
    value: Expr
    default: Expr

    def children(self) -> Iterator[Expr]:
        yield self.value
        yield self.default


@dataclass(frozen=True, slots=True)
class If(Node):
    cond: Expr
    then: Expr
    otherwise: Expr

    def children(self) -> Iterator[Expr]:
        yield self.cond
        yield self.then
        yield self.otherwise


@dataclass(frozen=True, slots=True)
class Quantifier(Node):
    kind: QuantifierKind
    var: str
    collection: Expr
    filter: Expr | None
    body: Expr

    def children(self) -> Iterator[Expr]:
        yield self.collection
        if self.filter is not None:
            yield self.filter
        yield self.body


@dataclass(frozen=True, slots=True)
class Aggregate(Node):
    kind: AggregateKind
    var: str
    collection: Expr
    filter: Expr | None
    body: Expr | None  # None for `count`

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


@dataclass(frozen=True, slots=True)
class Const(Node):
    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class Predicate(Node):
    name: str
    body: Expr


@dataclass(frozen=True, slots=True)
class RuleField(Node):
    """One ``key: value`` line of a rule, as written (``title@zh`` keeps its suffix)."""

    key: str
    value: Expr


@dataclass(frozen=True, slots=True)
class RuleRef(Node):
    rule_id: str


@dataclass(frozen=True, slots=True)
class RuleDef(Node):
    rule_id: str
    fields: tuple[RuleField, ...]
    after: tuple[RuleRef, ...] | None

    def field(self, key: str) -> RuleField | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


Definition: TypeAlias = Const | Predicate | RuleDef


@dataclass(frozen=True, slots=True)
class Module(Node):
    """One parsed ``.rules`` file."""

    path: str
    definitions: tuple[Definition, ...]
