"""Declarations: a YAML or JSON file (or a mapping) in, a validated :class:`Declaration` out.

The stages, each a function of its own:

1. read: size limit before reading, UTF-8 (a BOM is tolerated), errors naming the file;
2. parse (:func:`parse_declaration_text`): YAML parser events or a small JSON scanner build the
   values and a tree of source positions *iteratively*, so hostile nesting, alias bombs, custom
   tags and duplicate keys end in a :class:`~licensecheck.errors.DeclarationError`, never in a
   crash. Plain YAML scalars follow the YAML 1.2 core schema (``no`` stays a string);
3. validate (:func:`validate`): the declaration JSON Schema, every violation at once, each a
   plain-language diagnostic at the file's line and column;
4. convert: date-format strings become :class:`datetime.date`, as the schema tree says.

An explicit ``null`` as a mapping value is dropped while parsing: the policy language treats it
exactly like an absent key.
"""

from __future__ import annotations

import bisect
import codecs
import datetime
import itertools
import json as jsonlib
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import jsonschema.exceptions  # type: ignore[import-untyped, unused-ignore]
import yaml
import yaml.events

from licensecheck.declaration.schema import DeclarationSchema, SchemaNode, load_declaration_schema
from licensecheck.errors import DeclarationError, Diagnostic, Span, did_you_mean, source_snippet

__all__ = [
    "DEFAULT_LIMITS",
    "Declaration",
    "Limits",
    "PathKey",
    "Positions",
    "format_path",
    "load_declaration",
    "parse_declaration_text",
    "parse_path",
    "validate",
]

PathKey: TypeAlias = tuple[str | int, ...]
_Container: TypeAlias = dict[str, Any] | list[Any]

