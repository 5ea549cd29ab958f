"""Compile checked rules into Python closures.

Input: a :class:`~licensecheck.engine.check.CheckedPack`. Output: a :class:`CompiledPack` whose
rules are plain closures ``fn(env) -> value`` over the three-valued domain (``True``,
``False``, :data:`UNKNOWN`, numbers, text, dates, durations, lists). No source is
generated and nothing is ``eval``-ed: each node kind maps to a closure built here.

The same closures run in two modes. Normally they only compute values. With tracing on
(``traced=True``) every node is wrapped so that its value, the declaration paths it read
and the list elements a quantifier visited are recorded in a :class:`Trace` tree, from
which :mod:`licensecheck.engine.evaluate` derives witnesses and ``explain`` shows a rule's
evaluation step by step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..declaration.loader import current_limits
from ..errors import Diagnostic, PackError, RuleRuntimeError, Span
from ..lang import nodes as n
from ..lang.operations import (
    arithmetic,
    compile_pattern,
    kind_of,
    ordered,
    runtime_error,
    values_equal,
)
from ..lang.values import UNKNOWN, Duration, type_name
from .rules import CheckedPack, Rule

Fn = Callable[["Env"], Any]
PathKey = tuple[str | int, ...]


class BudgetExceeded(RuleRuntimeError):
    """A rule visited more list elements than its evaluation budget allows."""


# ---------------------------------------------------------------- environment and trace


class Env:
    """The state one rule evaluation reads: the declaration, bound variables, the date."""

    __slots__ = ("max_steps", "memo", "paths", "root", "steps", "today", "trace", "vars")

    def __init__(
        self,
        root: dict[str, Any],
        today: dt.date,
        *,
        trace: Trace | None = None,
        max_steps: int | None = None,
    ) -> None:
        self.root = root
        self.today = today
        self.vars: dict[str, Any] = {}
        self.paths: dict[str, PathKey | None] = {}
        self.trace = trace
        self.steps = 0
        self.max_steps = max_steps or current_limits().max_rule_steps
        #: predicate results: a predicate has no free variables, so within one declaration
        #: and date its value never changes, however many rules ask
        self.memo: dict[str, Any] = {}


@dataclass(eq=False)
class TraceNode:
    """One evaluated sub-expression: its value, what it read, and its sub-evaluations."""

    expr: n.Expr | None
    value: Any = UNKNOWN
    path: PathKey | None = None  # for path expressions: the concrete declaration path read
    children: list[TraceNode] = field(default_factory=list)
    #: for element marks inside a quantifier: the element's path and value
    element: tuple[PathKey | None, Any] | None = None


@dataclass(eq=False)
class Trace:
    root: TraceNode = field(default_factory=lambda: TraceNode(None))
    current: TraceNode | None = None
    last_path: PathKey | None = None

    def __post_init__(self) -> None:
        self.current = self.root


def _memoised(name: str, fn: Fn) -> Fn:
    def predicate(e: Env) -> Any:
        value = e.memo.get(name, _UNSET)
        if value is _UNSET:
            value = e.memo[name] = fn(e)
        return value

    return predicate


def _once_per_day(fn: Fn) -> Fn:
    """Memoise a value that depends only on the assessment date."""
    memo: list[tuple[dt.date | None, Any]] = [(None, None)]

    def cached(e: Env) -> Any:
        day, value = memo[0]  # one tuple, so concurrent readers never see a torn pair
        if day != e.today:
            value = fn(e)
            memo[0] = (e.today, value)
        return value

    return cached


def _traced(expr: n.Expr, inner: Fn) -> Fn:
    def run(e: Env) -> Any:
        trace = e.trace
        if trace is None:
            return inner(e)
        parent = trace.current
        assert parent is not None
        node = TraceNode(expr)
        parent.children.append(node)
        trace.current = node
        try:
            node.value = inner(e)
        finally:
            trace.current = parent
        return node.value

    return run


# ---------------------------------------------------------------- runtime helpers


def _member(item: Any, items: Any, node: n.Node) -> Any:
    if item is UNKNOWN or items is UNKNOWN:
        return UNKNOWN
    if type(items) is not list:
        raise runtime_error(f"'in' needs a list, got {type_name(items)}", node)
    item_type = type(item)
    if item_type in _EXACT_MEMBERS:  # text, booleans, dates: equal only to their own type
        for candidate in items:
            if type(candidate) is item_type and candidate == item:
                return True
        return UNKNOWN if any(c is None or c is UNKNOWN for c in items) else False
    kind = kind_of(item)
    saw_unknown = False
    for candidate in items:
        if candidate is UNKNOWN or candidate is None:
            saw_unknown = True
        elif kind_of(candidate) == kind and values_equal(item, candidate, node):
            return True
    return UNKNOWN if saw_unknown else False


_EXACT_MEMBERS: Final = frozenset({str, bool, dt.date})


def _negate(value: Any, node: n.Node) -> Any:
    if value is True:
        return False
    if value is False:
        return True
    return _truth(value, node, "'not'")


def _for_witnesses(fn: Fn, e: Env) -> None:
    """When tracing, evaluate a side that short-circuiting skipped, so every failing part of
    an `and` is reported at once; the result is already decided, so errors are ignored."""
    with contextlib.suppress(RuleRuntimeError):
        fn(e)


def _truth(value: Any, node: n.Node, what: str) -> Any:
    if value is True or value is False or value is UNKNOWN:
        return value
    raise runtime_error(f"{what} needs true/false, got {type_name(value)}", node)


# ---------------------------------------------------------------- compiler


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    when: Fn | None
    require: Fn


class _Compiler:
    def __init__(self, pack: CheckedPack, traced: bool) -> None:
        self.pack = pack
        self.traced = traced
        self.predicates: dict[str, Fn] = {}

    def rule(self, rule: Rule) -> CompiledRule:
        when = self.expr(rule.when) if rule.when is not None else None
        return CompiledRule(rule, when, self.expr(rule.require))

    def expr(self, expr: n.Expr, bound: frozenset[str] = frozenset()) -> Fn:
        method: Callable[[Any, frozenset[str]], Fn] = getattr(
            self, "_" + type(expr).__name__.rstrip("_").lower()
        )
        fn = method(expr, bound)
        if self.traced:
            return _traced(expr, fn)
        if isinstance(expr, n.Arith | n.Call | n.Neg) and self._depends_only_on_today(expr, bound):
            return _once_per_day(fn)  # e.g. `today - 1 year` inside a loop over sources
        return fn

    def _depends_only_on_today(self, expr: n.Expr, bound: frozenset[str]) -> bool:
        """True for expressions of literals, consts and `today` alone (no declaration data)."""
        for node in n.walk(expr):
            if isinstance(node, n.Name):
                if node.name in bound or node.name in self.pack.predicates:
                    return False
                if node.name not in self.pack.consts and node.name != "today":
                    return False
            elif isinstance(node, n.Attr | n.Index | n.Quantifier | n.Aggregate):
                return False
        return True

    # -- leaves
    def _literal(self, expr: n.Literal_, bound: frozenset[str]) -> Fn:
        value = UNKNOWN if expr.value is None else expr.value
        return lambda e: value

    def _listexpr(self, expr: n.ListExpr, bound: frozenset[str]) -> Fn:
        if all(isinstance(i, n.Literal_) for i in expr.items):
            constant = [i.value for i in expr.items if isinstance(i, n.Literal_)]
            return lambda e: constant
        items = [self.expr(i, bound) for i in expr.items]
        return lambda e: [f(e) for f in items]

    def _name(self, expr: n.Name, bound: frozenset[str]) -> Fn:
        return self._path(expr, bound)

    def _const_or_predicate(self, name: str) -> Fn | None:
        if name in self.pack.consts:
            value = self.pack.consts[name]
            return lambda e: value
        if name in self.pack.predicates:
            if name not in self.predicates:  # the checker rejects cycles, so this terminates
                body = self.expr(self.pack.predicates[name])
                self.predicates[name] = body if self.traced else _memoised(name, body)
            return self.predicates[name]
        return None

    # -- paths: a name followed by .field and [index] steps, read in one closure
    def _attr(self, expr: n.Attr, bound: frozenset[str]) -> Fn:
        return self._path(expr, bound)

    def _index(self, expr: n.Index, bound: frozenset[str]) -> Fn:
        return self._path(expr, bound)

    def _path(self, expr: n.Expr, bound: frozenset[str]) -> Fn:
        steps: list[str | int | Fn] = []
        node = expr
        while isinstance(node, n.Attr | n.Index):
            if isinstance(node, n.Attr):
                steps.append(node.name)
            elif (
                isinstance(node.index, n.Literal_)
                and isinstance(node.index.value, str | int)
                and not isinstance(node.index.value, bool)
            ):
                steps.append(node.index.value)
            else:
                steps.append(self.expr(node.index, bound))
            node = node.obj
        steps.reverse()
        if not self.traced and isinstance(node, n.Name) and all(not callable(s) for s in steps):
            fast = self._fast_path(expr, node.name, tuple(steps), bound)  # type: ignore[arg-type]
            if fast is not None:
                return fast
        base, base_path = self._path_base(node, bound)
        return _path_reader(expr, base, base_path, tuple(steps))

    def _fast_path(
        self, expr: n.Expr, name: str, keys: tuple[str | int, ...], bound: frozenset[str]
    ) -> Fn | None:
        """An untraced reader of a fixed path from a variable or a top-level field."""
        if name in bound:
            if not keys:
                return lambda e: e.vars[name]
            return _fixed_path_reader(expr, keys, variable=name)
        if self._const_or_predicate(name) is not None or name == "today":
            return None
        return _fixed_path_reader(expr, keys, field=name)

    def _path_base(
        self, node: n.Expr, bound: frozenset[str]
    ) -> tuple[Fn, Callable[[Env], PathKey | None]]:
        if isinstance(node, n.Name):
            name = node.name
            if name in bound:
                return (lambda e: e.vars[name]), (lambda e: e.paths.get(name))
            special = self._const_or_predicate(name)
            if special is not None:
                return special, (lambda e: None)
            if name == "today":
                return (lambda e: e.today), (lambda e: None)
            top: PathKey = (name,)
            return (lambda e: e.root.get(name, UNKNOWN)), (lambda e: top)
        base = self.expr(node, bound)
        return base, (lambda e: None)

    def _call(self, expr: n.Call, bound: frozenset[str]) -> Fn:
        (arg_expr,) = expr.args
        arg = self.expr(arg_expr, bound)
        func = expr.func
        if func == "declared":
            return lambda e: arg(e) is not UNKNOWN

        def call(e: Env) -> Any:
            value = arg(e)
            if value is UNKNOWN:
                return UNKNOWN
            if func == "len" and type(value) in (list, str):
                return len(value)
            if func == "lower" and type(value) is str:
                return value.lower()
            if func == "upper" and type(value) is str:
                return value.upper()
            if func == "days_since" and type(value) is dt.date:
                return (e.today - value).days
            raise runtime_error(f"'{func}' cannot take {type_name(value)}", expr)

        return call

    # -- logic
    def _not(self, expr: n.Not, bound: frozenset[str]) -> Fn:
        operand = self.expr(expr.operand, bound)
        field = self._variable_field(expr.operand, bound)
        if field is not None:
            variable, key = field

            def not_field(e: Env) -> Any:  # `not s.flag`, the commonest body of a quantifier
                value = e.vars[variable]
                if type(value) is dict:
                    flag = value.get(key)
                    if flag is True:
                        return False
                    if flag is False:
                        return True
                return _negate(operand(e), expr)

            return not_field

        return lambda e: _negate(operand(e), expr)

    def _boolop(self, expr: n.BoolOp, bound: frozenset[str]) -> Fn:
        left = self.expr(expr.left, bound)
        right = self.expr(expr.right, bound)
        if expr.op == "and":

            def and_(e: Env) -> Any:
                a = left(e)
                if a is False:
                    if e.trace is not None:
                        _for_witnesses(right, e)
                    return False
                b = right(e)
                if b is False:
                    return False
                if a is True and b is True:
                    return True
                _truth(a, expr.left, "'and'")
                _truth(b, expr.right, "'and'")
                return UNKNOWN

            return and_

        def or_(e: Env) -> Any:
            a = left(e)
            if a is True:
                if e.trace is not None:
                    _for_witnesses(right, e)
                return True
            b = right(e)
            if b is True:
                return True
            if a is False and b is False:
                return False
            _truth(a, expr.left, "'or'")
            _truth(b, expr.right, "'or'")
            return UNKNOWN

        return or_

    def _if(self, expr: n.If, bound: frozenset[str]) -> Fn:
        cond = self.expr(expr.cond, bound)
        then = self.expr(expr.then, bound)
        otherwise = self.expr(expr.otherwise, bound)

        def if_(e: Env) -> Any:
            c = cond(e)
            if c is True:
                return then(e)
            if c is False:
                return otherwise(e)
            return _truth(c, expr.cond, "'if'")

        return if_

    def _coalesce(self, expr: n.Coalesce, bound: frozenset[str]) -> Fn:
        value = self.expr(expr.value, bound)
        default = self.expr(expr.default, bound)

        def coalesce(e: Env) -> Any:
            v = value(e)
            return default(e) if v is UNKNOWN else v

        return coalesce

    # -- comparison and arithmetic
    def _compare(self, expr: n.Compare, bound: frozenset[str]) -> Fn:
        left = self.expr(expr.left, bound)
        right = self.expr(expr.right, bound)
        op = expr.op
        if op in ("in", "not in", "contains"):
            return self._membership(expr, left, right)
        if op == "matches":
            return _matches(expr, left, right)
        field = self._variable_field(expr.left, bound)
        if field is not None and isinstance(expr.right, n.Literal_) and op in _OPERATORS:
            fused = _variable_field_comparison(expr, op, left, *field)
            if fused is not None:
                return fused
        return _comparison(expr, op, left, right, fuse_constant=not self.traced)

    def _variable_field(self, expr: n.Expr, bound: frozenset[str]) -> tuple[str, str] | None:
        """(variable, key) when ``expr`` is ``x.key`` for a quantifier variable, untraced."""
        if self.traced or not isinstance(expr, n.Attr) or not isinstance(expr.obj, n.Name):
            return None
        return (expr.obj.name, expr.name) if expr.obj.name in bound else None

    def _membership(self, expr: n.Compare, left: Fn, right: Fn) -> Fn:
        op = expr.op
        constant = self._constant_strings(expr.right) if op in ("in", "not in") else None
        if constant is not None and not self.traced:
            negate = op == "not in"

            def member_of_constant(e: Env) -> Any:
                a = left(e)
                if type(a) is str:
                    return (a in constant) is not negate
                result = _member(a, sorted(constant), expr)
                return (not result) if negate and result is not UNKNOWN else result

            return member_of_constant

        def membership(e: Env) -> Any:
            a = left(e)  # both sides in source order, so traces read left to right
            b = right(e)
            if op != "contains":
                result = _member(a, b, expr)
                return (not result) if op == "not in" and result is not UNKNOWN else result
            if type(a) is str:
                if b is UNKNOWN:
                    return UNKNOWN
                if type(b) is not str:
                    raise runtime_error(f"text cannot contain {type_name(b)}", expr)
                return b in a
            return _member(b, a, expr)

        return membership

    def _constant_strings(self, expr: n.Expr) -> frozenset[str] | None:
        """The values of a literal list or const that holds only text, as a set."""
        values: Any = None
        if isinstance(expr, n.ListExpr) and all(isinstance(i, n.Literal_) for i in expr.items):
            values = [i.value for i in expr.items if isinstance(i, n.Literal_)]
        elif isinstance(expr, n.Name) and expr.name in self.pack.consts:
            values = self.pack.consts[expr.name]
        if isinstance(values, list) and all(type(v) is str for v in values):
            return frozenset(values)
        return None

    def _arith(self, expr: n.Arith, bound: frozenset[str]) -> Fn:
        left = self.expr(expr.left, bound)
        right = self.expr(expr.right, bound)
        op = expr.op

        def arith(e: Env) -> Any:
            a = left(e)
            if a is UNKNOWN:
                return UNKNOWN
            b = right(e)
            if b is UNKNOWN:
                return UNKNOWN
            return arithmetic(op, a, b, expr)

        return arith

    def _neg(self, expr: n.Neg, bound: frozenset[str]) -> Fn:
        operand = self.expr(expr.operand, bound)

        def neg(e: Env) -> Any:
            v = operand(e)
            if v is UNKNOWN:
                return UNKNOWN
            if kind_of(v) == "number":
                return -v
            if type(v) is Duration:
                return Duration(-v.amount, v.unit)
            raise runtime_error(f"'-' cannot negate {type_name(v)}", expr)

        return neg

    # -- quantifiers and aggregates
    def _quantifier(self, expr: n.Quantifier, bound: frozenset[str]) -> Fn:
        coll = self.expr(expr.collection, bound)
        inner = bound | {expr.var}
        filt = self.expr(expr.filter, inner) if expr.filter is not None else None
        body = self.expr(expr.body, inner)
        if not self.traced:
            return _fast_quantifier(expr, coll, filt, body)
        loop = _Loop(expr, coll, expr.var, _is_path(expr.collection))
        kind = expr.kind

        def quantifier(e: Env) -> Any:
            items = loop.items(e)
            if items is UNKNOWN:
                return UNKNOWN
            # all: false once an element fails; any/none: decided once one qualifies
            decisive = kind != "all"
            saw_unknown = False
            decided = False
            for _ in loop.bind(e, items):
                try:
                    b = _element_truth(e, filt, body)
                except RuleRuntimeError:
                    if decided:  # tracing goes on only to find witnesses; the result stands
                        break
                    raise
                if b is decisive:
                    decided = True
                    if e.trace is None:
                        break
                elif b is UNKNOWN:
                    saw_unknown = True
            result = decisive if decided else (UNKNOWN if saw_unknown else not decisive)
            if kind == "none" and result is not UNKNOWN:
                return not result
            return result

        def _element_truth(e: Env, filt: Fn | None, body: Fn) -> Any:
            f = True if filt is None else _truth(filt(e), expr, "'where'")
            if f is False:
                return kind == "all"  # filtered out: cannot decide
            return _filtered(kind, f, _truth(body(e), expr, f"'{kind}'"))

        return quantifier

    def _aggregate(self, expr: n.Aggregate, bound: frozenset[str]) -> Fn:
        coll = self.expr(expr.collection, bound)
        inner = bound | {expr.var}
        filt = self.expr(expr.filter, inner) if expr.filter is not None else None
        body = self.expr(expr.body, inner) if expr.body is not None else None
        if not self.traced:
            return _fast_aggregate(expr, coll, filt, body)
        loop = _Loop(expr, coll, expr.var, _is_path(expr.collection))
        kind = expr.kind

        def aggregate(e: Env) -> Any:
            items = loop.items(e)
            if items is UNKNOWN:
                return UNKNOWN
            values: list[Any] = []
            saw_unknown = False
            for item in loop.bind(e, items):
                f = True if filt is None else _truth(filt(e), expr, "'where'")
                if f is False:
                    continue
                value = item if body is None else body(e)
                if f is UNKNOWN or value is UNKNOWN:
                    saw_unknown = True
                else:
                    values.append(value)
            if saw_unknown:
                return UNKNOWN
            if kind == "count":
                return len(values)
            return _fold(kind, values, expr)

        return aggregate


def _filtered(kind: str, f: Any, b: Any) -> Any:
    """An element's contribution when its filter is ``f`` (not false) and its body ``b``."""
    if f is UNKNOWN:  # all ≡ not F or B;  any/none ≡ F and B  (Kleene)
        if kind == "all":
            return True if b is True else UNKNOWN
        return False if b is False else UNKNOWN
    return b


