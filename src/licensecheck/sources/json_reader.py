"""JSON text → values exactly as :func:`json.loads` gives them, and the position of every key
and item from a small scanner of our own.

The scanner runs first: it is iterative and enforces the depth and value-count limits, so
the (recursive) json module never sees a hostile nesting depth. It also reports duplicate
keys, which json.loads keeps silently. An explicit ``null`` as a mapping value is dropped.
"""

from __future__ import annotations

import json as jsonlib
import math
import re
import sys
from collections.abc import Callable
from typing import Any

from .. import codes
from ..errors import Diagnostic, LicenseCheckError
from .limits import Limits
from .paths import Positions
from .text import LineIndex, SourceText
from .words import quote

__all__ = ["parse_json"]


class _NotJson(Exception):
    """The position scanner met something that is not JSON; json.loads says what."""

    def __init__(self, offset: int, reason: str = "invalid JSON") -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_LITERAL = re.compile(r"true|false|null")
_JSON_CONSTANT = re.compile(r"-?Infinity|NaN")
# json's own string decoder, so keys decode exactly as json.loads decodes them.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = jsonlib.decoder.scanstring  # type: ignore[attr-defined]


def parse_json(source: SourceText, limits: Limits) -> tuple[object, Positions]:
    """Values exactly as :func:`json.loads` gives them, positions from our own scanner.

    The scanner runs first: it is iterative and enforces depth and size limits, so the
    (recursive) json module never sees a hostile nesting depth.
    """
    text = source.text
    scanner = _JsonScanner(source, limits)
    try:
        positions = scanner.scan()
    except _NotJson as exc:
        raise _json_syntax_error(source, exc) from None
    if scanner.problems:
        raise source.error(scanner.problems)
    try:
        value = jsonlib.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # not expected after a clean scan
        raise source.fail(1, 1, f"invalid JSON: {exc}") from None
    _reject_lone_surrogates(source)
    return value, positions


# A UTF-16 surrogate escape not paired with its other half: valid JSON syntax, but not text.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _reject_lone_surrogates(source: SourceText) -> None:
    """Refuse ``"\\ud800"`` and the like: every output must be valid UTF-8 text."""
    text = source.text
    if "\\u" not in text:
        return
    match = _LONE_SURROGATE.search(text)
    if match is not None:
        line, column = LineIndex(text).at(match.start())
        raise source.fail(
            line,
            column,
            f"invalid JSON text: {match.group()[-6:]} is half of a UTF-16 surrogate pair, "
            "not a character",
        )


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def _no_constant(name: str) -> object:
    # The scanner refuses NaN and Infinity first (saying why); this only keeps json.loads strict.
    raise ValueError(f"{name} is not a finite number")


def _json_syntax_error(source: SourceText, exc: _NotJson) -> LicenseCheckError:
    """Report json.loads's own message when it has one, else the scanner's."""
    try:
        jsonlib.loads(source.text, parse_constant=_no_constant)
    except jsonlib.JSONDecodeError as error:
        return source.fail(error.lineno, error.colno, f"invalid JSON: {error.msg}")
    except (ValueError, RecursionError):
        pass
    line, column = LineIndex(source.text).at(exc.offset)
    return source.fail(line, column, f"invalid JSON: {exc.reason}")


