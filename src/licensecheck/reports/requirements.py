"""Say a rule's condition in words: an expression → a sentence in English or Chinese.

Input: an expression (a rule's ``require`` or ``when``, an edit's condition), the pack's
constants and a language. Output: the requirement it encodes, generated from the expression
itself so that it always says what is evaluated (reports, ``packs doc``, SARIF). One walker
over the syntax tree picks the phrases; their wording in each language is in
:mod:`licensecheck.i18n`. Paths and values stay in the rule's own syntax.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..i18n import phrase
from ..lang import nodes as n
from ..lang.printer import expression_text, literal_text


def requirement_text(
    expr: n.Expr,
    consts: Mapping[str, object] | None = None,
    lang: str = "en",
    bound: Iterable[str] = (),
    predicates: Mapping[str, n.Expr] | None = None,
) -> str:
    """The requirement ``expr`` encodes, in ``lang``. ``bound`` names quantifier variables
    the expression is about (a list entry's condition reads ``kind is "x"``, not
    ``l.kind is "x"``). With the pack's ``predicates`` (name → checked body), a predicate
    is said as what its body tests ("at least one element of business_lines … has: …"), not
    as its name ("cr serves fis personal"): a name is an identifier, its body is the rule."""
    words = _Words(dict(consts or {}), lang, predicates or {})
    words.bound.update(bound)
    return words.say(expr)


class _Words:
    def __init__(
        self, consts: dict[str, object], lang: str, predicates: Mapping[str, n.Expr]
    ) -> None:
        self.consts = consts
        self.lang = lang
        self.predicates = predicates
        self.bound: set[str] = set()

    def phrase(self, key: str, **fields: object) -> str:
        return phrase(f"requirement.{key}", self.lang, **fields)

    def say(self, expr: n.Expr) -> str:
        expr = self.expand(expr)
        if isinstance(expr, n.BoolOp):
            left, right = self.part(expr.left, expr.op), self.part(expr.right, expr.op)
            return self.phrase(expr.op, left=left, right=right)
        if isinstance(expr, n.Not):
            return self.negate(expr.operand)
        if isinstance(expr, n.Compare):
            return self.compare(expr)
        if isinstance(expr, n.Quantifier):
            return self.quantifier(expr)
        if isinstance(expr, n.Call) and expr.func == "declared":
            return self.phrase("declared", value=self.value(expr.args[0]))
        if isinstance(expr, n.If):
            return self.phrase(
                "if",
                cond=self.say(expr.cond),
                then=self.say(expr.then),
                otherwise=self.say(expr.otherwise),
            )
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return self.phrase("predicate", name=expr.name.replace("_", " "))
        if isinstance(expr, n.Literal_) and isinstance(expr.value, bool):
            return self.phrase("always" if expr.value else "never")
        return self.phrase("true", value=self.value(expr))

    def expand(self, expr: n.Expr) -> n.Expr:
        """A known predicate's body in place of its name (predicates may use predicates)."""
        while isinstance(expr, n.Name) and expr.name in self.predicates:
            if expr.name in self.bound or expr.name in self.consts:
                break
            expr = self.predicates[expr.name]
        return expr

    def part(self, expr: n.Expr, parent_op: str) -> str:
        """An operand of ``and``/``or``, grouped when it is the other of the two."""
        expr = self.expand(expr)
        text = self.say(expr)
        # a quantifier's body runs to the end of the sentence: bracket it, so that "… has: A
        # and B" never reads as if B were part of the body
        negated = self.expand(expr.operand) if isinstance(expr, n.Not) else None
        # "not any" is said as "no element of … has: …", which runs on; "not all" is bracketed
        negated_quantifier = isinstance(negated, n.Quantifier) and negated.kind == "any"
        if (
            (isinstance(expr, n.BoolOp) and expr.op != parent_op)
            or isinstance(expr, n.Quantifier)
            or negated_quantifier
        ):
            return self.phrase("group", text=text)
        return text

    def negate(self, expr: n.Expr) -> str:
        expr = self.expand(expr)
        if isinstance(expr, n.Call) and expr.func == "declared":
            return self.phrase("not_declared", value=self.value(expr.args[0]))
        if isinstance(expr, n.Quantifier) and expr.kind == "any":
            return self.quantifier(
                n.Quantifier("none", expr.var, expr.collection, expr.filter, expr.body)
            )
        if isinstance(expr, n.Attr | n.Index):
            return self.phrase("false", value=self.value(expr))
        if isinstance(expr, n.Name) and self.is_predicate(expr):
            return self.phrase("not_predicate", name=expr.name.replace("_", " "))
        return self.phrase("not", text=self.say(expr))

    def compare(self, expr: n.Compare) -> str:
        dated = expr.op in ("<", "<=", ">", ">=") and _looks_like_date(expr.right)
        key = f"{'date' if dated else 'compare'}.{expr.op}"
        return self.phrase(key, left=self.value(expr.left), right=self.value(expr.right))

    def quantifier(self, expr: n.Quantifier) -> str:
        collection = self.value(expr.collection)
        outer = set(self.bound)
        self.bound.add(expr.var)
        where = self.where(expr.filter)
        body = self.say(expr.body)
        self.bound = outer
        return self.phrase(expr.kind, collection=collection, where=where, body=body)

    def where(self, condition: n.Expr | None) -> str:
        return "" if condition is None else self.phrase("where", condition=self.say(condition))

    def value(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Name):
            return self.name(expr.name)
        root = _path_root(expr)
        if root is not None and root.name in self.bound:
            # inside a quantifier, a path from the variable reads best without it
            return expression_text(expr).removeprefix(root.name + ".")
        if isinstance(expr, n.Coalesce):
            value, default = self.value(expr.value), self.value(expr.default)
            return self.phrase("default", value=value, default=default)
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

    def name(self, name: str) -> str:
        # a quantifier variable cannot share a const's name (the checker's name-clash)
        if name in self.bound:
            return self.phrase("it")
        if name in self.consts:
            return self.constant(self.consts[name])
        return self.phrase("today") if name == "today" else name

    def aggregate(self, expr: n.Aggregate) -> str:
        where = self.where(expr.filter)
        collection = self.value(expr.collection)
        if expr.kind == "count":
            return self.phrase("count", collection=collection, where=where)
        assert expr.body is not None
        body = self.value(expr.body)
        return self.phrase(expr.kind, body=body, collection=collection, where=where)

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
