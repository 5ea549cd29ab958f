"""The declaration paths that decided a traced run: its trace reduced, with Kleene logic, to
raw witnesses (a path, what it held, what the rule needed there), before they are placed in
their file.

Input: the :class:`~.runtime.Trace` of a rule run traced (lazily or in full). Output:
:class:`RawWitness` tuples, at most :data:`MAX_WITNESSES`: for each part that made the rule
come out as it did, the paths it read, walking into ``not``, ``and``/``or``, comparisons,
quantifiers' offending elements, aggregates' counted elements and absent values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..lang import nodes as n
from ..lang.printer import (
    FLIPPED_OPERATORS,
    NEGATED_OPERATORS,
    Level,
    expression_text,
    literal_text,
)
from ..lang.values import UNKNOWN, display
from .runtime import PathKey, Trace, TraceNode

MAX_WITNESSES = 50
MAX_ELEMENTS_EXPLAINED = 5


class RawWitness(NamedTuple):  # a tuple: made for every path an explanation visits
    path: PathKey | None
    actual: Any
    expected: str | None


def explained(trace: Trace | None) -> list[RawWitness]:
    """The witnesses of a traced run (``trace``: None for an untraced one, which has none)."""
    if trace is None or not trace.root.children:
        return []
    decided = trace.root.children[-1]  # `when` (if it decided) or `require`
    # one witness per place and value: several tests of one value (a threshold per tier)
    # become one line whose expectation lists them all, not the same line once per test
    merged: dict[tuple[Any, ...], list[RawWitness]] = {}
    for w in _explain(decided, True):
        if w.path is None:
            continue
        group = merged.setdefault((w.path, _same_value_key(w.actual)), [])
        if all(other.expected != w.expected for other in group):
            group.append(w)
        if len(merged) > MAX_WITNESSES:
            break
    return [_joined(group) for group in merged.values()][:MAX_WITNESSES]


def _same_value_key(actual: Any) -> Any:
    try:
        hash(actual)
    except TypeError:
        return repr(actual)
    return actual


def _joined(group: list[RawWitness]) -> RawWitness:
    expected = [w.expected for w in group if w.expected]
    return RawWitness(group[0].path, group[0].actual, "; ".join(expected) or None)


def _explain(node: TraceNode, want: bool) -> Iterator[RawWitness]:
    """The declaration paths that made ``node`` come out other than ``want``."""
    value = node.value
    if value is UNKNOWN:
        yield from _absent(node)
        return
    expr = node.expr
    kids = [c for c in node.children if c.element is None]
    if isinstance(expr, n.Not):
        yield from _explain(kids[0], not want)
    elif isinstance(expr, n.BoolOp):
        for child in kids:  # the parts that decided it; an unknown part did not
            if child.value is (not want):
                yield from _explain(child, want)
    elif isinstance(expr, n.Compare):
        yield from _compare_witness(node, want)
    elif isinstance(expr, n.Quantifier):
        yield from _quantifier_witness(node, want)
    elif isinstance(expr, n.If) and kids:
        chosen = kids[1] if kids[0].value is True else kids[-1]
        yield from _explain(chosen, want)
    elif isinstance(expr, n.Call) and expr.func == "declared":
        target = first_path_read(kids[0]) if kids else None
        if target is not None:
            yield RawWitness(target.path, target.value, "declared" if want else "not declared")
    elif node.path is not None and not kids:
        yield RawWitness(node.path, value, literal_text(want))
    elif kids:  # a predicate or a path through one: explain its body
        yield from _explain(kids[-1], want)


def _absent(node: TraceNode) -> Iterator[RawWitness]:
    """Declaration paths read as absent somewhere below an unknown result."""
    if node.path is not None and node.value is UNKNOWN and not node.children:
        yield RawWitness(node.path, UNKNOWN, None)
        return
    if isinstance(node.expr, n.Coalesce):
        return  # `??` supplied a default: the absence did not matter
    for child in node.children:
        # an unknown part, or a list literal holding one (x in [a.b, 5])
        holds_unknown = isinstance(child.value, list) and any(v is UNKNOWN for v in child.value)
        if child.element is None and (child.value is UNKNOWN or holds_unknown):
            yield from _absent(child)
    if node.path is not None and node.value is UNKNOWN and node.children:
        # a path whose base read was absent part-way (e.g. x.a.b with x.a missing)
        yield RawWitness(node.path, UNKNOWN, None)


def first_path_read(node: TraceNode) -> TraceNode | None:
    if node.path is not None:
        return node
    for child in node.children:
        if child.element is None:
            found = first_path_read(child)
            if found is not None:
                return found
    return None


def _compare_witness(node: TraceNode, want: bool) -> Iterator[RawWitness]:
    expr = node.expr
    assert isinstance(expr, n.Compare)
    kids = [c for c in node.children if c.element is None]
    if len(kids) < 2:
        return
    left, right = kids[0], kids[1]
    subject, other, other_expr = left, right, expr.right
    op: str = expr.op
    if first_path_read(left) is None and first_path_read(right) is not None:
        subject, other, other_expr = right, left, expr.left
        op = FLIPPED_OPERATORS.get(op, op)
        if op in ("in", "not in", "contains"):
            op = {"in": "contains", "not in": "does not contain", "contains": "in"}[op]
    if not want:
        op = NEGATED_OPERATORS.get(op, f"not {op}")
    expected = f"{op} {_value_text(other_expr, other.value)}"
    if isinstance(subject.expr, n.Aggregate):
        yield from _aggregate_witness(subject, expected)
        return
    target = subject if subject.path is not None else first_path_read(subject)
    if target is None:
        return
    if target is subject:
        yield RawWitness(target.path, subject.value, expected)
    elif isinstance(subject.expr, n.Coalesce) and target.value is UNKNOWN:
        yield RawWitness(
            target.path, _Text(f"not declared (default {display(subject.value)})"), expected
        )
    else:  # a computed value (date + 1 year, len(x), …): show the declared value and the whole test
        assert subject.expr is not None
        yield RawWitness(
            target.path,
            target.value,
            f"{expression_text(subject.expr, limit=80, within=Level.ADD)} {expected}",
        )


def _value_text(expr: n.Expr, value: Any) -> str:
    source = expression_text(expr, limit=60)
    if isinstance(expr, n.Literal_ | n.ListExpr):
        return source
    shown = display(value)
    return source if shown == source else f"{source} ({shown})"


def _aggregate_witness(node: TraceNode, expected: str) -> Iterator[RawWitness]:
    coll = next((c for c in node.children if c.element is None), None)
    if coll is not None and coll.path is not None:
        yield RawWitness(coll.path, node.value, expected)
    for element, children in trace_elements(node):
        if all(c.value is True for c in children[:1]) and element.path is not None:
            yield RawWitness(element.path, _label_value(element.value), "counted")


def _label_value(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id") or value.get("name") or "{…}"
    return value


def trace_elements(node: TraceNode) -> Iterator[tuple[TraceNode, list[TraceNode]]]:
    """Pairs (element mark, the sub-evaluations made for that element)."""
    current: TraceNode | None = None
    group: list[TraceNode] = []
    for child in node.children:
        if child.element is not None:
            if current is not None:
                yield current, group
            current, group = child, []
        elif current is not None:
            group.append(child)
    if current is not None:
        yield current, group


def _quantifier_witness(node: TraceNode, want: bool) -> Iterator[RawWitness]:
    expr = node.expr
    assert isinstance(expr, n.Quantifier)
    has_filter = expr.filter is not None
    # the body must hold (all) or must not hold (none) for each element; `any` needs one
    body_want = want if expr.kind != "none" else not want
    # which body value made the quantifier come out as it did (the opposite of body_want)
    offending_value = not body_want if expr.kind != "any" else True
    offenders = []
    for element, children in trace_elements(node):
        filt = children[0] if has_filter and children else None
        body = children[-1] if children and (not has_filter or len(children) > 1) else None
        if body is None or (filt is not None and filt.value is False):
            continue
        if body.value is offending_value and (expr.kind != "any" or not want):
            offenders.append((element, body))
    if (expr.kind == "any" and want) or (expr.kind == "all" and not want):
        coll = next((c for c in node.children if c.element is None), None)
        count = sum(1 for _ in trace_elements(node))
        if coll is not None and coll.path is not None:
            quality = "qualifies" if expr.kind == "any" else "fails"
            actual = (
                "an empty list"
                if count == 0
                else f"{count} element{'s' if count != 1 else ''}, none {quality}"
            )
            condition = expression_text(expr.body, limit=100)
            needed = (
                f"at least one {expr.var} where {condition}"
                if want
                else f"some {expr.var} where not ({condition})"
            )
            yield RawWitness(coll.path, _Text(actual), needed)
        if expr.kind == "any" and want:  # why each element fell short (the first few)
            for _element, children in list(trace_elements(node))[:MAX_ELEMENTS_EXPLAINED]:
                body = children[-1] if children else None
                if (
                    body is not None
                    and body.value is False
                    and (not has_filter or children[0].value is True)
                ):
                    yield from _explain(body, True)
        return
    for element, body in offenders:
        inner = list(_explain(body, body_want if expr.kind != "any" else False))
        if inner:
            yield from inner
        elif element.path is not None:
            yield RawWitness(
                element.path,
                _label_value(element.value),
                f"{'not ' if not body_want else ''}{expression_text(expr.body, limit=100)}",
            )


class _Text(str):
    """Already-rendered text for a witness's ``actual`` (shown without quotes)."""


def display_actual(value: Any) -> str:
    """A witness's ``actual`` as a report shows it."""
    return str(value) if isinstance(value, _Text) else display(value)