MEMORY_SOURCE = "<memory>"
# Validation stops after this many problems: enough to fix a real file in one go, and a bound
# on the work a hostile one can cause.
MAX_DIAGNOSTICS = 1000


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Limits:
    """Bounds on what a declaration may cost to read.

    ``max_values`` counts every scalar, list and mapping, keys included, *after* YAML alias
    expansion, so an alias bomb is caught while it is still a few lines of text.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_values: int = 1_000_000
    #: items in one list; a real declaration has hundreds of sources at most
    max_list_length: int = 100_000
    #: characters in one string; free-text notes are far shorter
    max_string_length: int = 100_000
    #: list elements one rule may visit in one evaluation (over it, the rule is `error`)
    max_rule_steps: int = 1_000_000


DEFAULT_LIMITS = Limits()
_LIMITS_IN_FORCE: ContextVar[Limits] = ContextVar("licensecheck_limits", default=DEFAULT_LIMITS)


def current_limits() -> Limits:
    """The limits in force: the defaults, or those set by :func:`limits_in_force`."""
    return _LIMITS_IN_FORCE.get()


def set_process_limits(limits: Limits) -> None:
    """Make ``limits`` the default of this whole process (a batch worker's, say)."""
    _LIMITS_IN_FORCE.set(limits)


@contextmanager
def limits_in_force(limits: Limits) -> Iterator[None]:
    """Apply ``limits`` to every declaration read and rule run inside the block (the CLI's
    --max-* options use this, so the API functions need no extra parameter)."""
    token = _LIMITS_IN_FORCE.set(limits)
    try:
        yield
    finally:
        _LIMITS_IN_FORCE.reset(token)


_Children: TypeAlias = "dict[str, Positions] | list[Positions] | None"


class Positions:
    """Where one value sits in the source, and where its children sit.

    ``line`` and ``column`` are 1-based. For a mapping entry they are those of the *key*; for a
    list item, those of the item. ``children`` is a dict (mapping) or list (sequence) of
    :class:`Positions`, or ``None`` for a scalar. A YAML alias shares its anchor's children.
    """

    __slots__ = ("children", "column", "line")

    def __init__(self, line: int, column: int, children: _Children = None) -> None:
        self.line = line
        self.column = column
        self.children = children

    def get(self, key: str | int) -> Positions | None:
        children = self.children
        if isinstance(children, dict):
            return children.get(key) if isinstance(key, str) else None
        if isinstance(children, list) and isinstance(key, int) and not isinstance(key, bool):
            return children[key] if 0 <= key < len(children) else None
        return None

    def __repr__(self) -> str:
        return f"Positions({self.line}, {self.column})"


@dataclass(frozen=True)
class Declaration:
    """A validated declaration.

    ``data`` holds plain Python values: dicts, lists, strings, numbers, booleans and
    :class:`datetime.date` wherever the schema says ``format: date``. Mapping entries whose
    value was ``null`` are absent.
    """

    data: dict[str, Any]
    source: str = MEMORY_SOURCE
    text: str = field(default="", repr=False)
    positions: Positions | None = field(default=None, repr=False)

    def position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """The 1-based ``(line, column)`` of exactly ``path``; ``None`` if it is not in the file."""
        node = self.positions
        for key in path:
            if node is None:
                return None
            node = node.get(key)
        return None if node is None else (node.line, node.column)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """The position of the deepest prefix of ``path`` in the file (so an absent field
        points at its parent), or ``None`` when there are no positions at all."""
        node = self.positions
        if node is None:
            return None
        for key in path:
            deeper = node.get(key)
            if deeper is None:
                break
            node = deeper
        return (node.line, node.column)


# --------------------------------------------------------------------------- entry points


def load_declaration(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    schema: DeclarationSchema | None = None,
    limits: Limits | None = None,
) -> Declaration:
    """Read, parse, validate and convert a declaration file (``.json`` is JSON, anything
    else YAML) or an in-memory mapping, which is copied, never modified.

    Raises :class:`DeclarationError` with every problem found; nothing else escapes.
    """
    limits = limits or current_limits()
    schema = schema or load_declaration_schema()
    if isinstance(source, Mapping):
        name, text = MEMORY_SOURCE, ""
        data, positions = _copy_mapping(source, limits), None
    else:
        name = os.fspath(source)
        text = _read_text(name, limits)
        data, positions = parse_declaration_text(
            text, name, json=name.lower().endswith(".json"), limits=limits
        )
    diagnostics = validate(data, positions, name, text, schema)
    if diagnostics:
        raise DeclarationError(diagnostics)
    _convert(data, schema.root)
    return Declaration(data=data, source=name, text=text, positions=positions)


def parse_declaration_text(
    text: str, source: str, *, json: bool = False, limits: Limits | None = None
) -> tuple[dict[str, Any], Positions]:
    """Parse declaration text into values and positions, without schema validation.

    Dates stay strings here; :func:`load_declaration` converts them after validation.
    """
    limits = limits or current_limits()
    if len(text) > limits.max_bytes:
        raise _error(source, "", 1, 1, f"the declaration is larger than {limits.max_bytes} bytes")
    text = text.removeprefix(codecs.BOM_UTF8.decode())
    if json:
        value, positions = _parse_json(text, source, limits)
    else:
        value, positions = _YamlBuilder(text, source, limits).build()
    if value is None:
        raise _error(source, text, 1, 1, "the declaration is empty")
    if not isinstance(value, dict):
        raise _error(
            source,
            text,
            positions.line,
            positions.column,
            f"the declaration must be a mapping of sections ('company:', 'data_sources:', …), "
            f"but this file holds {_describe(value)}",
            code="schema",
        )
    _check_sizes(value, positions, source, text, limits)
    return value, positions


def _check_sizes(
    value: object, positions: Positions, source: str, text: str, limits: Limits
) -> None:
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
                raise _error(
                    source,
                    text,
                    line,
                    column,
                    f"a text value is longer than {limits.max_string_length} characters",
                    code="limit",
                )
            continue
        if not isinstance(item, dict | list) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list):
            if len(item) > limits.max_list_length:
                raise _error(
                    source,
                    text,
                    line,
                    column,
                    f"a list holds more than {limits.max_list_length} items",
                    code="limit",
                )
            stack.extend((child, where.get(i) if where else None) for i, child in enumerate(item))
        else:
            stack.extend((child, where.get(key) if where else None) for key, child in item.items())


def format_path(path: Sequence[str | int]) -> str:
    """A declaration path as the rule language writes it.

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
            parts.append(f"[{jsonlib.dumps(key, ensure_ascii=False)}]")
    return "".join(parts)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_PATH_TOKEN = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>[0-9]+)\]|\[(?P<key>"(?:[^"\\]|\\.)*")\]|(?P<dot>\.)"""
)


