"""The declaration paths that decided a traced run: its trace reduced, with Kleene logic, to
raw witnesses (a path, what it held, what the rule needed there), before they are placed in
their file.

Input: the :class:`~.runtime.Trace` of a rule run traced (lazily or in full). Output:
:class:`RawWitness` tuples, at most :data:`MAX_WITNESSES`: for each part that made the rule
come out as it did, the paths it read, walking into ``not``, ``and``/``or``, comparisons,
quantifiers' offending elements, aggregates' counted elements and absent values.

What a comparison, a quantifier or an aggregate shows (:func:`compared`,
:func:`side_witness`, :func:`quantified`, :func:`counted`) is worked out from their parts'
values alone, so :mod:`.direct_explanation`, which explains a rule without a trace, reasons
through the same functions; :func:`merged` cuts both to the same witnesses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
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


class Unexpected(Exception):
    """Raised by a generated explanation (:mod:`.codegen_explain`) that meets what a failing
    rule does not imply (an unknown part where a false one was due): the rule is then
    explained the direct way (:mod:`.direct_explanation`)."""


class RawWitness(NamedTuple):  # a tuple: made for every path an explanation visits
    path: PathKey | None
    actual: Any
    expected: str | None


def explained(trace: Trace | None) -> list[RawWitness]:
    """The witnesses of a traced run (``trace``: None for an untraced one, which has none)."""
    if trace is None or not trace.root.children:
        return []
    decided = trace.root.children[-1]  # `when` (if it decided) or `require`
    return merged(explain_node(decided, True))


def merged(found: Iterable[RawWitness]) -> list[RawWitness]:
    """The witnesses an explanation ``found`` (read only as far as needed), at most
    :data:`MAX_WITNESSES`: one per place and value, so that several tests of one value (a
    threshold per tier) become one line whose expectation lists them all, not the same line
    once per test."""
    if type(found) is list and len(found) == 1:  # most gaps of a generated explanation
        (w,) = found
        if w.path is not None and w.expected != "":
            return [w]
    groups: dict[tuple[Any, ...], list[RawWitness]] = {}
    for w in found:
        if w.path is None:
            continue
        key = (w.path, w.actual)
        try:
            group = groups.get(key)
        except TypeError:  # a list or a mapping: by its text
            key = (w.path, repr(w.actual))
            group = groups.get(key)
        if group is None:
            groups[key] = [w]
            if len(groups) > MAX_WITNESSES:
                break
        elif all(other.expected != w.expected for other in group):
            group.append(w)
    # most places are tested once: their witness stands as it is
    return [
        group[0] if len(group) == 1 and group[0].expected != "" else _joined(group)
        for group in groups.values()
    ][:MAX_WITNESSES]


def _joined(group: list[RawWitness]) -> RawWitness:
    expected = [w.expected for w in group if w.expected]
    return RawWitness(group[0].path, group[0].actual, "; ".join(expected) or None)


def explain_node(node: TraceNode, want: bool) -> Iterator[RawWitness]:
    """The declaration paths that made ``node`` come out other than ``want``."""
    value = node.value
    if value is UNKNOWN:
        yield from absent_within(node)
        return
    expr = node.expr
    kids = [c for c in node.children if c.element is None]
    if isinstance(expr, n.Not):
        yield from explain_node(kids[0], not want)
    elif isinstance(expr, n.BoolOp):
        for child in kids:  # the parts that decided it; an unknown part did not
            if child.value is (not want):
                yield from explain_node(child, want)
    elif isinstance(expr, n.Compare):
        yield from _compare_witness(node, want)
    elif isinstance(expr, n.Quantifier):
        yield from _quantifier_witness(node, want)
    elif isinstance(expr, n.If) and kids:
        chosen = kids[1] if kids[0].value is True else kids[-1]
        yield from explain_node(chosen, want)
    elif isinstance(expr, n.Call) and expr.func == "declared":
        target = first_path_read(kids[0]) if kids else None
        if target is not None:
            yield RawWitness(target.path, target.value, "declared" if want else "not declared")
    elif node.path is not None and not kids:
        yield RawWitness(node.path, value, literal_text(want))
    elif kids:  # a predicate or a path through one: explain its body
        yield from explain_node(kids[-1], want)


def absent_within(node: TraceNode) -> Iterator[RawWitness]:
    """Declaration paths read as absent somewhere below an unknown result."""
    if node.path is not None and node.value is UNKNOWN and not node.children:
        yield RawWitness(node.path, UNKNOWN, None)
        return
    if isinstance(node.expr, n.Coalesce):
        return  # `??` supplied a default: the absence did not matter
    for child in node.children:
        if child.element is None and unknown_within(child.value):
            yield from absent_within(child)
    if node.path is not None and node.value is UNKNOWN and node.children:
        # a path whose base read was absent part-way (e.g. x.a.b with x.a missing)
        yield RawWitness(node.path, UNKNOWN, None)


def unknown_within(value: Any) -> bool:
    """Whether a part that gave ``value`` is walked into for the absent values below an
    unknown result: it is unknown, or a list holding an unknown (x in [a.b, 5])."""
    return value is UNKNOWN or (isinstance(value, list) and any(v is UNKNOWN for v in value))


def first_path_read(node: TraceNode) -> TraceNode | None:
    if node.path is not None:
        return node
    for child in node.children:
        if child.element is None:
            found = first_path_read(child)
            if found is not None:
                return found
    return None


class Element(NamedTuple):
    """One list element a quantifier or an aggregate visited: its path and value, its
    filter's value (None without a filter) and its body's value (None where the body did not
    run, or there is none)."""

    path: PathKey | None
    value: Any
    filter: Any
    body: Any


#: An :class:`Element` from a tuple of its fields, without the named tuple's keyword handling
#: (one is made for every element a loop visits, by the closures or generated code)
new_element = functools.partial(tuple.__new__, Element)


class Side(NamedTuple):
    """One side of a comparison as an explanation sees it: its expression and value, the
    path it read itself (a path expression) and the first declaration path read within it,
    with that path's value."""

    expr: n.Expr
    value: Any
    path: PathKey | None
    first_read: tuple[PathKey, Any] | None