def _charge(e: Env, steps: int, node: n.Node) -> None:
    e.steps += steps
    if e.steps > e.max_steps:
        raise BudgetExceeded(
            Diagnostic(
                "budget", f"the rule visited more than {e.max_steps} list elements", node.span
            )
        )


def _collection(items: Any, node: n.Quantifier | n.Aggregate) -> None:
    if type(items) is not list:
        raise runtime_error(f"'{node.kind}' needs a list, got {type_name(items)}", node)


def _fast_quantifier(expr: n.Quantifier, coll: Fn, filt: Fn | None, body: Fn) -> Fn:
    """The untraced quantifier: a plain loop that stops at the first deciding element."""
    kind, var = expr.kind, expr.var
    decisive = kind != "all"  # all: decided by a false element; any/none: by a true one
    what = f"'{kind}'"

    def quantifier(e: Env) -> Any:
        items = coll(e)
        if items is UNKNOWN:
            return UNKNOWN
        _collection(items, expr)
        _charge(e, len(items), expr)
        variables = e.vars
        saved = variables.get(var, _UNSET)
        saw_unknown = decided = False
        try:
            for item in items:
                variables[var] = UNKNOWN if item is None else item
                if filt is None:
                    b = body(e)
                else:
                    f = filt(e)
                    if f is False:
                        continue
                    b = body(e)
                    if f is not True:
                        b = _filtered(kind, _truth(f, expr, "'where'"), _truth(b, expr, what))
                if b is decisive:
                    decided = True
                    break
                if b is not True and b is not False:
                    _truth(b, expr, what)  # raises unless b is UNKNOWN
                    saw_unknown = True
        finally:
            _restore(variables, var, saved)
        result = decisive if decided else (UNKNOWN if saw_unknown else not decisive)
        return (not result) if kind == "none" and result is not UNKNOWN else result

    return quantifier


