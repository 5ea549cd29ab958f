"""Paths into read values and where each value sits in its file.

A path is a tuple of keys and indexes (:data:`PathKey`); :func:`format_path` writes it as the
rule language does (``data_sources[2].consent``) and :func:`parse_path` reads it back.
:class:`Positions` is the tree of ``line:column`` the YAML and JSON readers build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TypeAlias

__all__ = ["ElementId", "PathKey", "Positions", "format_path", "parse_path", "value_at"]

PathKey: TypeAlias = tuple[str | int, ...]

Children: TypeAlias = "dict[str, Positions] | list[Positions] | None"


class Positions:
    """Where one value sits in the source, and where its children sit.

    ``line`` and ``column`` are 1-based. For a mapping entry they are those of the *key*; for a
    list item, those of the item. ``children`` is a dict (mapping) or list (sequence) of
    :class:`Positions`, or ``None`` for a scalar. A YAML alias shares its anchor's children.
    """

    __slots__ = ("children", "column", "line")

    def __init__(self, line: int, column: int, children: Children = None) -> None:
        self.line = line
        self.column = column
        self.children = children

    def get(self, key: str | int) -> Positions | None:
        children = self.children
        if type(children) is dict:
            return children.get(key) if isinstance(key, str) else None  # an ElementId too
        if type(children) is list and type(key) is int:
            return children[key] if 0 <= key < len(children) else None
        return None

    def position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """The 1-based ``(line, column)`` of exactly ``path``; ``None`` if it is not there."""
        node: Positions | None = self
        for key in path:
            if node is None:
                return None
            node = node.get(key)
        return None if node is None else (node.line, node.column)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """The position of the deepest prefix of ``path`` (an absent key points at its parent)."""
        node = self
        for key in path:
            deeper = node.get(key)
            if deeper is None:
                break
            node = deeper
        return (node.line, node.column)

    def within(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """:meth:`locate`, or ``None`` when the first key of ``path`` is not here (an absent
        top-level section has no place in the file)."""
        # :meth:`get` written out: this runs for every witness of every gap (issue #12)
        node, top = self, True
        for key in path:
            children = node.children
            if type(children) is dict:
                deeper = children.get(key) if isinstance(key, str) else None
            elif type(children) is list and type(key) is int and 0 <= key < len(children):
                deeper = children[key]
            else:
                deeper = None
            if deeper is None:
                if top:
                    return None
                break
            node, top = deeper, False
        return (node.line, node.column)

    def __repr__(self) -> str:
        return f"Positions({self.line}, {self.column})"


def format_path(path: Sequence[str | int]) -> str:
    """A path as the rule language writes it.

    ``("data_sources", 2, "consent", "separate")`` gives ``data_sources[2].consent.separate``;
    a key that is not an identifier is a string index: ``extensions["client-acme"].x``.
    """
    parts: list[str] = []
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _IDENTIFIER.fullmatch(key):
            parts.append(f".{key}" if parts else key)
        else:
            parts.append(f"[{json.dumps(key, ensure_ascii=False)}]")
    return "".join(parts)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# a name, a list index, a quoted key, a list item's id in brackets (data_sources[ds-carrier],
# only where parse_path is asked for ids), or a dot
_PATH_TOKEN = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>[0-9]+)\]|\[(?P<key>"(?:[^"\\]|\\.)*")\]"""
    r"""|\[(?P<id>[^\]\["]+)\]|(?P<dot>\.)"""
)


class ElementId(str):
    """A list item named by its ``id`` in a path: ``data_sources[ds-carrier]``."""

    __slots__ = ()


def parse_path(text: str, *, element_ids: bool = False) -> PathKey:
    """``data_sources[2].consent`` → ``("data_sources", 2, "consent")``: the inverse of
    :func:`format_path`. With ``element_ids``, ``[ds-carrier]`` names a list item by its id
    (an :class:`ElementId`). Raises ValueError naming the offending character."""
    keys: list[str | int] = []
    pos = 0
    expect_name = True
    while pos < len(text):
        m = _PATH_TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"unexpected '{text[pos]}' at character {pos + 1}")
        if m.group("dot"):
            if expect_name or not keys:
                raise ValueError(f"unexpected '.' at character {pos + 1}")
            expect_name = True
        elif m.group("name"):
            if not expect_name:
                raise ValueError(f"expected '.' or '[' at character {pos + 1}")
            keys.append(m.group("name"))
            expect_name = False
        elif not keys or expect_name or (m.group("id") is not None and not element_ids):
            raise ValueError(f"unexpected '[' at character {pos + 1}")
        elif m.group("index") is not None:
            keys.append(int(m.group("index")))
        elif m.group("key") is not None:
            keys.append(json.loads(m.group("key")))
        else:
            keys.append(ElementId(m.group("id").strip()))
        pos = m.end()
    if expect_name:
        raise ValueError("the path is empty or ends with '.'")
    return tuple(keys)


def value_at(data: object, path: Sequence[str | int]) -> object:
    """The value at ``path`` in read values; ``None`` where the path leads nowhere."""
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data
