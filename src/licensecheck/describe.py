"""Render expressions back to text: canonical source for messages, witnesses and tools.

``expression_text`` prints an expression in the language's own syntax with the fewest
parentheses that keep its meaning, so ``parse(expression_text(e)) == e``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from .lang import nodes as n
from .lang.values import Duration

# Binding strength of each construct (higher binds tighter); see the precedence table.
_LOWEST, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _NEG, _COALESCE, _POSTFIX = range(10)


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


def expression_text(expr: n.Expr, limit: int | None = None) -> str:
    text = _text(expr)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _level(expr: n.Expr) -> int:
    if isinstance(expr, n.If | n.Quantifier | n.Aggregate):
        return _LOWEST
    if isinstance(expr, n.BoolOp):
        return _OR if expr.op == "or" else _AND
    if isinstance(expr, n.Not):
        return _NOT
    if isinstance(expr, n.Compare):
        return _CMP
    if isinstance(expr, n.Arith):
        return _ADD if expr.op in "+-" else _MUL
    if isinstance(expr, n.Neg):
        return _NEG
    if isinstance(expr, n.Coalesce):
        return _COALESCE
    if (
        isinstance(expr, n.Literal_)
        and isinstance(expr.value, int | float)
        and not isinstance(expr.value, bool)
    ):
        return _NEG if expr.value < 0 else _POSTFIX
    return _POSTFIX


def _wrap(expr: n.Expr, minimum: int) -> str:
    text = _text(expr)
    return f"({text})" if _level(expr) < minimum else text


def _text(expr: n.Expr) -> str:
    if isinstance(expr, n.Literal_):
        return literal_text(expr.value)
    if isinstance(expr, n.ListExpr):
        return "[" + ", ".join(_text(i) for i in expr.items) + "]"
    if isinstance(expr, n.Name):
        return expr.name
    if isinstance(expr, n.Attr):
        return f"{_wrap(expr.obj, _POSTFIX)}.{expr.name}"
    if isinstance(expr, n.Index):
        return f"{_wrap(expr.obj, _POSTFIX)}[{_text(expr.index)}]"
    if isinstance(expr, n.Call):
        return f"{expr.func}(" + ", ".join(_text(a) for a in expr.args) + ")"
    if isinstance(expr, n.Not):
        return f"not {_wrap(expr.operand, _NOT)}"
    if isinstance(expr, n.Neg):
        return f"-{_wrap(expr.operand, _NEG)}"
    if isinstance(expr, n.BoolOp):
        level = _level(expr)
        return f"{_wrap(expr.left, level)} {expr.op} {_wrap(expr.right, level + 1)}"
    if isinstance(expr, n.Compare):
        return f"{_wrap(expr.left, _ADD)} {expr.op} {_wrap(expr.right, _ADD)}"
    if isinstance(expr, n.Arith):
        level = _level(expr)
        return f"{_wrap(expr.left, level)} {expr.op} {_wrap(expr.right, level + 1)}"
    if isinstance(expr, n.Coalesce):
        return f"{_wrap(expr.value, _POSTFIX)} ?? {_wrap(expr.default, _NEG)}"
    if isinstance(expr, n.If):
        return f"if {_text(expr.cond)} then {_text(expr.then)} else {_text(expr.otherwise)}"
    if isinstance(expr, n.Quantifier | n.Aggregate):
        head = f"{expr.kind} {expr.var} in {_wrap(expr.collection, _ADD)}"
        if expr.filter is not None:
            head += f" where {_text(expr.filter)}"
        if expr.body is None:
            return head
        return f"{head}: {_text(expr.body)}"
    raise TypeError(f"unknown node {type(expr).__name__}")
