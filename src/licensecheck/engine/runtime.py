"""What compiled rules run on: the evaluation state, the trace, and the closures' helpers.

Input: nothing at import; at run time, a declaration's data, a date and (when tracing) a
:class:`Trace`. Output: :class:`Env` (what one rule evaluation reads), :class:`Trace` and
:class:`TraceNode` (what it recorded), and the building blocks :mod:`.compile` assembles rules
from: three-valued logic (:func:`truth`, :func:`negate`, :func:`member`), the untraced hot
loops of quantifiers and aggregates with their step budget, and path readers (comparisons
are :mod:`.comparisons`').
Everything here is on the evaluation's fast path: names are read as module globals, and the
common cases are unrolled rather than abstracted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from .. import codes
from ..errors import Diagnostic, RuleRuntimeError
from ..lang import nodes as n
from ..lang.operations import (
    arithmetic,
    kind_of,
    ordered,
    runtime_error,
    values_equal,
)
from ..lang.values import UNKNOWN, type_name
from ..sources.limits import current_limits

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


class TraceNode:
    """One evaluated sub-expression: its value, what it read (``path``: for path
    expressions, the concrete declaration path read), and its sub-evaluations; for an
    element mark inside a quantifier, ``element`` is the element's path and value.
    Slotted: a traced run records one for every part it evaluates."""

    __slots__ = ("children", "element", "expr", "path", "value")

    def __init__(
        self,
        expr: n.Expr | None,
        value: Any = UNKNOWN,
        path: PathKey | None = None,
        children: list[TraceNode] | None = None,
        element: tuple[PathKey | None, Any] | None = None,
    ) -> None:
        self.expr = expr
        self.value = value
        self.path = path
        self.children = [] if children is None else children
        self.element = element


class Trace:
    """What a traced run recorded (a plain class: a dataclass cost ~0.3 ms to build at every
    cold start, issue #12; traces are compared by identity)."""

    __slots__ = ("current", "last_path", "lazy", "predict", "root")

    def __init__(self, *, lazy: bool = True, predict: bool = False) -> None:
        self.root: TraceNode = TraceNode(None)
        self.current: TraceNode | None = self.root
        self.last_path: PathKey | None = None
        #: build a node's sub-evaluations only when a reader asks for them (witnesses look
        #: at the deciding parts and a few offending elements); False records everything
        #: (``explain``)
        self.lazy = lazy
        #: with ``lazy``: record at once the parts that come out unknown or false, which an
        #: explanation walks into; only the others wait for a reader
        self.predict = predict


class LazyTraceNode(TraceNode):
    """A node of a lazy trace (a sub-expression with parts, or a list element's filter or
    body): its value is known (its untraced twin computed it); its sub-evaluations and the
    path it read are built by replaying it traced, on first read."""

    __slots__ = ("_index", "_replay")

    def __init__(
        self, expr: n.Expr | None, value: Any, replay: ElementReplay | NodeReplay, index: int
    ) -> None:
        self.expr = expr
        self.value = value
        self.element = None
        self._replay = replay
        self._index = index

    @property
    def expanded(self) -> bool:
        """Whether the node has been replayed (someone read its sub-evaluations or path)."""
        return self._replay.replayed

    @property
    def children(self) -> list[TraceNode]:
        return self._replay.node(self._index).children

    @children.setter
    def children(self, children: list[TraceNode]) -> None:
        self._replay.node(self._index).children = children

    @property
    def path(self) -> PathKey | None:
        return self._replay.node(self._index).path

    @path.setter
    def path(self, path: PathKey | None) -> None:
        self._replay.node(self._index).path = path


class LoopScope:
    """What a loop's elements are replayed under: the evaluation's state when the loop began
    (copied once per loop: the bindings change as the loop and its callers move on)."""

    __slots__ = ("max_steps", "paths", "root", "today", "var", "vars")

    def __init__(self, e: Env, var: str) -> None:
        self.root, self.today, self.max_steps = e.root, e.today, e.max_steps
        self.vars = e.vars.copy()
        self.paths = e.paths.copy()
        self.var = var


class ElementReplay:
    """One list element's traced filter and body, run once when first asked for, with the
    loop's variable bound to the element again."""

    __slots__ = ("_nodes", "_parts", "_path", "_scope", "_value")

    def __init__(self, scope: LoopScope, e: Env, parts: tuple[Fn, ...]) -> None:
        self._scope = scope
        self._value = e.vars[scope.var]
        self._path = e.paths.get(scope.var)
        self._parts = parts
        self._nodes: list[TraceNode] | None = None

    @property
    def replayed(self) -> bool:
        return self._nodes is not None

    def node(self, index: int) -> TraceNode:
        if self._nodes is None:
            scope = self._scope
            trace = Trace()
            variables = {**scope.vars, scope.var: self._value}
            paths = {**scope.paths, scope.var: self._path}
            _run_traced(
                trace, scope.root, scope.today, scope.max_steps, variables, paths, self._parts
            )
            self._nodes = trace.root.children
        nodes = self._nodes
        return nodes[index] if index < len(nodes) else TraceNode(None)


class NodeReplay:
    """One node's traced evaluation, run once when first asked for, under the bindings it
    had (the sub-evaluations of a lazy node; theirs are lazy in turn)."""

    __slots__ = ("_expr", "_inner", "_node", "_paths", "_root", "_steps", "_today", "_vars")

    def __init__(self, e: Env, expr: n.Expr, inner: Fn) -> None:
        self._root, self._today, self._steps = e.root, e.today, e.max_steps
        self._vars = e.vars.copy() if e.vars else None
        self._paths = e.paths.copy() if e.paths else None
        self._expr = expr
        self._inner = inner
        self._node: TraceNode | None = None

    @property
    def replayed(self) -> bool:
        return self._node is not None

    def node(self, index: int) -> TraceNode:
        if self._node is None:
            trace = Trace()
            trace.current = node = TraceNode(self._expr)
            variables, paths = self._vars or {}, self._paths or {}
            _run_traced(
                trace, self._root, self._today, self._steps, variables, paths, (self._inner,)
            )
            self._node = node
        return self._node


def _run_traced(
    trace: Trace,
    root: dict[str, Any],
    today: dt.date,
    max_steps: int,
    variables: dict[str, Any],
    paths: dict[str, PathKey | None],
    parts: tuple[Fn, ...],
) -> None:
    """A replay: ``parts`` run traced into ``trace`` under the bindings they had. Their
    untraced twins gave their values without an error, so these run without one too (bar
    an aggregate going past an unknown element to show them all); should one not, its
    partial trace is what there is to show."""
    env = Env(root, today, trace=trace, max_steps=max_steps)
    env.vars, env.paths = variables, paths
    with contextlib.suppress(RuleRuntimeError):
        for part in parts:
            part(env)


def memoised(name: str, fn: Fn) -> Fn:
    def predicate(e: Env) -> Any:
        value = e.memo.get(name, _UNSET)
        if value is _UNSET:
            value = e.memo[name] = fn(e)
        return value

    return predicate


def once_per_day(fn: Fn) -> Fn:
    """Memoise a value that depends only on the assessment date."""
    memo: list[tuple[dt.date | None, Any]] = [(None, None)]

    def cached(e: Env) -> Any:
        day, value = memo[0]  # one tuple, so concurrent readers never see a torn pair
        if day != e.today:
            value = fn(e)
            memo[0] = (e.today, value)
        return value

    return cached


def traced(expr: n.Expr, inner: Fn, untraced: Fn | None = None) -> Fn:
    """``inner`` recording a node for ``expr``. In a lazy trace, with ``untraced`` (the same
    expression compiled without tracing), the node holds the value ``untraced`` gives and
    records its sub-evaluations only when a reader asks (see :class:`NodeReplay`)."""

    def run(e: Env) -> Any:
        trace = e.trace
        if trace is None:
            return inner(e)
        parent = trace.current
        assert parent is not None
        if untraced is not None and trace.lazy:
            steps = e.steps
            e.trace = None
            try:
                value = untraced(e)
            except RuleRuntimeError:  # recorded eagerly: what was read before the error
                e.steps = steps
            else:
                if not (trace.predict and (value is UNKNOWN or value is False)):
                    replay = NodeReplay(e, expr, inner)
                    parent.children.append(LazyTraceNode(expr, value, replay, 0))
                    return value
                e.steps = steps  # to be read: recorded now, from the start
            finally:
                e.trace = trace
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


def member(item: Any, items: Any, node: n.Node) -> Any:
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


def membership(op: str, a: Any, b: Any, node: n.Node) -> Any:
    """``in``, ``not in`` and ``contains`` once both sides are evaluated."""
    if op != "contains":
        result = member(a, b, node)
        return (not result) if op == "not in" and result is not UNKNOWN else result
    if type(a) is str:
        if b is UNKNOWN:
            return UNKNOWN
        if type(b) is not str:
            raise runtime_error(f"text cannot contain {type_name(b)}", node)
        return b in a
    return member(b, a, node)


def negate(value: Any, node: n.Node) -> Any:
    if value is True:
        return False
    if value is False:
        return True
    return truth(value, node, "'not'")


def for_witnesses(fn: Fn, e: Env) -> None:
    """When tracing, evaluate a side that short-circuiting skipped, so every failing part of
    an `and` is reported at once; the result is already decided, so errors are ignored."""
    with contextlib.suppress(RuleRuntimeError):
        fn(e)


def truth(value: Any, node: n.Node, what: str) -> Any:
    if value is True or value is False or value is UNKNOWN:
        return value
    raise runtime_error(f"{what} needs true/false, got {type_name(value)}", node)


# ---------------------------------------------------------------- loops (quantifiers, aggregates) and the step budget


def filtered(kind: str, f: Any, b: Any) -> Any:
    """An element's contribution when its filter is ``f`` (not false) and its body ``b``."""
    if f is UNKNOWN:  # all ≡ not F or B;  any/none ≡ F and B  (Kleene)
        if kind == "all":
            return True if b is True else UNKNOWN
        return False if b is False else UNKNOWN
    return b


#: How often an evaluation in this process has run out of its step budget (see
#: :func:`budget_runs_out`)
_BUDGET_RUN_OUT = [0]


def budget_runs_out() -> int:
    """How many times a rule evaluation in this process has run out of its step budget so
    far: two ways of tracing a rule spend steps differently, so where one of them may have
    stopped short, their traces may differ (the explanation then takes the reference way)."""
    return _BUDGET_RUN_OUT[0]


def _charge(e: Env, steps: int, node: n.Node) -> None:
    e.steps += steps
    if e.steps > e.max_steps:
        _BUDGET_RUN_OUT[0] += 1
        raise BudgetExceeded(
            Diagnostic(
                codes.BUDGET, f"the rule visited more than {e.max_steps} list elements", node.span
            )
        )


def _collection(items: Any, node: n.Quantifier | n.Aggregate) -> None:
    if type(items) is not list:
        raise runtime_error(f"'{node.kind}' needs a list, got {type_name(items)}", node)


def fast_quantifier(expr: n.Quantifier, coll: Fn, filt: Fn | None, body: Fn) -> Fn:
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
                    if f is not True:  # a filter that is not true or false errs before the body
                        truth(f, expr, "'where'")  # (as in a traced run and an aggregate)
                    b = body(e)
                    if f is not True:
                        b = filtered(kind, f, truth(b, expr, what))
                if b is decisive:
                    decided = True
                    break
                if b is not True and b is not False:
                    truth(b, expr, what)  # raises unless b is UNKNOWN
                    saw_unknown = True
        finally:
            _restore(variables, var, saved)
        result = decisive if decided else (UNKNOWN if saw_unknown else not decisive)
        return (not result) if kind == "none" and result is not UNKNOWN else result

    return quantifier


def fast_aggregate(expr: n.Aggregate, coll: Fn, filt: Fn | None, body: Fn | None) -> Fn:
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
                        truth(f, expr, "'where'")  # raises unless f is UNKNOWN
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
        return len(values) if kind == "count" else fold(kind, values, expr)

    return aggregate


def _restore(variables: dict[str, Any], var: str, saved: Any) -> None:
    if saved is _UNSET:
        variables.pop(var, None)
    else:
        variables[var] = saved


class Loop:
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


def fold(kind: str, values: Sequence[Any], node: n.Node) -> Any:
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


# ---------------------------------------------------------------- paths


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


def fixed_path_reader(
    expr: n.Expr,
    keys: tuple[str | int, ...],
    *,
    variable: str | None = None,
    field: str | None = None,
) -> Fn:
    """Read fixed keys below a quantifier variable or a top-level field, without tracing:
    the hot path of every rule, so the common one- and two-key reads are unrolled. The rest
    go to :func:`read_keys`, a plain function, not a helper closure made with each reader:
    a compile makes a reader a path."""
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
            return read_keys(value, keys, 0, expr)

        return variable_field
    if variable is not None and two_keys:

        def variable_two_keys(e: Env) -> Any:
            value = e.vars[variable]
            if type(value) is dict:
                value = value.get(k1)
                if type(value) is dict:
                    value = value.get(k2)
                    return UNKNOWN if value is None else value
                return read_keys(value, keys, 1, expr)
            return read_keys(value, keys, 0, expr)

        return variable_two_keys
    if variable is not None:
        return lambda e: read_keys(e.vars[variable], keys, 0, expr)
    assert field is not None
    if one_key:

        def field_key(e: Env) -> Any:
            value = e.root.get(field)
            if type(value) is dict:
                value = value.get(k1)
                return UNKNOWN if value is None else value
            return read_keys(value, keys, 0, expr)

        return field_key
    if two_keys:

        def field_two_keys(e: Env) -> Any:
            value = e.root.get(field)
            if type(value) is dict:
                value = value.get(k1)
                if type(value) is dict:
                    value = value.get(k2)
                    return UNKNOWN if value is None else value
                return read_keys(value, keys, 1, expr)
            return read_keys(value, keys, 0, expr)

        return field_two_keys
    return lambda e: read_keys(e.root.get(field), keys, 0, expr)


def read_keys(value: Any, keys: tuple[str | int, ...], position: int, expr: n.Expr) -> Any:
    """The rest of a fixed path's read from ``keys[position]`` on, one step at a time: the
    slow path of the readers of :func:`fixed_path_reader` (they unroll only the common case)
    and of generated code's inline ``dict.get`` (``_rest``)."""
    for key in keys[position:]:
        if value is None or value is UNKNOWN:
            return UNKNOWN
        value = (
            value.get(key) if type(value) is dict and type(key) is str else _step(value, key, expr)
        )
    return UNKNOWN if value is None else value


def path_reader(
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

    # with no index expression, every step is a key (text or a whole number, never a bool)
    fixed_keys = tuple(s for s in steps if not callable(s)) if static else None

    def _read_traced(e: Env, value: Any) -> Any:
        trace = e.trace
        assert trace is not None
        if fixed_keys is not None:
            keys: tuple[str | int, ...] = fixed_keys
            for key in keys:
                if value is UNKNOWN:
                    break
                value = _step(value, key, expr)
        else:
            found: list[str | int] = []
            for step in steps:
                key = step(e) if callable(step) else step
                if isinstance(key, str | int) and not isinstance(key, bool):
                    found.append(key)
                if value is not UNKNOWN:
                    value = _step(value, key, expr)
            keys = tuple(found)  # truncated where a dynamic index was unknown
        prefix = base_path(e)
        if prefix is not None:
            path = prefix + keys
            trace.last_path = path
            if trace.current is not None and trace.current.expr is expr:
                trace.current.path = path
        return value

    return read
