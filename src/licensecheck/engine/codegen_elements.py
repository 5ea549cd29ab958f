"""Generated code for the elements of a loop an explanation visits (issue #12).

Input: a checked pack, a quantifier or aggregate of one of its rules or predicates, and the
loop variables bound around it. Output: a function
``(root, today, max_steps, steps, items, base, variables)`` giving, for each of ``items``
(the loop's collection, evaluated and charged to the step budget by the caller), the
:class:`~.explanation.Element` a traced loop records (its path below ``base``, its value,
its filter's and its body's values), and the step count after them.

This is :meth:`~.direct_explanation._Explainer._elements`'s loop, which calls a closure for
each element's filter and body, written out as generated code: the same values, the same
errors at the same element, and at least the same steps (a predicate's memo lives for one
call here, for the whole explanation in the closures). Every element is visited, the
filter's value decides whether the body runs, and nothing stops at a deciding element:
the explanation then picks the offending, counted or unknown ones. The code is built by
:mod:`.codegen`'s emitter (untyped: it holds for any data) and bounded, audited and compiled
as the pack's own generated function is (:mod:`.codegen_safety`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..lang import nodes as n
from .codegen import _Emitter
from .codegen_tree import (
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
)
from .explanation import Element, new_element
from .rules import CheckedPack

ElementLoop = Callable[..., tuple[list[Element], int]]


def element_loop(
    pack: CheckedPack, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
) -> ElementLoop:
    """The generated element loop of ``expr`` (``bound``: the loop variables in scope around
    it, read from the variables mapping the function is given); raises
    :class:`~licensecheck.errors.PackError` beyond the generator's bounds."""
    emitter = _Emitter(pack, None, typed=False)
    loop: ElementLoop = emitter.build(_module(emitter, expr, sorted(bound)))
    return loop


def _module(emitter: _Emitter, expr: n.Quantifier | n.Aggregate, bound: list[str]) -> ast.Module:
    items, base, variables = (emitter.mint("v") for _ in range(3))
    # the variables bound around the loop, each read once from the mapping given
    scope: Scope = {}
    head: Statements = []
    for name in bound:
        scope[name] = emitter.mint("l")
        head.append(_assign(scope[name], _method(_load(variables), "get", _const(name))))
    loop = [
        _assign("_out", ast.List([], ast.Load())),
        *visit_elements(emitter, expr, scope, _load(items), base, "_out"),
    ]
    result = ast.Return(ast.Tuple([_load("_out"), _load("_steps")], ast.Load()))
    parameters = ["_root", "_today", "_max", "_steps", items, base, variables]
    arguments = ast.arguments([], [ast.arg(p) for p in parameters], None, [], [], None, [])
    function_body = [*emitter.prologue(), *head, *loop, result]
    return ast.Module([ast.FunctionDef("_pack", arguments, function_body, [], None)], [])


def visit_elements(
    emitter: _Emitter,
    expr: n.Quantifier | n.Aggregate,
    scope: Scope,
    items: ast.expr,
    base: str,
    into: str,
    keep: Callable[[ast.expr, ast.expr], ast.expr] | None = None,
) -> Statements:
    """The loop over ``items`` (the collection's value, checked to be a list and charged)
    that appends each element's :class:`Element` to the list named ``into`` (``scope``:
    the loop variables bound around it, ``base``: the name holding the collection's path);
    with ``keep``, only the elements for which the test it makes of the filter's and the
    body's values holds (the elements an explanation reads). Every element is evaluated."""
    index = emitter.mint("v")
    item, inner, body = emitter._element(expr, scope, emitter.fact(items))
    body += _filter_and_body(emitter, expr, inner, base, index, into, keep)
    body.append(_assign(index, ast.BinOp(_load(index), ast.Add(), _const(1))))
    return [_assign(index, _const(0)), ast.For(ast.Name(item, ast.Store()), items, body, [])]


def _filter_and_body(
    emitter: _Emitter,
    expr: n.Quantifier | n.Aggregate,
    inner: Scope,
    base: str,
    index: str,
    into: str,
    keep: Callable[[ast.expr, ast.expr], ast.expr] | None,
) -> Statements:
    """One element's statements: its filter (checked to be true, false or unknown), its
    body where the filter is not false (a quantifier's checked to be true, false or
    unknown), and its :class:`Element` appended to ``into`` (where ``keep`` holds)."""
    node = emitter.node(expr)
    value = _load(inner[expr.var])
    out: Statements = []
    f: ast.expr = _const(None)
    if expr.filter is not None:
        f = emitter.expr(expr.filter, inner, out)
        where = ast.Expr(_call("_truth", f, node, _const("'where'")))
        out.append(_if(_neither_true_nor_false(f), [where]))
    b = emitter.mint("v")
    out.append(_assign(b, _const(None)))  # unless the body runs
    if expr.body is not None:
        run: Statements = []
        value_of_body = emitter.expr(expr.body, inner, run)
        run.append(_assign(b, value_of_body))
        if isinstance(expr, n.Quantifier):
            what = _const(f"'{expr.kind}'")
            check = ast.Expr(_call("_truth", _load(b), node, what))
            run.append(_if(_neither_true_nor_false(_load(b)), [check]))
        if expr.filter is not None:
            out.append(_if(_is_not(f, _const(False)), run))  # a false filter skips the body
        else:
            out.extend(run)
    element_path = ast.BinOp(_load(base), ast.Add(), ast.Tuple([_load(index)], ast.Load()))
    path = _pick(_is(_load(base), _const(None)), _const(None), element_path)
    fields = ast.Tuple([path, value, f, _load(b)], ast.Load())
    make = emitter.value(new_element, "k")
    append = ast.Expr(_method(_load(into), "append", _call(make, fields)))
    out.append(append if keep is None else _if(keep(f, _load(b)), [append]))
    return out


def _neither_true_nor_false(value: ast.expr) -> ast.expr:
    """``value is not True and value is not False``: unknown, or a value ``_truth`` refuses."""
    return ast.BoolOp(ast.And(), [_is_not(value, _const(True)), _is_not(value, _const(False))])
