"""The YAML reader's plain-document path builds exactly what the careful builder builds.

``_build_plain_document`` is the fast loop for plain data; anything unusual makes it step
aside (None) so that ``_YamlBuilder`` reads the text again and reports it. These tests hold
the two to the same values and the same positions, on every YAML file in the repository and
on generated documents, and check that each unusual construct is left to the careful one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.paths import REPO
from licensecheck.errors import LicenseCheckError
from licensecheck.sources.limits import Limits
from licensecheck.sources.paths import Positions
from licensecheck.sources.text import SourceText
from licensecheck.sources.yaml_reader import _build_plain_document, _YamlBuilder, parse_yaml


def _shape(pos: Positions) -> Any:
    """A Positions tree as plain tuples, so two trees compare with ==."""
    children = pos.children
    if isinstance(children, dict):
        inner: Any = {key: _shape(child) for key, child in children.items()}
    elif isinstance(children, list):
        inner = [_shape(child) for child in children]
    else:
        inner = None
    return (pos.line, pos.column, inner)


def _careful(text: str, limits: Limits | None = None) -> tuple[object, Any]:
    source = SourceText("doc.yaml", text, "declaration", LicenseCheckError)
    value, positions = _YamlBuilder(source, limits or Limits()).build()
    return value, _shape(positions)


def _assert_same(text: str) -> None:
    fast = _build_plain_document(text, Limits())
    try:
        expected = _careful(text)
    except LicenseCheckError:
        assert fast is None, "the plain path built a document the careful builder refuses"
        return
    if fast is not None:
        value, positions = fast
        assert (value, _shape(positions)) == expected


REPOSITORY_YAML = sorted(
    path
    for folder in ("examples", "tests/fixtures", "policies", "tests/golden")
    for path in (REPO / folder).rglob("*.y*ml")
)


def test_the_repository_has_yaml_to_compare() -> None:
    assert len(REPOSITORY_YAML) > 50


@pytest.mark.parametrize("path", REPOSITORY_YAML, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_in_the_repository_reads_the_same_both_ways(path: Path) -> None:
    _assert_same(path.read_text(encoding="utf-8", errors="surrogateescape"))


def test_the_examples_take_the_plain_path() -> None:
    for path in sorted((REPO / "examples").glob("*.yaml")):
        assert _build_plain_document(path.read_text(encoding="utf-8"), Limits()) is not None


_TRICKY = st.sampled_from(
    ["no", "NO", "on", "y", "true", "False", "~", "null", "", "0x1F", "0o17", "1_000", "-.5",
     "1e3", "+12", ".inf", "-.Inf", ".nan", "<<", "2024-01-31", "12:30", "a: b", "- x", "#c",
     "数据", "'q'", '"d"', "007", "1.", "0.5e-3", "-", "."]
)  # fmt: skip
_SCALARS = st.one_of(
    _TRICKY,
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
_KEYS = st.one_of(_TRICKY, st.text(min_size=1, max_size=8))
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(data=_DATA, flow=st.sampled_from([None, False, True]), width=st.sampled_from([20, 80]))
def test_generated_documents_read_the_same_both_ways(
    data: object, flow: bool | None, width: int
) -> None:
    _assert_same(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=width))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # a tag
        "a: 1\na: 2\n",  # a duplicate key
        "? [1]\n: 2\n",  # a key that is not text
        "1: x\n",  # a number as a key
        "<<: {a: 1}\n",  # a merge key
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # a syntax error
        "a: .inf\n",  # a number the core schema refuses
        "a: !custom x\n",
    ],
)
def test_unusual_documents_are_left_to_the_careful_builder(text: str) -> None:
    assert _build_plain_document(text, Limits()) is None


def test_limits_are_left_to_the_careful_builder_which_reports_them() -> None:
    deep = "a: " + "[" * 10 + "]" * 10 + "\n"
    assert _build_plain_document(deep, Limits(max_depth=5)) is None
    assert _build_plain_document("[1, 2, 3, 4]\n", Limits(max_values=3)) is None
    source = SourceText("doc.yaml", deep, "declaration", LicenseCheckError)
    with pytest.raises(LicenseCheckError, match="levels deep"):
        parse_yaml(source, Limits(max_depth=5))


@pytest.mark.parametrize(
    ("text", "limits", "message", "where"),
    [
        ("a: [1, 2, [3, 4, 5, 6]]\n", Limits(max_list_length=3), "more than 3 items", "1:11"),
        ("a:\n  b: 'abcdef'\n", Limits(max_string_length=5), "longer than 5", "2:3"),
    ],
)
def test_long_lists_and_strings_are_left_to_the_careful_builder(
    text: str, limits: Limits, message: str, where: str
) -> None:
    """The fast path checks the lengths as it builds (the values it gives need no second
    walk) and leaves a document over a limit to the careful path, which points at it."""
    from licensecheck.sources.parse import parse_text

    assert _build_plain_document(text, limits) is None
    assert _build_plain_document(text, Limits()) is not None
    with pytest.raises(LicenseCheckError, match=message) as caught:
        parse_text(text, "doc.yaml", noun="declaration", error=LicenseCheckError, limits=limits)
    span = caught.value.diagnostics[0].span
    assert span is not None and f"{span.line}:{span.column}" == where
