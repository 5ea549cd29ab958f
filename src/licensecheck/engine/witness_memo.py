"""Which declarations share a rule's witnesses: the key under which they are remembered.

Input: a checked pack, one of its rules, the part that decided (``when`` or ``require``), a
declaration's data and the assessment date. Output: a key, or None when the witnesses must be
found afresh.

A failing or unknown rule is explained for its witnesses, some 20-40 us a finding, and a
batch meets the same rule failing for the same reasons again and again (the same fields left
out, the same lists not declared). What the deciding part can read of the
declaration is known from its text (through the predicates it names): the paths that start at
a top-level field. Everything else it reads starts at a loop's variable, bound to an element
of a collection, and a collection is a const, a computed value or one of those paths. So when
the value at each of those paths is plain (text, numbers, booleans, dates, absent, or an empty
list or mapping), no element of the declaration is ever visited, and the explanation (and so
the witnesses, before they are placed in the file) is fixed by those values and the date: they
are the key. A value that is a list or mapping with something in it gives no key.
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


def static_reads(expr: n.Expr, pack: CheckedPack) -> tuple[PathKey, ...]:
    """The declaration paths ``expr`` can read from a top-level field, through the predicates
    it names, in a fixed order; a path with a computed index up to that index."""
    paths: set[PathKey] = set()
    seen: set[str] = set()
    stack: list[tuple[n.Expr, frozenset[str]]] = [(expr, frozenset())]  # with the bound names
    while stack:
        node, bound = stack.pop()
        if isinstance(node, n.Quantifier | n.Aggregate):
            stack.append((node.collection, bound))
            inner = bound | {node.var}  # the element, wherever the body reads it
            stack.extend((part, inner) for part in (node.filter, node.body) if part is not None)
        elif isinstance(node, n.Attr | n.Index):
            base, steps = path_steps(node)
            keys: list[str | int] = []
            fixed = True  # up to the first computed index
            for step in steps:
                if isinstance(step, n.Expr):
                    stack.append((step, bound))
                    fixed = False
                elif fixed:
                    keys.append(step)
            if isinstance(base, n.Name) and base.name not in bound and pack.is_field(base.name):
                paths.add((base.name, *keys))
            else:  # steps into a const, a bound element, a predicate's or a call's value
                stack.append((base, bound))
        elif isinstance(node, n.Name):
            if node.name in pack.predicates and node.name not in seen:
                seen.add(node.name)
                stack.append((pack.predicates[node.name], frozenset()))
            elif node.name not in bound and pack.is_field(node.name):
                paths.add((node.name,))
        else:
            stack.extend((child, bound) for child in node.children())
    return tuple(sorted(paths, key=repr))


def witness_key(
    paths: tuple[PathKey, ...], data: dict[str, Any], as_of: dt.date
) -> tuple[Any, ...] | None:
    """The values at ``paths`` in ``data`` and the date, as a key; None when one is a list or
    a mapping with something in it, or a path goes through a value of another kind."""
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
        elif (kind is list or kind is dict) and not value:  # nothing in it to visit
            key.append((kind, ()))
        elif kind is float:  # by its text: -0.0 == 0.0, but each shows as itself
            key.append((kind, repr(value)))
        else:
            return None
    return tuple(key)


class _Absent(int):
    """A path absent from the step at this depth on."""
