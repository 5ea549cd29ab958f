"""Compile checked rules into Python closures.

Input: a :class:`~licensecheck.engine.rules.CheckedPack`. Output: a :class:`CompiledPack` whose
rules are plain closures ``fn(env) -> value`` over the three-valued domain (``True``,
``False``, :data:`UNKNOWN`, numbers, text, dates, durations, lists). No source is
generated and nothing is ``eval``-ed: each node kind maps to a closure built here, from the
building blocks of :mod:`.runtime` (which also holds :class:`Env` and :class:`Trace`).

The same closures run in two modes. Normally they only compute values. With tracing on
(``traced=True``) every node is wrapped so that its value, the declaration paths it read
and the list elements a quantifier visited are recorded in a :class:`Trace` tree, from
which :mod:`licensecheck.engine.evaluate` derives witnesses and ``explain`` shows a rule's
evaluation step by step.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import codes
from .._record import Record, set_field
from ..errors import Diagnostic, PackError, RuleRuntimeError, Span
from ..lang import nodes as n
from ..lang.operations import arithmetic, kind_of, runtime_error
from ..lang.values import UNKNOWN, Duration, type_name
from .codegen_tree import Outcomes, depends_only_on_today, path_steps
from .comparisons import OPERATORS, comparison, matches, variable_field_comparison
from .rules import CheckedPack, Rule
from .runtime import (
    ElementReplay,
    Env,
    Fn,
    LazyTraceNode,
    Loop,
    LoopScope,
    PathKey,
    fast_aggregate,
    fast_quantifier,
    filtered,
    fixed_path_reader,
    fold,
    for_witnesses,
    member,
    membership,
    memoised,
    negate,
    once_per_day,
    path_reader,
    traced,
    truth,
)

if TYPE_CHECKING:
    from .codegen import GeneratedPack
    from .codegen_elements import ElementLoop
    from .codegen_explain import Explainer

T = TypeVar("T")

# ---------------------------------------------------------------- compiler


class CompiledRule(Record):
    """A rule with its ``when`` and ``require`` compiled (a Record, not a frozen dataclass:
    built at every cold start, issue #12)."""

    __slots__ = ("require", "rule", "when")
    __match_args__ = ("rule", "when", "require")

    rule: Rule
    when: Fn | None
    require: Fn

    def __init__(self, rule: Rule, when: Fn | None, require: Fn) -> None:
        set_field(self, "rule", rule)
        set_field(self, "when", when)
        set_field(self, "require", require)


class _Compiler:
    def __init__(self, pack: CheckedPack, traced: bool) -> None:
        self.pack = pack
        self.traced = traced
        self.predicates: dict[str, Fn] = {}
        #: the untraced twin of a traced compiler (built when a loop first needs it)
        self.untraced: _Compiler | None = None

    def rule(self, rule: Rule) -> CompiledRule:
        when = self.expr(rule.when) if rule.when is not None else None
        return CompiledRule(rule, when, self.expr(rule.require))

    def expr(self, expr: n.Expr, bound: frozenset[str] = frozenset(), *, lazy: bool = True) -> Fn:
        fn = _COMPILERS[type(expr)](self, expr, bound)
        if self.traced:
            untraced = self._untraced(expr, bound) if lazy and self._worth_deferring(expr) else None
            return traced(expr, fn, untraced)
        if type(expr) in _ONCE_A_DAY and depends_only_on_today(expr, bound, self.pack):
            return once_per_day(fn)  # e.g. `today - 1 year` inside a loop over sources
        return fn

    def _worth_deferring(self, expr: n.Expr) -> bool:
        """Whether a lazy trace records ``expr``'s sub-evaluations only on demand: every
        node with parts, and paths read through a predicate (its body); not plain reads."""
        if isinstance(expr, n.Name | n.Attr | n.Index):
            base, _ = path_steps(expr)
            return isinstance(base, n.Name) and base.name in self.pack.predicates
        return not isinstance(expr, n.Literal_ | n.ListExpr)

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
                self.predicates[name] = body if self.traced else memoised(name, body)
            return self.predicates[name]
        return None

    # -- paths: a name followed by .field and [index] steps, read in one closure
    def _attr(self, expr: n.Attr, bound: frozenset[str]) -> Fn:
        return self._path(expr, bound)

    def _index(self, expr: n.Index, bound: frozenset[str]) -> Fn:
        return self._path(expr, bound)

    def _path(self, expr: n.Expr, bound: frozenset[str]) -> Fn:
        node, read = path_steps(expr)
        # a step is a key (text or a whole number, never a bool) or an index's expression
        fixed = all(type(step) is str or type(step) is int for step in read)
        if fixed and not self.traced and type(node) is n.Name:
            fast = self._fast_path(expr, node.name, tuple(read), bound)  # type: ignore[arg-type]
            if fast is not None:
                return fast
        steps = tuple(
            step if type(step) is str or type(step) is int else self.expr(step, bound)  # type: ignore[arg-type]
            for step in read
        )
        base, base_path = self._path_base(node, bound)
        return path_reader(expr, base, base_path, steps)

    def _fast_path(
        self, expr: n.Expr, name: str, keys: tuple[str | int, ...], bound: frozenset[str]
    ) -> Fn | None:
        """An untraced reader of a fixed path from a variable or a top-level field."""
        if name in bound:
            if not keys:
                return lambda e: e.vars[name]
            return fixed_path_reader(expr, keys, variable=name)
        special = self._const_or_predicate(name)
        if special is not None and not keys:
            # a const's or a predicate's closure read with no step: path_reader would only
            # call it (nor does a trace record a path for it)
            return special
        if special is not None or name == "today":
            return None
        return fixed_path_reader(expr, keys, field=name)

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

            def top_level(e: Env) -> Any:  # null is absent, as in every other reader
                value = e.root.get(name)
                return UNKNOWN if value is None else value

            return top_level, (lambda e: top)
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
                return negate(operand(e), expr)

            return not_field

        return lambda e: negate(operand(e), expr)

    def _boolop(self, expr: n.BoolOp, bound: frozenset[str]) -> Fn:
        left = self.expr(expr.left, bound)
        right = self.expr(expr.right, bound)
        if expr.op == "and":

            def and_(e: Env) -> Any:
                a = left(e)
                if a is False:
                    if e.trace is not None:
                        for_witnesses(right, e)
                    return False
                b = right(e)
                if b is False:
                    return False
                if a is True and b is True:
                    return True
                truth(a, expr.left, "'and'")
                truth(b, expr.right, "'and'")
                return UNKNOWN

            return and_

        def or_(e: Env) -> Any:
            a = left(e)
            if a is True:
                if e.trace is not None:
                    for_witnesses(right, e)
                return True
            b = right(e)
            if b is True:
                return True
            if a is False and b is False:
                return False
            truth(a, expr.left, "'or'")
            truth(b, expr.right, "'or'")
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
            return truth(c, expr.cond, "'if'")

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
            return matches(expr, left, right)
        field = self._variable_field(expr.left, bound)
        if field is not None and isinstance(expr.right, n.Literal_) and op in OPERATORS:
            fused = variable_field_comparison(expr, op, left, *field)
            if fused is not None:
                return fused
        return comparison(expr, op, left, right, fuse_constant=not self.traced)

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
                result = member(a, sorted(constant), expr)
                return (not result) if negate and result is not UNKNOWN else result

            return member_of_constant

        def membership_of(e: Env) -> Any:
            a = left(e)  # both sides in source order, so traces read left to right
            b = right(e)
            return membership(op, a, b, expr)

        return membership_of

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
    def _untraced(self, expr: n.Expr | None, bound: frozenset[str]) -> Fn | None:
        """``expr`` compiled without tracing, beside its traced closure: a traced loop
        computes each element's values with it (see :class:`~.runtime.ElementReplay`)."""
        if expr is None:
            return None
        if self.untraced is None:
            self.untraced = _Compiler(self.pack, traced=False)
        return self.untraced.expr(expr, bound)

    def _quantifier(self, expr: n.Quantifier, bound: frozenset[str]) -> Fn:
        # traced in full: Loop.bind takes the elements' base path from the trace's last read
        coll = self.expr(expr.collection, bound, lazy=False)
        inner = bound | {expr.var}
        filt = self.expr(expr.filter, inner) if expr.filter is not None else None
        body = self.expr(expr.body, inner)
        if not self.traced:
            return fast_quantifier(expr, coll, filt, body)
        loop = Loop(expr, coll, expr.var, _is_path(expr.collection))
        kind = expr.kind
        fast_filt = self._untraced(expr.filter, inner)
        fast_body = self._untraced(expr.body, inner)
        assert fast_body is not None

        def quantifier(e: Env) -> Any:
            items = loop.items(e)
            if items is UNKNOWN:
                return UNKNOWN
            # all: false once an element fails; any/none: decided once one qualifies
            decisive = kind != "all"
            saw_unknown = False
            decided = False
            scope = LoopScope(e, expr.var) if e.trace is not None and e.trace.lazy else None
            for _ in loop.bind(e, items):
                try:
                    b = _element_truth(e) if scope is None else _lazy_element(e, scope)
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

        def _element_truth(e: Env) -> Any:
            f = True if filt is None else truth(filt(e), expr, "'where'")
            if f is False:
                return kind == "all"  # filtered out: cannot decide
            return filtered(kind, f, truth(body(e), expr, f"'{kind}'"))

        lazy = _LazyElements(expr, (filt, body), (fast_filt, fast_body), f"'{kind}'")

        def _lazy_element(e: Env, scope: LoopScope) -> Any:
            """:func:`_element_truth` from the untraced closures (:class:`_LazyElements`)."""
            found = lazy.element(e, scope)
            if found is None:
                return _element_truth(e)
            f, b_value = found
            return kind == "all" if f is False else filtered(kind, f, b_value)

        return quantifier

    def _aggregate(self, expr: n.Aggregate, bound: frozenset[str]) -> Fn:
        coll = self.expr(expr.collection, bound, lazy=False)  # as in _quantifier
        inner = bound | {expr.var}
        filt = self.expr(expr.filter, inner) if expr.filter is not None else None
        body = self.expr(expr.body, inner) if expr.body is not None else None
        if not self.traced:
            return fast_aggregate(expr, coll, filt, body)
        loop = Loop(expr, coll, expr.var, _is_path(expr.collection))
        kind = expr.kind
        fast_filt = self._untraced(expr.filter, inner)
        fast_body = self._untraced(expr.body, inner)

        def aggregate(e: Env) -> Any:
            items = loop.items(e)
            if items is UNKNOWN:
                return UNKNOWN
            values: list[Any] = []
            saw_unknown = False
            scope = LoopScope(e, expr.var) if e.trace is not None and e.trace.lazy else None
            try:
                for item in loop.bind(e, items):
                    if scope is None:
                        f, value = _element_value(e, item)
                    else:
                        f, value = _lazy_element(e, item, scope)
                    if f is False:
                        continue
                    # unlike the untraced loop, go on past an unknown element: every element
                    # is shown
                    if f is UNKNOWN or value is UNKNOWN:
                        saw_unknown = True
                    else:
                        values.append(value)
            except RuleRuntimeError:
                if not saw_unknown:
                    raise
                # mistyped data past an unknown element, where the untraced loop stopped:
                # the value is the untraced one, and the elements shown end here
            if saw_unknown:
                return UNKNOWN
            if kind == "count":
                return len(values)
            return fold(kind, values, expr)

        def _element_value(e: Env, item: Any) -> tuple[Any, Any]:
            f = True if filt is None else truth(filt(e), expr, "'where'")
            if f is False:
                return f, None
            return f, item if body is None else body(e)

        lazy = _LazyElements(expr, (filt, body), (fast_filt, fast_body), None)

        def _lazy_element(e: Env, item: Any, scope: LoopScope) -> tuple[Any, Any]:
            """:func:`_element_value` from the untraced closures (:class:`_LazyElements`)."""
            found = lazy.element(e, scope)
            if found is None:
                return _element_value(e, item)
            f, b_value = found
            return f, item if f is False or body is None else b_value

        return aggregate


#: Each expression class's method of :class:`_Compiler` (``Literal_`` → ``_literal``): looked
#: up by exact type, once a node (node classes have no subclasses)
_COMPILERS: dict[type[n.Node], Callable[[_Compiler, Any, frozenset[str]], Fn]] = {
    cls: getattr(_Compiler, "_" + cls.__name__.rstrip("_").lower())
    for cls in typing.get_args(n.Expr)
}
#: The expressions whose value may depend on the assessment date alone
_ONCE_A_DAY = frozenset({n.Arith, n.Call, n.Neg})


class _LazyElements:
    """The elements of one traced loop (a quantifier's or an aggregate's) from the untraced
    closures of its filter and body, their nodes recorded with those values and replayed
    traced only when a reader asks. What does not change from element to element is worked
    out once, here: a loop may have thousands of elements."""

    __slots__ = ("body_truth", "exprs", "fast", "just_filter", "with_body")

    def __init__(
        self,
        expr: n.Quantifier | n.Aggregate,
        traced: tuple[Fn | None, Fn | None],
        untraced: tuple[Fn | None, Fn | None],
        body_truth: str | None,
    ) -> None:
        self.exprs = expr, expr.filter, expr.body
        self.fast = untraced
        self.body_truth = body_truth
        filt, body = traced
        #: the traced parts that run for an element whose filter is false, and for the
        #: others (the body too, if there is one): what one replay runs
        self.just_filter = (filt,) if filt is not None else ()
        self.with_body = (*self.just_filter, body) if body is not None else self.just_filter

    def element(self, e: Env, scope: LoopScope) -> tuple[Any, Any] | None:
        """The filter's truth and the body's value for the element bound now (None where the
        filter is false or there is no body; with ``body_truth``, a quantifier's, the body
        must be true or false). None when they raised: the loop then runs the element
        traced, with the steps as they were, to record what it read before the error."""
        trace, steps = e.trace, e.steps
        assert trace is not None and trace.current is not None
        expr, filter_expr, body_expr = self.exprs
        fast_filt, fast_body = self.fast
        e.trace = None
        try:
            f = f_value = True if fast_filt is None else fast_filt(e)
            if fast_filt is not None:
                f = truth(f_value, expr, "'where'")
            b_value = None if f is False or fast_body is None else fast_body(e)
            if self.body_truth is not None and f is not False:
                truth(b_value, expr, self.body_truth)
        except RuleRuntimeError:
            e.steps = steps
            return None
        finally:
            e.trace = trace
        parts = self.just_filter if f is False else self.with_body
        if parts:  # the nodes of what ran, their sub-evaluations from one replay of it
            replay = ElementReplay(scope, e, parts)
            children = trace.current.children
            if self.just_filter:
                children.append(LazyTraceNode(filter_expr, f_value, replay, 0))
            if len(parts) > len(self.just_filter):
                children.append(LazyTraceNode(body_expr, b_value, replay, len(parts) - 1))
        return f, b_value


def _is_path(expr: n.Expr) -> bool:
    while isinstance(expr, n.Attr | n.Index):
        expr = expr.obj
    return isinstance(expr, n.Name)


# ---------------------------------------------------------------- the compiled pack


def _element_loop(
    pack: CheckedPack, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
) -> ElementLoop:
    from .codegen_elements import element_loop

    return element_loop(pack, expr, bound)


def _explainer(pack: CheckedPack, expr: n.Expr, unknown: bool, typed: bool) -> Explainer | None:
    from .codegen_explain import generated_explainer

    return generated_explainer(pack, expr, unknown, typed)


#: Evaluations of a pack through its closures before its generated function is built: the
#: generator's one-off cost (about 1.5-2.5 ms a rule) against what each evaluation saves
#: (about 3-5 us a rule), so it pays after some 500 evaluations (bench/README.md).
GENERATE_AFTER = 1000


class CompiledPack(Record):
    """A checked pack's rules compiled to closures, and what is built from them on demand
    (traced rules, the generated function, values shared by all its assessments). Equal by
    the checked pack and its rules."""

    # a Record, not a frozen dataclass (built at every cold start, issue #12)
    __slots__ = ("_cold_runs", "_generated", "_shared", "_traced", "checked", "rules")
    __match_args__ = ("checked", "rules", "_traced", "_generated", "_cold_runs", "_shared")
    _compared = ("checked", "rules")
    _shown = ("checked", "rules")

    checked: CheckedPack
    rules: tuple[CompiledRule, ...]
    _traced: dict[str, CompiledRule]
    #: the generated function of these rules (typed variant or not: see
    #: :func:`~.codegen.generate_pack`), or the PackError generating it raised
    _generated: dict[bool, GeneratedPack | PackError]
    #: evaluations so far without the generated function (see :meth:`generated_when_warm`)
    _cold_runs: list[int]
    #: values built from the pack alone, once (see :meth:`shared`)
    _shared: dict[tuple[str, ...], Any]

    def __init__(self, checked: CheckedPack, rules: tuple[CompiledRule, ...]) -> None:
        set_field(self, "checked", checked)
        set_field(self, "rules", rules)
        set_field(self, "_traced", {})
        set_field(self, "_generated", {})
        set_field(self, "_cold_runs", [0])
        set_field(self, "_shared", {})

    def shared(self, key: tuple[str, ...], build: Callable[[], T]) -> T:
        """``build()``, made once per ``key`` for this pack and then shared: for immutable
        values that depend on the pack alone (a rule's finding when it passes, in a language)."""
        try:
            found: T = self._shared[key]
        except KeyError:
            found = self._shared[key] = build()
        return found

    def generated(self, outcomes: Outcomes, typed: bool = False) -> GeneratedPack:
        """The whole pack as one generated function (built on first use, in memory only);
        raises :class:`PackError` when the pack is beyond the generator's bounds."""
        if typed not in self._generated:
            # the generator (~12 ms of imports) loads only when a pack first runs warm: a
            # check of a few files never needs it
            from .codegen import generate_pack

            rules = tuple(c.rule for c in self.rules)
            try:
                self._generated[typed] = generate_pack(self.checked, rules, outcomes, typed=typed)
            except PackError as exc:
                self._generated[typed] = exc
        built = self._generated[typed]
        if isinstance(built, PackError):
            raise built
        return built

    def generated_when_warm(self, outcomes: Outcomes, typed: bool = False) -> GeneratedPack | None:
        """The generated function once this pack has been evaluated :data:`GENERATE_AFTER`
        times (or it was built already); None before, or when the pack is beyond the bounds.

        Generating costs about what 500 evaluations save, so a ``check`` of a few
        declarations keeps the closures and a batch or a server switches once it has paid."""
        if not self._generated:
            self._cold_runs[0] += 1
            if self._cold_runs[0] <= GENERATE_AFTER:
                return None
        try:
            return self.generated(outcomes, typed)
        except PackError:
            return None

    def part_closure(self, expr: n.Expr, bound: frozenset[str], *, traced: bool) -> Fn:
        """One part of a rule or predicate (``bound``: the loop variables in scope there)
        compiled on its own, traced or not, once: what an explanation without a trace
        evaluates (:mod:`.direct_explanation`)."""
        parts: dict[tuple[int, frozenset[str], bool], Fn] = self.shared(("parts",), dict)
        key = (id(expr), bound, traced)
        if key not in parts:
            # one compiler each way, so that the predicates each compiles are shared
            compilers: dict[bool, _Compiler] = self.shared(("part compilers",), dict)
            if traced not in compilers:
                compilers[traced] = _Compiler(self.checked, traced=traced)
            parts[key] = compilers[traced].expr(expr, bound)
        return parts[key]

    def element_loop(
        self, expr: n.Quantifier | n.Aggregate, bound: frozenset[str]
    ) -> ElementLoop | None:
        """The generated loop that gives an explanation every element of ``expr`` with its
        filter's and body's values (:mod:`.codegen_elements`), built once; None until this
        pack runs its generated code (a batch, a server: a check of a few declarations never
        loads the generator) and beyond the generator's bounds."""
        return self._built_when_warm("element loops", (id(expr), bound), _element_loop, expr, bound)

    def explainer(self, expr: n.Expr, unknown: bool, typed: bool = False) -> Explainer | None:
        """The generated explanation of ``expr``, a rule's ``when`` or ``require`` that came
        to false (``unknown``: to unknown) (:mod:`.codegen_explain`; ``typed``: for a
        declaration validated against this pack's schema), built once; None until this pack
        runs its generated code (as :meth:`element_loop`), for a part the generator does not
        write out, and beyond its bounds."""
        key = (id(expr), unknown, typed)
        return self._built_when_warm("explainers", key, _explainer, expr, unknown, typed)

    def _built_when_warm(
        self, table: str, key: tuple[Any, ...], build: Callable[..., T | None], *args: Any
    ) -> T | None:
        """``build(self.checked, *args)``, once per ``key`` of ``table``, once this pack runs
        its generated code (None before); None where it raises :class:`PackError` (beyond
        the generator's bounds). ``build`` imports the generator: a cold check never does."""
        if not self._generated:
            return None
        built: dict[tuple[Any, ...], T | None] = self.shared((table,), dict)
        if key not in built:
            try:
                built[key] = build(self.checked, *args)
            except PackError:
                built[key] = None
        return built[key]

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
            Diagnostic(codes.TOO_DEEP, "the pack's predicates nest too deeply to compile", where)
        ) from None
