"""Remediation order: the rules each rule's ``after`` names exist, and no chain of ``after``
leads back to where it started.

Input: the :class:`~.state.CheckState`: its ``rule_definitions`` for the references, and,
after composition, its ``rules`` for the cycles. Output: an error for each unknown rule an
``after`` names and one for each cycle (reported once, at the rule it is found from).
"""

from __future__ import annotations

from collections.abc import Mapping

from ... import codes
from ...errors import did_you_mean
from .state import CheckState


def check_after_references(state: CheckState) -> None:
    rules = state.rule_definitions
    for definition, _ in rules.values():
        for ref in definition.after or ():
            if ref.rule_id not in rules:
                suggestion = did_you_mean(ref.rule_id, rules)
                state.error(
                    codes.UNKNOWN_RULE,
                    f"'after' names unknown rule {ref.rule_id}"
                    + (f" (did you mean {suggestion}?)" if suggestion else ""),
                    ref.span,
                )


def check_after_cycles(state: CheckState) -> None:
    rules = state.rules
    graph = {rule_id: list(rule.after) for rule_id, rule in rules.items()}
    for cycle in _find_cycles(graph):
        state.error(
            codes.AFTER_CYCLE,
            "remediation order has a cycle: " + " -> ".join([*cycle, cycle[0]]),
            rules[cycle[0]].span,
        )


def _find_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """Each cycle once, found by depth-first search in sorted order (deterministic)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles
