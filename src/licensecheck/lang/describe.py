"""Render expressions back to text: canonical source for messages, witnesses and tools.

``expression_text`` prints an expression in the language's own syntax with the fewest
parentheses that keep its meaning, so ``parse(expression_text(e)) == e``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

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


def precedence(expr: n.Expr) -> int:
    """How tightly ``expr`` binds (higher binds tighter), in the order of the precedence
    table; an operand below its operator's level is printed in parentheses."""
    return _level(expr)


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


# ---------------------------------------------------------------- plain-language requirements

_COMPARE_WORDS = {
    "==": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
    "in": "is one of",
    "not in": "is not one of",
    "contains": "contains",
    "matches": "matches the pattern",
}
_DATE_WORDS = {"<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after"}


def requirement_text(
    expr: n.Expr,
    consts: Mapping[str, object] | None = None,
    lang: str = "en",
    bound: Iterable[str] = (),
) -> str:
    """The requirement an expression encodes, in plain English (or Chinese with ``lang="zh"``),
    generated from the expression itself so that it always says what is evaluated
    (``packs doc``, reports). ``bound`` names quantifier variables the expression is about
    (a list entry's condition reads ``kind is "x"``, not ``l.kind is "x"``)."""
    words = (_ChineseWords if lang == "zh" else _Words)(dict(consts or {}))
    words.bound.update(bound)
    return words.say(expr)


