"""The pack cache: parsed rules files and checked packs kept between runs, as verified JSON.

Input: a rules file's text (or, through :mod:`licensecheck.engine.pack_cache`, a loaded
pack's files) and a key naming everything the result depends on: the content digest, the
grammar digest and the tool's version. Output: the syntax tree the parser would build, read
back from the user's cache folder, or ``None`` when there is no trustworthy entry.

Entries are data, never code: a header line (format, kind, key, the sha256 and length of the
body) and a JSON body of tagged lists. Reading one re-checks the key and the checksum, then
rebuilds only the classes of :mod:`licensecheck.lang.nodes`, each field type-checked against
the dataclass's annotations and expressions no deeper than the parser allows. A corrupt,
truncated, foreign or hostile entry is a miss (rebuilt and overwritten), never an error; a
cache folder that cannot be written is skipped silently. No pickle, no marshal.

Where: ``$LICENSECHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/licensecheck``, else
``~/.cache/licensecheck``; :func:`caching` (``--no-cache``, ``cache = false``) turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import LicenseCheckError, PackError, Span, UsageError
from ..lang import MAX_EXPRESSION_DEPTH, grammar_digest
from ..lang import nodes as n
from ..lang.values import DAYS_PER_UNIT, Duration
from ..output import write_output
from ..sources.text import FileKind, read_source_text

#: Overrides where entries live (tests point it at a temporary folder)
CACHE_DIR_ENV = "LICENSECHECK_CACHE_DIR"
#: The layout of entries; bumped whenever it changes, so older entries are never read
FORMAT = 1
#: The largest entry read back: a 2 MB rules file's tree is well under it
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_ENTRY = FileKind("pack cache entry", PackError, MAX_ENTRY_BYTES)

_ENABLED: ContextVar[bool] = ContextVar("licensecheck_pack_cache", default=True)


@contextlib.contextmanager
def caching(enabled: bool) -> Iterator[None]:
    """Within the block, the pack cache is used (``True``) or neither read nor written."""
    token = _ENABLED.set(enabled)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def cache_dir() -> Path | None:
    """The folder entries live in, or ``None`` when caching is off or there is no home."""
    if not _ENABLED.get():
        return None
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg) / "licensecheck"
    try:
        return Path.home() / ".cache" / "licensecheck"
    except RuntimeError:  # no home folder to be found
        return None


def tool_key(**parts: str) -> dict[str, str]:
    """A key: ``parts`` (content digests) with the grammar, the tool version and the format."""
    return {
        **parts,
        "grammar": grammar_digest(),
        "version": __version__,
        "format": str(FORMAT),
    }


def text_digest(text: str) -> str:
    """The sha256 of a file's text as read (UTF-8): a saved file's is its bytes' digest."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------- entries


def read_entry(kind: str, key: Mapping[str, str]) -> Any | None:
    """The body stored under ``key``, or ``None``: missing, unreadable, or not verified."""
    path = _entry_path(kind, key)
    if path is None:
        return None
    try:
        text = read_source_text(path, _ENTRY, record=False)
    except LicenseCheckError:
        return None
    header_line, newline, body = text.partition("\n")
    try:
        header = json.loads(header_line)
        if not (
            newline
            and isinstance(header, dict)
            and header.get("format") == FORMAT
            and header.get("kind") == kind
            and header.get("key") == dict(key)
            and header.get("length") == len(body)
            and header.get("sha256") == text_digest(body)
        ):
            return None
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def write_entry(kind: str, key: Mapping[str, str], body: Any) -> None:
    """Store ``body`` under ``key`` atomically; any failure to write is silently skipped."""
    path = _entry_path(kind, key)
    if path is None:
        return
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return
    header = {
        "format": FORMAT,
        "kind": kind,
        "key": dict(key),
        "length": len(text),
        "sha256": text_digest(text),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, [json.dumps(header, sort_keys=True), "\n", text])
    except (OSError, UsageError):  # read-only, full, or not a folder: run without the cache
        return


