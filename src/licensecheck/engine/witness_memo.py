"""Which declarations share a rule's witnesses: the key under which they are remembered.

Input: a checked pack, one of its rules, the part that decided (``when`` or ``require``), a
declaration's data and the assessment date. Output: a key, or None when the witnesses must be
found afresh.

A failing or unknown rule is run again traced and its trace reduced to witnesses, some 30-60
us a finding, and a batch meets the same rule failing for the same reasons again and again (the
same fields left out). When the part that decided reads no list (no quantifier or aggregate,
in it or in the predicates it names) and no computed index, its trace (and so its witnesses,
before they are placed in the file) is fixed by the assessment date and the values at the
declaration paths it can read, which are known from the rule's text. When all of those values
are plain (text, numbers, booleans, dates, or absent), they and the date are the key; two
declarations with equal keys have equal witnesses. A value that is a mapping or a list, or a
path through something other than a mapping, gives no key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..lang import nodes as n
from .codegen_tree import path_steps
from .rules import CheckedPack
from .runtime import PathKey

#: Values keyed as themselves (with their type: ``1``, ``1.0`` and ``True`` are equal in Python)
_PLAIN = frozenset({str, int, bool, dt.date})


def static_reads(expr: n.Expr, pack: CheckedPack) -> tuple[PathKey, ...] | None:
    """The declaration paths ``expr`` can read, through the predicates it names, in a fixed
    order; None when it loops over a list or indexes with a computed value."""
    paths: set[PathKey] = set()
    seen: set[str] = set()
    stack: list[n.Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Quantifier | n.Aggregate):
            return None
        if isinstance(node, n.Attr | n.Index):
            base, steps = path_steps(node)
            keys = tuple(s for s in steps if isinstance(s, str | int))
            if len(keys) != len(steps):
                return None
            if isinstance(base, n.Name) and not _special(base.name, pack):
                paths.add((base.name, *keys))
            else:  # steps into a const, a predicate's or a call's value: what made it counts
                stack.append(base)
            continue
        if isinstance(node, n.Name):
            name = node.name
            if name in pack.predicates:
                if name not in seen:
                    seen.add(name)
                    stack.append(pack.predicates[name])
            elif not _special(name, pack):
                paths.add((name,))
            continue
        stack.extend(node.children())
    return tuple(sorted(paths, key=repr))


def _special(name: str, pack: CheckedPack) -> bool:
    return name in pack.consts or name in pack.predicates or name == "today"


def witness_key(
    paths: tuple[PathKey, ...], data: dict[str, Any], as_of: dt.date
) -> tuple[Any, ...] | None:
    """The values at ``paths`` in ``data`` and the date, as a key; None when one is not plain."""
    key: list[Any] = [as_of]
    for path in paths:
        value: Any = data
        for depth, step in enumerate(path):
            if type(value) is dict and type(step) is str:
                value = value.get(step)
            elif type(value) is list and type(step) is int:
                value = value[step] if 0 <= step < len(value) else None
            else:
                return None
            if value is None:
                value = _Absent(depth)  # where the path ended, as the trace records it
                break
        kind = type(value)
        if kind in _PLAIN or kind is _Absent:
            key.append((kind, value))
        elif kind is float:  # by its text: -0.0 == 0.0, but each shows as itself
            key.append((kind, repr(value)))
        else:
            return None
    return tuple(key)


class _Absent(int):
    """A path absent from the step at this depth on."""
