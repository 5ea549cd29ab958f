"""Generated explanations of failing rules (issue #12).

Input: a checked pack and the part of one of its rules that decided a ``fail`` (its ``when``
or ``require``, which came to false). Output: a function ``(root, today, max_steps)`` giving
the raw witnesses :mod:`.direct_explanation` finds for that part on the declaration ``root``,
in the same order, before :func:`~.explanation.merged` cuts them; or None for a part this
module does not write out.

The direct explanation walks the rule's syntax tree for every failing rule of every
declaration, and at each node decides again what to do: by the node's kind, by whether a
name is a loop variable, a field, a const or a predicate, by which closure gives a part's
value. Those decisions depend on the rule alone, so here they are taken once, when the code
is generated; what depends on the declaration (which side of an ``and`` was false, which
elements of a loop offend) is tested by the code. The Kleene reasoning stays where it is:
the code calls :func:`~.explanation.compared`, :func:`~.explanation.side_witness` and
:func:`~.explanation.quantified` as the direct explanation does, and values come from
:mod:`.codegen`'s emitter (untyped, for any data, or typed, for declarations validated against
the pack's schema, as the pack's own code), so the code is bounded, audited and compiled as
the pack's own generated function is (:mod:`.codegen_safety`).

A part of a failing rule is false, and the part an explanation walks into next is, by
Kleene logic, false or true as the one it came from implies; the code tests that where it
reads a value, and anything else (an unknown part, an error, a step budget run out) raises,
and the caller explains the rule the direct way instead, which gives the reference answer
there. The code evaluates at least what the direct way evaluates, in the same order (it does
not stop where :func:`~.explanation.merged` has enough), so where it answers the direct way
answers the same. It covers ``not``, ``and``/``or``, comparisons without an aggregate side,
quantifiers, ``if``, ``??``, ``declared(…)`` and paths (through predicates); a rule whose
explanation walks into anything else (an aggregate's counted elements, a computed index, a
part the direct way replays traced) keeps the direct way.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable
from typing import Any, NoReturn

from ..lang import nodes as n
from ..lang.printer import literal_text
from .codegen import _Emitter
from .codegen_elements import visit_elements
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
    _unknown,
    fixed_path,
    is_path,
)
from .explanation import (
    RawWitness,
    Side,
    Unexpected,
    _label_value,
    compared,
    counted,
    offending_text,
    quantified,
    side_witness,
    unknown_within,
)
from .rules import CheckedPack

Explainer = Callable[..., list[RawWitness]]

#: loop variable -> the minted name holding its element's path (None: it has none)
Paths = dict[str, str]


class _NotWritten(Exception):
    """A part this module does not write out (the rule keeps the direct way)."""


def _unexpected() -> NoReturn:
    raise Unexpected


_new_witness = functools.partial(tuple.__new__, RawWitness)


def generated_explainer(
    pack: CheckedPack, expr: n.Expr, unknown: bool, typed: bool = False
) -> Explainer | None:
    """The generated explanation of ``expr`` (a rule's ``when`` or ``require``) where it
    came to false (``unknown``: where it came to unknown, for the absent values it read);
    None for a part this module does not write out. ``typed``: for declarations validated
    against ``pack``'s schema only (as the pack's typed code, without the type tests
    validation rules out). Raises :class:`~licensecheck.errors.PackError` beyond the
    generator's bounds."""
    writer = _Writer(pack, typed)
    try:
        tree = writer.module(expr, unknown)
    except _NotWritten:
        return None
    explainer: Explainer = writer.e.build(tree)
    return explainer


