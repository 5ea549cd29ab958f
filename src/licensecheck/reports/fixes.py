"""The smallest change to a declaration that would make a rule pass.

Input: a compiled pack, one rule id, a :class:`~licensecheck.declaration.loader.Declaration` and
the assessment date. Output: a :class:`Fix` (atomic :class:`Edit` s, cheapest first) or
``None`` where the rule's logic determines no change.

The rule runs again with tracing on (as :mod:`licensecheck.engine.evaluate` does for the
witnesses it cannot explain directly) and the trace is *repaired* rather than explained: an
``and`` needs every failing part fixed, an ``or`` or an ``any`` only the cheapest one; a
comparison ``x >= C`` raises ``x`` to ``C``; ``x + 1 year >= today`` is solved for ``x``; a
boolean that must hold is set. Each edit has a cost, and the cheapest combination wins:
setting a control (a boolean, a number, a date) costs 1, re-describing what something *is*
(an enum or text value) 2.5, adding a list entry 3, so "set consent.obtained and
consent.scope_documented" beats "declare the data as publicly disclosed". Finally the edits
are applied to a copy of the declaration and the rule is run again: ``verified`` says
whether it then passes.

Facts are never offered as changes. A field the declaration schema marks
``"x-licensecheck-kind": "fact"`` (a licence's kind, a data volume, a past incident) says what
the firm is, holds or has done: "change the licence kind to personal_credit_reporting" or
"lower volume_individuals to under 500" would make the rule pass on paper only. An edit that
re-declares a fact is dropped from the options, so the repair falls back on the controls (obtain
the licence, i.e. add a licence entry; stop bypassing anti-crawling measures); the facts that
were dropped are kept in :attr:`Fix.facts`, so the report can say plainly that the rule bites
because of them. Declaring a fact the declaration leaves out, without a value, stays allowed:
that is information, not a claim.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..declaration.loader import Declaration
from ..engine.compile import CompiledPack
from ..engine.evaluate import run_rule
from ..engine.explanation import first_path_read, trace_elements
from ..engine.runtime import PathKey, Trace, TraceNode
from ..errors import RuleRuntimeError
from ..lang import nodes as n
from ..lang.operations import arithmetic
from ..lang.printer import FLIPPED_OPERATORS, NEGATED_OPERATORS
from ..lang.values import UNKNOWN, Duration
from ..sources.paths import value_at

Action = Literal[
    "set",  # write a value the rule names (booleans, ==)
    "raise",  # increase a number or move a date later, to a bound
    "lower",  # decrease a number or move a date earlier, to a bound
    "change",  # give an enum or text field another value (one of `choices`, or not `target`)
    "declare",  # fill in a field the rule needs but the declaration leaves out
    "remove",  # drop a field that must not be declared
    "add_item",  # append a value to a list
    "remove_item",  # take a value out of a list
    "add_element",  # add an entry (an object) to a list, satisfying `condition`
    "adjust",  # change a field so that a computed condition holds (no closed form)
]

#: Why some edits cost more: a control can be put in place, a fact about the firm cannot
#: simply be re-declared; a new list entry is a new thing (a licence, an assessment).
COSTS: dict[str, float] = {
    "set": 1,
    "raise": 1,
    "lower": 1,
    "declare": 1,
    "remove": 1,
    "add_item": 1,
    "remove_item": 1,
    "change": 2.5,
    "adjust": 2,
    "add_element": 3,
}
MAX_OPTIONS = 3

_NOTHING: Any = object()  # no concrete value to write


@dataclass(frozen=True, eq=False)
class Edit:
    """One atomic change at one declaration path.

    ``target`` is the value the rule compares with (the bound of ``raise``/``lower``, the
    value of ``set``, the item of ``add_item``); ``op`` the comparison it must satisfy;
    ``value`` the concrete value that satisfies it (``_NOTHING`` when the rule does not
    determine one). ``condition`` (with ``var``) is what a new list entry must satisfy, or
    the computed condition an ``adjust`` must make true.
    """

    action: Action
    path: PathKey
    current: Any = UNKNOWN
    target: Any = _NOTHING
    op: str = "=="
    value: Any = _NOTHING
    choices: tuple[Any, ...] = ()
    condition: n.Expr | None = field(default=None, compare=False)
    var: str | None = None

    @property
    def cost(self) -> float:
        return COSTS[self.action]

    @property
    def has_value(self) -> bool:
        return self.value is not _NOTHING

    @property
    def has_target(self) -> bool:
        return self.target is not _NOTHING


Option = tuple[Edit, ...]


@dataclass(frozen=True)
class Fix:
    """The cheapest set of edits (``edits``) and up to two alternatives; ``facts`` are the
    re-declarations of facts the repair would otherwise have proposed (never offered).
    ``edits`` is empty when only a change of facts would make the rule pass."""

    edits: Option
    alternatives: tuple[Option, ...]
    verified: bool
    facts: Option = ()


# ---------------------------------------------------------------- entry point


def smallest_fix(
    pack: CompiledPack, rule_id: str, declaration: Declaration, today: dt.date
) -> Fix | None:
    """The smallest declaration change that makes ``rule_id`` pass, if its logic gives one.

    For a rule whose applicability (``when``) is unknown the fix is the information that
    decides it (``declare`` edits without values).
    """
    traced = run_rule(pack.traced_rule(rule_id), declaration.data, today, Trace())
    if traced.status not in ("fail", "unknown") or traced.trace is None:
        return None
    if not traced.trace.root.children:
        return None
    decided = traced.trace.root.children[-1]
    repairer = _Repairer(pack, today)
    if traced.decided_by == "when":
        options = [tuple(_declares(decided))]
    else:
        options = repairer.repair(decided, True)
    options = [o for o in options if o]
    facts = _dedupe(repairer.facts)
    if not options:
        return Fix((), (), False, facts) if facts else None
    best, *others = options
    verified = _passes_with(pack, rule_id, declaration, today, best)
    return Fix(best, tuple(others[: MAX_OPTIONS - 1]), verified, facts)


def _passes_with(
    pack: CompiledPack, rule_id: str, declaration: Declaration, today: dt.date, edits: Option
) -> bool:
    data = apply_edits(declaration.data, edits)
    if data is None:
        return False
    compiled = next(c for c in pack.rules if c.rule.id == rule_id)
    return run_rule(compiled, data, today).status == "pass"


# ---------------------------------------------------------------- repairing a trace


def _kids(node: TraceNode) -> list[TraceNode]:
    return [c for c in node.children if c.element is None]


def _best(options: Iterable[Option]) -> list[Option]:
    """Unique options, cheapest first (ties keep the expression's order)."""
    unique: dict[tuple[Any, ...], Option] = {}
    for option in options:
        option = _dedupe(option)
        unique.setdefault(tuple(_key(e) for e in option), option)
    ranked = sorted(unique.values(), key=lambda o: sum(e.cost for e in o))
    return ranked[:MAX_OPTIONS]


def _key(edit: Edit) -> tuple[Any, ...]:
    return (edit.action, edit.path, repr(edit.target), edit.op)


def _dedupe(option: Iterable[Edit]) -> Option:
    """Drop repeated edits; of two bounds on one path in one direction keep the stricter."""
    seen: dict[tuple[Any, ...], Edit] = {}
    for edit in option:
        direction = _DIRECTION.get(edit.op) if edit.action in _BOUND_ACTIONS else None
        key = (edit.path, direction) if direction else _key(edit)
        kept = seen.get(key)
        if kept is None or (direction and _stricter(edit, kept, direction)):
            seen[key] = edit
    return tuple(seen.values())


_BOUND_ACTIONS = ("raise", "lower", "declare")
_DIRECTION = {">": "up", ">=": "up", "<": "down", "<=": "down"}


def _stricter(new: Edit, old: Edit, direction: str) -> bool:
    a = new.value if new.has_value else new.target
    b = old.value if old.has_value else old.target
    try:
        return bool(a > b) if direction == "up" else bool(a < b)
    except TypeError:
        return False


def _all_of(parts: Sequence[list[Option]]) -> list[Option]:
    """Every part must be fixed: the best option of each, together."""
    if any(not p for p in parts):
        return []
    return [_dedupe(e for p in parts for e in p[0])]


def _one_of(parts: Iterable[list[Option]]) -> list[Option]:
    return _best(o for p in parts for o in p)


NO_CHANGE: list[Option] = [()]

_QUANTIFIER_NEEDS: dict[tuple[str, bool], tuple[bool, bool]] = {
    ("all", True): (True, True),  # every entry's body true
    ("all", False): (False, False),  # one entry's body false
    ("any", True): (False, True),  # one entry's body true (or a new entry)
    ("any", False): (True, False),  # every entry's body false
    ("none", True): (True, False),
    ("none", False): (False, True),
}


class _Repairer:
    def __init__(self, pack: CompiledPack, today: dt.date) -> None:
        self.consts: Mapping[str, Any] = pack.checked.consts
        self.schema = pack.checked.schema
        self.today = today
        self.facts: list[Edit] = []  # re-declarations of facts, kept out of the options

    def honest(self, edit: Edit | None) -> list[Option]:
        """The one-edit option ``edit``, unless it re-declares a fact (then no option)."""
        if edit is None:
            return []
        asks_only = edit.action == "declare" and not edit.has_target
        if not asks_only and self.schema.is_fact(edit.path):
            self.facts.append(edit)
            return []
        return [(edit,)]

    def repair(self, node: TraceNode, want: bool) -> list[Option]:
        """Options (lists of edits) that make ``node`` evaluate to ``want``."""
        if node.value is want:
            return NO_CHANGE
        expr = node.expr
        kids = _kids(node)
        if isinstance(expr, n.Not) and kids:
            return self.repair(kids[0], not want)
        if isinstance(expr, n.BoolOp) and kids:
            parts = [self.repair(k, want) for k in kids]
            conjunctive = (expr.op == "and") == want
            return _all_of(parts) if conjunctive else _one_of(parts)
        if isinstance(expr, n.Compare):
            return self.compare(node, want)
        if isinstance(expr, n.Quantifier):
            return self.quantifier(node, want)
        if isinstance(expr, n.If) and len(kids) >= 2:
            cond = kids[0]
            if cond.value is True or cond.value is False:
                chosen = kids[1] if cond.value is True or len(kids) == 2 else kids[2]
                return self.repair(chosen, want)
            return [tuple(_declares(cond))]
        if isinstance(expr, n.Call) and expr.func == "declared" and kids:
            target = first_path_read(kids[0])
            if target is None or target.path is None:
                return []
            action: Action = "declare" if want else "remove"
            return self.honest(Edit(action, target.path, target.value))
        if node.path is not None and not kids:  # a boolean field read directly
            return self.honest(Edit("set", node.path, node.value, want, "==", want))
        if kids and isinstance(expr, n.Name):  # a predicate: repair its body
            return self.repair(kids[-1], want)
        if node.value is UNKNOWN:
            return [tuple(_declares(node))] if any(True for _ in _declares(node)) else []
        return []

    # -- comparisons
    def compare(self, node: TraceNode, want: bool) -> list[Option]:
        expr = node.expr
        assert isinstance(expr, n.Compare)
        left, right = self.operands(node, (expr.left, expr.right))
        op: str = expr.op if want else NEGATED_OPERATORS[expr.op]
        subject, other = left, right
        if first_path_read(left) is None and first_path_read(right) is not None:
            subject, other = right, left
            op = {"in": "contains", "not in": "not contains"}.get(op, FLIPPED_OPERATORS.get(op, op))
            if expr.op in ("contains",):
                op = "in" if want else "not in"
        if first_path_read(subject) is None:
            return []
        if other.value is UNKNOWN:  # the other side is missing too: declare it
            return [tuple(_declares(other))] if first_path_read(other) else []
        solved = self.solve(subject, op, other.value)
        if solved is None:
            target = first_path_read(subject)
            assert target is not None and target.path is not None
            condition = n.Compare(expr.op, expr.left, expr.right)
            negated = condition if want else n.Not(condition)
            return self.honest(Edit("adjust", target.path, target.value, condition=negated))
        leaf, op, value = solved
        assert leaf.path is not None
        return self.honest(_compare_edit(leaf.path, leaf.value, op, value))

    def solve(self, node: TraceNode, op: str, target: Any) -> tuple[TraceNode, str, Any] | None:
        """Rewrite ``f(x) op target`` as ``x op' target'`` for the path ``x`` inside ``node``."""
        kids = _kids(node)
        expr = node.expr
        if node.path is not None and not kids:
            return node, op, target
        if isinstance(expr, n.Coalesce) and kids:
            return self.solve(kids[0], op, target)
        if isinstance(expr, n.Call) and expr.func == "days_since" and kids:
            if not isinstance(target, int | float) or isinstance(target, bool):
                return None
            bound = self.today - dt.timedelta(days=int(target))
            return self.solve(kids[0], FLIPPED_OPERATORS.get(op, op), bound)
        if isinstance(expr, n.Arith) and op in FLIPPED_OPERATORS:
            left, right = self.operands(node, (expr.left, expr.right))
            return self._solve_arith(expr, left, right, op, target)
        return None

    def operands(
        self, node: TraceNode, exprs: tuple[n.Expr, n.Expr]
    ) -> tuple[TraceNode, TraceNode]:
        """The traced operands of a binary node; an operand evaluation skipped (the left
        side was unknown) is rebuilt from the expression when it is a constant."""
        kids = _kids(node)
        left = kids[0] if kids else TraceNode(exprs[0], self.static(exprs[0]))
        right = kids[1] if len(kids) > 1 else TraceNode(exprs[1], self.static(exprs[1]))
        return left, right

    def static(self, expr: n.Expr) -> Any:
        """The value of an expression of literals, consts and ``today``; else unknown."""
        if isinstance(expr, n.Arith):
            left, right = self.static(expr.left), self.static(expr.right)
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            try:
                return arithmetic(expr.op, left, right, expr)
            except RuleRuntimeError:
                return UNKNOWN
        if isinstance(expr, n.Neg):
            value = self.static(expr.operand)
            return -value if _is_number(value) else UNKNOWN
        value = _constant(expr, self.consts, self.today)
        return UNKNOWN if value is _NOTHING else value

    def _solve_arith(
        self, expr: n.Arith, left: TraceNode, right: TraceNode, op: str, target: Any
    ) -> tuple[TraceNode, str, Any] | None:
        on_left = first_path_read(left) is not None
        if on_left == (first_path_read(right) is not None):
            return None  # both sides or neither depend on the declaration
        inner, const = (left, right.value) if on_left else (right, left.value)
        if const is UNKNOWN:
            return None
        try:
            if expr.op == "+":  # x + c op t  ⇔  x op t - c
                return self.solve(inner, op, arithmetic("-", target, const, expr))
            if expr.op == "-" and on_left:  # x - c op t  ⇔  x op t + c
                return self.solve(inner, op, arithmetic("+", target, const, expr))
            if expr.op == "-":  # c - x op t  ⇔  x op' c - t
                return self.solve(
                    inner, FLIPPED_OPERATORS[op], arithmetic("-", const, target, expr)
                )
            if not _is_number(const) or not _is_number(target) or const == 0:
                return None
            flip = const < 0
            if expr.op == "*":
                bound = target / const
            elif on_left:  # x / c op t
                bound = target * const
            else:
                return None
            return self.solve(inner, FLIPPED_OPERATORS[op] if flip else op, _tidy_number(bound))
        except RuleRuntimeError:
            return None

    # -- quantifiers
    def quantifier(self, node: TraceNode, want: bool) -> list[Option]:
        expr = node.expr
        assert isinstance(expr, n.Quantifier)
        coll = next((c for c in node.children if c.element is None), None)
        if coll is None:
            return []
        if coll.value is UNKNOWN and coll.path is not None:
            if (expr.kind, want) in (("any", True), ("none", False)):
                return self.honest(self.add_element(coll, expr))
            return [(Edit("declare", coll.path, UNKNOWN),)]
        entries: list[tuple[TraceNode | None, TraceNode]] = []  # (filter, body) of each entry
        for _element, children in trace_elements(node):
            filt = children[0] if expr.filter is not None and children else None
            body = children[-1] if children and (filt is None or len(children) > 1) else None
            if body is None or (filt is not None and filt.value is False):
                continue
            if (expr.kind, want) in (("any", True), ("none", False)) and (
                filt is not None and filt.value is not True
            ):
                continue  # an entry only counts if it certainly qualifies
            entries.append((filt, body))
        # (kind, want) -> must every entry's body come out as body_want, or just one?
        every, body_want = _QUANTIFIER_NEEDS[expr.kind, want]
        if every:
            return _all_of(
                [self.entry(f, b, body_want) for f, b in entries if b.value is not body_want]
            )
        options = [self.repair(b, body_want) for _f, b in entries]
        if body_want and coll.path is not None:
            options.append(self.honest(self.add_element(coll, expr)))
        return _one_of(options)

    def entry(self, filt: TraceNode | None, body: TraceNode, body_want: bool) -> list[Option]:
        """Options for one entry of an ``all``/``none``: its body repaired or, when only facts
        would repair the body (a tainted source's volume), the entry taken out of the filter
        by a control (stop the conduct that makes the source tainted)."""
        options = self.repair(body, body_want)
        if options or filt is None:
            return options
        return self.repair(filt, False)

    def add_element(self, coll: TraceNode, expr: n.Quantifier) -> Edit:
        assert coll.path is not None
        condition = expr.body if expr.filter is None else n.BoolOp("and", expr.filter, expr.body)
        template = _element_template(condition, expr.var, self.consts, self.today)
        return Edit(
            "add_element",
            coll.path,
            coll.value,
            value=template if template is not None else _NOTHING,
            condition=condition,
            var=expr.var,
        )


def _compare_edit(path: PathKey, current: Any, op: str, target: Any) -> Edit | None:
    """The edit that makes ``path op target`` true."""
    is_item = isinstance(path[-1], int) and not isinstance(current, dict)
    if is_item and op in ("not in", "!=") and current is not UNKNOWN:
        return Edit("remove_item", path, current, current, op)  # an item that must go
    if op == "==":
        action: Action = "change"
        if current is UNKNOWN:
            action = "declare"
        elif isinstance(target, bool) or _is_number(target) or isinstance(target, dt.date):
            action = "set"
        return Edit(action, path, current, target, op, target)
    if op == "!=":
        if isinstance(target, bool):
            return Edit("set", path, current, not target, "==", not target)
        return Edit("change", path, current, target, op)
    if op in ("<", "<=", ">", ">="):
        return _bound_edit(path, current, op, target)
    if op == "in" and isinstance(target, list):
        if len(target) == 1:
            return _compare_edit(path, current, "==", target[0])
        value = target[0] if target else _NOTHING
        return Edit("change", path, current, op=op, value=value, choices=tuple(target))
    if op == "not in" and isinstance(target, list):
        return Edit("change", path, current, op=op, choices=tuple(target))
    if op == "contains" and (isinstance(current, list) or current is UNKNOWN):
        value = [*current, target] if isinstance(current, list) else [target]
        return Edit("add_item", path, current, target, op, value)
    if op == "not contains" and isinstance(current, list):
        value = [v for v in current if v != target]
        return Edit("remove_item", path, target, target, op, value)
    return None


def _bound_edit(path: PathKey, current: Any, op: str, target: Any) -> Edit | None:
    target = _tidy_number(target)  # DC_TIER3_ITEMS / 2 is 2500, not 2500.0
    if isinstance(target, Duration | bool):
        return None
    if not (_is_number(target) or isinstance(target, dt.date)):
        return None
    value: Any = target
    if op in (">", "<"):
        step = 1 if op == ">" else -1
        if isinstance(target, dt.date):
            value = target + dt.timedelta(days=step)
        elif isinstance(target, int):
            value = target + step
        else:
            value = _NOTHING  # "more than 0.5" has no smallest value
    if current is UNKNOWN:
        return Edit("declare", path, current, target, op, value)
    action: Action = "raise" if op in (">", ">=") else "lower"
    return Edit(action, path, current, target, op, value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _tidy_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _declares(node: TraceNode) -> Iterable[Edit]:
    """``declare`` edits for every absent path read below an unknown ``node``."""
    if node.path is not None and node.value is UNKNOWN and not _kids(node):
        yield Edit("declare", node.path, UNKNOWN)
        return
    if isinstance(node.expr, n.Coalesce):
        return
    for child in node.children:
        if child.element is None and child.value is UNKNOWN:
            yield from _declares(child)


# ---------------------------------------------------------------- new list entries


def _element_template(
    condition: n.Expr, var: str, consts: Mapping[str, Any], today: dt.date
) -> dict[str, Any] | None:
    """A minimal object satisfying ``condition`` about ``var``, when it is a conjunction of
    simple field tests (``v.kind == "x"``, ``v.flag``, ``v.until >= today``); else ``None``."""
    entry: dict[str, Any] = {"id": "new"}
    for part in _conjuncts(condition):
        if not _constrain(entry, part, var, consts, today):
            return None
    return entry


def _conjuncts(expr: n.Expr) -> Iterable[n.Expr]:
    if isinstance(expr, n.BoolOp) and expr.op == "and":
        yield from _conjuncts(expr.left)
        yield from _conjuncts(expr.right)
    else:
        yield expr


def _constrain(
    entry: dict[str, Any], expr: n.Expr, var: str, consts: Mapping[str, Any], today: dt.date
) -> bool:
    if isinstance(expr, n.Not):
        keys = _field_keys(expr.operand, var)
        return keys is not None and _put(entry, keys, False)
    keys = _field_keys(expr, var)
    if keys is not None:
        return _put(entry, keys, True)
    if not isinstance(expr, n.Compare):
        return False
    left = expr.left.value if isinstance(expr.left, n.Coalesce) else expr.left
    keys = _field_keys(left, var)
    value = _constant(expr.right, consts, today)
    if keys is None or value is _NOTHING:
        return False
    if expr.op in ("==", ">=", "<="):
        return _put(entry, keys, value)
    if expr.op == "in" and isinstance(value, list) and value:
        return _put(entry, keys, value[0])
    if expr.op == "contains":
        return _put(entry, keys, [value])
    if expr.op in (">", "<") and isinstance(value, dt.date):
        return _put(entry, keys, value + dt.timedelta(days=1 if expr.op == ">" else -1))
    if expr.op in (">", "<") and isinstance(value, int) and not isinstance(value, bool):
        return _put(entry, keys, value + (1 if expr.op == ">" else -1))
    return False


def _field_keys(expr: n.Expr, var: str) -> list[str] | None:
    keys: list[str] = []
    while isinstance(expr, n.Attr):
        keys.append(expr.name)
        expr = expr.obj
    if isinstance(expr, n.Name) and expr.name == var and keys:
        return keys[::-1]
    return None


def _constant(expr: n.Expr, consts: Mapping[str, Any], today: dt.date) -> Any:
    if isinstance(expr, n.Literal_) and expr.value is not None:
        return expr.value
    if isinstance(expr, n.Name):
        if expr.name in consts:
            return consts[expr.name]
        if expr.name == "today":
            return today
    if isinstance(expr, n.ListExpr):
        items = [_constant(i, consts, today) for i in expr.items]
        return _NOTHING if any(i is _NOTHING for i in items) else items
    return _NOTHING


def _put(entry: dict[str, Any], keys: list[str], value: Any) -> bool:
    target = entry
    for key in keys[:-1]:
        nested = target.setdefault(key, {})
        if not isinstance(nested, dict):
            return False
        target = nested
    if keys[-1] in target and target[keys[-1]] != value:
        return False  # two tests on one field: leave it to the reader
    target[keys[-1]] = value
    return True


# ---------------------------------------------------------------- applying edits


def apply_edits(data: Mapping[str, Any], edits: Iterable[Edit]) -> dict[str, Any] | None:
    """A copy of ``data`` with ``edits`` applied; ``None`` if one has no concrete value.

    The input is never modified. List items are removed last, highest index first, so the
    indexes of the other edits stay valid.
    """
    result: dict[str, Any] = copy.deepcopy(dict(data))
    removals: list[PathKey] = []
    for edit in edits:
        if edit.action == "remove_item" and edit.op in ("not in", "!="):
            removals.append(edit.path)
            continue
        if edit.action == "remove":
            _delete(result, edit.path)
            continue
        if edit.action in ("add_item", "remove_item"):
            current = value_at(result, edit.path)
            items = list(current) if isinstance(current, list) else []
            if edit.action == "add_item" and edit.target not in items:
                items.append(edit.target)
            elif edit.action == "remove_item":
                items = [i for i in items if i != edit.target]
            if not _set(result, edit.path, items):
                return None
            continue
        if not edit.has_value:
            return None
        value = copy.deepcopy(edit.value)
        if edit.action == "add_element":
            current = value_at(result, edit.path)
            value = [*current, value] if isinstance(current, list) else [value]
        if not _set(result, edit.path, value):
            return None
    for path in sorted(removals, key=lambda p: p[-1], reverse=True):
        _delete(result, path)
    return result


def _set(data: dict[str, Any], path: PathKey, value: Any) -> bool:
    target: Any = data
    for key in path[:-1]:
        if isinstance(target, dict) and isinstance(key, str):
            target = target.setdefault(key, {})
        elif isinstance(target, list) and isinstance(key, int) and 0 <= key < len(target):
            target = target[key]
        else:
            return False
    last = path[-1]
    if isinstance(target, dict) and isinstance(last, str):
        target[last] = value
        return True
    if isinstance(target, list) and isinstance(last, int) and 0 <= last < len(target):
        target[last] = value
        return True
    return False


def _delete(data: dict[str, Any], path: PathKey) -> None:
    parent = value_at(data, path[:-1])
    last = path[-1]
    if isinstance(parent, dict) and isinstance(last, str):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        del parent[last]