def parse_path(text: str) -> PathKey:
    """``data_sources[2].consent`` → ``("data_sources", 2, "consent")``: the inverse of
    :func:`format_path`. Raises ValueError naming the offending character."""
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
        else:
            if not keys or expect_name:
                raise ValueError(f"unexpected '[' at character {pos + 1}")
            index = m.group("index")
            keys.append(int(index) if index is not None else jsonlib.loads(m.group("key")))
        pos = m.end()
    if expect_name:
        raise ValueError("the path is empty or ends with '.'")
    return tuple(keys)


# --------------------------------------------------------------------------- small helpers


def _error(
    source: str,
    text: str,
    line: int,
    column: int,
    message: str,
    *,
    code: str = "syntax",
    hint: str | None = None,
) -> DeclarationError:
    return DeclarationError(_diagnostic(source, text, line, column, message, code=code, hint=hint))


def _diagnostic(
    source: str,
    text: str,
    line: int,
    column: int,
    message: str,
    *,
    code: str,
    hint: str | None = None,
    width: int = 1,
) -> Diagnostic:
    if source == MEMORY_SOURCE and not text:
        return Diagnostic(code=code, message=message, hint=hint)
    snippet = source_snippet(text, line, column, width) if text else None
    return Diagnostic(
        code=code,
        message=message,
        span=Span(source, line, column),
        snippet=snippet or None,
        hint=hint,
    )


def _quote(text: str, limit: int = 60) -> str:
    """A string as it would be written in the declaration, shortened when long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return jsonlib.dumps(text, ensure_ascii=False)


def _describe(value: object) -> str:
    """A value in words, for messages: ``the string "yes"``, ``the number 3``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        shown = str(value)
        return f"the number {shown if len(shown) <= 40 else shown[:39] + '…'}"
    if isinstance(value, str):
        return f"the string {_quote(value)}"
    if isinstance(value, dict):
        return "a mapping ('key: value' entries)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"a value of type {type(value).__name__}"


# --------------------------------------------------------------------------- reading files


