"""A failing or unknown rule's witnesses without a trace: the deciding part explained by
evaluating its parts again, untraced, only where the explanation walks.

Input: a compiled pack, the part of a rule that decided (``when`` or ``require``), a
declaration's data and the assessment date. Output: the :class:`~.explanation.RawWitness`
list :func:`~.explanation.explained` gives for a traced run of the rule, or None where this
way cannot tell (the caller then traces the rule).

A traced run records every part of the rule and every element its loops visit, and the
explanation then reads a few of them: the parts that decided, the offending elements of a
quantifier, the counted ones of an aggregate, and the absent values below an unknown part.
Here the explanation drives instead. Each part it walks into is evaluated by its own untraced
closure (:meth:`~.compile.CompiledPack.part_closure`: the value a trace would hold), a loop
visits its elements as a traced loop does, and only the elements that matter are explained
further. The Kleene reasoning (which parts decided, which elements offend or count, what a
comparison needed) is :mod:`.explanation`'s, shared with the traced way:
:func:`~.explanation.compared`, :func:`~.explanation.side_witness`,
:func:`~.explanation.quantified` and :func:`~.explanation.counted`.

The parts whose reads this module does not follow (a computed index, a predicate read
through a path, an aggregate inside a computed value, a loop over a predicate's list) are
run traced on their own, under the same bindings, and their trace explained as usual: the
sub-evaluations the whole rule's trace holds for them. An error (a traced loop goes on past
the element that decided it, and may meet one the untraced loop never did), a step budget
run out or nesting too deep gives None, and the caller's traced run decides what is shown.

Once a pack runs its generated code, a part whose value the caller gives (false or unknown)
is explained by code generated from this walk (:mod:`.codegen_explain`), which takes once
per rule the decisions this walk takes at each node of each gap; where that code gives up,
this walk answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..errors import RuleRuntimeError
from ..lang import nodes as n
from ..lang.printer import literal_text
from ..lang.values import UNKNOWN
from ..sources.limits import current_limits
from .codegen_tree import fixed_path, is_path
from .compile import CompiledPack
from .explanation import (
    Element,
    RawWitness,
    Side,
    Unexpected,
    absent_within,
    compared,
    counted,
    explain_node,
    merged,
    new_element,
    quantified,
    side_witness,
    unknown_within,
)
from .runtime import (
    _UNSET,
    Env,
    PathKey,
    Trace,
    _charge,
    _collection,
    _restore,
    budget_runs_out,
    truth,
)


class _NotSimple(Exception):
    """A part whose reads this module does not follow (its caller replays it traced)."""


class _Stop(Exception):
    """A replayed part stopped short: the caller's traced run decides the witnesses."""


def direct_witnesses(
    pack: CompiledPack,
    expr: n.Expr,
    data: dict[str, Any],
    as_of: dt.date,
    *,
    value: Any = _UNSET,
    validated: bool = False,
) -> list[RawWitness] | None:
    """The witnesses of ``expr``, the part of a rule that decided its status (the ones a
    traced run gives), or None where they must come from a traced run. ``value``: what
    ``expr`` came to, where the caller knows it (False for a rule that fails, unknown for
    one that is unknown); evaluated here otherwise. ``validated``: ``data`` was validated
    against the pack's schema (the generated explanation may then be the typed one)."""
    if value is False or value is UNKNOWN:
        generated = pack.explainer(expr, value is UNKNOWN, validated)
        if generated is not None:
            try:
                return merged(generated(data, as_of, current_limits().max_rule_steps))
            except (RuleRuntimeError, RecursionError, Unexpected):
                pass  # the direct way gives the reference answer here
    ran_out = budget_runs_out()
    explainer = _Explainer(pack, Env(data, as_of))
    try:
        if value is _UNSET:
            value = explainer.value(expr, frozenset())
        found = merged(explainer.explained(expr, frozenset(), value, True))
    except (RuleRuntimeError, RecursionError, _Stop):
        return None
    return None if budget_runs_out() != ran_out else found