def _side(node: TraceNode) -> Side:
    assert node.expr is not None
    first = first_path_read(node)
    read = (first.path, first.value) if first is not None and first.path is not None else None
    return Side(node.expr, node.value, node.path, read)


def _compare_witness(node: TraceNode, want: bool) -> Iterator[RawWitness]:
    expr = node.expr
    assert isinstance(expr, n.Compare)
    kids = [c for c in node.children if c.element is None]
    if len(kids) < 2:
        return
    left, right = kids[0], kids[1]
    swapped, expected = compared(expr, want, _side(left), _side(right))
    subject = right if swapped else left
    if isinstance(subject.expr, n.Aggregate):
        yield from _aggregate_witness(subject, expected)
        return
    yield from side_witness(_side(subject), expected)


def compared(expr: n.Compare, want: bool, left: Side, right: Side) -> tuple[bool, str]:
    """Which side of ``expr`` a witness shows (True: the right, the only one that reads the
    declaration) and what the rule needed of it (``want``: whether it had to hold)."""
    swapped = left.first_read is None and right.first_read is not None
    other = left if swapped else right
    op: str = expr.op
    if swapped:
        op = FLIPPED_OPERATORS.get(op, op)
        if op in ("in", "not in", "contains"):
            op = {"in": "contains", "not in": "does not contain", "contains": "in"}[op]
    if not want:
        op = NEGATED_OPERATORS.get(op, f"not {op}")
    return swapped, f"{op} {_value_text(other.expr, other.value)}"


def side_witness(subject: Side, expected: str) -> Iterator[RawWitness]:
    """The witness of a comparison's ``subject`` (not an aggregate) that had to be
    ``expected``: the path it read, or the first one read within it."""
    if subject.path is not None:
        yield RawWitness(subject.path, subject.value, expected)
        return
    if subject.first_read is None:
        return
    path, value = subject.first_read
    if isinstance(subject.expr, n.Coalesce) and value is UNKNOWN:
        yield RawWitness(path, _Text(f"not declared (default {display(subject.value)})"), expected)
    else:  # a computed value (date + 1 year, len(x), …): show the declared value and the whole test
        yield RawWitness(
            path, value, f"{expression_text(subject.expr, limit=80, within=Level.ADD)} {expected}"
        )


