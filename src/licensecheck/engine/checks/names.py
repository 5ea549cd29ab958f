"""Names: every const and predicate of a pack's lineage, defined once, clashing with
nothing; and, at the end, the pack's own names that nothing uses.

Input: the :class:`~.state.CheckState` of a loaded pack. Output: the state's definition
tables (``definition_spans``, ``const_definitions``, ``predicates``, ``own_names``), an error
for each name that clashes with a top-level declaration field or a built-in or is defined
twice, and a warning for each own const or predicate never used.
"""

from __future__ import annotations

from ... import codes
from ...lang import nodes as n
from .state import CheckState

BUILTIN_NAMES = frozenset({"today"})
BUILTIN_FUNCTIONS = {"declared": 1, "len": 1, "lower": 1, "upper": 1, "days_since": 1}


def collect_names(state: CheckState) -> None:
    """Every const and predicate definition, ancestors first (each pack once)."""
    for loaded in state.pack.lineage():
        own = loaded is state.pack
        for module in loaded.modules:
            for definition in module.definitions:
                if isinstance(definition, n.RuleDef):
                    continue
                name = definition.name
                if name in state.top_fields:
                    state.error(
                        codes.NAME_CLASH,
                        f"'{name}' is a top-level declaration field and cannot be redefined",
                        definition.span,
                    )
                    continue
                if name in BUILTIN_NAMES or name in BUILTIN_FUNCTIONS:
                    state.error(codes.NAME_CLASH, f"'{name}' is a built-in name", definition.span)
                    continue
                if name in state.definition_spans:
                    first = state.definition_spans[name]
                    state.error(
                        codes.DUPLICATE_NAME,
                        f"'{name}' is defined twice (first at {first.format()})",
                        definition.span,
                    )
                    continue
                state.definition_spans[name] = definition.span
                if own:
                    state.own_names.add(name)
                if isinstance(definition, n.Const):
                    state.const_definitions[name] = definition
                else:
                    state.predicates[name] = definition.body


def warn_unused(state: CheckState) -> None:
    """The pack's own consts and predicates that no const, predicate or rule uses."""
    for name in sorted(state.own_names - state.used_names):
        kind = "constant" if name in state.consts else "predicate"
        state.warn(codes.UNUSED, f"{kind} '{name}' is never used", state.definition_spans[name])
