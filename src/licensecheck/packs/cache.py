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
from ..errors import Diagnostic, LicenseCheckError, PackError, Span, UsageError
from ..lang import MAX_EXPRESSION_DEPTH, grammar_digest
from ..lang import nodes as n
from ..lang.values import DAYS_PER_UNIT, Duration
from ..output import write_output
from ..sources.text import FileKind, read_source_text

#: Overrides where entries live (tests point it at a temporary folder)
CACHE_DIR_ENV = "LICENSECHECK_CACHE_DIR"
#: The layout of entries; bumped whenever it changes, so older entries are never read
FORMAT = 2
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


def parse_modules(texts: Mapping[str, str]) -> list[n.Module]:
    """The trees of a pack's rules files (display path → text, in order), or a
    :class:`PackError` with every syntax error of every file.

    When the cache holds a tree for every text (so each parsed without error), they are read
    only when first looked at (:class:`DeferredModules`): a checked pack from the cache
    needs none of them, and reading 1,000 rules' trees costs as much as parsing them.
    """
    if all(_has_entry(text) for text in texts.values()):
        return DeferredModules(texts)
    modules: list[n.Module] = []
    problems: list[Diagnostic] = []
    for shown, text in texts.items():
        try:
            modules.append(parse_module(text, shown))
        except PackError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise PackError(problems)
    return modules


def _has_entry(text: str) -> bool:
    path = _entry_path("module", tool_key(text=text_digest(text)))
    return path is not None and path.is_file()