def _fast_aggregate(expr: n.Aggregate, coll: Fn, filt: Fn | None, body: Fn | None) -> Fn:
    kind, var = expr.kind, expr.var

    def aggregate(e: Env) -> Any:
        items = coll(e)
        if items is UNKNOWN:
            return UNKNOWN
        _collection(items, expr)
        _charge(e, len(items), expr)
        variables = e.vars
        saved = variables.get(var, _UNSET)
        values: list[Any] = []
        saw_unknown = False
        try:
            for item in items:
                value = UNKNOWN if item is None else item
                variables[var] = value
                if filt is not None:
                    f = filt(e)
                    if f is False:
                        continue
                    if f is not True:
                        _truth(f, expr, "'where'")  # raises unless f is UNKNOWN
                        saw_unknown = True
                        break  # one unknown element makes the whole aggregate unknown
                if body is not None:
                    value = body(e)
                if value is UNKNOWN:
                    saw_unknown = True
                    break
                values.append(value)
        finally:
            _restore(variables, var, saved)
        if saw_unknown:
            return UNKNOWN
        return len(values) if kind == "count" else _fold(kind, values, expr)

    return aggregate


def _restore(variables: dict[str, Any], var: str, saved: Any) -> None:
    if saved is _UNSET:
        variables.pop(var, None)
    else:
        variables[var] = saved