def _value_text(expr: n.Expr, value: Any) -> str:
    source = expression_text(expr, limit=60)
    if isinstance(expr, n.Literal_ | n.ListExpr):
        return source
    shown = display(value)
    return source if shown == source else f"{source} ({shown})"


def _aggregate_witness(node: TraceNode, expected: str) -> Iterator[RawWitness]:
    assert isinstance(node.expr, n.Aggregate)
    coll = next((c for c in node.children if c.element is None), None)
    elements, _ = _visited(node, node.expr)
    yield from counted(
        node.expr, None if coll is None else coll.path, node.value, expected, elements
    )


def counted(
    expr: n.Aggregate,
    coll_path: PathKey | None,
    value: Any,
    expected: str,
    elements: Sequence[Element],
) -> Iterator[RawWitness]:
    """The witnesses of an aggregate that had to be ``expected`` (and came to ``value``):
    its collection, and each element it counted (its filter held, or it has none)."""
    if coll_path is not None:
        yield RawWitness(coll_path, value, expected)
    for element in elements:
        first = element.filter if expr.filter is not None else element.body
        if (first is None or first is True) and element.path is not None:
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
    elements, bodies = _visited(node, expr)
    coll = next((c for c in node.children if c.element is None), None)

    def explain_body(index: int, body_want: bool) -> Iterator[RawWitness]:
        body = bodies[index]
        assert body is not None
        return explain_node(body, body_want)

    yield from quantified(expr, want, None if coll is None else coll.path, elements, explain_body)


def _visited(
    node: TraceNode, expr: n.Quantifier | n.Aggregate
) -> tuple[list[Element], list[TraceNode | None]]:
    """The elements a traced loop recorded, and each one's body node (None where it has none)."""
    has_filter = expr.filter is not None
    elements: list[Element] = []
    bodies: list[TraceNode | None] = []
    for element, children in trace_elements(node):
        filt = children[0] if has_filter and children else None
        body = children[-1] if children and (not has_filter or len(children) > 1) else None
        bodies.append(body)
        elements.append(
            Element(
                element.path,
                element.value,
                None if filt is None else filt.value,
                None if body is None else body.value,
            )
        )
    return elements, bodies


def quantified(
    expr: n.Quantifier,
    want: bool,
    coll_path: PathKey | None,
    elements: Sequence[Element],
    explain_body: Callable[[int, bool], Iterator[RawWitness]],
) -> Iterator[RawWitness]:
    """The witnesses of a quantifier that had to come out ``want``, from the ``elements`` it
    visited (``explain_body(i, want)``: the witnesses of element i's body) and the path of
    its collection."""
    has_filter = expr.filter is not None
    # the body must hold (all) or must not hold (none) for each element; `any` needs one
    body_want = want if expr.kind != "none" else not want
    # which body value made the quantifier come out as it did (the opposite of body_want)
    offending_value = not body_want if expr.kind != "any" else True
    if (expr.kind == "any" and want) or (expr.kind == "all" and not want):
        count = len(elements)
        if coll_path is not None:
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
            yield RawWitness(coll_path, _Text(actual), needed)
        if expr.kind == "any" and want:  # why each element fell short (the first few)
            for index, element in enumerate(elements[:MAX_ELEMENTS_EXPLAINED]):
                if element.body is False and (not has_filter or element.filter is True):
                    yield from explain_body(index, True)
        return
    for index, element in enumerate(elements):
        if element.body is None or element.filter is False:
            continue
        if element.body is not offending_value or (expr.kind == "any" and want):
            continue
        inner = list(explain_body(index, body_want if expr.kind != "any" else False))
        if inner:
            yield from inner
        elif element.path is not None:
            yield RawWitness(
                element.path, _label_value(element.value), offending_text(expr, body_want)
            )


def offending_text(expr: n.Quantifier, body_want: bool) -> str:
    """What an offending element of ``expr`` whose body's witnesses name nothing is shown
    against: the body as it had to be (``body_want``)."""
    return f"{'not ' if not body_want else ''}{expression_text(expr.body, limit=100)}"


class _Text(str):
    """Already-rendered text for a witness's ``actual`` (shown without quotes)."""


def display_actual(value: Any) -> str:
    """A witness's ``actual`` as a report shows it."""
    return str(value) if isinstance(value, _Text) else display(value)
