"""Where a witness points (sources/paths.py ``Positions.within``): the deepest part of its
path in the file, or no place when its top-level section is absent. ``within`` walks the
tree itself (it runs for every witness); here it is held to the rule written with
``get`` and ``locate``, on generated trees and paths."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from licensecheck.sources.paths import Positions

_keys = st.one_of(st.sampled_from(["a", "b", "id"]), st.integers(-1, 3))


def _tree(depth: int) -> st.SearchStrategy[Positions]:
    place = st.tuples(st.integers(1, 99), st.integers(1, 99))
    if depth == 0:
        return st.builds(lambda p: Positions(*p), place)
    child = _tree(depth - 1)
    children = st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(["a", "b", "id"]), child, max_size=3),
        st.lists(child, max_size=3),
    )
    return st.builds(lambda p, c: Positions(*p, c), place, children)


@given(_tree(3), st.lists(_keys, max_size=5))
def test_within_is_locate_unless_the_top_level_key_is_absent(root: Positions, path: list) -> None:
    expected = None if path and root.get(path[0]) is None else root.locate(path)
    assert root.within(path) == expected
    assert root.within(tuple(path)) == expected


def test_a_path_points_at_its_deepest_part_in_the_file() -> None:
    leaf = Positions(3, 5)
    root = Positions(1, 1, {"a": Positions(2, 1, [leaf])})
    assert root.within(("a", 0, "x")) == (3, 5)  # an absent field: where its parent is
    assert root.within(("a", 7)) == (2, 1)
    assert root.within(("b", 0)) is None  # an absent section has no place
    assert root.within(()) == (1, 1)
