"""Schema-typed pieces of generated pack code: what validation against the pack's schema
lets the typed variant leave out.

Input: the minted names the emitter of :mod:`.codegen` holds and the :class:`Fact` it knows
about each (what validation guarantees: an exact type, and whether it may be unknown).
Output: the statements of a function call or a comparison without the type tests, and
without the unknown tests where a value cannot be unknown. Without facts about the data
(the untyped variant has only those the rule's text fixes) these rarely apply, and the
emitter writes its general code.
"""

from __future__ import annotations

import ast
import datetime as dt

from .codegen_tree import (
    _OPERATORS,
    Fact,
    Statements,
    _assign,
    _call,
    _if,
    _is,
    _load,
    _method,
    _pick,
    _unknown,
    schema_fact,
)
from .comparisons import PLAIN_EQUALITY, PLAIN_ORDER


class TypedEmitter:
    """The typed variant's shortcuts; the emitter it is part of mints names and holds facts."""

    facts: dict[str, Fact]

    def _result(self, out: Statements, value: ast.expr) -> ast.Name:
        raise NotImplementedError

    def fact(self, value: ast.expr) -> Fact | None:
        """What validation guarantees about ``value`` (typed variant; None when nothing)."""
        return self.facts.get(value.id) if isinstance(value, ast.Name) else None

    def _typed(self, out: Statements, value: ast.expr, fact: Fact) -> ast.Name:
        """``value`` in a new name that the fact ``fact`` holds for."""
        name = self._result(out, value)
        self.facts[name.id] = fact
        return name

    def _typed_call(self, func: str, arg: ast.expr, out: Statements) -> ast.Name | None:
        """A function of a value whose type the schema fixes, without type tests."""
        fact = self.fact(arg)
        if fact is None:
            return None
        applied: ast.expr
        kind: type
        if func == "len" and fact.kind in (list, str):
            applied, kind = _call("_len", arg), int
        elif func in ("lower", "upper") and fact.kind is str:
            applied, kind = _method(arg, func), str
        elif func == "days_since" and fact.kind is dt.date:
            elapsed = ast.BinOp(_load("_today"), ast.Sub(), arg)
            applied, kind = ast.Attribute(elapsed, "days", ast.Load()), int
        else:
            return None
        if not fact.certain:
            applied = _pick(_is(arg, _unknown()), _unknown(), applied)
        return self._typed(out, applied, Fact(kind, fact.certain))

    def _typed_comparison(
        self, op: str, a: ast.expr, b: ast.expr, r: str, known: Statements, out: Statements
    ) -> bool:
        """``a op b`` for two values the schema gives the same type that Python compares as
        the language does: no type test, and an unknown test only for a side that may be
        unknown (``b`` is evaluated only once ``a`` is known, as always)."""
        fa, fb = self.fact(a), self.fact(b)
        plain = PLAIN_EQUALITY if op in ("==", "!=") else PLAIN_ORDER
        if fa is None or fb is None or fa.kind is not fb.kind or fa.kind not in plain:
            return False
        exact: Statements = [_assign(r, self._python(op, a, b))]
        if not fb.certain:
            exact = [_if(_is(b, _unknown()), [_assign(r, _unknown())], exact)]
        known += exact
        out += known if fa.certain else [_if(_is(a, _unknown()), [_assign(r, _unknown())], known)]
        self.facts[r] = Fact(bool, fa.certain and fb.certain)
        return True

    def _typed_membership(
        self, op: str, a: ast.expr, b: ast.expr, out: Statements
    ) -> ast.Name | None:
        """``in``, ``not in`` or ``contains`` of text in text, or in a list the schema says
        holds only text: Python's own ``in`` (``member`` and ``membership`` give the same
        there), with an unknown test only for a side that may be unknown."""
        needle, within = (b, a) if op == "contains" else (a, b)
        fn, fw = self.fact(needle), self.fact(within)
        if fn is None or fw is None or fn.kind is not str:
            return None
        if fw.kind is list:
            element = schema_fact(fw.node.items, True) if fw.node is not None else None
            if element is None or element.kind is not str:
                return None
        elif fw.kind is not str or op != "contains":  # `in` needs a list
            return None
        test: type[ast.cmpop] = ast.NotIn if op == "not in" else ast.In
        found: ast.expr = ast.Compare(needle, [test()], [within])
        uncertain: list[ast.expr] = [
            _is(v, _unknown()) for v, f in ((needle, fn), (within, fw)) if not f.certain
        ]
        if uncertain:
            either = uncertain[0] if len(uncertain) == 1 else ast.BoolOp(ast.Or(), uncertain)
            found = _pick(either, _unknown(), found)
        return self._typed(out, found, Fact(bool, fn.certain and fw.certain))

    @staticmethod
    def _python(op: str, a: ast.expr, b: ast.expr) -> ast.Compare:
        return ast.Compare(a, [_OPERATORS[op]()], [b])