class _Loop:
    """Iterates a collection, binding the variable (and, when tracing, its path)."""

    def __init__(
        self, expr: n.Quantifier | n.Aggregate, coll: Fn, var: str, coll_is_path: bool
    ) -> None:
        self.expr = expr
        self.coll = coll
        self.var = var
        self.coll_is_path = coll_is_path

    def items(self, e: Env) -> Any:
        if e.trace is not None:
            e.trace.last_path = None
        items = self.coll(e)
        if items is not UNKNOWN:
            _collection(items, self.expr)
        return items

    def bind(self, e: Env, items: list[Any]) -> Iterator[Any]:
        trace = e.trace
        base = trace.last_path if trace is not None and self.coll_is_path else None
        var = self.var
        variables = e.vars
        saved = variables.get(var, _UNSET)
        saved_path = e.paths.get(var)
        try:
            for index, item in enumerate(items):
                _charge(e, 1, self.expr)
                value = UNKNOWN if item is None else item
                variables[var] = value
                if trace is not None:
                    path = (*base, index) if base is not None else None
                    e.paths[var] = path
                    assert trace.current is not None
                    trace.current.children.append(
                        TraceNode(None, value, path, element=(path, value))
                    )
                yield value
        finally:
            _restore(variables, var, saved)
            e.paths[var] = saved_path


