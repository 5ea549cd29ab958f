"""Loops of generated pack code: quantifiers and aggregates, as the closures' untraced
``fast_quantifier`` and ``fast_aggregate`` run them (the same results, errors and budget).

Input: a quantifier or aggregate node and the scope of minted variables. Output: the
statements of its loop, appended by :class:`LoopEmitter`, the part of :mod:`.codegen`'s
emitter that writes loops.
"""

from __future__ import annotations

import ast

from ..lang import nodes as n
from .codegen_tree import (
    Fact,
    Scope,
    Statements,
    _assign,
    _call,
    _const,
    _if,
    _is,
    _is_not,
    _load,
    _method,
    _pick,
    _truth_valued,
    _unknown,
    schema_fact,
)


class LoopEmitter:
    """Writes loops; the emitter it is part of mints names and emits the other expressions."""

    facts: dict[str, Fact]  # what validation guarantees about minted names (typed variant)

    def expr(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        raise NotImplementedError

    def mint(self, letter: str) -> str:
        raise NotImplementedError

    def node(self, node: n.Node) -> ast.Name:
        raise NotImplementedError

    def _result(self, out: Statements, value: ast.expr) -> ast.Name:
        raise NotImplementedError

    # -- loops
    def _loop_head(
        self, expr: n.Quantifier | n.Aggregate, scope: Scope, out: Statements
    ) -> tuple[ast.Name, Statements, Fact | None]:
        """The collection, checked to be a list (unless the schema says it is one) and
        charged to the step budget; returns it, the block to continue in when it is known,
        and what the schema says about it."""
        items = self.expr(expr.collection, scope, out)
        if not isinstance(items, ast.Name):
            items = self._result(out, items)
        node = self.node(expr)
        fact = self.facts.get(items.id)
        known: Statements = []
        if fact is None or fact.kind is not list:
            not_a_list = ast.Expr(_call("_not_a_list", items, node))
            known.append(_if(_is_not(_call("_type", items), _load("_list")), [not_a_list]))
        known += [
            ast.AugAssign(ast.Name("_steps", ast.Store()), ast.Add(), _call("_len", items)),
            _if(
                ast.Compare(_load("_steps"), [ast.Gt()], [_load("_max")]),
                [ast.Expr(_call("_over", node, _load("_max")))],
            ),
        ]
        return items, known, fact

    def _element(
        self, expr: n.Quantifier | n.Aggregate, scope: Scope, items: Fact | None
    ) -> tuple[str, Scope, Statements]:
        """The loop's item name, the scope of its body, and the body's first statements
        (a null element is unknown, unless the schema says an element is never null)."""
        item = self.mint("i")
        element = schema_fact(items.node.items, True) if items and items.node else None
        if element is not None:
            self.facts[item] = element
            return item, {**scope, expr.var: item}, []
        variable = self.mint("l")
        known = _pick(_is(_load(item), _const(None)), _unknown(), _load(item))
        return item, {**scope, expr.var: variable}, [_assign(variable, known)]

    @staticmethod
    def _unless_unknown(
        items: ast.Name, fact: Fact | None, r: str, known: Statements
    ) -> Statements:
        """``known`` when the collection is known, else ``r`` unknown."""
        if fact is not None and fact.certain:
            return known
        return [_if(_is(items, _unknown()), [_assign(r, _unknown())], known)]

    def _quantifier(self, expr: n.Quantifier, scope: Scope, out: Statements) -> ast.expr:
        """A loop that stops at the first deciding element (``fast_quantifier``)."""
        r = self.mint("v")
        items, known, fact = self._loop_head(expr, scope, out)
        item, inner, body = self._element(expr, scope, fact)
        decisive = expr.kind != "all"  # all: decided by a false element; any/none: a true one
        flip = expr.kind == "none"
        what = _const(f"'{expr.kind}'")
        node = self.node(expr)
        saw = self.mint("v")
        if expr.filter is not None:
            f = self.expr(expr.filter, inner, body)
            body.append(_if(_is(f, _const(False)), [ast.Continue()]))
            b = self.expr(expr.body, inner, body)
            combined = _call(
                "_filtered",
                _const(expr.kind),
                _call("_truth", f, node, _const("'where'")),
                _call("_truth", b, node, what),
            )
            b_name = self.mint("v")
            body.append(_assign(b_name, b))
            body.append(_if(_is_not(f, _const(True)), [_assign(b_name, combined)]))
            b = _load(b_name)
        else:
            b = self.expr(expr.body, inner, body)
        body.append(
            _if(_is(b, _const(decisive)), [_assign(r, _const(decisive is not flip)), ast.Break()])
        )
        if _truth_valued(expr.body):  # b is the other boolean or unknown: no type test
            body.append(_if(_is_not(b, _const(not decisive)), [_assign(saw, _const(True))]))
        else:
            body.append(
                _if(
                    ast.BoolOp(ast.And(), [_is_not(b, _const(True)), _is_not(b, _const(False))]),
                    [ast.Expr(_call("_truth", b, node, what)), _assign(saw, _const(True))],
                )
            )
        undecided = _pick(_load(saw), _unknown(), _const((not decisive) is not flip))
        known += [
            _assign(saw, _const(False)),
            ast.For(ast.Name(item, ast.Store()), items, body, [_assign(r, undecided)]),
        ]
        out.extend(self._unless_unknown(items, fact, r, known))
        return _load(r)

    def _aggregate(self, expr: n.Aggregate, scope: Scope, out: Statements) -> ast.expr:
        """``count``/``sum``/``min``/``max``: unknown at the first unknown element."""
        r = self.mint("v")
        items, known, fact = self._loop_head(expr, scope, out)
        item, inner, body = self._element(expr, scope, fact)
        collected = self.mint("v")
        unknown = [_assign(r, _unknown()), ast.Break()]
        if expr.filter is not None:
            f = self.expr(expr.filter, inner, body)
            body.append(_if(_is(f, _const(False)), [ast.Continue()]))
            where = ast.Expr(_call("_truth", f, self.node(expr), _const("'where'")))
            body.append(_if(_is_not(f, _const(True)), [where, *unknown]))
        value = _load(inner[expr.var]) if expr.body is None else self.expr(expr.body, inner, body)
        body.append(_if(_is(value, _unknown()), unknown))
        if expr.kind == "count":
            start: ast.expr = _const(0)
            body.append(ast.AugAssign(ast.Name(collected, ast.Store()), ast.Add(), _const(1)))
            result: ast.expr = _load(collected)
        else:
            start = ast.List([], ast.Load())
            body.append(ast.Expr(_method(_load(collected), "append", value)))
            result = _call("_fold", _const(expr.kind), _load(collected), self.node(expr))
        known += [
            _assign(collected, start),
            ast.For(ast.Name(item, ast.Store()), items, body, [_assign(r, result)]),
        ]
        out.extend(self._unless_unknown(items, fact, r, known))
        return _load(r)