def _read_text(path: str, limits: Limits) -> str:
    """The text of a declaration file, checked for size (before reading) and UTF-8."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > limits.max_bytes:
                raise _too_big(path, limits)
            # Read one byte more than allowed: a pipe or special file has no honest size.
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise _error(path, "", 1, 1, f"cannot read '{path}': no such file", code="io") from None
    except IsADirectoryError:
        raise _error(path, "", 1, 1, f"cannot read '{path}': it is a folder", code="io") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _error(path, "", 1, 1, f"cannot read '{path}': {reason}", code="io") from None
    if len(raw) > limits.max_bytes:
        raise _too_big(path, limits)
    return _decode(raw, path)


def _too_big(path: str, limits: Limits) -> DeclarationError:
    return _error(
        path, "", 1, 1, f"the declaration is larger than {limits.max_bytes} bytes", code="io"
    )


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(
            path, "", 1, 1, "the file is UTF-16 encoded; save it as UTF-8", code="encoding"
        )
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        shown = raw.decode("utf-8", "replace")
        raise _error(
            path,
            shown,
            line,
            column,
            f"the file is not valid UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded",
            code="encoding",
            hint="save the file with UTF-8 encoding",
        ) from None


# --------------------------------------------------------------------------- YAML


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
_YAML_WORD_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _ScalarError(ValueError):
    """A scalar that cannot be a declaration value; the builder adds the position."""


def _resolve_plain(text: str) -> object:
    """A plain (unquoted, untagged) scalar under the YAML 1.2 core schema.

    Only ``true``/``false`` (in three spellings) are booleans, so ``NO`` (Norway) and ``on``
    stay strings. ``2024-01-31`` stays a string too: the schema decides what is a date.
    """
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    number = _resolve_number(text)
    return text if number is None else number


def _resolve_number(text: str) -> int | float | None:
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _OCT.fullmatch(text):
            return int(text[2:], 8)
        if _HEX.fullmatch(text):
            return int(text[2:], 16)
        if _FLOAT.fullmatch(text):
            return _finite(float(text), text)
    except ValueError as exc:  # Python refuses integers of more than 4300 digits
        if isinstance(exc, _ScalarError):
            raise
        raise _ScalarError(f"the number {_quote(text, 40)} has too many digits") from None
    if _SPECIAL_FLOAT.fullmatch(text):
        raise _ScalarError(f"{text} is not allowed: a declaration holds only finite numbers")
    return None


def _finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise _ScalarError(f"the number {_quote(text, 40)} is too large")
    return value


def _resolve_tagged(text: str, tag: str) -> object:
    """A scalar with an explicit standard tag such as ``!!str`` or ``!!int``."""
    kind = tag.removeprefix(_STANDARD_TAG)
    if kind == "str":
        return text
    value = _resolve_plain(text)
    if kind == "null" and value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "int" and isinstance(value, int):
            return value
        if kind == "float":
            return float(value)
    raise _ScalarError(f"{_quote(text, 40)} is not a valid !!{kind} value")


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag


class _Frame:
    """An open mapping or sequence while the YAML events are being consumed."""

    __slots__ = ("anchor", "children", "expect_key", "key", "key_pos", "start_count", "value")

    def __init__(
        self,
        value: _Container,
        children: _Children,
        anchor: str | None,
        start_count: int,
    ) -> None:
        self.value = value
        self.children = children
        self.anchor = anchor
        self.start_count = start_count
        self.expect_key = isinstance(value, dict)
        self.key: str | None = None  # None: drop the coming value (its key was bad)
        self.key_pos: Positions | None = None


class _YamlBuilder:
    """Builds values and positions from ``yaml.parse`` events with an explicit stack.

    No recursion, so nesting depth cannot exhaust the Python stack, and nothing is
    constructed from tags, so a document cannot run code. Aliases share the anchored Python
    object (no copy) but add its size to the running count of values.
    """

    def __init__(self, text: str, source: str, limits: Limits) -> None:
        self.text = text
        self.source = source
        self.limits = limits
        self.stack: list[_Frame] = []
        # anchor name -> (value, positions of its children, number of values it holds)
        self.anchors: dict[str, tuple[object, _Children, int]] = {}
        self.count = 0
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
            raise _error(self.source, "", 1, 1, "the text is not valid Unicode") from None
        if self.problems:
            raise DeclarationError(sorted(self.problems, key=Diagnostic.sort_key))
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
                    "a declaration is a single document",
                )

    def scalar(self, event: yaml.ScalarEvent) -> None:
        line, column = self.mark(event)
        plain = event.tag is None and event.implicit[0]
        try:
            value = self.scalar_value(event, plain)
        except _ScalarError as exc:
            raise self.fail(line, column, str(exc)) from None
        if plain and value == "<<" and self.stack and self.stack[-1].expect_key:
            self.problem(
                line, column, "YAML merge keys ('<<') are not supported: write the keys out"
            )
        self.add_values(1, line, column)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, None, 1)
        self.place(value, Positions(line, column), event)

    def scalar_value(self, event: yaml.ScalarEvent, plain: bool) -> object:
        tag = event.tag
        if plain:
            return _resolve_plain(event.value)
        if tag is None or tag == "!":  # quoted, or the non-specific tag: always a string
            return event.value
        if tag in _SCALAR_TAGS:
            return _resolve_tagged(event.value, tag)
        raise _ScalarError(self.tag_message(tag))

    def alias(self, event: yaml.AliasEvent) -> None:
        line, column = self.mark(event)
        name = event.anchor or ""
        if any(frame.anchor == name for frame in self.stack):
            raise self.fail(line, column, f"the alias *{name} refers to itself (a recursive alias)")
        if name not in self.anchors:
            raise self.fail(line, column, f"the alias *{name} has no anchor &{name} before it")
        value, children, size = self.anchors[name]
        self.count += size
        if self.count > self.limits.max_values:
            raise self.fail(
                line,
                column,
                f"the alias *{name} expands to more than {self.limits.max_values} values: "
                "is this a YAML alias bomb?",
                code="limit",
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
                f"the declaration is nested more than {self.limits.max_depth} levels deep",
                code="limit",
            )
        start_count = self.count
        self.add_values(1, line, column)
        value: dict[str, Any] | list[Any] = {} if is_map else []
        children: _Children = {} if is_map else []
        self.place(value, Positions(line, column, children), event)
        self.stack.append(_Frame(value, children, event.anchor, start_count))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            size = self.count - frame.start_count
            self.anchors[frame.anchor] = (frame.value, frame.children, size)

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
                f"the declaration holds more than {self.limits.max_values} values",
                code="limit",
            )

    # -- messages

    @staticmethod
    def mark(event: yaml.events.Event) -> tuple[int, int]:
        mark = event.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    @staticmethod
    def tag_message(tag: str) -> str:
        return (
            f"the tag {_show_tag(tag)} is not allowed: a declaration holds only plain data "
            "(text, numbers, true/false, dates, lists and mappings)"
        )

    @staticmethod
    def key_message(key: object, event: yaml.events.Event) -> str:
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            return "a key must be text, not a list or mapping"
        if key is None:
            return "a key must be text, but this key is empty (null)"
        return f"the key {_literal(key)} is not text: put it in quotes"

    def problem(self, line: int, column: int, message: str, *, width: int = 1) -> None:
        self.problems.append(
            _diagnostic(self.source, self.text, line, column, message, code="syntax", width=width)
        )

    def fail(
        self, line: int, column: int, message: str, *, code: str = "syntax"
    ) -> DeclarationError:
        return DeclarationError(
            [*self.problems, _diagnostic(self.source, self.text, line, column, message, code=code)]
        )

    def syntax_error(self, exc: yaml.MarkedYAMLError) -> DeclarationError:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        hint = None
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            hint = f"{exc.context} on line {exc.context_mark.line + 1}"
        elif exc.context:
            hint = exc.context
        return DeclarationError(
            _diagnostic(
                self.source,
                self.text,
                line,
                column,
                f"invalid YAML: {problem}",
                code="syntax",
                hint=hint,
            )
        )

    def reader_error(self, exc: yaml.YAMLError) -> DeclarationError:
        index = getattr(exc, "position", 0)
        index = index if isinstance(index, int) and 0 <= index <= len(self.text) else 0
        line, column = _LineIndex(self.text).at(index)
        character = getattr(exc, "character", None)
        what = f"the character {character!r}" if isinstance(character, str) else "a character"
        return _error(
            self.source,
            self.text,
            line,
            column,
            f"{what} is not allowed in a YAML file",
            code="syntax",
        )


# --------------------------------------------------------------------------- JSON


class _LineIndex:
    """Converts offsets in a text to 1-based (line, column), counting only ``\\n`` as JSON does."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


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