_UNSET: Final = object()


def _step(value: Any, key: Any, node: n.Node) -> Any:
    if type(key) is str:
        if type(value) is dict:
            found = value.get(key)
            return UNKNOWN if found is None else found
        raise runtime_error(f"{type_name(value)} has no field '{key}'", node)
    if type(key) is int:
        if type(value) is list:
            found = value[key] if 0 <= key < len(value) else None
            return UNKNOWN if found is None else found
        raise runtime_error(f"{type_name(value)} cannot be indexed by a number", node)
    if key is UNKNOWN:
        return UNKNOWN
    raise runtime_error(f"an index must be text or a whole number, not {key!r}", node)


def _fixed_path_reader(
    expr: n.Expr,
    keys: tuple[str | int, ...],
    *,
    variable: str | None = None,
    field: str | None = None,
) -> Fn:
    """Read fixed keys below a quantifier variable or a top-level field, without tracing:
    the hot path of every rule, so the common one- and two-key reads are unrolled."""

    def slow(value: Any, position: int) -> Any:
        for key in keys[position:]:
            if value is None or value is UNKNOWN:
                return UNKNOWN
            value = (
                value.get(key)
                if type(value) is dict and type(key) is str
                else _step(value, key, expr)
            )
        return UNKNOWN if value is None else value

    one_key = len(keys) == 1 and type(keys[0]) is str
    two_keys = len(keys) == 2 and type(keys[0]) is str and type(keys[1]) is str
    k1 = keys[0] if keys else ""
    k2 = keys[1] if len(keys) > 1 else ""
    if variable is not None and one_key:

        def variable_field(e: Env) -> Any:
            value = e.vars[variable]
            if type(value) is dict:
                value = value.get(k1)
                return UNKNOWN if value is None else value
            return slow(value, 0)

        return variable_field
    if variable is not None and two_keys:

        def variable_two_keys(e: Env) -> Any:
            value = e.vars[variable]
            if type(value) is dict:
                value = value.get(k1)
                if type(value) is dict:
                    value = value.get(k2)
                    return UNKNOWN if value is None else value
                return slow(value, 1)
            return slow(value, 0)

        return variable_two_keys
    if variable is not None:
        return lambda e: slow(e.vars[variable], 0)
    assert field is not None
    if one_key:

        def field_key(e: Env) -> Any:
            value = e.root.get(field)
            if type(value) is dict:
                value = value.get(k1)
                return UNKNOWN if value is None else value
            return slow(value, 0)

        return field_key
    if two_keys:

        def field_two_keys(e: Env) -> Any:
            value = e.root.get(field)
            if type(value) is dict:
                value = value.get(k1)
                if type(value) is dict:
                    value = value.get(k2)
                    return UNKNOWN if value is None else value
                return slow(value, 1)
            return slow(value, 0)

        return field_two_keys
    return lambda e: slow(e.root.get(field), 0)


