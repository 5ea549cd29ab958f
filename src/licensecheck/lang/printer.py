"""Print expressions back to text: the one printer, for messages, witnesses and the formatter.

``expression_text`` prints an expression in the language's own syntax with the fewest
parentheses that keep its meaning, plus one clarifying pair around a ``??`` inside a
comparison or arithmetic (``(x ?? 0) >= 8``), so ``parse(expression_text(e)) == e``. The
formatter (:mod:`licensecheck.authoring.fmt`) prints through :class:`Printer` with the
author's spelling of literals and asks :func:`operand_levels` and
:func:`needs_parentheses` where it breaks lines, so both print the same tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Decimal
from enum import IntEnum

from . import nodes as n
from .values import Duration

#: A comparison read from the other side (``a < b`` is ``b > a``).
FLIPPED_OPERATORS = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
#: The comparison that holds exactly when the given one does not.
NEGATED_OPERATORS = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "in": "not in",
    "not in": "in",
    "contains": "not contains",
    "not contains": "contains",
    "matches": "not matches",
    "not matches": "matches",
}


class Level(IntEnum):
    """How tightly a construct binds, loosest first: the grammar's chain of expression rules
    (``grammar.lark``, named in :data:`GRAMMAR_RULES`); an operand below the level its
    operator asks for is printed in parentheses."""

    LOWEST = 0  # if, quantifiers, aggregates
    OR = 1
    AND = 2
    NOT = 3
    CMP = 4
    ADD = 5
    MUL = 6
    NEG = 7
    COALESCE = 8
    POSTFIX = 9


#: The grammar rule of each level, in the order ``grammar.lark`` chains them (``?or_expr:
#: and_expr | …``); a test holds the two together.
GRAMMAR_RULES = {
    Level.LOWEST: "expr",
    Level.OR: "or_expr",
    Level.AND: "and_expr",
    Level.NOT: "not_expr",
    Level.CMP: "cmp_expr",
    Level.ADD: "add_expr",
    Level.MUL: "mul_expr",
    Level.NEG: "unary",
    Level.COALESCE: "coalesce",
    Level.POSTFIX: "postfix",
}

# A ``??`` operand of these levels is parenthesised although precedence does not need it:
# its tight binding surprises readers (``x ?? 0 >= 8`` is ``(x ?? 0) >= 8``).
_CLARIFIED = (Level.ADD, Level.MUL, Level.NEG)


def literal_text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, float):
        # the shortest exact digits, in fixed point: the language has no exponent syntax
        text = f"{Decimal(repr(value)):f}"
        return text if "." in text else text + ".0"
    if isinstance(value, list):
        return "[" + ", ".join(literal_text(v) for v in value) + "]"
    return str(value)


def precedence(expr: n.Expr) -> Level:
    """How tightly ``expr`` binds (higher binds tighter)."""
    if isinstance(expr, n.If | n.Quantifier | n.Aggregate):
        return Level.LOWEST
    if isinstance(expr, n.BoolOp):
        return Level.OR if expr.op == "or" else Level.AND
    if isinstance(expr, n.Not):
        return Level.NOT
    if isinstance(expr, n.Compare):
        return Level.CMP
    if isinstance(expr, n.Arith):
        return Level.ADD if expr.op in "+-" else Level.MUL
    if isinstance(expr, n.Neg):
        return Level.NEG
    if isinstance(expr, n.Coalesce):
        return Level.COALESCE
    if (
        isinstance(expr, n.Literal_)
        and isinstance(expr.value, int | float)
        and not isinstance(expr.value, bool)
    ):
        # -5 (and -0.0) read as a negation
        return Level.NEG if math.copysign(1, expr.value) < 0 else Level.POSTFIX
    return Level.POSTFIX


def operand_levels(expr: n.BoolOp | n.Arith | n.Compare | n.Not | n.Neg) -> tuple[Level, ...]:
    """The level each operand of an operator must reach to go without parentheses, left to
    right: binary operators group to the left, comparisons do not chain."""
    if isinstance(expr, n.BoolOp | n.Arith):
        level = precedence(expr)
        return (level, Level(level + 1))
    if isinstance(expr, n.Compare):
        return (Level.ADD, Level.ADD)
    return (precedence(expr),)


def needs_parentheses(operand: n.Expr, minimum: Level, *, clarify: bool = True) -> bool:
    """Parentheses where precedence needs them, and (``clarify``) around a ``??`` inside a
    comparison, arithmetic or negation; a ``??`` default is not clarified (``a ?? b ?? c``)."""
    if clarify and isinstance(operand, n.Coalesce) and minimum in _CLARIFIED:
        return True
    return precedence(operand) < minimum


def expression_text(expr: n.Expr, limit: int | None = None, *, within: Level = Level.LOWEST) -> str:
    """``expr`` on one line with literals in canonical spelling, cut to ``limit`` characters;
    parenthesised as an operand of an operator asking for ``within`` (a witness prints a
    comparison's operand, then the operator: ``(x ?? 0) >= 8``)."""
    # remembered by identity (nodes never change): the witnesses of every failing rule of a
    # batch print the same few operands, and printing one is most of what explaining it costs
    key = (id(expr), limit, within)
    found = _PRINTED.get(key)
    if found is not None and found[0] is expr:
        return found[1]
    text = _CANONICAL.wrapped(expr, within)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    if len(_PRINTED) >= _MOST_PRINTED:
        _PRINTED.clear()
    _PRINTED[key] = (expr, text)  # the node is held, so its id is not another node's
    return text


#: What :func:`expression_text` remembers, keyed by the node's identity, limit and level
_PRINTED: dict[tuple[int, int | None, Level], tuple[n.Expr, str]] = {}
_MOST_PRINTED = 4096


class Printer:
    """Prints expressions on one line; ``literal`` spells literals (the formatter keeps the
    author's spelling of numbers and strings)."""

    def __init__(self, literal: Callable[[n.Literal_], str]) -> None:
        self.literal = literal

    def wrapped(self, operand: n.Expr, minimum: Level, *, clarify: bool = True) -> str:
        text = self.text(operand)
        return f"({text})" if needs_parentheses(operand, minimum, clarify=clarify) else text

    def head(self, expr: n.Quantifier | n.Aggregate) -> str:
        """``kind var in collection [where filter]``, without the body."""
        head = f"{expr.kind} {expr.var} in {self.wrapped(expr.collection, Level.ADD)}"
        if expr.filter is not None:
            head += f" where {self.text(expr.filter)}"
        return head

    def text(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Literal_):
            return self.literal(expr)
        if isinstance(expr, n.ListExpr):
            return "[" + ", ".join(self.text(i) for i in expr.items) + "]"
        if isinstance(expr, n.Name):
            return expr.name
        if isinstance(expr, n.Attr):
            return f"{self.wrapped(expr.obj, Level.POSTFIX)}.{expr.name}"
        if isinstance(expr, n.Index):
            return f"{self.wrapped(expr.obj, Level.POSTFIX)}[{self.text(expr.index)}]"
        if isinstance(expr, n.Call):
            return f"{expr.func}(" + ", ".join(self.text(a) for a in expr.args) + ")"
        if isinstance(expr, n.Not):
            return f"not {self.wrapped(expr.operand, Level.NOT)}"
        if isinstance(expr, n.Neg):
            return f"-{self.wrapped(expr.operand, Level.NEG)}"
        if isinstance(expr, n.BoolOp | n.Arith | n.Compare):
            left, right = operand_levels(expr)
            return f"{self.wrapped(expr.left, left)} {expr.op} {self.wrapped(expr.right, right)}"
        if isinstance(expr, n.Coalesce):
            default = self.wrapped(expr.default, Level.NEG, clarify=False)
            return f"{self.wrapped(expr.value, Level.POSTFIX)} ?? {default}"
        if isinstance(expr, n.If):
            return (
                f"if {self.text(expr.cond)} then {self.text(expr.then)} "
                f"else {self.text(expr.otherwise)}"
            )
        if isinstance(expr, n.Quantifier | n.Aggregate):
            head = self.head(expr)
            return head if expr.body is None else f"{head}: {self.text(expr.body)}"
        raise TypeError(f"unknown node {type(expr).__name__}")


def canonical_literal(node: n.Literal_) -> str:
    """A literal in its canonical spelling (``50000000``, not the author's ``50_000_000``)."""
    return literal_text(node.value)


_CANONICAL = Printer(canonical_literal)
