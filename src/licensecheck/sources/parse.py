"""YAML or JSON text → plain values with positions, within the limits in force.

The one entry of the two readers: the text's size, a tolerated BOM, an empty file, a file
that must hold a mapping, and over-long lists and strings are all checked here, so every
file read with positions is bounded the same way.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Callable

from .. import codes
from ..errors import LicenseCheckError
from .limits import Limits, current_limits
from .paths import Positions
from .text import SourceText
from .words import describe
from .yaml_reader import parse_yaml_sized

__all__ = ["NESTING_LIMIT", "locate_excess", "parse_text"]

#: The nesting a recursive parser (json, tomllib) is trusted with: far below Python's stack
NESTING_LIMIT = 200

# Strings (JSON's double quotes, TOML's single quotes too), brackets and long digit runs.
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[\[\]{}]|[0-9_]{100,}')


def parse_text(
    text: str,
    name: str,
    *,
    noun: str,
    error: type[LicenseCheckError],
    json: bool = False,
    limits: Limits | None = None,
    not_a_mapping: Callable[[str], str] | None = None,
) -> tuple[object, Positions]:
    """The value of ``text`` (JSON if ``json``, else YAML) and the position of every part.

    ``noun`` names the file in messages (``the {noun} is empty``) and ``error`` is raised.
    With ``not_a_mapping``, the value must be a mapping; it words the complaint, given the
    value found in words (``a list``).
    """
    limits = limits or current_limits()
    if len(text) > limits.max_bytes:
        source = SourceText(name, "", noun, error)
        raise source.fail(1, 1, f"the {noun} is larger than {limits.max_bytes} bytes")
    source = SourceText(name, text.removeprefix(codecs.BOM_UTF8.decode()), noun, error)
    if json:
        from .json_reader import parse_json  # a YAML file (most declarations) needs none of it

        value, positions = parse_json(source, limits)
        sized = False
    else:
        value, positions, sized = parse_yaml_sized(source, limits)
    if value is None:
        raise source.fail(1, 1, f"the {noun} is empty")
    if not_a_mapping is not None and not isinstance(value, dict):
        message = not_a_mapping(describe(value))
        raise source.fail(positions.line, positions.column, message, code=codes.SCHEMA)
    if not sized:
        _check_sizes(value, positions, source, limits)
    return value, positions


def _check_sizes(value: object, positions: Positions, source: SourceText, limits: Limits) -> None:
    """Reject over-long lists and strings, naming where the first one starts.

    Iterative, and each container is visited once even when YAML aliases share it.
    """
    stack: list[tuple[object, Positions | None]] = [(value, positions)]
    seen: set[int] = set()
    while stack:
        item, where = stack.pop()
        line, column = (where.line, where.column) if where is not None else (1, 1)
        if isinstance(item, str):
            if len(item) > limits.max_string_length:
                raise source.fail(
                    line,
                    column,
                    f"a text value is longer than {limits.max_string_length} characters",
                    code=codes.LIMIT,
                )
            continue
        if not isinstance(item, dict | list) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list):
            if len(item) > limits.max_list_length:
                raise source.fail(
                    line,
                    column,
                    f"a list holds more than {limits.max_list_length} items",
                    code=codes.LIMIT,
                )
            stack.extend((child, where.get(i) if where else None) for i, child in enumerate(item))
        else:
            stack.extend((child, where.get(key) if where else None) for key, child in item.items())


def locate_excess(text: str) -> tuple[int, int, str]:
    """Where a file that a recursive parser (``json``, ``tomllib``) failed on is nested
    deeper than :data:`NESTING_LIMIT`, or holds a number past Python's digit limit, and
    which of the two it is: (line, column, problem). A regular expression finds it, so the
    scan costs no recursion and no more than one pass."""
    digits = sys.get_int_max_str_digits() or 4300
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > NESTING_LIMIT:
                return (
                    *_line_column(text, match.start()),
                    f"it is nested more than {NESTING_LIMIT} levels deep",
                )
        elif token in "]}":
            depth -= 1
        elif token[0] not in "\"'" and len(token.replace("_", "")) > digits:
            return (
                *_line_column(text, match.start()),
                f"it holds a number of more than {digits} digits",
            )
    return 1, 1, f"it is nested too deeply or holds a number of more than {digits} digits"


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