def _path_reader(
    expr: n.Expr,
    base: Fn,
    base_path: Callable[[Env], PathKey | None],
    steps: tuple[str | int | Fn, ...],
) -> Fn:
    """Read ``base.step.step…``; absent anywhere gives UNKNOWN. Tracing records the path."""
    static = all(not callable(s) for s in steps)

    def read(e: Env) -> Any:
        value = base(e)
        if e.trace is not None:
            return _read_traced(e, value)
        if static:
            for key in steps:
                if value is UNKNOWN:
                    return UNKNOWN
                value = _step(value, key, expr)
            return value
        for step in steps:
            if value is UNKNOWN:
                return UNKNOWN
            value = _step(value, step(e) if callable(step) else step, expr)
        return value

    def _read_traced(e: Env, value: Any) -> Any:
        assert e.trace is not None
        keys: list[str | int] = []
        for step in steps:
            key = step(e) if callable(step) else step
            if isinstance(key, str | int) and not isinstance(key, bool):
                keys.append(key)
            if value is not UNKNOWN:
                value = _step(value, key, expr)
        prefix = base_path(e)
        if prefix is not None:
            path = (*prefix, *keys)  # truncated where a dynamic index was unknown
            e.trace.last_path = path
            if e.trace.current is not None and e.trace.current.expr is expr:
                e.trace.current.path = path
        return value

    return read


