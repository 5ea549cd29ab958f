"""Declarations changed at random places (hypothesis): absent, null, mistyped and borrowed
values, for differential tests between evaluation modes.

Shared by the differential tests of tests/engine (generated code, fusion, lazy traces)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and list position in ``value``, parents first."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key in value:
            found += places(value[key], (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


#: What a change may put in a place: absent and null (unknown), other types (runtime
#: errors), the values the packs compare against, and values from elsewhere in the file.
ODD_VALUES = st.sampled_from(
    [
        *(None, True, False, 0, 3, 2.5, -1, "", "none", "consent", "crawled", "enterprise"),
        *([], {}, [None], [{}], ["religion"], {"level": 3}),
        *(dt.date(2019, 1, 1), dt.date(2030, 6, 30)),
    ]
)
CHANGES = st.lists(
    st.tuples(st.integers(min_value=0), st.sampled_from(["delete", "set", "copy"]), ODD_VALUES),
    max_size=6,
)


def changed(data: dict[str, Any], change: tuple[int, str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with one ``change`` (place number, action, value) applied."""
    return mutated(data, [change])


def mutated(data: dict[str, Any], changes: list[tuple[int, str, Any]]) -> dict[str, Any]:
    """A deep copy of ``data`` with ``changes`` (from :data:`CHANGES`) applied."""
    data = copy.deepcopy(data)
    for number, action, odd in changes:
        found = places(data)
        if not found:
            break
        *parents, last = found[number % len(found)]
        holder: Any = data
        for key in parents:
            holder = holder[key]
        if action == "delete":
            del holder[last]
        elif action == "set":
            holder[last] = copy.deepcopy(odd)
        else:  # another place's value, to keep the shapes rules expect
            source = found[(number * 7 + 3) % len(found)]
            value: Any = data
            for key in source:
                value = value[key]
            holder[last] = copy.deepcopy(value)
    return data


def differential(max_examples: int) -> settings:
    """A differential test's settings: no deadline (its first example compiles a pack) and
    whole declarations allowed as examples."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
