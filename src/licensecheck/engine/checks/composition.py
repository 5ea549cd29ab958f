"""Composition as a stage of the checks: the top pack's rules from its lineage.

Input: the :class:`~.state.CheckState` with every pack's checked rules (``own_rules``); it
runs only when every stage before passed. Output: the state's ``rules`` (inherited,
overridden, without what ``disable`` removed; ``after`` references to disabled rules
dropped, as there is nothing to wait for) and ``disabled``, with the errors of
:func:`~licensecheck.engine.compose.compose`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..compose import compose
from ..rules import Rule
from .state import CheckState


def compose_rules(state: CheckState) -> None:
    composition = compose(state.pack, state.own_rules)
    state.errors.extend(composition.errors)
    state.rules = _without_dropped_after(composition.rules)
    state.disabled = composition.disabled


def _without_dropped_after(rules: Mapping[str, Rule]) -> dict[str, Rule]:
    """``after`` references to rules a pack disabled are dropped: nothing to wait for."""
    return {
        rule_id: rule
        if all(a in rules for a in rule.after)
        else rule._replace(after=tuple(a for a in rule.after if a in rules))
        for rule_id, rule in rules.items()
    }