def _entry_path(kind: str, key: Mapping[str, str]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    name = hashlib.sha256(json.dumps([kind, dict(key)], sort_keys=True).encode()).hexdigest()
    return folder / f"{kind}-{name}.json"


# ---------------------------------------------------------------- parsed rules files


@functools.lru_cache(maxsize=256)
def parse_module(text: str, shown: str) -> n.Module:
    """The syntax tree of one rules file, from the cache when it holds this text's tree
    (Lark is then never imported), else parsed and stored. Raises what the parser raises.

    Also remembered in the process (trees are immutable): the language server relints a
    whole pack on each keystroke, and only the file being typed has new text."""
    key = tool_key(text=text_digest(text))
    body = read_entry("module", key)
    if isinstance(body, dict) and isinstance(body.get("path"), str):
        with contextlib.suppress(*UNTRUSTWORTHY):
            module = TreeDecoder(body["files"], {body["path"]: shown}).node(body["tree"])
            if isinstance(module, n.Module):
                return dataclasses.replace(module, path=shown)
    # imported here: a process whose rules files are all cached never loads Lark
    from ..lang.parser import parse_module as parse

    module = parse(text, shown)
    encoder = TreeEncoder()
    tree = encoder.node(module)
    write_entry("module", key, {"path": shown, "files": encoder.files, "tree": tree})
    return module


# ---------------------------------------------------------------- the tree codec


class CorruptEntry(Exception):
    """An entry that does not decode into what the key promised: treated as a miss."""


#: What reading an entry's body may raise when the body is not what was written: a miss
UNTRUSTWORTHY = (CorruptEntry, KeyError, IndexError, TypeError, ValueError, RecursionError)


#: Every class an entry may name, by its tag; nothing else is ever built from an entry
NODE_CLASSES: dict[str, type[n.Node]] = {
    cls.__name__: cls
    for cls in vars(n).values()
    if isinstance(cls, type) and issubclass(cls, n.Node) and cls is not n.Node
}
_DATE, _DURATION, _TUPLE, _LIST = "$date", "$duration", "$tuple", "$list"


class TreeEncoder:
    """Syntax trees and runtime values → tagged JSON lists. A node is
    ``[tag, span, *fields]`` with ``span`` an index into :attr:`spans`; spans name files by
    index into :attr:`files`, so a file's name is stored once."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._file_index: dict[str, int] = {}

    def node(self, node: n.Node) -> list[Any]:
        fields = [self.value(getattr(node, name)) for name in _field_names(type(node))]
        return [type(node).__name__, self.span(node.span), *fields]

    def span(self, span: Span) -> list[Any]:
        file = self._file_index.setdefault(span.file, len(self.files))
        if file == len(self.files):
            self.files.append(span.file)
        return [file, span.line, span.column, span.end_line, span.end_column]

    def value(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, n.Node):
            return self.node(value)
        if isinstance(value, tuple):
            return [_TUPLE, *(self.value(v) for v in value)]
        if isinstance(value, list):
            return [_LIST, *(self.value(v) for v in value)]
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return [_DATE, value.isoformat()]
        if isinstance(value, Duration):
            return [_DURATION, value.amount, value.unit]
        raise TypeError(f"the pack cache cannot store {type(value).__name__}")


class TreeDecoder:
    """Tagged JSON lists → syntax trees and values, trusting nothing: every tag must be a
    known class, every field of the type its annotation says, every span well-formed, and no
    expression deeper than the parser allows. Anything else raises :class:`CorruptEntry`.

    ``renamed`` maps file names as stored to the names messages use now.
    """

    def __init__(self, files: Any, renamed: Mapping[str, str] | None = None) -> None:
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise CorruptEntry("files")
        self.files = [(renamed or {}).get(f, f) for f in files]
        self._spans: dict[tuple[Any, ...], Span] = {}
        self._depth = 0

    def node(self, data: Any) -> n.Node:
        if not (isinstance(data, list) and len(data) >= 2 and isinstance(data[0], str)):
            raise CorruptEntry("node")
        cls = NODE_CLASSES.get(data[0])
        if cls is None:
            raise CorruptEntry(f"unknown node {data[0]!r}")
        checks = _field_checks(cls)
        if len(data) != 2 + len(checks):
            raise CorruptEntry(f"{data[0]} fields")
        self._depth += 1
        if self._depth > _MAX_NODE_DEPTH:
            raise CorruptEntry("too deep")
        try:
            fields = [check(self, raw) for check, raw in zip(checks, data[2:], strict=True)]
        finally:
            self._depth -= 1
        return cls(*fields, span=self.span(data[1]))

    def span(self, data: Any) -> Span:
        if not (isinstance(data, list) and len(data) == 5):
            raise CorruptEntry("span")
        key = tuple(data)
        found = self._spans.get(key)
        if found is None:
            file, line, column, end_line, end_column = data
            if not (
                _is_int(file)
                and 0 <= file < len(self.files)
                and _is_int(line)
                and _is_int(column)
                and (end_line is None or _is_int(end_line))
                and (end_column is None or _is_int(end_column))
            ):
                raise CorruptEntry("span")
            found = self._spans[key] = Span(self.files[file], line, column, end_line, end_column)
        return found

    def value(self, data: Any) -> Any:
        """A runtime value (a literal, a const's folded value): scalars, dates, durations,
        tuples and lists of them."""
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if not (isinstance(data, list) and data and isinstance(data[0], str)):
            raise CorruptEntry("value")
        tag, rest = data[0], data[1:]
        if tag in (_TUPLE, _LIST):
            self._depth += 1
            if self._depth > _MAX_NODE_DEPTH:
                raise CorruptEntry("too deep")
            try:
                items = [self.value(v) for v in rest]
            finally:
                self._depth -= 1
            return tuple(items) if tag == _TUPLE else items
        if tag == _DATE and len(rest) == 1 and isinstance(rest[0], str):
            try:
                return dt.date.fromisoformat(rest[0])
            except ValueError:
                raise CorruptEntry("date") from None
        if tag == _DURATION and len(rest) == 2:
            amount, unit = rest
            number = isinstance(amount, int | float) and not isinstance(amount, bool)
            if number and unit in DAYS_PER_UNIT:
                return Duration(amount, unit)
        raise CorruptEntry(f"value {tag!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# A module holds definitions holding rule fields: a few levels above the deepest expression
_MAX_NODE_DEPTH = MAX_EXPRESSION_DEPTH + 8

Check = Callable[[TreeDecoder, Any], Any]


def _field_names(cls: type[n.Node]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name != "span"]


_CHECKS: dict[type[n.Node], list[Check]] = {}


def _field_checks(cls: type[n.Node]) -> list[Check]:
    """One decoder per field of ``cls``, made from its annotation once per class."""
    checks = _CHECKS.get(cls)
    if checks is None:
        hints = typing.get_type_hints(cls, vars(n))
        checks = _CHECKS[cls] = [_check_for(hints[name]) for name in _field_names(cls)]
    return checks


def _check_for(hint: Any) -> Check:
    """A decoder accepting exactly the values of type ``hint`` (nodes, their unions, tuples
    of them, ``Literal`` choices, scalars, the literal values of the language)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None):
        return _exactly(lambda v: v is None, "None")
    if hint in (str, int, float, bool):
        scalar: type = hint
        return _exactly(lambda v: type(v) is scalar, scalar.__name__)
    if hint is dt.date or hint is Duration:
        return _typed_value(hint)
    if origin is typing.Literal:
        choices: tuple[Any, ...] = args
        return _exactly(lambda v: isinstance(v, str) and v in choices, "choice")
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _check_for(args[0])
        return lambda decoder, raw: _tuple_of(decoder, raw, item)
    if origin in (typing.Union, types.UnionType):
        nodes = tuple(a for a in args if isinstance(a, type) and issubclass(a, n.Node))
        return _union(nodes, [_check_for(a) for a in args if a not in nodes])
    if isinstance(hint, type) and issubclass(hint, n.Node):
        return _node_of(hint)
    raise TypeError(f"the pack cache has no decoder for {hint!r}")  # a new kind of field


def _exactly(test: Callable[[Any], bool], what: str) -> Check:
    def check(decoder: TreeDecoder, raw: Any) -> Any:
        if not test(raw):
            raise CorruptEntry(what)
        return raw

    return check


def _typed_value(cls: type) -> Check:
    tag = _DATE if cls is dt.date else _DURATION

    def check(decoder: TreeDecoder, raw: Any) -> Any:
        if not (isinstance(raw, list) and raw and raw[0] == tag):
            raise CorruptEntry(cls.__name__)
        return decoder.value(raw)

    return check


def _node_of(cls: type[n.Node]) -> Check:
    def check(decoder: TreeDecoder, raw: Any) -> Any:
        node = decoder.node(raw)
        if not isinstance(node, cls):
            raise CorruptEntry(f"not a {cls.__name__}")
        return node

    return check


def _tuple_of(decoder: TreeDecoder, raw: Any, item: Check) -> tuple[Any, ...]:
    if not (isinstance(raw, list) and raw and raw[0] == _TUPLE):
        raise CorruptEntry("tuple")
    return tuple(item(decoder, v) for v in raw[1:])


def _union(nodes: tuple[type[n.Node], ...], others: list[Check]) -> Check:
    """A decoder for a union: a node is decoded once and must be one of ``nodes`` (never
    decoded again per alternative, which would cost exponential time on nested trees); any
    other value must fit one of ``others``, each of which refuses a wrong shape at once."""

    def check(decoder: TreeDecoder, raw: Any) -> Any:
        if nodes and isinstance(raw, list) and raw and raw[0] in NODE_CLASSES:
            node = decoder.node(raw)
            if not isinstance(node, nodes):
                raise CorruptEntry(f"{raw[0]} not allowed here")
            return node
        for option in others:
            with contextlib.suppress(CorruptEntry):
                return option(decoder, raw)
        raise CorruptEntry("no alternative fits")

    return check