class _Writer:
    """The statements of one explanation, mirroring
    :class:`~.direct_explanation._Explainer` method by method."""

    def __init__(self, pack: CheckedPack, typed: bool) -> None:
        self.pack = pack
        self.e = _Emitter(pack, None, typed=typed)

    def module(self, expr: n.Expr, unknown: bool) -> ast.Module:
        found = self.e.mint("v")
        body: Statements = [_assign(found, ast.List([], ast.Load()))]
        if unknown:
            self.absent(expr, {}, {}, _unknown(), found, body)
        else:
            self.explained(expr, {}, {}, True, _const(False), found, body)
        body.append(ast.Return(_load(found)))
        parameters = [ast.arg(name) for name in ("_root", "_today", "_max")]
        arguments = ast.arguments([], parameters, None, [], [], None, [])
        function_body = [_assign("_steps", _const(0)), *self.e.prologue(), *body]
        return ast.Module([ast.FunctionDef("_pack", arguments, function_body, [], None)], [])

    # -- what the code calls and keeps
    def helper(self, function: Callable[..., Any], *args: ast.expr) -> ast.Call:
        return _call(self.e.value(function), *args)

    def named(self, value: ast.expr, out: Statements) -> ast.Name:
        return self.e._result(out, value)

    def predicate_read(self, expr: n.Expr, paths: Paths) -> n.Expr | None:
        """The body of the predicate ``expr`` names (not a loop variable), else None."""
        if isinstance(expr, n.Name) and expr.name not in paths:
            return self.pack.predicates.get(expr.name)
        return None

    def unexpected_unless(self, test: ast.expr, out: Statements) -> None:
        out.append(_if(ast.UnaryOp(ast.Not(), test), [ast.Expr(self.helper(_unexpected))]))

    # -- the walk
    def explained(
        self,
        expr: n.Expr,
        scope: Scope,
        paths: Paths,
        want: bool,
        value: ast.expr,
        found: str,
        out: Statements,
    ) -> None:
        """Statements appending to the list ``found`` what made ``expr`` (its value in
        ``value``) come out as ``not want``."""
        if not isinstance(value, ast.Constant):
            self.unexpected_unless(_is(value, _const(not want)), out)
        kind = type(expr)
        if kind is n.Not:
            assert isinstance(expr, n.Not)
            operand = self.e.expr(expr.operand, scope, out)
            self.explained(expr.operand, scope, paths, not want, operand, found, out)
        elif kind is n.BoolOp:
            assert isinstance(expr, n.BoolOp)
            for part in (expr.left, expr.right):  # both run, as in a traced run
                held = self.e.expr(part, scope, out)
                deciding: Statements = []
                self.explained(part, scope, paths, want, held, found, deciding)
                if deciding:
                    out.append(_if(_is(held, _const(not want)), deciding))
        elif kind is n.Compare:
            assert isinstance(expr, n.Compare)
            self._compare(expr, scope, paths, want, found, out)
        elif kind is n.Quantifier:
            assert isinstance(expr, n.Quantifier)
            self._quantifier(expr, scope, paths, want, found, out)
        elif kind is n.If:
            assert isinstance(expr, n.If)
            cond = self.e.expr(expr.cond, scope, out)
            then: Statements = []
            otherwise: Statements = []
            self.explained(expr.then, scope, paths, want, value, found, then)
            self.explained(expr.otherwise, scope, paths, want, value, found, otherwise)
            out.append(_if(_is(cond, _const(True)), then or [ast.Pass()], otherwise))
        elif kind is n.Coalesce:
            assert isinstance(expr, n.Coalesce)
            held = self.e.expr(expr.value, scope, out)
            default: Statements = []
            given: Statements = []
            self.explained(expr.default, scope, paths, want, value, found, default)
            self.explained(expr.value, scope, paths, want, held, found, given)
            out.append(_if(_is(held, _unknown()), default or [ast.Pass()], given))
        elif kind is n.Call and isinstance(expr, n.Call) and expr.func == "declared":
            path, read = self._first_read(expr.args[0], scope, paths, out)
            expected = _const("declared" if want else "not declared")
            self._witness(path, read, expected, found, out)
        elif is_path(expr):
            self._path_read(expr, scope, paths, want, value, found, out)
        elif kind is not n.Literal_:  # a literal reads nothing
            raise _NotWritten

    def absent(
        self, expr: n.Expr, scope: Scope, paths: Paths, value: ast.expr, found: str, out: Statements
    ) -> None:
        """Statements appending to ``found`` the declaration paths read as absent within
        ``expr`` (its value in ``value``), as the direct way's ``_absent``: every part a
        traced run evaluates that came out unknown, or a list holding an unknown, but not
        past a ``??`` that supplied its default."""
        if type(expr) is n.Coalesce or type(expr) is n.Literal_:
            return
        if is_path(expr):
            predicate = self.predicate_read(expr, paths)
            if predicate is not None:
                self.absent(predicate, {}, {}, value, found, out)
                return
            path = self._path(expr, paths, out)
            absent: Statements = []
            self._witness(path, _unknown(), _const(None), found, absent)
            if absent:
                out.append(_if(_is(value, _unknown()), absent))
            return
        if isinstance(expr, n.Quantifier | n.Aggregate):
            self._absent_in_loop(expr, scope, paths, found, out)
            return
        for part, held, evaluated in self._parts_evaluated(expr, scope, out):
            within: Statements = []
            self.absent(part, scope, paths, held, found, within)
            if within:
                test = self.helper(unknown_within, held)
                out.append(
                    _if(
                        test if evaluated is None else ast.BoolOp(ast.And(), [evaluated, test]),
                        within,
                    )
                )

    def _parts_evaluated(
        self, expr: n.Expr, scope: Scope, out: Statements
    ) -> list[tuple[n.Expr, ast.expr, ast.expr | None]]:
        """The parts of ``expr`` a traced run evaluates, each with its value and, for one
        evaluated only where another's value allows, the test of that (as the direct way's
        ``_parts_evaluated``)."""
        value = self.e.expr
        if isinstance(expr, n.Not | n.Neg):
            return [(expr.operand, value(expr.operand, scope, out), None)]
        if isinstance(expr, n.Call):
            return [(expr.args[0], value(expr.args[0], scope, out), None)]
        if isinstance(expr, n.ListExpr):
            if all(type(item) is n.Literal_ for item in expr.items):
                return []  # one constant: nothing evaluated
            return [(item, value(item, scope, out), None) for item in expr.items]
        if isinstance(expr, n.BoolOp):  # unknown: neither side decided, both ran
            left = value(expr.left, scope, out)
            return [(expr.left, left, None), (expr.right, value(expr.right, scope, out), None)]
        if isinstance(expr, n.Compare | n.Arith):
            left = value(expr.left, scope, out)
            if isinstance(expr, n.Compare) and expr.op in ("in", "not in", "contains"):
                return [(expr.left, left, None), (expr.right, value(expr.right, scope, out), None)]
            known = _is_not(left, _unknown())  # the right side is read once the left is known
            right = self._evaluated_if(known, expr.right, scope, out)
            return [(expr.left, left, None), (expr.right, right, known)]
        if isinstance(expr, n.If):
            cond = value(expr.cond, scope, out)
            then = self._evaluated_if(_is(cond, _const(True)), expr.then, scope, out)
            otherwise = self._evaluated_if(_is(cond, _const(False)), expr.otherwise, scope, out)
            return [
                (expr.cond, cond, None),
                (expr.then, then, _is(cond, _const(True))),
                (expr.otherwise, otherwise, _is(cond, _const(False))),
            ]
        raise _NotWritten  # the direct way replays it

    def _evaluated_if(
        self, test: ast.expr, expr: n.Expr, scope: Scope, out: Statements
    ) -> ast.Name:
        """A name holding ``expr``'s value where ``test`` holds (None otherwise)."""
        held = self.e.mint("v")
        evaluated: Statements = []
        evaluated.append(_assign(held, self.e.expr(expr, scope, evaluated)))
        out += [_assign(held, _const(None)), _if(test, evaluated)]
        return _load(held)

    def _absent_in_loop(
        self,
        expr: n.Quantifier | n.Aggregate,
        scope: Scope,
        paths: Paths,
        found: str,
        out: Statements,
    ) -> None:
        """Absent values read by an unknown quantifier or aggregate: its collection, or what
        each element's filter and body read (a traced loop goes on past an unknown one)."""
        collection = self.e.expr(expr.collection, scope, out)
        collection_unknown = self.helper(unknown_within, collection)
        not_a_list: Statements = []
        a_list: Statements = []
        # only an element whose filter or body may hold an unknown is walked into
        _, elements = self._elements(expr, scope, paths, a_list, _maybe_unknown)
        for branch in (not_a_list, a_list):  # the collection's absent values, either way
            in_collection: Statements = []
            self.absent(expr.collection, scope, paths, collection, found, in_collection)
            if in_collection:
                branch.append(_if(collection_unknown, in_collection))
        element, path, item = self.e.mint("i"), self.e.mint("v"), self.e.mint("l")
        each: Statements = [
            _assign(path, self.helper(operator.getitem, _load(element), _const(0))),
            _assign(item, self.helper(operator.getitem, _load(element), _const(1))),
        ]
        inner_scope = {**scope, expr.var: item}
        inner_paths = {**paths, expr.var: path}
        for part, field in ((expr.filter, 2), (expr.body, 3)):
            if part is None:
                continue
            held = self.named(self.helper(operator.getitem, _load(element), _const(field)), each)
            within: Statements = []
            self.absent(part, inner_scope, inner_paths, held, found, within)
            if within:
                each.append(_if(self.helper(unknown_within, held), within))
        if len(each) > 2:
            a_list.append(ast.For(ast.Name(element, ast.Store()), elements, each, []))
        test = _is_not(_call("_type", collection), _load("_list"))
        out.append(_if(test, not_a_list or [ast.Pass()], a_list))

    def _witness(
        self, path: ast.expr, actual: ast.expr, expected: ast.expr, found: str, out: Statements
    ) -> None:
        if isinstance(path, ast.Constant):  # no path: no witness
            return
        witness = self.helper(_new_witness, ast.Tuple([path, actual, expected], ast.Load()))
        out.append(
            _if(_is_not(path, _const(None)), [ast.Expr(_method(_load(found), "append", witness))])
        )

    def _path_read(
        self,
        expr: n.Expr,
        scope: Scope,
        paths: Paths,
        want: bool,
        value: ast.expr,
        found: str,
        out: Statements,
    ) -> None:
        """A path expression's witness; a predicate's, from its body."""
        predicate = self.predicate_read(expr, paths)
        if predicate is not None:
            self.explained(predicate, {}, {}, want, value, found, out)
            return
        self._witness(self._path(expr, paths, out), value, _const(literal_text(want)), found, out)

    def _path(self, expr: n.Expr, paths: Paths, out: Statements) -> ast.expr:
        """The declaration path a path expression reads, or the constant None where it
        reads a const, ``today`` or an element without a path (at run time: a name holding
        the path or None)."""
        name, keys = fixed_path(expr)
        if not name:  # a computed index
            raise _NotWritten
        if name in paths:
            prefix = _load(paths[name])
            if not keys:
                return prefix
            longer = ast.BinOp(prefix, ast.Add(), _load(self.e.value(keys)))
            return self.named(_pick(_is(prefix, _const(None)), _const(None), longer), out)
        if name in self.pack.predicates:  # a path through a predicate's value
            raise _NotWritten
        if not self.pack.is_field(name):
            return _const(None)  # a const or today
        return _load(self.e.value((name, *keys)))

    def _compare(
        self, expr: n.Compare, scope: Scope, paths: Paths, want: bool, found: str, out: Statements
    ) -> None:
        left = self._side(expr.left, scope, paths, out)
        right = self._side(expr.right, scope, paths, out)
        compare = self.helper(compared, self.e.node(expr), _const(want), left[0], right[0])
        decided = self.named(compare, out)
        swapped = self.helper(operator.getitem, decided, _const(0))
        expected = self.named(self.helper(operator.getitem, decided, _const(1)), out)
        if not isinstance(expr.left, n.Aggregate) and not isinstance(expr.right, n.Aggregate):
            witnesses = self.helper(side_witness, _pick(swapped, right[0], left[0]), expected)
            out.append(ast.Expr(self.helper(list.extend, _load(found), witnesses)))
            return
        branches: list[Statements] = []
        for side, (name, value) in ((expr.right, right), (expr.left, left)):
            branch: Statements = []
            if isinstance(side, n.Aggregate):  # its counted elements
                base, elements = self._elements(side, scope, paths, branch)
                witnesses = self.helper(counted, self.e.node(side), base, value, expected, elements)
            else:
                witnesses = self.helper(side_witness, name, expected)
            branch.append(ast.Expr(self.helper(list.extend, _load(found), witnesses)))
            branches.append(branch)
        out.append(_if(swapped, *branches))

    def _side(
        self, expr: n.Expr, scope: Scope, paths: Paths, out: Statements
    ) -> tuple[ast.Name, ast.expr]:
        """A comparison's side as :class:`~.explanation.Side` (a name holding it) and its value."""
        value = self.e.expr(expr, scope, out)
        path: ast.expr = _const(None)
        if is_path(expr):  # (a predicate's name: _NotWritten, the direct way replays it)
            path = self._path(expr, paths, out)
            read = self._read(path, value)
        elif isinstance(expr, n.Aggregate):  # the first path it reads: its collection's
            collection = expr.collection
            base = self._path(collection, paths, out) if is_path(collection) else _const(None)
            if isinstance(base, ast.Constant):
                raise _NotWritten  # a computed collection: the direct way replays it
            self.unexpected_unless(_is_not(base, _const(None)), out)
            items = self.e.expr(collection, scope, out)
            read = ast.Tuple([base, items], ast.Load())
        else:
            read = self._read(*self._first_read(expr, scope, paths, out))
        side = self.helper(Side, self.e.node(expr), value, path, read)
        return self.named(side, out), value

    def _read(self, path: ast.expr, value: ast.expr) -> ast.expr:
        if isinstance(path, ast.Constant):
            return _const(None)
        return _pick(_is(path, _const(None)), _const(None), ast.Tuple([path, value], ast.Load()))

    def _first_read(
        self, expr: n.Expr, scope: Scope, paths: Paths, out: Statements
    ) -> tuple[ast.expr, ast.expr]:
        """The path and value of the first declaration path a traced run of ``expr`` reads
        (the path None where it reads none), for the parts a comparison's side is made of
        (paths, literals, calls, arithmetic and ``??``); the parts of a side have been
        evaluated with it, so only what decides which part is read is evaluated again."""
        if is_path(expr):
            path = self._path(expr, paths, out)
            if isinstance(path, ast.Constant):
                return path, _const(None)
            return path, self.e.expr(expr, scope, out)
        if type(expr) is n.Literal_ or (
            isinstance(expr, n.ListExpr) and all(type(item) is n.Literal_ for item in expr.items)
        ):
            return _const(None), _const(None)
        if isinstance(expr, n.Call):
            return self._first_read(expr.args[0], scope, paths, out)
        if isinstance(expr, n.Neg):
            return self._first_read(expr.operand, scope, paths, out)
        if isinstance(expr, n.Arith):  # the right side is read once the left is known
            left = self.e.expr(expr.left, scope, out)
            first = self._first_read(expr.left, scope, paths, out)
            return self._or_else(first, _is_not(left, _unknown()), expr.right, scope, paths, out)
        if isinstance(expr, n.Coalesce):  # the default is read after an absent value
            held = self.e.expr(expr.value, scope, out)
            first = self._first_read(expr.value, scope, paths, out)
            return self._or_else(first, _is(held, _unknown()), expr.default, scope, paths, out)
        raise _NotWritten

    def _or_else(
        self,
        first: tuple[ast.expr, ast.expr],
        then_read: ast.expr,
        other: n.Expr,
        scope: Scope,
        paths: Paths,
        out: Statements,
    ) -> tuple[ast.expr, ast.expr]:
        """``first``, or where it read no path and ``then_read`` holds, ``other``'s first read."""
        path, value = (self.e.mint("v") for _ in range(2))
        out += [_assign(path, first[0]), _assign(value, first[1])]
        later: Statements = []
        second = self._first_read(other, scope, paths, later)
        later += [_assign(path, second[0]), _assign(value, second[1])]
        none_read = _is(_load(path), _const(None))
        out.append(_if(ast.BoolOp(ast.And(), [none_read, then_read]), later))
        return _load(path), _load(value)

    def _quantifier(
        self,
        expr: n.Quantifier,
        scope: Scope,
        paths: Paths,
        want: bool,
        found: str,
        out: Statements,
    ) -> None:
        # what each explained body had to be
        body_want = want if expr.kind != "none" else not want
        if (expr.kind == "any" and want) or (expr.kind == "all" and not want):
            # no element qualifies (or every one fails): quantified words that from all the
            # elements, and explains the first few
            base, elements = self._elements(expr, scope, paths, out)
            explain_body = self._explain_body(expr, scope, paths, body_want, elements, out)
            witnesses = self.helper(
                quantified, self.e.node(expr), _const(want), base, elements, explain_body
            )
            out.append(ast.Expr(self.helper(list.extend, _load(found), witnesses)))
            return
        # otherwise only the offending elements count, whose body came out the other way
        offending = not body_want if expr.kind != "any" else True
        keep = functools.partial(_offending, offending)
        _, elements = self._elements(expr, scope, paths, out, keep)
        self._offenders(expr, scope, paths, body_want, elements, found, out)

    def _offenders(
        self,
        expr: n.Quantifier,
        scope: Scope,
        paths: Paths,
        body_want: bool,
        elements: ast.Name,
        found: str,
        out: Statements,
    ) -> None:
        """Statements appending to ``found`` the witnesses of each offending element, as
        :func:`~.explanation.quantified` gives them: its body's, or where the body names
        none, the element itself against the body's text. Written out in a loop rather than
        through ``quantified`` and a function per body (a generator and a call per element:
        about a fifth of a generated explanation)."""
        element = self.e.mint("i")
        each: Statements = []
        path, value, inner = self._body(expr, scope, paths, body_want, _load(element), each)
        itself = ast.Tuple(
            [
                _load(path),
                self.helper(_label_value, _load(value)),
                _const(offending_text(expr, body_want)),
            ],
            ast.Load(),
        )
        appended = _method(_load(found), "append", self.helper(_new_witness, itself))
        each.append(
            _if(
                _load(inner),
                [ast.Expr(self.helper(list.extend, _load(found), _load(inner)))],
                [_if(_is_not(_load(path), _const(None)), [ast.Expr(appended)])],
            )
        )
        out.append(ast.For(ast.Name(element, ast.Store()), elements, each, []))

    def _elements(
        self,
        expr: n.Quantifier | n.Aggregate,
        scope: Scope,
        paths: Paths,
        out: Statements,
        keep: Callable[[ast.expr, ast.expr], ast.expr] | None = None,
    ) -> tuple[ast.Name, ast.Name]:
        """The path of the loop's collection, and the name of the list of every element
        with its filter's and body's values (as the direct way's ``_elements``); with
        ``keep``, of those only that its test of the filter's and the body's values keeps
        (all are evaluated)."""
        collection = expr.collection
        base = self.named(
            self._path(collection, paths, out) if is_path(collection) else _const(None), out
        )
        items = self.e.expr(expr.collection, scope, out)
        if not isinstance(items, ast.Name):  # (a name keeps what the schema says of it)
            items = self.named(items, out)
        node = self.e.node(expr)
        not_a_list = ast.Expr(_call("_not_a_list", items, node))
        out.append(_if(_is_not(_call("_type", items), _load("_list")), [not_a_list]))
        out += self.e._charge(items, node)  # as the pack's own loops charge the step budget
        elements = self.e.mint("v")
        out.append(_assign(elements, ast.List([], ast.Load())))
        out += visit_elements(self.e, expr, scope, items, base.id, elements, keep)
        return base, _load(elements)

    def _explain_body(
        self,
        expr: n.Quantifier,
        scope: Scope,
        paths: Paths,
        body_want: bool,
        elements: ast.Name,
        out: Statements,
    ) -> ast.Name:
        """A nested function ``(index, want)``: the witnesses of that element's body."""
        function, index, asked = self.e.mint("p"), self.e.mint("v"), self.e.mint("v")
        self.e.frames.append([])
        body: Statements = []
        self.unexpected_unless(_is(_load(asked), _const(body_want)), body)
        element = self.named(self.helper(operator.getitem, elements, _load(index)), body)
        _, _, found = self._body(expr, scope, paths, body_want, element, body)
        body.append(ast.Return(_load(found)))
        assigned = ["_steps", *self.e.frames.pop()]
        arguments = ast.arguments([], [ast.arg(index), ast.arg(asked)], None, [], [], None, [])
        out.append(ast.FunctionDef(function, arguments, [ast.Nonlocal(assigned), *body], [], None))
        return _load(function)

    def _body(
        self,
        expr: n.Quantifier,
        scope: Scope,
        paths: Paths,
        body_want: bool,
        element: ast.expr,
        out: Statements,
    ) -> tuple[str, str, str]:
        """Statements explaining the body of the element ``element`` holds (its path, value,
        filter's and body's values: :class:`~.explanation.Element`) into a new list: the
        names of its path, its value and that list."""
        path, value, result, found = (self.e.mint(letter) for letter in "vlvv")
        out += [
            _assign(path, self.helper(operator.getitem, element, _const(0))),
            _assign(value, self.helper(operator.getitem, element, _const(1))),
            _assign(result, self.helper(operator.getitem, element, _const(3))),
            _assign(found, ast.List([], ast.Load())),
        ]
        inner_scope = {**scope, expr.var: value}
        inner_paths = {**paths, expr.var: path}
        self.explained(expr.body, inner_scope, inner_paths, body_want, _load(result), found, out)
        return path, value, found


def _offending(offending: bool, f: ast.expr, b: ast.expr) -> ast.expr:
    """A test that holds for an element whose body came out ``offending`` (its filter, if
    any, not false)."""
    return ast.BoolOp(ast.And(), [_is(b, _const(offending)), _is_not(f, _const(False))])


def _maybe_unknown(f: ast.expr, b: ast.expr) -> ast.expr:
    """A test that holds wherever the filter's or the body's value is unknown or a list
    (one that may hold an unknown); the walk then tests precisely."""
    tests: list[ast.expr] = [
        test
        for value in (f, b)
        if not isinstance(value, ast.Constant)
        for test in (_is(value, _unknown()), _is(_call("_type", value), _load("_list")))
    ]
    return ast.BoolOp(ast.Or(), tests)