class DeferredModules(list[n.Module]):
    """A pack's trees, read from the cache (or parsed) on first use, then a plain list.

    Every way of reading a list goes through :meth:`_read` first; copying one (``list(…)``,
    ``[*…]``) iterates it. Pickled (to batch workers) it stays deferred. Only ``list + this``
    (list's concatenation reads a subclass's items in place) would see it empty: unused.
    """

    def __init__(self, texts: Mapping[str, str]) -> None:
        super().__init__()
        self._texts = dict(texts)
        self._done = False

    def _read(self) -> None:
        if not self._done:
            super().extend(parse_module(text, shown) for shown, text in self._texts.items())
            self._done = True

    def __iter__(self) -> Iterator[n.Module]:
        self._read()
        return super().__iter__()

    def __len__(self) -> int:
        self._read()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._read()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._read()
        return super().__contains__(item)

    def __reversed__(self) -> Iterator[n.Module]:
        self._read()
        return super().__reversed__()

    def __eq__(self, other: object) -> bool:
        self._read()
        if isinstance(other, DeferredModules):
            other._read()  # list's comparison reads the items in place, not through __iter__
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment, unused-ignore]  # unhashable, as a list

    def __repr__(self) -> str:
        self._read()
        return super().__repr__()

    def __reduce__(self) -> tuple[Any, ...]:
        return (DeferredModules, (self._texts,)) if not self._done else (list, (list(self),))

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return self.__reduce__()


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
    ``[tag, file, line, column, end_line, end_column, *fields]`` (its span first, the file
    an index into :attr:`files`, so a file's name is stored once)."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._file_index: dict[str, int] = {}

    def node(self, node: n.Node) -> list[Any]:
        fields = [self.value(getattr(node, name)) for name in _field_names(type(node))]
        return [type(node).__name__, *self.span(node.span), *fields]

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


# The kinds of fields a node has, read from its annotations once per class (see _plan)
_NODE, _OPTIONAL_NODE, _NODES, _OPTIONAL_NODES, _STR, _CHOICE, _LITERAL = range(7)
_SCALARS = (type(None), bool, int, float, str)
# A module holds definitions holding rule fields: a few levels above the deepest expression
_MAX_NODE_DEPTH = MAX_EXPRESSION_DEPTH + 8


class TreeDecoder:
    """Tagged JSON lists → syntax trees and values, trusting nothing: every tag must be a
    known class, every field of the type its annotation says, every span well-formed, and no
    expression deeper than the parser allows. Anything else raises :class:`CorruptEntry`
    (or one of :data:`UNTRUSTWORTHY`).

    Written for speed: a cache hit decodes every node of a pack (12,600 for 1,000 rules), so
    each class gets one decoding function, built from its annotations when the decoder is,
    whose field checks are exact type tests; the checked values are then stored straight
    into the node's slots (:func:`_slot_setters`), as the frozen dataclass's ``__init__``
    would, without its per-field ``object.__setattr__`` lookups.

    ``renamed`` maps file names as stored to the names messages use now.
    """

    def __init__(self, files: Any, renamed: Mapping[str, str] | None = None) -> None:
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise CorruptEntry("files")
        self.files = [(renamed or {}).get(f, f) for f in files]
        self._decoders: dict[str, Callable[[list[Any], int], n.Node]] = {}
        self._spans: dict[tuple[Any, ...], Span] = {}

    def node(self, data: Any, depth: int = 0) -> n.Node:
        if type(data) is not list or not data or depth > _MAX_NODE_DEPTH:
            raise CorruptEntry("node")
        return self._decoder(data[0])(data, depth)

    def _decoder(self, tag: Any) -> Callable[[list[Any], int], n.Node]:
        """The decoding function of the class named ``tag``, built on first sight (a cold
        process builds only those it meets)."""
        decode = self._decoders.get(tag) if type(tag) is str else None
        if decode is None:
            cls = NODE_CLASSES.get(tag) if type(tag) is str else None
            if cls is None:
                raise CorruptEntry("unknown node")
            decode = self._decoders[tag] = self._class_decoder(cls)
        return decode

    def _class_decoder(self, cls: type[n.Node]) -> Callable[[list[Any], int], n.Node]:
        plan = _plan(cls)
        width = 6 + len(plan)
        fields = tuple(self._field_decoder(kind, allowed) for kind, allowed in plan)
        setters = _slot_setters(cls)
        make, set_span, span = object.__new__, _SET_SPAN, self._span

        def decode(data: list[Any], depth: int) -> n.Node:
            if len(data) != width:
                raise CorruptEntry(f"{data[0]} fields")
            node = make(cls)
            for setter, field, raw in zip(setters, fields, data[6:], strict=True):
                setter(node, field(raw, depth))
            set_span(node, span(data[1], data[2], data[3], data[4], data[5]))
            return node

        return decode

    def _child_decoder(self, allowed: frozenset[type[n.Node]]) -> Callable[[Any, int], n.Node]:
        """Decodes a child node of one of the ``allowed`` classes at ``depth + 1``: the tag
        is looked up among those classes only, so one lookup both dispatches and checks."""
        names = {cls.__name__ for cls in allowed}
        known: dict[str, Callable[[list[Any], int], n.Node]] = {}

        def child(raw: Any, depth: int) -> n.Node:
            if type(raw) is not list or not raw or depth >= _MAX_NODE_DEPTH:
                raise CorruptEntry("node")
            tag = raw[0]
            decode = known.get(tag) if type(tag) is str else None
            if decode is None:
                if tag not in names:
                    raise CorruptEntry("node not allowed here")
                decode = known[tag] = self._decoder(tag)
            return decode(raw, depth + 1)

        return child

    def _field_decoder(self, kind: int, allowed: Any) -> Callable[[Any, int], Any]:
        """The function checking and building one field of ``kind`` from its raw JSON."""
        if kind in (_NODE, _OPTIONAL_NODE):
            child = self._child_decoder(allowed)
            if kind == _NODE:
                return child

            def optional(raw: Any, depth: int) -> Any:
                return None if raw is None else child(raw, depth)

            return optional
        if kind in (_NODES, _OPTIONAL_NODES):
            item = self._child_decoder(allowed)
            optional_nodes = kind == _OPTIONAL_NODES

            def many(raw: Any, depth: int) -> Any:
                if raw is None and optional_nodes:
                    return None
                if type(raw) is not list or not raw or raw[0] != _TUPLE:
                    raise CorruptEntry("tuple")
                return tuple([item(one, depth) for one in raw[1:]])

            return many
        if kind == _STR:
            return _string_field
        if kind == _CHOICE:

            def choice(raw: Any, depth: int) -> Any:
                if type(raw) is not str or raw not in allowed:
                    raise CorruptEntry("string")
                return raw

            return choice
        value = self.value

        def literal(raw: Any, depth: int) -> Any:
            if type(raw) in _SCALARS:
                return raw
            if type(raw) is list and raw and raw[0] in (_DATE, _DURATION):
                return value(raw)
            raise CorruptEntry("literal")

        return literal

    def span(self, data: Any) -> Span:
        """A span stored on its own (``[file, line, column, end_line, end_column]``)."""
        if type(data) is not list or len(data) != 5:
            raise CorruptEntry("span")
        return self._span(*data)

    def _span(self, file: Any, line: Any, column: Any, end_line: Any, end_column: Any) -> Span:
        """One span, shared by every node at the same place (spans are immutable, and an
        attribute chain's nodes all point at one name): checked and built once per place."""
        place = (file, line, column, end_line, end_column)
        span = self._spans.get(place)
        if span is None:
            if not (
                type(file) is int
                and 0 <= file < len(self.files)
                and type(line) is int
                and type(column) is int
                and (end_line is None or type(end_line) is int)
                and (end_column is None or type(end_column) is int)
            ):
                raise CorruptEntry("span")
            span = self._spans[place] = Span(self.files[file], line, column, end_line, end_column)
        return span

    def value(self, data: Any, depth: int = 0) -> Any:
        """A runtime value (a literal, a const's folded value): scalars, dates, durations,
        tuples and lists of them."""
        if type(data) in _SCALARS:
            return data
        if not (type(data) is list and data and type(data[0]) is str) or depth > _MAX_NODE_DEPTH:
            raise CorruptEntry("value")
        tag, rest = data[0], data[1:]
        if tag in (_TUPLE, _LIST):
            items = [self.value(v, depth + 1) for v in rest]
            return tuple(items) if tag == _TUPLE else items
        if tag == _DATE and len(rest) == 1 and type(rest[0]) is str:
            try:
                return dt.date.fromisoformat(rest[0])
            except ValueError:
                raise CorruptEntry("date") from None
        if tag == _DURATION and len(rest) == 2:
            amount, unit = rest
            if type(amount) in (int, float) and unit in DAYS_PER_UNIT:
                return Duration(amount, unit)
        raise CorruptEntry(f"value {tag!r}")


def _string_field(raw: Any, depth: int) -> Any:
    if type(raw) is not str:
        raise CorruptEntry("string")
    return raw


def _slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot descriptors' setters of ``cls``'s fields but its span, in field order: what a
    frozen, slotted dataclass's ``__init__`` assigns, without its checks (every value has been
    checked by then)."""
    return tuple(getattr(cls, name).__set__ for name in _field_names(cls))


_SET_SPAN = vars(n.Node)["span"].__set__  # the slot descriptor (its class attribute)


def _field_names(cls: type[n.Node]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name != "span"]


_PLANS: dict[type[n.Node], tuple[tuple[int, Any], ...]] = {}


def _plan(cls: type[n.Node]) -> tuple[tuple[int, Any], ...]:
    """Each field of ``cls`` (but its span): its kind and what it allows, from its annotation
    (read once per class)."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls, vars(n))
        plan = _PLANS[cls] = tuple(_kind_of(hints[name]) for name in _field_names(cls))
    return plan


