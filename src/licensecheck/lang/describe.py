"""Requirement words, and the expression printer's old address while callers move.

The printer is :mod:`licensecheck.lang.printer`; its names are re-exported here for the
modules that still import them from this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from . import nodes as n
from .printer import FLIPPED_OPERATORS, NEGATED_OPERATORS, expression_text, literal_text

__all__ = [
    "FLIPPED_OPERATORS",
    "NEGATED_OPERATORS",
    "expression_text",
    "literal_text",
    "requirement_text",
]


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