def _parse_json(text: str, source: str, limits: Limits) -> tuple[object, Positions]:
    """Values exactly as :func:`json.loads` gives them, positions from our own scanner.

    The scanner runs first: it is iterative and enforces depth and size limits, so the
    (recursive) json module never sees a hostile nesting depth.
    """
    scanner = _JsonScanner(text, source, limits)
    try:
        positions = scanner.scan()
    except _NotJson as exc:
        raise _json_syntax_error(text, source, exc) from None
    if scanner.problems:
        raise DeclarationError(scanner.problems)
    try:
        value = jsonlib.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # not expected after a clean scan
        raise _error(source, text, 1, 1, f"invalid JSON: {exc}") from None
    _reject_lone_surrogates(text, source)
    return value, positions


# A UTF-16 surrogate escape not paired with its other half: valid JSON syntax, but not text.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _reject_lone_surrogates(text: str, source: str) -> None:
    """Refuse ``"\\ud800"`` and the like: every output must be valid UTF-8 text."""
    if "\\u" not in text:
        return
    match = _LONE_SURROGATE.search(text)
    if match is not None:
        line, column = _LineIndex(text).at(match.start())
        raise _error(
            source,
            text,
            line,
            column,
            f"invalid JSON text: {match.group()[-6:]} is half of a UTF-16 surrogate pair, "
            "not a character",
        )


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed: a declaration holds only finite numbers")


def _json_syntax_error(text: str, source: str, exc: _NotJson) -> DeclarationError:
    """Report json.loads's own message when it has one, else the scanner's."""
    try:
        jsonlib.loads(text, parse_constant=_no_constant)
    except jsonlib.JSONDecodeError as error:
        return _error(source, text, error.lineno, error.colno, f"invalid JSON: {error.msg}")
    except (ValueError, RecursionError):
        pass
    line, column = _LineIndex(text).at(exc.offset)
    return _error(source, text, line, column, f"invalid JSON: {exc.reason}")