def _kind_of(hint: Any) -> tuple[int, Any]:
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    args = typing.get_args(hint) if union else (hint,)
    optional = type(None) in args
    members = tuple(a for a in args if a is not type(None))
    if hint is str:
        return _STR, None
    if typing.get_origin(hint) is typing.Literal:
        return _CHOICE, frozenset(typing.get_args(hint))
    if set(members) == {bool, int, float, str, dt.date, Duration}:  # nodes.LiteralValue
        return _LITERAL, None
    classes = _node_classes(members)
    if classes is not None:
        return (_OPTIONAL_NODE if optional else _NODE), classes
    if len(members) == 1 and typing.get_origin(members[0]) is tuple:
        item, ellipsis = typing.get_args(members[0])
        classes = _node_classes(typing.get_args(item) or (item,))
        if classes is not None and ellipsis is Ellipsis:
            return (_OPTIONAL_NODES if optional else _NODES), classes
    raise TypeError(f"the pack cache has no decoder for {hint!r}")  # a new kind of field


def _node_classes(members: tuple[Any, ...]) -> frozenset[type[n.Node]] | None:
    """The node classes a field allows (tested exactly: no node class has a subclass)."""
    if all(isinstance(m, type) and issubclass(m, n.Node) for m in members):
        return frozenset(members)
    return None
