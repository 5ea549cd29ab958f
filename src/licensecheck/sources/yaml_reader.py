"""YAML text → plain values and the position of every key and item.

Why hand-written: it is ~16× faster than ruamel's round-trip loader and enforces limits ruamel lacks.

The builder uses an explicit stack, so hostile nesting, alias bombs, custom tags and
duplicate keys end in a positioned error, never in a crash. Plain scalars follow the YAML 1.2
core schema (``no`` stays a string). An explicit ``null`` as a mapping value is dropped: the
policy language treats it exactly like an absent key.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from typing import Any, TypeAlias

import yaml
import yaml.events

from .. import codes
from ..errors import Diagnostic, LicenseCheckError
from .limits import Limits
from .paths import Children, Positions
from .text import LineIndex, SourceText
from .words import literal, quote

__all__ = ["YAML_WORD_BOOLEANS", "ScalarError", "parse_yaml", "parse_yaml_sized", "resolve_number"]

Container: TypeAlias = dict[str, Any] | list[Any]


def parse_yaml(source: SourceText, limits: Limits) -> tuple[object, Positions]:
    """The value of the single YAML document in ``source.text``, and its positions."""
    value, positions, _ = parse_yaml_sized(source, limits)
    return value, positions


def parse_yaml_sized(source: SourceText, limits: Limits) -> tuple[object, Positions, bool]:
    """:func:`parse_yaml`, and whether every list and string of the value is known to be
    within ``limits`` (the fast path checks their lengths as it builds; after the careful
    builder the caller checks them)."""
    plain = _build_plain_document(source.text, limits)
    if plain is not None:
        return (*plain, True)
    return (*_YamlBuilder(source, limits).build(), False)


_STANDARD_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null"))
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# YAML 1.2 core schema numbers, plus "_" between digits for readability (50_000_000).
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_INT = re.compile(rf"[-+]?{_DIGITS}")
_OCT = re.compile(r"0o[0-7]+(?:_[0-7]+)*")
_HEX = re.compile(r"0x[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*")
_FLOAT = re.compile(rf"[-+]?(?:\.{_DIGITS}|{_DIGITS}(?:\.(?:{_DIGITS})?)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
YAML_WORD_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_NUMBER_START = frozenset("0123456789+-.")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class ScalarError(ValueError):
    """A scalar that cannot be a value of the file; the builder adds the position."""


def _resolve_plain(text: str, noun: str) -> object:
    """A plain (unquoted, untagged) scalar under the YAML 1.2 core schema.

    Only ``true``/``false`` (in three spellings) are booleans, so ``NO`` (Norway) and ``on``
    stay strings. ``2024-01-31`` stays a string too: the schema decides what is a date.
    """
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:  # every number pattern below starts with one of them
        return text
    number = resolve_number(text, noun)
    return text if number is None else number


def resolve_number(text: str, noun: str) -> int | float | None:
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _OCT.fullmatch(text):
            return _printable_int(int(text[2:], 8))
        if _HEX.fullmatch(text):
            return _printable_int(int(text[2:], 16))
        if _FLOAT.fullmatch(text):
            return _finite(float(text), text)
    except ValueError as exc:  # Python refuses integers of more than 4300 digits
        if isinstance(exc, ScalarError):
            raise
        raise ScalarError(f"the number {quote(text, 40)} has too many digits") from None
    if _SPECIAL_FLOAT.fullmatch(text):
        raise ScalarError(f"{text} is not allowed: a {noun} holds only finite numbers")
    return None


def _printable_int(value: int) -> int:
    """Octal and hex convert without Python's digit limit, but the value could then never be
    printed in decimal (``str()`` raises): refuse it now, where its position is known."""
    limit = sys.get_int_max_str_digits()  # 0: no limit
    if limit and value.bit_length() > limit * math.log2(10):
        raise ValueError("too many digits")
    return value


def _finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise ScalarError(f"the number {quote(text, 40)} is too large")
    return value


def _resolve_tagged(text: str, tag: str, noun: str) -> object:
    """A scalar with an explicit standard tag such as ``!!str`` or ``!!int``."""
    kind = tag.removeprefix(_STANDARD_TAG)
    if kind == "str":
        return text
    value = _resolve_plain(text, noun)
    if kind == "null" and value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "int" and isinstance(value, int):
            return value
        if kind == "float":
            return float(value)
    raise ScalarError(f"{quote(text, 40)} is not a valid !!{kind} value")


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag


def _build_plain_document(text: str, limits: Limits) -> tuple[object, Positions] | None:
    """The common case at a fraction of the careful builder's cost, or None to use it.

    Declarations are plain data: mappings, lists, plain and quoted scalars. This loop builds
    exactly what :class:`_YamlBuilder` builds for such a document, with the work per event
    cut to a type test and a few list operations. Anything else — an anchor, an alias, a tag,
    a key that is not text or appears twice, a merge key, a scalar the core schema refuses,
    a limit reached (a list or a string too long included), a second document, a syntax
    error — returns None, and the careful builder reads the text again to report it with its
    position (or to build it).
    """
    max_values, max_depth = limits.max_values, limits.max_depth
    max_string, max_list = limits.max_string_length, limits.max_list_length
    # a frame: [container, children, expecting a key?, key, key line, key column]
    stack: list[list[Any]] = []
    root: object = None
    root_pos = Positions(1, 1)
    count = documents = 0
    # Any: the loop tests exact classes (``is``), which mypy does not narrow on, because an
    # isinstance chain per event is a measurable share of the time here
    # the loader's own get_event until it gives None, not yaml.parse's generator around it:
    # a frame resumed and a check_event call fewer for each of a document's ~500 events
    loader = _Loader(text)
    events: Iterable[Any] = iter(loader.get_event, None)
    try:
        for event in events:
            kind = event.__class__
            if kind is _ScalarEvent:
                if event.anchor is not None:
                    return None
                raw = event.value
                plain = event.implicit[0]
                if event.tag is not None or len(raw) > max_string:
                    return None
                if not plain:
                    value: object = raw
                elif raw in _NULLS:
                    value = None
                elif raw in _BOOLS:
                    value = _BOOLS[raw]
                elif raw[0] in _NUMBER_START:
                    value = _resolve_plain(raw, "value")
                else:
                    value = raw
                children: Children = None
            elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
                if event.anchor is not None or event.tag not in _PLAIN_CONTAINER_TAGS:
                    return None
                if len(stack) >= max_depth:
                    return None
                value = {} if kind is _MappingStartEvent else []
                children = {} if kind is _MappingStartEvent else []
            elif kind is _MappingEndEvent:
                stack.pop()
                continue
            elif kind is _SequenceEndEvent:
                if len(stack.pop()[0]) > max_list:
                    return None
                continue
            elif kind is _DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None
                continue
            elif kind is _AliasEvent:
                return None
            else:
                continue
            count += 1
            if count > max_values:
                return None
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if not stack:
                root, root_pos = value, Positions(line, column, children)
            else:
                frame = stack[-1]
                container = frame[0]
                if container.__class__ is list:
                    container.append(value)
                    frame[1].append(Positions(line, column, children))
                elif frame[2]:
                    if value.__class__ is not str or value in frame[1] or value == "<<":
                        return None
                    frame[2], frame[3], frame[4], frame[5] = False, value, line, column
                else:
                    frame[2] = True
                    key = frame[3]
                    frame[1][key] = Positions(frame[4], frame[5], children)
                    if value is not None:
                        container[key] = value
            if children is not None:
                stack.append([value, children, kind is _MappingStartEvent, None, 0, 0])
    except (yaml.YAMLError, ScalarError, ValueError, UnicodeError):
        return None
    finally:
        loader.dispose()
    return root, root_pos


_ScalarEvent = yaml.ScalarEvent
_AliasEvent = yaml.AliasEvent
_MappingStartEvent = yaml.MappingStartEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_PLAIN_CONTAINER_TAGS = frozenset({None, "!"})  # an explicit !!map or !!seq: the careful way


class _Frame:
    """An open mapping or sequence while the YAML events are being consumed."""

    __slots__ = (
        "anchor",
        "children",
        "expect_key",
        "key",
        "key_pos",
        "start_chars",
        "start_count",
        "value",
    )

    def __init__(
        self,
        value: Container,
        children: Children,
        anchor: str | None,
        start_count: int,
        start_chars: int,
    ) -> None:
        self.value = value
        self.children = children
        self.anchor = anchor
        self.start_count = start_count
        self.start_chars = start_chars
        self.expect_key = isinstance(value, dict)
        self.key: str | None = None  # None: drop the coming value (its key was bad)
        self.key_pos: Positions | None = None


class _YamlBuilder:
    """Builds values and positions from ``yaml.parse`` events with an explicit stack.

    No recursion, so nesting depth cannot exhaust the Python stack, and nothing is
    constructed from tags, so a document cannot run code. Aliases share the anchored Python
    object (no copy) but add its size to the running count of values.
    """

    def __init__(self, source: SourceText, limits: Limits) -> None:
        self.source = source
        self.text = source.text
        self.noun = source.noun
        self.limits = limits
        self.stack: list[_Frame] = []
        # anchor name -> (value, positions of its children, number of values it holds,
        # characters of text it holds)
        self.anchors: dict[str, tuple[object, Children, int, int]] = {}
        self.count = 0
        #: characters of text (keys and scalars) with aliases expanded: an alias to a long
        #: string, repeated, costs every reader of the values (reports, fingerprints) in full
        self.chars = 0
        self.documents = 0
        self.root: object = None
        self.root_pos = Positions(1, 1)
        self.problems: list[Diagnostic] = []

    def build(self) -> tuple[object, Positions]:
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                self.handle(event)
        except yaml.MarkedYAMLError as exc:
            raise self.syntax_error(exc) from None
        except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
            raise self.reader_error(exc) from None
        except UnicodeError:  # lone surrogates in a str built in memory
            raise self.source.without_text().fail(1, 1, "the text is not valid Unicode") from None
        if self.problems:
            raise self.source.error(sorted(self.problems, key=Diagnostic.sort_key))
        return self.root, self.root_pos

    # -- events

    def handle(self, event: yaml.events.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            self.alias(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.start(event)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.end()
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                line, column = self.mark(event)
                raise self.fail(
                    line,
                    column,
                    "the file holds more than one YAML document ('---'); "
                    f"a {self.noun} is a single document",
                )

    def scalar(self, event: yaml.ScalarEvent) -> None:
        line, column = self.mark(event)
        plain = event.tag is None and event.implicit[0]
        try:
            value = self.scalar_value(event, plain)
        except ScalarError as exc:
            raise self.fail(line, column, str(exc)) from None
        if plain and value == "<<" and self.stack and self.stack[-1].expect_key:
            self.problem(
                line, column, "YAML merge keys ('<<') are not supported: write the keys out"
            )
        self.add_values(1, line, column)
        self.chars += len(event.value)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, None, 1, len(event.value))
        self.place(value, Positions(line, column), event)

    def scalar_value(self, event: yaml.ScalarEvent, plain: bool) -> object:
        tag = event.tag
        if plain:
            return _resolve_plain(event.value, self.noun)
        if tag is None or tag == "!":  # quoted, or the non-specific tag: always a string
            return event.value
        if tag in _SCALAR_TAGS:
            return _resolve_tagged(event.value, tag, self.noun)
        raise ScalarError(self.tag_message(tag))

    def alias(self, event: yaml.AliasEvent) -> None:
        line, column = self.mark(event)
        name = event.anchor or ""
        if any(frame.anchor == name for frame in self.stack):
            raise self.fail(line, column, f"the alias *{name} refers to itself (a recursive alias)")
        if name not in self.anchors:
            raise self.fail(line, column, f"the alias *{name} has no anchor &{name} before it")
        value, children, size, chars = self.anchors[name]
        self.count += size
        self.chars += chars
        if self.chars > self.limits.max_bytes:
            raise self.fail(
                line,
                column,
                f"the alias *{name} expands to more than {self.limits.max_bytes} characters of "
                "text: is this a YAML alias bomb?",
                code=codes.LIMIT,
            )
        if self.count > self.limits.max_values:
            raise self.fail(
                line,
                column,
                f"the alias *{name} expands to more than {self.limits.max_values} values: "
                "is this a YAML alias bomb?",
                code=codes.LIMIT,
            )
        self.place(value, Positions(line, column, children), event)

    def start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        line, column = self.mark(event)
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _STANDARD_TAG + ("map" if is_map else "seq")):
            raise self.fail(line, column, self.tag_message(event.tag or ""))
        if len(self.stack) >= self.limits.max_depth:
            raise self.fail(
                line,
                column,
                f"the {self.noun} is nested more than {self.limits.max_depth} levels deep",
                code=codes.LIMIT,
            )
        start_count, start_chars = self.count, self.chars
        self.add_values(1, line, column)
        value: dict[str, Any] | list[Any] = {} if is_map else []
        children: Children = {} if is_map else []
        self.place(value, Positions(line, column, children), event)
        self.stack.append(_Frame(value, children, event.anchor, start_count, start_chars))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            size = self.count - frame.start_count
            chars = self.chars - frame.start_chars
            self.anchors[frame.anchor] = (frame.value, frame.children, size, chars)

    # -- building

    def place(self, value: object, pos: Positions, event: yaml.events.NodeEvent) -> None:
        """Put a finished (or just opened) value where the enclosing container expects it."""
        if not self.stack:
            self.root, self.root_pos = value, pos
            return
        frame = self.stack[-1]
        if isinstance(frame.value, list) and isinstance(frame.children, list):
            frame.value.append(value)
            frame.children.append(pos)
        elif frame.expect_key:
            self.take_key(frame, value, pos, event)
        else:
            self.take_value(frame, value, pos)

    def take_key(
        self, frame: _Frame, key: object, pos: Positions, event: yaml.events.Event
    ) -> None:
        frame.expect_key = False
        frame.key, frame.key_pos = None, pos
        if not isinstance(key, str):
            self.problem(pos.line, pos.column, self.key_message(key, event))
            return
        first = frame.children.get(key) if isinstance(frame.children, dict) else None
        if first is not None:
            self.problem(
                pos.line,
                pos.column,
                f"duplicate key '{key}' (first defined on line {first.line})",
                width=len(key),
            )
        frame.key = key

    def take_value(self, frame: _Frame, value: object, pos: Positions) -> None:
        frame.expect_key = True
        key, key_pos, table, children = frame.key, frame.key_pos, frame.value, frame.children
        if key is None or key_pos is None:
            return  # the key was reported as bad: drop its value
        if isinstance(table, dict) and isinstance(children, dict):
            # The entry is found at its key; its children are the value's.
            children[key] = Positions(key_pos.line, key_pos.column, pos.children)
            if value is not None:  # an explicit null is the same as an absent key
                table[key] = value

    def add_values(self, n: int, line: int, column: int) -> None:
        self.count += n
        if self.count > self.limits.max_values:
            raise self.fail(
                line,
                column,
                f"the {self.noun} holds more than {self.limits.max_values} values",
                code=codes.LIMIT,
            )

    # -- messages

    @staticmethod
    def mark(event: yaml.events.Event) -> tuple[int, int]:
        mark = event.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def tag_message(self, tag: str) -> str:
        return (
            f"the tag {_show_tag(tag)} is not allowed: a {self.noun} holds only plain data "
            "(text, numbers, true/false, dates, lists and mappings)"
        )

    @staticmethod
    def key_message(key: object, event: yaml.events.Event) -> str:
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            return "a key must be text, not a list or mapping"
        if key is None:
            return "a key must be text, but this key is empty (null)"
        return f"the key {literal(key)} is not text: put it in quotes"

    def problem(self, line: int, column: int, message: str, *, width: int = 1) -> None:
        self.problems.append(
            self.source.diagnostic(line, column, message, code=codes.SYNTAX, width=width)
        )

    def fail(
        self, line: int, column: int, message: str, *, code: str = codes.SYNTAX
    ) -> LicenseCheckError:
        return self.source.error(
            [*self.problems, self.source.diagnostic(line, column, message, code=code)]
        )

    def syntax_error(self, exc: yaml.MarkedYAMLError) -> LicenseCheckError:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        hint = None
        if self._is_tab(line, column):
            # PyYAML's words ("found character that cannot start any token") hide the cause
            return self.source.fail(
                line,
                column,
                "tabs cannot indent YAML",
                code=codes.SYNTAX,
                hint="indent with spaces (two per level is usual)",
            )
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            hint = f"{exc.context} on line {exc.context_mark.line + 1}"
        elif exc.context:
            hint = exc.context
        return self.source.fail(
            line, column, f"invalid YAML: {problem}", code=codes.SYNTAX, hint=hint
        )

    def _is_tab(self, line: int, column: int) -> bool:
        lines = self.text.splitlines()
        return 1 <= line <= len(lines) and lines[line - 1][column - 1 : column] == "\t"

    def reader_error(self, exc: yaml.YAMLError) -> LicenseCheckError:
        index = getattr(exc, "position", 0)
        index = index if isinstance(index, int) and 0 <= index <= len(self.text) else 0
        line, column = LineIndex(self.text).at(index)
        character = getattr(exc, "character", None)
        what = f"the character {character!r}" if isinstance(character, str) else "a character"
        return self.source.fail(line, column, f"{what} is not allowed in a YAML file")
