"""How an explanation's witnesses are cut (engine/explanation.py ``merged``): one per place
and value, a place tested several ways shown once with every expectation, at most
MAX_WITNESSES, reading the explanation only as far as needed. Held against the rule written
plainly, on generated witness lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from licensecheck.engine.explanation import MAX_WITNESSES, RawWitness, merged
from licensecheck.lang.values import UNKNOWN


def _plainly(found: list[RawWitness]) -> list[RawWitness]:
    groups: dict[tuple[Any, ...], list[RawWitness]] = {}
    for w in found:
        if w.path is None:
            continue
        try:
            hash(w.actual)
            same: Any = w.actual
        except TypeError:
            same = repr(w.actual)
        group = groups.setdefault((w.path, same), [])
        if all(other.expected != w.expected for other in group):
            group.append(w)
        if len(groups) > MAX_WITNESSES:
            break
    joined = []
    for group in groups.values():
        expected = "; ".join(w.expected for w in group if w.expected) or None
        joined.append(RawWitness(group[0].path, group[0].actual, expected))
    return joined[:MAX_WITNESSES]


_paths = st.one_of(st.none(), st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 60)))
_actuals = st.sampled_from([UNKNOWN, True, False, 1, 1.0, "x", [1], None])
_expected = st.sampled_from([None, "", "true", ">= 3", "not declared"])
_witnesses = st.lists(st.builds(RawWitness, _paths, _actuals, _expected), max_size=150)


@given(_witnesses)
def test_merged_is_the_rule_written_plainly(found: list[RawWitness]) -> None:
    assert merged(found) == _plainly(found)
    assert [type(w.actual) for w in merged(found)] == [type(w.actual) for w in _plainly(found)]


def test_a_place_tested_several_ways_is_one_witness_with_every_expectation() -> None:
    path = ("tiers", 0, "limit")
    found = [
        RawWitness(path, 5, ">= 10"),
        RawWitness(path, 5, ">= 20"),
        RawWitness(path, 5, ">= 10"),  # the same test again: once
        RawWitness(path, 6, ">= 10"),  # another value: another witness
        RawWitness(("x",), True, ""),  # an empty expectation shows as none
    ]
    assert merged(found) == [
        RawWitness(path, 5, ">= 10; >= 20"),
        RawWitness(path, 6, ">= 10"),
        RawWitness(("x",), True, None),
    ]


def test_the_explanation_is_read_only_as_far_as_needed() -> None:
    read: list[int] = []

    def explanation() -> Iterator[RawWitness]:
        for i in range(10 * MAX_WITNESSES):
            read.append(i)
            yield RawWitness(("a", i), False, "true")

    assert len(merged(explanation())) == MAX_WITNESSES
    assert len(read) == MAX_WITNESSES + 1
