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

#: Whole numbers a ``sum`` adds inline: 2**900 at most, so that even as many of them as a
#: list can hold (far fewer than 2**100) stay below the integer bound (2**1024).
_INLINE_SUM_BOUNDS = (-(2**900), 2**900)


def decided_value(expr: n.Quantifier) -> bool:
    """The quantifier's value once an element decides it (``any``: true; ``all``, ``none``:
    false)."""
    return expr.kind == "any"


def undecided_value(expr: n.Quantifier) -> bool:
    """The quantifier's value when no element decided it and none was unknown."""
    return expr.kind != "any"


class LoopEmitter:
    """Writes loops; the emitter it is part of mints names and emits the other expressions."""

    facts: dict[str, Fact]  # what is known of minted names (see codegen_tree.Fact)
    steps: str  # the name of the step count the rule being emitted is charged to

    def expr(self, expr: n.Expr, scope: Scope, out: Statements) -> ast.expr:
        raise NotImplementedError

    def mint(self, letter: str) -> str:
        raise NotImplementedError

    def node(self, node: n.Node) -> ast.Name:
        raise NotImplementedError

    def value(self, obj: object, letter: str = "k") -> str:
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
            *self._charge(items, node),
        ]
        return items, known, fact

    def _charge(self, items: ast.Name, node: ast.Name) -> Statements:
        """The collection's length charged to the rule's step budget, checked."""
        return [
            ast.AugAssign(ast.Name(self.steps, ast.Store()), ast.Add(), _call("_len", items)),
            _if(
                ast.Compare(_load(self.steps), [ast.Gt()], [_load("_max")]),
                [ast.Expr(_call("_over", node, _load("_max")))],
            ),
        ]

    def _element(
        self, expr: n.Quantifier | n.Aggregate, scope: Scope, items: Fact | None
    ) -> tuple[str, Scope, Statements]:
        """The loop's item name, the scope of its body, and the body's first statements
        (a null element is unknown, unless the schema says an element is never null)."""
        item, variable, first = self._element_name(items)
        return item, {**scope, expr.var: variable}, first

    def _element_name(self, items: Fact | None) -> tuple[str, str, Statements]:
        """The loop's item name, the name its body reads the element from, and the
        statements that set that name."""
        item = self.mint("i")
        element = schema_fact(items.node.items, True) if items and items.node else None
        if element is not None:
            self.facts[item] = element
            return item, item, []
        variable = self.mint("l")
        known = _pick(_is(_load(item), _const(None)), _unknown(), _load(item))
        return item, variable, [_assign(variable, known)]

    def _whole_sum(
        self,
        expr: n.Aggregate,
        total: str,
        value: ast.expr,
        body: Statements,
        known: Statements,
    ) -> ast.expr:
        """A ``sum`` of whole numbers added up inline: appends the step to the loop's
        ``body`` and returns the result. ``fold`` checks every partial sum against the
        bound on integers; while each value stays within :data:`_INLINE_SUM_BOUNDS` no
        partial sum can reach it, so only from the first value beyond it on are the values
        kept (behind the sum so far) for ``fold`` to add up and check."""
        rest = self.mint("v")
        low, high = (_load(self.value(bound)) for bound in _INLINE_SUM_BOUNDS)
        small = ast.Compare(low, [ast.Lt(), ast.Lt()], [value, high])
        inline = ast.BoolOp(ast.And(), [_is(_load(rest), _const(None)), small])
        add = ast.AugAssign(ast.Name(total, ast.Store()), ast.Add(), value)
        start_rest = _assign(rest, ast.List([_load(total)], ast.Load()))
        keep = [
            _if(_is(_load(rest), _const(None)), [start_rest]),
            ast.Expr(_method(_load(rest), "append", value)),
        ]
        body.append(_if(inline, [add], keep))
        known.append(_assign(rest, _const(None)))
        folded = _call("_fold", _const(expr.kind), _load(rest), self.node(expr))
        return _pick(_is(_load(rest), _const(None)), _load(total), folded)

    def _true_or_false(self, value: ast.expr) -> bool:
        """Whether ``value`` is certainly true or false (never unknown, never another type)."""
        fact = self.facts.get(value.id) if isinstance(value, ast.Name) else None
        return fact is not None and fact.kind is bool and fact.certain

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
        saw = self.mint("v")
        decided: Statements = [_assign(r, _const(decided_value(expr))), ast.Break()]
        body += self._element_step(expr, inner, saw, decided)
        undecided = _pick(_load(saw), _unknown(), _const(undecided_value(expr)))
        known += [
            _assign(saw, _const(False)),
            ast.For(ast.Name(item, ast.Store()), items, body, [_assign(r, undecided)]),
        ]
        out.extend(self._unless_unknown(items, fact, r, known))
        return _load(r)

    def _element_step(
        self, expr: n.Quantifier, inner: Scope, saw: str, decided: Statements
    ) -> Statements:
        """One element's part of a quantifier: its filter and body, ``decided`` when the
        element decides the quantifier, ``saw`` set when it is unknown."""
        decisive = expr.kind != "all"  # all: decided by a false element; any/none: a true one
        what = _const(f"'{expr.kind}'")
        node = self.node(expr)
        body: Statements = []
        rest = body
        f: ast.expr | None = None
        if expr.filter is not None:
            f = self.expr(expr.filter, inner, body)
            rest = []
            if not self._true_or_false(f):
                # past `f is not False`, f may be unknown; anything else errs before the
                # body runs (as in a traced run and an aggregate)
                where = ast.Expr(_call("_truth", f, node, _const("'where'")))
                rest.append(_if(_is_not(f, _const(True)), [where]))
            b = self.expr(expr.body, inner, rest)
            fact = self.facts.get(b.id) if isinstance(b, ast.Name) else None
            if not self._true_or_false(f):
                combined = _call("_filtered", _const(expr.kind), f, _call("_truth", b, node, what))
                b_name = self.mint("v")
                rest.append(_assign(b_name, b))
                rest.append(_if(_is_not(f, _const(True)), [_assign(b_name, combined)]))
                b = _load(b_name)
        else:
            b = self.expr(expr.body, inner, body)
            fact = self.facts.get(b.id) if isinstance(b, ast.Name) else None
        if self._true_or_false(b):  # never unknown: it decides or the loop goes on
            unknown = []
        elif _truth_valued(expr.body) or (fact is not None and fact.kind is bool):
            # b is the other boolean or unknown: no type test
            unknown = [_if(_is_not(b, _const(not decisive)), [_assign(saw, _const(True))])]
        else:
            unknown = [
                _if(
                    ast.BoolOp(ast.And(), [_is_not(b, _const(True)), _is_not(b, _const(False))]),
                    [ast.Expr(_call("_truth", b, node, what)), _assign(saw, _const(True))],
                )
            ]
        rest.append(_if(_is(b, _const(decisive)), decided, unknown))
        if f is not None:
            body.append(_if(_is_not(f, _const(False)), rest))  # a false filter skips it
        return body

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
            if not self._true_or_false(f):
                where = ast.Expr(_call("_truth", f, self.node(expr), _const("'where'")))
                body.append(_if(_is_not(f, _const(True)), [where, *unknown]))
        value = _load(inner[expr.var]) if expr.body is None else self.expr(expr.body, inner, body)
        value_fact = self.facts.get(value.id) if isinstance(value, ast.Name) else None
        if value_fact is None or not value_fact.certain:
            body.append(_if(_is(value, _unknown()), unknown))
        if expr.kind == "count":
            start: ast.expr = _const(0)
            body.append(ast.AugAssign(ast.Name(collected, ast.Store()), ast.Add(), _const(1)))
            result: ast.expr = _load(collected)
        elif expr.kind == "sum" and value_fact is not None and value_fact.kind is int:
            start, result = _const(0), self._whole_sum(expr, collected, value, body, known)
            self.facts[r] = Fact(int, False)  # a whole number, or unknown
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