def _is_path(expr: n.Expr) -> bool:
    while isinstance(expr, n.Attr | n.Index):
        expr = expr.obj
    return isinstance(expr, n.Name)


def _fold(kind: str, values: Sequence[Any], node: n.Node) -> Any:
    if kind == "sum":
        total: Any = 0
        for v in values:
            total = arithmetic("+", total, v, node)
        return total
    if not values:
        return UNKNOWN
    best = values[0]
    for v in values[1:]:
        ordered(best, v, node)
        if (v < best) if kind == "min" else (v > best):
            best = v
    return best


_OPERATORS: Final = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: Types whose values Python compares exactly as the language does (durations and mixed
#: number types take the general path; booleans only take part in == and !=).
_PLAIN_EQUALITY: Final = frozenset({str, int, float, bool, dt.date})
_PLAIN_ORDER: Final = frozenset({str, int, float, dt.date})


def _variable_field_comparison(
    expr: n.Compare, op: str, left: Fn, variable: str, key: str
) -> Fn | None:
    """``x.key OP constant`` in one closure (the commonest quantifier body or filter)."""
    assert isinstance(expr.right, n.Literal_)
    constant = expr.right.value
    plain = _PLAIN_EQUALITY if op in ("==", "!=") else _PLAIN_ORDER
    if constant is None or type(constant) not in plain:
        return None
    constant_type, apply = type(constant), _OPERATORS[op]

    def compare_field(e: Env) -> Any:
        value = e.vars[variable]
        if type(value) is dict:
            actual = value.get(key)
            if type(actual) is constant_type:
                return apply(actual, constant)
        actual = left(e)  # absent, or another type: the general path decides
        if actual is UNKNOWN:
            return UNKNOWN
        return _general_comparison(op, actual, constant, expr)

    return compare_field


def _general_comparison(op: str, a: Any, b: Any, expr: n.Compare) -> bool:
    if op == "==":
        return values_equal(a, b, expr)
    if op == "!=":
        return not values_equal(a, b, expr)
    ordered(a, b, expr)
    return bool(_OPERATORS[op](a, b))


def _comparison(expr: n.Compare, op: str, left: Fn, right: Fn, *, fuse_constant: bool) -> Fn:
    apply = _OPERATORS[op]
    plain = _PLAIN_EQUALITY if op in ("==", "!=") else _PLAIN_ORDER
    if fuse_constant and isinstance(expr.right, n.Literal_) and expr.right.value is not None:
        constant = expr.right.value
        constant_type = type(constant)
        fast = constant_type in plain

        def compare_constant(e: Env) -> Any:
            a = left(e)
            if a is UNKNOWN:
                return UNKNOWN
            if fast and type(a) is constant_type:
                return apply(a, constant)
            return _general_comparison(op, a, constant, expr)

        return compare_constant

    def compare(e: Env) -> Any:
        a = left(e)
        if a is UNKNOWN:
            return UNKNOWN
        b = right(e)
        if b is UNKNOWN:
            return UNKNOWN
        if type(a) is type(b) and type(a) in plain:
            return apply(a, b)
        return _general_comparison(op, a, b, expr)

    return compare


def _matches(expr: n.Compare, left: Fn, right: Fn) -> Fn:
    fixed = expr.right.value if isinstance(expr.right, n.Literal_) else None
    fixed_pattern = compile_pattern(fixed) if isinstance(fixed, str) else None  # checked at load

    def matches(e: Env) -> Any:
        text = left(e)
        if text is UNKNOWN:
            return UNKNOWN
        pattern = right(e)
        if pattern is UNKNOWN:
            return UNKNOWN
        if type(text) is not str or type(pattern) is not str:
            raise runtime_error(f"'matches' needs text, got {type_name(text)}", expr)
        try:
            regex = fixed_pattern or compile_pattern(pattern)
        except ValueError as exc:
            raise runtime_error(f"invalid regular expression: {exc}", expr) from None
        return regex.found_in(text)

    return matches


# ---------------------------------------------------------------- the compiled pack


@dataclass(frozen=True)
class CompiledPack:
    checked: CheckedPack
    rules: tuple[CompiledRule, ...]
    _traced: dict[str, CompiledRule] = field(default_factory=dict, compare=False)

    def traced_rule(self, rule_id: str) -> CompiledRule:
        """The rule compiled in tracing mode (built on first use)."""
        if rule_id not in self._traced:
            rule = self.checked.rule(rule_id)
            if rule is None:
                raise KeyError(rule_id)
            self._traced[rule_id] = _Compiler(self.checked, traced=True).rule(rule)
        return self._traced[rule_id]


def compile_pack(pack: CheckedPack) -> CompiledPack:
    compiler = _Compiler(pack, traced=False)
    try:
        return CompiledPack(pack, tuple(compiler.rule(rule) for rule in pack.rules))
    except RecursionError:
        where = Span(str(pack.loaded.root / "pack.yaml"), 1, 1)
        raise PackError(
            Diagnostic("too-deep", "the pack's predicates nest too deeply to compile", where)
        ) from None