class _Explainer:
    """One explanation: the pack's closures and the evaluation state they run in."""

    __slots__ = ("e", "pack", "paths", "predicates")

    def __init__(self, pack: CompiledPack, e: Env) -> None:
        self.pack = pack
        self.e = e
        self.predicates = pack.checked.predicates
        #: each path expression's name and fixed keys, by the expression's id (the pack's
        #: expressions live as long as it does)
        self.paths: dict[int, tuple[str, PathKey]] = pack.shared(("explained paths",), dict)

    def value(self, expr: n.Expr, bound: frozenset[str]) -> Any:
        return self.pack.part_closure(expr, bound, traced=False)(self.e)

    def explained(
        self, expr: n.Expr, bound: frozenset[str], value: Any, want: bool
    ) -> Iterator[RawWitness]:
        """What made ``expr`` come out as ``value``, not ``want`` (as :func:`explain_node`)."""
        kind = type(expr)
        if value is UNKNOWN:
            yield from self._absent(expr, bound, value)
        elif kind is n.Not:
            assert isinstance(expr, n.Not)
            operand = self.value(expr.operand, bound)
            yield from self.explained(expr.operand, bound, operand, not want)
        elif kind is n.BoolOp:
            assert isinstance(expr, n.BoolOp)
            # a traced run evaluates the right side even where the left decided, so that
            # every failing part is shown at once (should it raise there, the traced run
            # decides what is shown)
            for part in (expr.left, expr.right):
                held = self.value(part, bound)
                if held is (not want):  # the parts that decided it; an unknown one did not
                    yield from self.explained(part, bound, held, want)
        elif kind is n.Compare:
            assert isinstance(expr, n.Compare)
            yield from self._compare(expr, bound, want)
        elif kind is n.Quantifier:
            assert isinstance(expr, n.Quantifier)
            yield from self._quantifier(expr, bound, want)
        elif kind is n.If:
            assert isinstance(expr, n.If)
            chosen = expr.then if self.value(expr.cond, bound) is True else expr.otherwise
            yield from self.explained(chosen, bound, value, want)
        elif kind is n.Coalesce:
            assert isinstance(expr, n.Coalesce)
            held = self.value(expr.value, bound)
            if held is UNKNOWN:  # the default decided
                yield from self.explained(expr.default, bound, value, want)
            else:
                yield from self.explained(expr.value, bound, held, want)
        elif kind is n.Call and isinstance(expr, n.Call) and expr.func == "declared":
            try:
                read = self._first_read(expr.args[0], bound)
            except _NotSimple:
                yield from self._replayed(expr, bound, want)
                return
            if read is not None:
                yield RawWitness(read[0], read[1], "declared" if want else "not declared")
        elif is_path(expr):
            yield from self._path_read(expr, bound, value, want)
        elif kind is not n.Literal_:  # a literal reads nothing
            yield from self._replayed(expr, bound, want)

    def _path_read(
        self, expr: n.Expr, bound: frozenset[str], value: Any, want: bool
    ) -> Iterator[RawWitness]:
        """A path expression's witness (the path it read, with its value; none for a const,
        ``today`` or an element without a path); a predicate's, from its body."""
        try:
            path = self._path(expr, bound)
        except _NotSimple:
            if isinstance(expr, n.Name) and expr.name in self.predicates:
                yield from self.explained(self.predicates[expr.name], frozenset(), value, want)
            else:
                yield from self._replayed(expr, bound, want)
            return
        if path is not None:
            yield RawWitness(path, value, literal_text(want))

    def _absent(self, expr: n.Expr, bound: frozenset[str], value: Any) -> Iterator[RawWitness]:
        """The declaration paths read as absent within ``expr`` (as the trace's
        ``_absent``): every part a traced run evaluates that came out unknown, or a list
        holding an unknown, but not past a ``??`` that supplied its default."""
        if type(expr) is n.Coalesce or type(expr) is n.Literal_:
            return
        if is_path(expr):
            try:
                path = self._path(expr, bound)
            except _NotSimple:
                if isinstance(expr, n.Name) and expr.name in self.predicates:
                    yield from self._absent(self.predicates[expr.name], frozenset(), value)
                else:
                    yield from self._replayed(expr, bound, None)
                return
            if path is not None and value is UNKNOWN:
                yield RawWitness(path, UNKNOWN, None)
            return
        if isinstance(expr, n.Quantifier | n.Aggregate):
            yield from self._absent_in_loop(expr, bound)
            return
        parts = self._parts_evaluated(expr, bound)
        if parts is None:
            yield from self._replayed(expr, bound, None)
            return
        for part, held in parts:
            if unknown_within(held):
                yield from self._absent(part, bound, held)

    def _parts_evaluated(
        self, expr: n.Expr, bound: frozenset[str]
    ) -> list[tuple[n.Expr, Any]] | None:
        """The parts of ``expr`` a traced run evaluates, in order, with their values: for
        ``not``, ``-``, calls, lists, ``and``/``or``, comparisons, arithmetic and ``if``
        (None for the other kinds, which have rules of their own)."""
        value = self.value
        if isinstance(expr, n.Not | n.Neg):
            return [(expr.operand, value(expr.operand, bound))]
        if isinstance(expr, n.Call):
            return [(expr.args[0], value(expr.args[0], bound))]
        if isinstance(expr, n.ListExpr):
            if all(type(item) is n.Literal_ for item in expr.items):
                return []  # one constant: nothing evaluated
            return [(item, value(item, bound)) for item in expr.items]
        if isinstance(expr, n.BoolOp):  # unknown: neither side decided, both ran
            return [(expr.left, value(expr.left, bound)), (expr.right, value(expr.right, bound))]
        if isinstance(expr, n.Compare | n.Arith):
            left = value(expr.left, bound)
            both = isinstance(expr, n.Compare) and expr.op in ("in", "not in", "contains")
            if left is UNKNOWN and not both:  # the right side is not read
                return [(expr.left, left)]
            return [(expr.left, left), (expr.right, value(expr.right, bound))]
        if isinstance(expr, n.If):
            cond = value(expr.cond, bound)
            if cond is not True and cond is not False:
                return [(expr.cond, cond)]
            chosen = expr.then if cond is True else expr.otherwise
            return [(expr.cond, cond), (chosen, value(chosen, bound))]
        return None

    def _compare(self, expr: n.Compare, bound: frozenset[str], want: bool) -> Iterator[RawWitness]:
        try:
            left, right = self._side(expr.left, bound), self._side(expr.right, bound)
        except _NotSimple:
            yield from self._replayed(expr, bound, want)
            return
        swapped, expected = compared(expr, want, left, right)
        subject = right if swapped else left
        if isinstance(subject.expr, n.Aggregate):
            base, elements = self._elements(subject.expr, bound)
            yield from counted(subject.expr, base, subject.value, expected, elements)
        else:
            yield from side_witness(subject, expected)

    def _side(self, expr: n.Expr, bound: frozenset[str]) -> Side:
        value = self.value(expr, bound)
        path = self._path(expr, bound) if is_path(expr) else None
        if path is not None:
            read: tuple[PathKey, Any] | None = (path, value)
        elif isinstance(expr, n.Aggregate):
            # the first path it reads is its collection's, if that has one (its elements'
            # reads are not followed)
            read = self._collection_read(expr, bound)
        else:
            read = self._first_read(expr, bound)
        return Side(expr, value, path, read)

    def _collection_read(
        self, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
    ) -> tuple[PathKey, Any]:
        path = self._collection_path(expr, bound)
        if path is None:
            raise _NotSimple
        return path, self.value(expr.collection, bound)

    def _collection_path(
        self, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
    ) -> PathKey | None:
        """The path of a loop's collection, read as a path (a traced loop takes its elements'
        paths from it); None for a computed collection."""
        return self._path(expr.collection, bound) if is_path(expr.collection) else None

    def _quantifier(
        self, expr: n.Quantifier, bound: frozenset[str], want: bool
    ) -> Iterator[RawWitness]:
        try:
            base, elements = self._elements(expr, bound)
        except _NotSimple:
            yield from self._replayed(expr, bound, want)
            return
        inner = bound | {expr.var}

        def explain_body(index: int, body_want: bool) -> Iterator[RawWitness]:
            element = elements[index]
            with _Binding(self.e, expr.var, element.value, element.path):
                yield from self.explained(expr.body, inner, element.body, body_want)

        yield from quantified(expr, want, base, elements, explain_body)

    def _absent_in_loop(
        self, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
    ) -> Iterator[RawWitness]:
        """Absent values read by an unknown quantifier or aggregate: its collection, or what
        each element's filter and body read (a traced loop goes on past an unknown element)."""
        collection = self.value(expr.collection, bound)
        if type(collection) is not list:  # unknown (a list, or the rule would have raised)
            if unknown_within(collection):
                yield from self._absent(expr.collection, bound, collection)
            return
        try:
            _, elements = self._elements(expr, bound)
        except _NotSimple:
            yield from self._replayed(expr, bound, None)
            return
        if unknown_within(collection):
            yield from self._absent(expr.collection, bound, collection)
        inner = bound | {expr.var}
        for element in elements:
            filter_unknown = expr.filter is not None and unknown_within(element.filter)
            body_unknown = expr.body is not None and unknown_within(element.body)
            if not (filter_unknown or body_unknown):
                continue
            with _Binding(self.e, expr.var, element.value, element.path):
                if filter_unknown:
                    assert expr.filter is not None
                    yield from self._absent(expr.filter, inner, element.filter)
                if body_unknown:
                    assert expr.body is not None
                    yield from self._absent(expr.body, inner, element.body)

    def _elements(
        self, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
    ) -> tuple[PathKey | None, list[Element]]:
        """The path of a loop's collection, and every element a traced loop visits, with
        its filter's and body's values. A traced loop stops at an element that raises once
        its value is decided, with what that element read so far: that case (and any other
        error) is left to the traced run."""
        base = self._collection_path(expr, bound)
        items = self.value(expr.collection, bound)
        _collection(items, expr)
        e = self.e
        _charge(e, len(items), expr)  # as a traced loop does, one element at a time
        generated = self.pack.element_loop(expr, bound)
        if generated is not None:  # the same loop as below, as generated code
            visited, e.steps = generated(e.root, e.today, e.max_steps, e.steps, items, base, e.vars)
            return base, visited
        inner = bound | {expr.var}
        closure = self.pack.part_closure
        filt = None if expr.filter is None else closure(expr.filter, inner, traced=False)
        body = None if expr.body is None else closure(expr.body, inner, traced=False)
        # a quantifier's body must be true or false; an aggregate's is a value
        what = f"'{expr.kind}'" if type(expr) is n.Quantifier else None
        var = expr.var
        variables = e.vars  # (untraced closures read no paths: the element's is kept aside)
        saved = variables.get(var, _UNSET)
        elements: list[Element] = []
        append = elements.append
        try:
            for index, item in enumerate(items):
                value = variables[var] = UNKNOWN if item is None else item
                f = passes = None if filt is None else filt(e)
                if f is None:
                    passes = True
                elif f is not True and f is not False:
                    passes = truth(f, expr, "'where'")  # unknown, or it raises
                b = None if passes is False or body is None else body(e)
                if what is not None and b is not True and b is not False and b is not None:
                    truth(b, expr, what)
                path = (*base, index) if base is not None else None
                append(new_element((path, value, f, b)))
        finally:
            _restore(variables, var, saved)
        return base, elements

    def _replayed(
        self, expr: n.Expr, bound: frozenset[str], want: bool | None
    ) -> Iterator[RawWitness]:
        """``expr`` run traced on its own under the bindings it has here, and its trace
        explained (``want``: what it had to come out; None for the absent values read in
        it): the sub-evaluations the rule's whole trace records for it."""
        e = self.e
        trace = Trace(predict=True)
        env = Env(e.root, e.today, trace=trace, max_steps=e.max_steps)
        env.vars, env.paths, env.steps = dict(e.vars), dict(e.paths), e.steps
        try:
            self.pack.part_closure(expr, bound, traced=True)(env)
        except RuleRuntimeError:
            raise _Stop from None
        e.steps = env.steps
        node = trace.root.children[-1]
        yield from absent_within(node) if want is None else explain_node(node, want)

    def _path(self, expr: n.Expr, bound: frozenset[str]) -> PathKey | None:
        """The declaration path a path expression reads (None: it reads a const, a loop
        element that has no path, or ``today``); _NotSimple for a computed index or a
        predicate read (a traced run records what they read in turn)."""
        found = self.paths.get(id(expr))
        if found is None:
            found = self.paths[id(expr)] = fixed_path(expr)
        name, keys = found
        if not name:
            raise _NotSimple
        if name in bound:
            prefix = self.e.paths.get(name)
            return None if prefix is None else prefix + keys
        if name in self.predicates:
            raise _NotSimple
        if not self.pack.checked.is_field(name):
            return None  # a const or today
        return (name, *keys)

    def _first_read(self, expr: n.Expr, bound: frozenset[str]) -> tuple[PathKey, Any] | None:
        """The first declaration path a traced run of ``expr`` reads, with its value (as
        :func:`~.explanation.first_path_read`); _NotSimple for the parts not followed."""
        if is_path(expr):
            path = self._path(expr, bound)
            return None if path is None else (path, self.value(expr, bound))
        if type(expr) is n.Literal_:
            return None
        parts = self._parts_evaluated(expr, bound)
        if parts is None:
            if not isinstance(expr, n.Coalesce):
                raise _NotSimple
            # `??` reads its default only after an absent value
            held = self.value(expr.value, bound)
            parts = [(expr.value, held)] + ([(expr.default, None)] if held is UNKNOWN else [])
        for part, _ in parts:
            found = self._first_read(part, bound)
            if found is not None:
                return found
        return None


class _Binding:
    """A loop variable bound to one element (and its path) while that element is explained."""

    __slots__ = ("e", "path", "saved", "value", "var")

    def __init__(self, e: Env, var: str, value: Any, path: PathKey | None) -> None:
        self.e, self.var, self.value, self.path = e, var, value, path

    def __enter__(self) -> None:
        e, var = self.e, self.var
        self.saved = (e.vars.get(var, _UNSET), e.paths.get(var, _UNSET))
        e.vars[var] = self.value
        e.paths[var] = self.path

    def __exit__(self, *_: object) -> None:
        _restore(self.e.vars, self.var, self.saved[0])
        _restore(self.e.paths, self.var, self.saved[1])