class _JsonScanner:
    """Finds where each JSON value and key starts, with an explicit stack (no recursion).

    It also reports duplicate keys (json.loads keeps the last silently) and enforces the
    depth and value-count limits. The values themselves come from json.loads.
    """

    def __init__(self, text: str, source: str, limits: Limits) -> None:
        self.text = text
        self.source = source
        self.limits = limits
        self.lines = _LineIndex(text)
        self.stack: list[dict[str, Positions] | list[Positions]] = []
        self.key: str = ""
        self.key_pos = Positions(1, 1)
        self.count = 0
        self.root: Positions | None = None
        self.problems: list[Diagnostic] = []

    def scan(self) -> Positions:
        i = self.space(0)
        if i == len(self.text):
            raise _error(self.source, self.text, 1, 1, "the declaration is empty")
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
                raise _error(
                    self.source,
                    self.text,
                    line,
                    column,
                    f"the declaration is nested more than {self.limits.max_depth} levels deep",
                    code="limit",
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
                reason = "NaN and Infinity are not allowed: a declaration holds only finite numbers"
            raise _NotJson(i, reason)
        return match.end(), False

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
                _diagnostic(
                    self.source,
                    self.text,
                    line,
                    column,
                    f"duplicate key '{key}' (first defined on line {first.line})",
                    code="syntax",
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
            raise _error(
                self.source,
                self.text,
                line,
                column,
                f"the declaration holds more than {self.limits.max_values} values",
                code="limit",
            )


# --------------------------------------------------------------------------- in-memory mappings


def _copy_mapping(source: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
    """A plain copy of an in-memory declaration: nulls dropped, tuples made lists, dates made
    ISO strings (so they validate like a file's), and the same limits as for files."""
    root: dict[str, Any] = {}
    stack: list[tuple[Mapping[Any, Any] | Sequence[Any], _Container, PathKey]] = [
        (source, root, ())
    ]
    count = 1
    problems: list[Diagnostic] = []
    while stack:
        original, copy, path = stack.pop()
        entries: Iterable[tuple[Any, Any]]
        entries = original.items() if isinstance(original, Mapping) else enumerate(original)
        for key, value in entries:
            count += 2 if isinstance(copy, dict) else 1
            if count > limits.max_values:
                raise _memory_error(f"the declaration holds more than {limits.max_values} values")
            if isinstance(copy, dict) and not isinstance(key, str):
                problems.append(_memory_diagnostic(path, f"the key {key!r} is not a string"))
                continue
            child_path = (*path, key)
            if value is None and isinstance(copy, dict):
                continue  # an explicit null is the same as an absent key
            try:
                converted = _plain_value(value)
            except _ScalarError as exc:
                problems.append(_memory_diagnostic(child_path, str(exc)))
                continue
            if isinstance(converted, dict | list):
                if len(child_path) >= limits.max_depth:
                    raise _memory_error(
                        f"{format_path(child_path)}: the declaration is nested more than "
                        f"{limits.max_depth} levels deep"
                    )
                stack.append((value, converted, child_path))
            _store(copy, key, converted)
    if problems:
        raise DeclarationError(problems)
    return root


def _plain_value(value: object) -> object:
    """The JSON-like copy of one in-memory value; containers come back empty, to be filled."""
    if isinstance(value, Mapping):
        return {}
    if isinstance(value, list | tuple):
        return []
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _ScalarError(f"{value} is not allowed: a declaration holds only finite numbers")
        return value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise _ScalarError(f"{_describe(value)} cannot be part of a declaration")


def _store(container: _Container, key: Any, value: object) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


def _memory_diagnostic(path: PathKey, message: str) -> Diagnostic:
    where = format_path(path) or "the top level"
    return Diagnostic(code="schema", message=f"{where}: {message}")


def _memory_error(message: str) -> DeclarationError:
    return DeclarationError(Diagnostic(code="limit", message=message))


# --------------------------------------------------------------------------- validation


_TYPE_NAMES = {
    "object": "a mapping ('key: value' entries)",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def validate(
    data: dict[str, Any],
    positions: Positions | None,
    source: str,
    text: str,
    schema: DeclarationSchema,
) -> list[Diagnostic]:
    """Every schema violation in ``data``, as diagnostics sorted by position.

    ``data`` is parsed but not converted: dates are still strings.
    """
    where = Declaration(data=data, source=source, text=text, positions=positions)
    problems = itertools.chain(
        (
            diagnostic
            for error in schema.validator().iter_errors(data)
            for diagnostic in _explain(jsonschema.exceptions.best_match([error]), where, schema)
        ),
        _duplicate_ids(where, schema),
    )
    # A hostile file could hold millions of errors: stop early, and say so.
    found = list(itertools.islice(problems, MAX_DIAGNOSTICS + 1))
    shown = sorted(found[:MAX_DIAGNOSTICS], key=Diagnostic.sort_key)
    return [*shown, _too_many()] if len(found) > MAX_DIAGNOSTICS else shown


def _too_many() -> Diagnostic:
    return Diagnostic(
        code="schema",
        message=f"more problems were found; only the first {MAX_DIAGNOSTICS} are shown",
    )


def _explain(
    error: jsonschema.exceptions.ValidationError, where: Declaration, schema: DeclarationSchema
) -> Iterator[Diagnostic]:
    """One or more plain-language diagnostics for one jsonschema error."""
    path: PathKey = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_keys(error, path, where)
        return
    if keyword == "required":
        yield from _missing_keys(error, path, where)
        return
    message, hint = _message(error, path, schema)
    yield _at(where, path, message, hint=hint)


def _at(where: Declaration, path: PathKey, message: str, *, hint: str | None = None) -> Diagnostic:
    """A schema diagnostic at ``path`` (or its nearest present parent), underlining the key."""
    line, column = where.locate(path) or (1, 1)
    width = len(path[-1]) if path and isinstance(path[-1], str) and where.position(path) else 1
    return _diagnostic(
        where.source, where.text, line, column, message, code="schema", hint=hint, width=width
    )


def _place_name(path: PathKey) -> str:
    return format_path(path) or "the top level"


def _unknown_keys(
    error: jsonschema.exceptions.ValidationError, path: PathKey, where: Declaration
) -> Iterator[Diagnostic]:
    instance = error.instance
    if not isinstance(instance, dict):
        return
    allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
    patterns = (
        list(error.schema.get("patternProperties", {})) if isinstance(error.schema, dict) else []
    )
    place = f"in {format_path(path)}" if path else "at the top level"
    for key in instance:
        if key in allowed or any(re.search(p, key) for p in patterns):
            continue
        suggestion = did_you_mean(key, allowed)
        message = f"unknown key '{key}' {place}"
        hint = None
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        elif allowed:
            hint = "the keys allowed here are " + ", ".join(allowed)
        yield _at(where, (*path, key), message, hint=hint)


def _missing_keys(
    error: jsonschema.exceptions.ValidationError, path: PathKey, where: Declaration
) -> Iterator[Diagnostic]:
    instance = error.instance
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for key in required:
        if isinstance(instance, dict) and key not in instance:
            yield _at(where, path, f"{_place_name(path)}: missing required key '{key}'")


def _message(
    error: jsonschema.exceptions.ValidationError, path: PathKey, schema: DeclarationSchema
) -> tuple[str, str | None]:
    """The message and optional hint for a keyword that concerns one value."""
    place, value, expected = _place_name(path), error.instance, error.validator_value
    sub = error.schema if isinstance(error.schema, dict) else {}
    node = schema.node_at(path)
    described = node.description if node is not None and node.description else None
    keyword = error.validator
    if keyword == "type":
        return _type_message(place, value, expected, sub)
    if keyword == "enum":
        return _enum_message(place, value, expected), None
    if keyword == "const":
        return f"{place}: must be {_literal(expected)}, got {_literal(value)}", described
    if keyword == "format":
        if expected == "date":
            return f"{place}: {_literal(value)} is not a valid date (YYYY-MM-DD)", None
        return f"{place}: {_literal(value)} is not a valid {expected}", None
    if keyword in ("minimum", "exclusiveMinimum"):
        bound = "at least" if keyword == "minimum" else "more than"
        return f"{place}: must be {bound} {expected}, got {_literal(value)}", described
    if keyword in ("maximum", "exclusiveMaximum"):
        bound = "at most" if keyword == "maximum" else "less than"
        return f"{place}: must be {bound} {expected}, got {_literal(value)}", described
    if keyword == "minLength" and expected == 1:
        return f"{place}: must not be empty", described
    if keyword == "pattern":
        return (
            f"{place}: {_literal(value)} is not in the expected form",
            sub.get("description") or described,
        )
    if keyword == "uniqueItems":
        return f"{place}: {_first_repeat(value)} appears more than once", None
    return f"{place}: {_shorten(error.message)}", described


def _type_message(
    place: str, value: object, expected: object, sub: dict[str, Any]
) -> tuple[str, str | None]:
    names = [expected] if isinstance(expected, str) else _strings(expected)
    got = _describe(value)
    if names == ["string"] and sub.get("format") == "date":
        return f"{place}: expected a date (YYYY-MM-DD), got {got}", _DATE_HINT
    wanted = " or ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)
    hint = None
    if "boolean" in names and isinstance(value, str) and value.lower() in _YAML_WORD_BOOLEANS:
        hint = f"write true or false: {_quote(value)} is plain text in a declaration"
    elif "string" in names and isinstance(value, bool | int | float):
        hint = "put the value in quotes to keep it as text"
    elif {"integer", "number"} & set(names) and isinstance(value, str) and _is_number(value):
        hint = "write numbers without quotes"
    return f"{place}: expected {wanted}, got {got}", hint


def _strings(values: object) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


_DATE_HINT = "write dates as YYYY-MM-DD, for example 2024-01-31"


def _is_number(text: str) -> bool:
    try:
        return _resolve_number(text) is not None
    except _ScalarError:
        return False


def _enum_message(place: str, value: object, allowed: object) -> str:
    choices = list(allowed) if isinstance(allowed, list) else []
    shown = ", ".join(str(c) for c in choices[:20]) + (", …" if len(choices) > 20 else "")
    message = f"{place}: {_literal(value)} is not one of {shown}"
    if isinstance(value, str):
        suggestion = did_you_mean(value, [c for c in choices if isinstance(c, str)])
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
    return message


def _literal(value: object) -> str:
    """A value as written in the file: strings quoted, the rest in words or digits."""
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool | int | float) or value is None:
        return _describe(value).removeprefix("the number ")
    return _describe(value)


def _first_repeat(values: object) -> str:
    """The first repeated scalar of a list, in linear time (lists can be long)."""
    seen: set[tuple[type, object]] = set()
    for item in values if isinstance(values, list) else []:
        if isinstance(item, dict | list):
            continue  # unhashable; jsonschema has already said that something repeats
        key = (type(item), item)  # keeps true apart from 1, as JSON does
        if key in seen:
            return _literal(item)
        seen.add(key)
    return "an item"


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _duplicate_ids(where: Declaration, schema: DeclarationSchema) -> Iterator[Diagnostic]:
    """Two items of one list with the same ``id``: reports and references would be ambiguous."""
    for path, value, node in _walk(where.data, schema.root):
        items = node.items
        if not isinstance(value, list) or items is None or "id" not in items.properties:
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = format_path((*path, seen[ident]))
                yield _at(
                    where,
                    (*path, index, "id"),
                    f"{format_path((*path, index, 'id'))}: the id {_quote(ident)} is already "
                    f"used by {first}",
                )
            else:
                seen[ident] = index


# --------------------------------------------------------------------------- conversion


def _walk(data: object, root: SchemaNode) -> Iterator[tuple[PathKey, object, SchemaNode]]:
    """Every container in ``data`` with its path and schema node, skipping unconstrained parts."""
    stack: list[tuple[PathKey, object, SchemaNode]] = [((), data, root)]
    while stack:
        path, value, node = stack.pop()
        if node.kind == "any":
            continue
        yield path, value, node
        entries: Iterable[tuple[str | int, object]]
        if isinstance(value, dict):
            entries = value.items()
        elif isinstance(value, list):
            entries = enumerate(value)
        else:
            continue
        for key, child in entries:
            child_node = node.child(key)
            if child_node is not None and isinstance(child, dict | list):
                stack.append(((*path, key), child, child_node))


def _convert(data: dict[str, Any], root: SchemaNode) -> None:
    """Turn validated date strings into dates, and whole floats at integer places into ints."""
    for _path, value, node in _walk(data, root):
        entries: Iterable[tuple[Any, object]]
        if isinstance(value, dict):
            entries = value.items()
        elif isinstance(value, list):
            entries = enumerate(value)
        else:
            continue
        changes: list[tuple[Any, object]] = []
        for key, child in entries:
            child_node = node.child(key)
            if child_node is None:
                continue
            if child_node.kind == "date" and isinstance(child, str):
                changes.append((key, datetime.date.fromisoformat(child)))
            elif child_node.kind == "integer" and isinstance(child, float):
                changes.append((key, int(child)))
        for key, new in changes:
            value[key] = new