class _JsonScanner:
    """Finds where each JSON value and key starts, with an explicit stack (no recursion).

    It also reports duplicate keys (json.loads keeps the last silently) and enforces the
    depth and value-count limits. The values themselves come from json.loads.
    """

    def __init__(self, source: SourceText, limits: Limits) -> None:
        self.source = source
        self.text = source.text
        self.noun = source.noun
        self.limits = limits
        self.lines = LineIndex(self.text)
        self.stack: list[dict[str, Positions] | list[Positions]] = []
        self.key: str = ""
        self.key_pos = Positions(1, 1)
        self.count = 0
        self.root: Positions | None = None
        self.problems: list[Diagnostic] = []

    def scan(self) -> Positions:
        i = self.space(0)
        if i == len(self.text):
            raise self.source.fail(1, 1, f"the {self.noun} is empty")
        while True:
            i, opened = self.value(i)
            if opened:  # a container began: read its first key or value, or its end
                i = self.space(i)
                if self.text.startswith("}" if isinstance(self.stack[-1], dict) else "]", i):
                    self.stack.pop()
                    i = self.close(i + 1)
                elif isinstance(self.stack[-1], dict):
                    i = self.read_key(i)
                    continue
                else:
                    continue
            else:
                i = self.close(i)
            if not self.stack:
                if self.space(i) != len(self.text):
                    raise _NotJson(self.space(i), "extra data after the JSON value")
                assert self.root is not None
                return self.root
            i = self.space(i + 1)  # close() stopped at a comma
            if isinstance(self.stack[-1], dict):
                i = self.read_key(i)

    def close(self, i: int) -> int:
        """Skip closing brackets after a value; stop at a comma (returned) or the end."""
        while self.stack:
            i = self.space(i)
            closer = "}" if isinstance(self.stack[-1], dict) else "]"
            if self.text.startswith(",", i):
                return i
            if not self.text.startswith(closer, i):
                raise _NotJson(i)
            self.stack.pop()
            i += 1
        return i

    def value(self, i: int) -> tuple[int, bool]:
        """Scan one value at ``i``; return where it ends and whether it opened a container."""
        line, column = self.lines.at(i)
        self.count_value(line, column)
        char = self.text[i : i + 1]
        if char in ("{", "["):
            if len(self.stack) >= self.limits.max_depth:
                raise self.source.fail(
                    line,
                    column,
                    f"the {self.noun} is nested more than {self.limits.max_depth} levels deep",
                    code=codes.LIMIT,
                )
            children: dict[str, Positions] | list[Positions] = {} if char == "{" else []
            self.attach(Positions(line, column, children))
            self.stack.append(children)
            return i + 1, True
        self.attach(Positions(line, column))
        if char == '"':
            return self.string(i)[1], False
        match = _JSON_NUMBER.match(self.text, i) or _JSON_LITERAL.match(self.text, i)
        if match is None:
            reason = "invalid JSON"
            if _JSON_CONSTANT.match(self.text, i):
                reason = (
                    f"NaN and Infinity are not allowed: a {self.noun} holds only finite numbers"
                )
            raise _NotJson(i, reason)
        if match.re is _JSON_NUMBER:
            self.check_number(match[0], line, column)
        return match.end(), False

    def check_number(self, token: str, line: int, column: int) -> None:
        """Refuse what json.loads would make an infinity (``1e999``) or fail on without a
        position (an integer past Python's int-string conversion limit), as YAML does."""
        problem = None
        digits_limit = sys.get_int_max_str_digits()  # 0: no limit
        if any(c in token for c in ".eE"):
            if not math.isfinite(float(token)):
                problem = f"the number {quote(token, 40)} is too large: "
                problem += f"a {self.noun} holds only finite numbers"
        elif digits_limit and len(token.lstrip("-")) > digits_limit:
            problem = f"the number {quote(token, 40)} has too many digits"
        if problem is not None:
            raise self.source.fail(line, column, problem)

    def read_key(self, i: int) -> int:
        """Read ``"key" :`` at ``i`` and return where its value starts."""
        if not self.text.startswith('"', i):
            raise _NotJson(i)
        line, column = self.lines.at(i)
        self.count_value(line, column)
        key, i = self.string(i)
        table = self.stack[-1]
        assert isinstance(table, dict)
        first = table.get(key)
        if first is not None:
            self.problems.append(
                self.source.diagnostic(
                    line,
                    column,
                    f"duplicate key '{key}' (first defined on line {first.line})",
                    code=codes.SYNTAX,
                    width=len(key) + 2,
                )
            )
        self.key, self.key_pos = key, Positions(line, column)
        i = self.space(i)
        if not self.text.startswith(":", i):
            raise _NotJson(i)
        return self.space(i + 1)

    def attach(self, pos: Positions) -> None:
        if not self.stack:
            self.root = pos
        elif isinstance(self.stack[-1], list):
            self.stack[-1].append(pos)
        else:
            key_pos = self.key_pos
            self.stack[-1].setdefault(
                self.key, Positions(key_pos.line, key_pos.column, pos.children)
            )

    def string(self, i: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, i + 1, True)
        except ValueError:
            raise _NotJson(i) from None

    def space(self, i: int) -> int:
        match = _JSON_SPACE.match(self.text, i)
        return match.end() if match else i

    def count_value(self, line: int, column: int) -> None:
        self.count += 1
        if self.count > self.limits.max_values:
            raise self.source.fail(
                line,
                column,
                f"the {self.noun} holds more than {self.limits.max_values} values",
                code=codes.LIMIT,
            )