class _Words:
    def __init__(self, consts: dict[str, object]) -> None:
        self.consts = consts
        self.bound: set[str] = set()

    def say(self, expr: n.Expr) -> str:
        if isinstance(expr, n.BoolOp):
            return f"{self.part(expr.left, expr.op)} {expr.op} {self.part(expr.right, expr.op)}"
        if isinstance(expr, n.Not):
            return self.negate(expr.operand)
        if isinstance(expr, n.Compare):
            return self.compare(expr)
        if isinstance(expr, n.Quantifier):
            return self.quantifier(expr)
        if isinstance(expr, n.Call) and expr.func == "declared":
            return f"{self.value(expr.args[0])} is declared"
        if isinstance(expr, n.If):
            return f"if {self.say(expr.cond)}, then {self.say(expr.then)}; otherwise {self.say(expr.otherwise)}"
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return expr.name.replace("_", " ")
        if isinstance(expr, n.Literal_) and isinstance(expr.value, bool):
            return "always" if expr.value else "never"
        return f"{self.value(expr)} is true"

    def part(self, expr: n.Expr, parent_op: str) -> str:
        text = self.say(expr)
        return f"({text})" if isinstance(expr, n.BoolOp) and expr.op != parent_op else text

    def negate(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Call) and expr.func == "declared":
            return f"{self.value(expr.args[0])} is not declared"
        if isinstance(expr, n.Quantifier) and expr.kind == "any":
            return self.quantifier(
                n.Quantifier("none", expr.var, expr.collection, expr.filter, expr.body)
            )
        if isinstance(expr, n.Attr | n.Index):
            return f"{self.value(expr)} is false"
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return f"not: {expr.name.replace('_', ' ')}"
        return f"not ({self.say(expr)})"

    def compare(self, expr: n.Compare) -> str:
        words = _COMPARE_WORDS[expr.op]
        if expr.op in _DATE_WORDS and _looks_like_date(expr.right):
            words = _DATE_WORDS[expr.op]
        return f"{self.value(expr.left)} {words} {self.value(expr.right)}"

    def quantifier(self, expr: n.Quantifier) -> str:
        collection = self.value(expr.collection)
        outer = set(self.bound)
        self.bound.add(expr.var)
        where = f" where {self.say(expr.filter)}" if expr.filter is not None else ""
        body = self.say(expr.body)
        self.bound = outer
        lead = {
            "all": "every element of",
            "any": "at least one element of",
            "none": "no element of",
        }[expr.kind]
        return f"{lead} {collection}{where} has: {body}"

    def value(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Name):
            if expr.name in self.consts:
                return self.constant(self.consts[expr.name])
            return "it" if expr.name in self.bound else expr.name
        root = _path_root(expr)
        if root is not None and root.name in self.bound:
            # inside a quantifier, a path from the variable reads best without it
            return expression_text(expr).removeprefix(root.name + ".")
        if isinstance(expr, n.Coalesce):
            return f"{self.value(expr.value)} (or {self.value(expr.default)} when not declared)"
        if isinstance(expr, n.Aggregate):
            outer = set(self.bound)
            self.bound.add(expr.var)
            try:
                return self.aggregate(expr)
            finally:
                self.bound = outer
        if isinstance(expr, n.Literal_):
            return self.constant(expr.value)
        return expression_text(expr)

    def aggregate(self, expr: n.Aggregate) -> str:
        where = f" where {self.say(expr.filter)}" if expr.filter is not None else ""
        if expr.kind == "count":
            return f"the number of {self.value(expr.collection)}{where}"
        assert expr.body is not None
        word = {"sum": "the total", "min": "the smallest", "max": "the largest"}[expr.kind]
        return f"{word} {self.value(expr.body)} over {self.value(expr.collection)}{where}"

    def is_predicate(self, name: n.Name) -> bool:
        """A bare lower-case name that is no const or variable names a predicate."""
        known = name.name in self.consts or name.name in self.bound or name.name == "today"
        return not known and ("_" in name.name or name.name.islower())

    @staticmethod
    def constant(value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return literal_text(value)


def _path_root(expr: n.Expr) -> n.Name | None:
    while isinstance(expr, n.Attr | n.Index):
        expr = expr.obj
    return expr if isinstance(expr, n.Name) else None


def _looks_like_date(expr: n.Expr) -> bool:
    if isinstance(expr, n.Name) and expr.name == "today":
        return True
    if isinstance(expr, n.Literal_) and isinstance(expr.value, dt.date):
        return True
    return isinstance(expr, n.Arith) and _looks_like_date(expr.left)


# ---------------------------------------------------------------- the same, in Chinese

_COMPARE_WORDS_ZH = {
    "==": "为",
    "!=": "不为",
    "<": "小于",
    "<=": "不超过",
    ">": "大于",
    ">=": "不少于",
    "in": "属于",
    "not in": "不属于",
    "contains": "包含",
    "matches": "匹配模式",
}
_DATE_WORDS_ZH = {"<": "早于", "<=": "不晚于", ">": "晚于", ">=": "不早于"}


class _ChineseWords(_Words):
    """Chinese wording of the same structure; paths and values stay in the rule's syntax."""

    def say(self, expr: n.Expr) -> str:
        if isinstance(expr, n.BoolOp):
            joiner = " 且 " if expr.op == "and" else " 或 "
            return f"{self.part(expr.left, expr.op)}{joiner}{self.part(expr.right, expr.op)}"
        if isinstance(expr, n.Call) and expr.func == "declared":
            return f"{self.value(expr.args[0])} 已申报"
        if isinstance(expr, n.If):
            return (
                f"若{self.say(expr.cond)}，则{self.say(expr.then)}；否则{self.say(expr.otherwise)}"
            )
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return f"“{expr.name.replace('_', ' ')}”"
        if isinstance(expr, n.Literal_) and isinstance(expr.value, bool):
            return "始终满足" if expr.value else "始终不满足"
        if isinstance(expr, n.Not | n.Compare | n.Quantifier):
            return super().say(expr)
        return f"{self.value(expr)} 为 true"

    def part(self, expr: n.Expr, parent_op: str) -> str:
        text = self.say(expr)
        return f"（{text}）" if isinstance(expr, n.BoolOp) and expr.op != parent_op else text

    def negate(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Call) and expr.func == "declared":
            return f"{self.value(expr.args[0])} 未申报"
        if isinstance(expr, n.Quantifier) and expr.kind == "any":
            return self.quantifier(
                n.Quantifier("none", expr.var, expr.collection, expr.filter, expr.body)
            )
        if isinstance(expr, n.Attr | n.Index):
            return f"{self.value(expr)} 为 false"
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return f"不满足“{expr.name.replace('_', ' ')}”"
        return f"并非（{self.say(expr)}）"

    def compare(self, expr: n.Compare) -> str:
        words = _COMPARE_WORDS_ZH[expr.op]
        if expr.op in _DATE_WORDS_ZH and _looks_like_date(expr.right):
            words = _DATE_WORDS_ZH[expr.op]
        return f"{self.value(expr.left)} {words} {self.value(expr.right)}"

    def quantifier(self, expr: n.Quantifier) -> str:
        collection = self.value(expr.collection)
        outer = set(self.bound)
        self.bound.add(expr.var)
        where = f"满足“{self.say(expr.filter)}”的" if expr.filter is not None else ""
        body = self.say(expr.body)
        self.bound = outer
        lead = {"all": "每一项均满足", "any": "至少有一项满足", "none": "没有任何一项满足"}[
            expr.kind
        ]
        return f"{collection} 中{where}{lead}：{body}"

    def value(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Name) and expr.name in self.bound:
            return "该项"
        if isinstance(expr, n.Name) and expr.name == "today" and "today" not in self.consts:
            return "评估日"
        if isinstance(expr, n.Coalesce):
            return f"{self.value(expr.value)}（未申报时按 {self.value(expr.default)}）"
        return super().value(expr)

    def aggregate(self, expr: n.Aggregate) -> str:
        where = f"满足“{self.say(expr.filter)}”的" if expr.filter is not None else ""
        collection = self.value(expr.collection)
        if expr.kind == "count":
            return f"{collection} 中{where}项数"
        assert expr.body is not None
        word = {"sum": "合计", "min": "最小值", "max": "最大值"}[expr.kind]
        return f"{collection} 中{where}各项 {self.value(expr.body)} 的{word}"
