"""Consts: each folded to its fixed value, in any order (a const may use a later one).

Input: the :class:`~.state.CheckState` after names (``const_definitions``). Output: the
state's ``consts`` and ``const_types``, an error for each const that is not a fixed value
(literals, lists, other consts and arithmetic on them) and one for each cycle of consts.
"""

from __future__ import annotations

from typing import Any

from ... import codes
from ...errors import RuleRuntimeError
from ...lang import nodes as n
from ...lang.operations import arithmetic
from .state import CheckState
from .types import type_of_value


def fold_consts(state: CheckState) -> None:
    folder = _ConstFolder(state)
    for name in state.const_definitions:
        folder.value(name)


class _ConstFolder:
    def __init__(self, state: CheckState) -> None:
        self.state = state
        #: the consts being folded, outermost first (to find cycles)
        self.folding: list[str] = []
        #: the expanded size of each list folded so far, by id (the lists are kept alive by
        #: the consts that hold them, so an id is not reused while this folder runs)
        self.sizes: dict[int, int] = {}

    def value(self, name: str) -> Any:
        if name in self.state.consts:
            return self.state.consts[name]
        if name in self.state.failed_consts:  # already reported
            return _NOT_CONSTANT
        definition = self.state.const_definitions[name]
        if name in self.folding:
            members = self.folding[self.folding.index(name) :]
            cycle = " -> ".join([*members, name])
            self.state.error(
                codes.CONST_CYCLE,
                f"consts refer to each other in a cycle: {cycle}",
                definition.span,
            )
            self.state.failed_consts.update(members)  # reported once, as the cycle
            return _NOT_CONSTANT
        self.folding.append(name)
        value = self.fold(definition.value)
        self.folding.pop()
        if value is _NOT_CONSTANT:
            if name not in self.state.failed_consts:
                self.state.failed_consts.add(name)
                self.state.error(
                    codes.NOT_CONSTANT,
                    f"const '{name}' must be a fixed value (literals, lists, other consts and arithmetic on them)",
                    definition.value.span,
                    hint="use 'predicate' for conditions on the declaration",
                )
            return _NOT_CONSTANT
        self.state.consts[name] = value
        self.state.const_types[name] = type_of_value(value)
        return value

    def fold(self, expr: n.Expr) -> Any:
        if isinstance(expr, n.Literal_):
            return expr.value
        if isinstance(expr, n.ListExpr):
            items = [self.fold(i) for i in expr.items]
            if any(i is _NOT_CONSTANT for i in items):
                return _NOT_CONSTANT
            if _expanded_size(items, self.sizes) > MAX_CONST_VALUES:
                # lists of lists of the same const double with each level: stop at the first
                # list too large to walk, before any later stage walks it
                return self.fail(
                    f"holds more than {MAX_CONST_VALUES} values once its lists are expanded",
                    expr,
                )
            return items
        if isinstance(expr, n.Name) and expr.name in self.state.const_definitions:
            self.state.used_names.add(expr.name)
            value = self.value(expr.name)
            if expr.name in self.state.failed_consts and self.folding:
                self.state.failed_consts.add(self.folding[-1])  # reported at its cause
            return value
        if isinstance(expr, n.Arith | n.Neg):  # e.g. const MAX_SHARE = 1 / 3
            operands = [self.fold(c) for c in expr.children()]
            if any(v is _NOT_CONSTANT for v in operands):
                return _NOT_CONSTANT
            try:
                if isinstance(expr, n.Neg):
                    return arithmetic("*", operands[0], -1, expr)
                return arithmetic(expr.op, operands[0], operands[1], expr)
            except RuleRuntimeError as exc:
                return self.fail(f"cannot be computed: {exc.diagnostics[0].message}", expr)
        return _NOT_CONSTANT

    def fail(self, problem: str, expr: n.Expr) -> object:
        """Report that the const being folded ``problem`` at ``expr``, once."""
        name = self.folding[-1]
        if name not in self.state.failed_consts:
            self.state.failed_consts.add(name)
            self.state.error(codes.LIMIT, f"const '{name}' {problem}", expr.span)
        return _NOT_CONSTANT


#: The most values a const may hold, counting every item of every nested list as often as
#: it appears: a rule walks a const's value in full each time it tests it.
MAX_CONST_VALUES = 100_000


def _expanded_size(items: list[Any], sizes: dict[int, int]) -> int:
    """How many values ``items`` holds with every nested list counted in full; ``sizes``
    remembers each list already measured (a const's value is shared, not copied)."""
    total = 1
    for item in items:
        if isinstance(item, list):
            total += sizes[id(item)] if id(item) in sizes else _expanded_size(item, sizes)
        else:
            total += 1
    sizes[id(items)] = total
    return total


_NOT_CONSTANT = object()
