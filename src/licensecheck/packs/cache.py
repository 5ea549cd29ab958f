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
from ..sources.text import FileKind, read_source_bytes

#: Overrides where entries live (tests point it at a temporary folder)
CACHE_DIR_ENV = "LICENSECHECK_CACHE_DIR"
#: The layout of entries; bumped whenever it changes, so older entries are never read
FORMAT = 3
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
        raw = read_source_bytes(path, _ENTRY, record=False)
    except LicenseCheckError:
        return None
    # bytes throughout: hashed as read, and json.loads decodes them (a text would be decoded
    # here, then encoded again to hash it: 0.7 ms a 1,000-rule pack's entry)
    header_line, newline, body = raw.partition(b"\n")
    try:
        header = json.loads(header_line)
        if not (
            newline
            and isinstance(header, dict)
            and header.get("format") == FORMAT
            and header.get("kind") == kind
            and header.get("key") == dict(key)
            and header.get("length") == len(body)
            and header.get("sha256") == hashlib.sha256(body).hexdigest()
        ):
            return None
        return json.loads(body)  # not UTF-8 (UnicodeDecodeError) is a ValueError too
    except (ValueError, RecursionError):
        return None


def write_entry(kind: str, key: Mapping[str, str], body: Any) -> None:
    """Store ``body`` under ``key`` atomically; any failure to write is silently skipped."""
    path = _entry_path(kind, key)
    if path is None:
        return
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        data = text.encode("utf-8")  # a lone surrogate has no UTF-8: not stored
    except (TypeError, ValueError, RecursionError):
        return
    header = {
        "format": FORMAT,
        "kind": kind,
        "key": dict(key),
        "length": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, [json.dumps(header, sort_keys=True), "\n", data])
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
            module = TreeDecoder(body, {body["path"]: shown}).node(body["tree"])
            if isinstance(module, n.Module):
                return n.Module(shown, module.definitions, span=module.span)
    # imported here: a process whose rules files are all cached never loads Lark
    from ..lang.parser import parse_module as parse

    module = parse(text, shown)
    encoder = TreeEncoder()
    tree = encoder.node(module)
    write_entry("module", key, {"path": shown, "tree": tree, **encoder.tables()})
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


#: Every class an entry may name; nothing else is ever built from an entry
NODE_CLASSES: dict[str, type[n.Node]] = {
    cls.__name__: cls
    for cls in vars(n).values()
    if isinstance(cls, type) and issubclass(cls, n.Node) and cls is not n.Node
}
_ANY_NODE = frozenset(NODE_CLASSES.values())
_DATE, _DURATION, _TUPLE, _LIST = "$date", "$duration", "$tuple", "$list"


class TreeEncoder:
    """Syntax trees and runtime values → tagged JSON lists. A node is
    ``[class, span, *fields]``: its class an index into :attr:`classes` (their names), its
    span an index into the places of :attr:`spans`. Each class name and each place is stored
    once, and all places are one flat JSON list of numbers (file, an index into
    :attr:`files`, line, column, end line, end column; five a place), not a list each: on
    every hit ``json.loads`` reads the body, and its cost is the objects it builds.
    :meth:`tables` holds all three.
    """

    def __init__(self) -> None:
        self.files: list[str] = []
        self.spans: list[int | None] = []
        self.classes: list[str] = []
        self._file_index: dict[str, int] = {}
        self._span_index: dict[tuple[int, int, int, int | None, int | None], int] = {}
        self._class_index: dict[type[n.Node], int] = {}

    def tables(self) -> dict[str, Any]:
        """What a :class:`TreeDecoder` needs besides the nodes (once every node is encoded)."""
        return {"files": self.files, "spans": self.spans, "classes": self.classes}

    def node(self, node: n.Node) -> list[Any]:
        cls = type(node)
        tag = self._class_index.get(cls)
        if tag is None:
            tag = self._class_index[cls] = len(self.classes)
            self.classes.append(cls.__name__)
        fields = [self.value(getattr(node, name)) for name in cls.__match_args__]
        return [tag, self.span(node.span), *fields]

    def span(self, span: Span) -> int:
        file = self._file_index.setdefault(span.file, len(self.files))
        if file == len(self.files):
            self.files.append(span.file)
        place = (file, span.line, span.column, span.end_line, span.end_column)
        index = self._span_index.get(place)
        if index is None:
            index = self._span_index[place] = len(self._span_index)
            self.spans.extend(place)
        return index

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


#: Decodes one node's JSON list (its type checked by the caller) at a depth
_Decode = Callable[[list[Any], int], n.Node]

# The kinds of fields a node has, read from its annotations once per class (see _plan)
_NODE, _OPTIONAL_NODE, _NODES, _OPTIONAL_NODES, _STR, _CHOICE, _LITERAL = range(7)
_SCALARS = frozenset({type(None), bool, int, float, str})
# A module holds definitions holding rule fields: a few levels above the deepest expression
_MAX_NODE_DEPTH = MAX_EXPRESSION_DEPTH + 8


class TreeDecoder:
    """Tagged JSON lists → syntax trees and values, trusting nothing: every class must be a
    known one and allowed where it stands, every field of the type its annotation says, every
    place well-formed, every index (of a file, a place, a class) in range, and no expression
    deeper than the parser allows. Anything else raises :class:`CorruptEntry` (or one of
    :data:`UNTRUSTWORTHY`).

    Written for speed: a cache hit decodes every node of a pack (12,600 for 1,000 rules).
    The places are checked and built as spans first, once each (nodes at one place share its
    span: an attribute chain's nodes all point at one name). Each class's decoder is
    straight-line code generated from its annotations (:func:`_decoder_maker`), handed the
    entry's tables as arguments.

    ``tables`` is what :meth:`TreeEncoder.tables` gave; ``renamed`` maps file names as stored
    to the names messages use now.
    """

    def __init__(self, tables: Any, renamed: Mapping[str, str] | None = None) -> None:
        if type(tables) is not dict:
            raise CorruptEntry("tables")
        files, places, names = tables["files"], tables["spans"], tables["classes"]
        if type(files) is not list or not all(type(f) is str for f in files):
            raise CorruptEntry("files")
        if type(names) is not list or not all(type(c) is str for c in names):
            raise CorruptEntry("classes")
        self.files = [(renamed or {}).get(f, f) for f in files]
        self.spans = _spans(places, self.files)
        if not all(name in NODE_CLASSES for name in names):
            raise CorruptEntry("unknown node")
        self._classes = [NODE_CLASSES[name] for name in names]
        # each class's decoder takes the tables of the fields it holds (filled once all are made)
        self._tables: dict[frozenset[type[n.Node]], list[_Decode]] = {}
        self._decoders: dict[type[n.Node], _Decode] = {}
        for cls in self._classes:
            make, own, holds = _decoder_maker(cls)
            tables = [self._tables.setdefault(allowed, []) for allowed in holds]
            self._decoders[cls] = make(*own, self.spans, *tables)
        for allowed, table in self._tables.items():
            table.extend(self._table(allowed))

    def _table(self, allowed: frozenset[type[n.Node]]) -> list[_Decode]:
        """The decoder of each of the entry's classes (by its index) where ``allowed`` admits
        it, else one that refuses: one lookup both dispatches and checks."""
        return [self._decoders[cls] if cls in allowed else _not_allowed for cls in self._classes]

    def node(self, data: Any, among: frozenset[type[n.Node]] = _ANY_NODE) -> n.Node:
        """A node (at depth 0) of one of the classes ``among``."""
        table = self._tables.get(among)
        if table is None:
            table = self._tables[among] = self._table(among)
        if type(data) is not list:
            raise CorruptEntry("node")
        tag = data[0]
        if type(tag) is not int or tag < 0:
            raise CorruptEntry("class")
        return table[tag](data, 0)

    def span(self, index: Any) -> Span:
        """A place stored on its own (a rule's, a message's): its index among the places."""
        if type(index) is not int or index < 0:
            raise CorruptEntry("span")
        return self.spans[index]

    def value(self, data: Any) -> Any:
        """A runtime value (a literal, a const's folded value): scalars, dates, durations,
        tuples and lists of them."""
        return _value(data, 0)


def _spans(places: Any, files: list[str]) -> list[Span]:
    """The spans of the flat list of places (five numbers each), checked a column at a time
    (each test one pass in C), then built as a frozen, slotted dataclass's ``__init__`` would,
    without its per-field ``object.__setattr__`` lookups (7,800 places for 1,000 rules)."""
    if type(places) is not list or len(places) % 5:
        raise CorruptEntry("spans")
    file, line, column, end_line, end_column = (places[i::5] for i in range(5))
    if not (
        set(map(type, file)) <= _INT
        and set(map(type, line)) <= _INT
        and set(map(type, column)) <= _INT
        and set(map(type, end_line)) <= _OPTIONAL_INT
        and set(map(type, end_column)) <= _OPTIONAL_INT
        and (not file or (min(file) >= 0 and max(file) < len(files)))
    ):
        raise CorruptEntry("span")
    spans = []
    new = object.__new__
    set_file, set_line, set_column, set_end_line, set_end_column = _SPAN_SETTERS
    for f, ln, col, end_ln, end_col in zip(
        map(files.__getitem__, file), line, column, end_line, end_column, strict=True
    ):
        span = new(Span)
        set_file(span, f)
        set_line(span, ln)
        set_column(span, col)
        set_end_line(span, end_ln)
        set_end_column(span, end_col)
        spans.append(span)
    return spans


_INT, _OPTIONAL_INT = frozenset({int}), frozenset({int, type(None)})
_SPAN_SETTERS = tuple(getattr(Span, name).__set__ for name in Span.__match_args__)


def _value(data: Any, depth: int) -> Any:
    if type(data) in _SCALARS:
        return data
    if not (type(data) is list and data and type(data[0]) is str) or depth > _MAX_NODE_DEPTH:
        raise CorruptEntry("value")
    tag, rest = data[0], data[1:]
    if tag in (_TUPLE, _LIST):
        items = [_value(v, depth + 1) for v in rest]
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


def _literal(raw: Any) -> Any:
    """A literal's value that is not a scalar: a date or a duration (the scalars are tested
    where the field is decoded)."""
    if type(raw) is list and raw and raw[0] in (_DATE, _DURATION):
        return _value(raw, 0)
    raise CorruptEntry("literal")


def _children(raw: list[Any], depth: int, table: list[_Decode]) -> tuple[n.Node, ...]:
    """The nodes of a tuple field (``raw`` is ``["$tuple", node…]``), each of a class the
    field's ``table`` admits."""
    nodes = []
    for item in raw[1:]:
        if type(item) is not list:
            raise CorruptEntry("node")
        tag = item[0]
        if type(tag) is not int or tag < 0:
            raise CorruptEntry("class")
        nodes.append(table[tag](item, depth))
    return tuple(nodes)


def _not_allowed(data: list[Any], depth: int) -> n.Node:
    raise CorruptEntry("node not allowed here")


# ---------------------------------------------------------------- the generated decoders


_NODE_KINDS = (_NODE, _OPTIONAL_NODE, _NODES, _OPTIONAL_NODES)
#: A class's decoder: ``make(*own, spans, *tables)`` gives it, where ``own`` is what the class
#: brings (itself, its fields' slot setters, the values its choice fields allow) and
#: ``tables`` are those of the sets of classes its node fields hold, in the order of ``holds``
_Maker = tuple[Callable[..., _Decode], tuple[Any, ...], tuple[frozenset[type[n.Node]], ...]]
_MAKERS: dict[type[n.Node], _Maker] = {}
#: ``make`` for each shape: a class's fields as (kind, index of its table among ``holds``)
_SHAPES: dict[tuple[tuple[int, int], ...], Callable[..., _Decode]] = {}


def _decoder_maker(cls: type[n.Node]) -> _Maker:
    """How to make the decoder of ``cls`` for an entry (see :data:`_Maker`); the tables are
    lists, the decoder of the entry's class of each index where the set admits it, else one
    that refuses."""
    maker = _MAKERS.get(cls)
    if maker is None:
        plan = _plan(cls)
        holds = tuple(dict.fromkeys(allowed for kind, allowed in plan if kind in _NODE_KINDS))
        shape = tuple(
            (kind, holds.index(allowed) if kind in _NODE_KINDS else -1) for kind, allowed in plan
        )
        make = _SHAPES.get(shape)
        if make is None:
            make = _SHAPES[shape] = _shape_maker(shape)
        setters = tuple(getattr(cls, name).__set__ for name in cls.__match_args__)
        choices = tuple(allowed for kind, allowed in plan if kind == _CHOICE)
        maker = _MAKERS[cls] = (make, (cls, *setters, *choices), holds)
    return maker


def _shape_maker(shape: tuple[tuple[int, int], ...]) -> Callable[..., _Decode]:
    """``make`` for the classes of one shape (BoolOp, Compare and Arith share one), generated
    once per process for the shapes an entry's classes have.

    The source is written from the shape alone, a tuple of small numbers: its names are all
    minted (``f0``, ``S0``, ``A0``…), so neither an entry nor even a class name reaches it;
    the entry's contents reach the code only as the arguments of ``make`` and the decoder.
    It is what a loop over field-checking functions would run, but straight, each field's
    check inline: 1,000 rules' 12,600 nodes in 4.5 ms (their spans built before), against
    18 ms (spans included) through such a loop. One ``compile`` a shape, not a class: a
    fresh process pays it for the shapes it meets (all 13: about 2 ms)."""
    fields = [f"f{i}" for i in range(len(shape))]
    choices = [f"K{i}" for i, (kind, _) in enumerate(shape) if kind == _CHOICE]
    tables = [f"A{i}" for i in range(1 + max((table for _, table in shape), default=-1))]
    parameters = ["CLS", *(f"S{i}" for i in range(len(shape))), *choices, "SPANS", *tables]
    lines = [
        f"def make({', '.join(parameters)}):",
        "    def decode(data, depth):",
        f"        _, s, {''.join(f'{f}, ' for f in fields)}= data",
        "        if depth > MAX_DEPTH or type(s) is not int or s < 0:",
        "            raise CorruptEntry(CLS.__name__)",
        "        depth += 1",
    ]
    for i, (kind, table) in enumerate(shape):
        f = fields[i]
        if kind in (_OPTIONAL_NODE, _OPTIONAL_NODES):
            lines.append(f"        if {f} is not None:")
            indent = " " * 12
        else:
            indent = " " * 8
        if kind in (_NODE, _OPTIONAL_NODE):
            lines += [
                f"{indent}if type({f}) is not list or type(t := {f}[0]) is not int or t < 0:",
                f'{indent}    raise CorruptEntry("node")',
                f"{indent}{f} = A{table}[t]({f}, depth)",
            ]
        elif kind in (_NODES, _OPTIONAL_NODES):
            lines += [
                f"{indent}if type({f}) is not list or not {f} or {f}[0] != TUPLE:",
                f'{indent}    raise CorruptEntry("tuple")',
                f"{indent}{f} = children({f}, depth, A{table})",
            ]
        elif kind == _STR:
            lines += [
                f"{indent}if type({f}) is not str:",
                f'{indent}    raise CorruptEntry("text")',
            ]
        elif kind == _CHOICE:
            lines += [
                f"{indent}if type({f}) is not str or {f} not in K{i}:",
                f'{indent}    raise CorruptEntry("choice")',
            ]
        else:  # _LITERAL
            lines += [f"{indent}if type({f}) not in SCALARS:", f"{indent}    {f} = literal({f})"]
    lines.append("        node = new(CLS)")
    lines += [f"        S{i}(node, {f})" for i, f in enumerate(fields)]
    lines += ["        set_span(node, SPANS[s])", "        return node", "    return decode"]
    namespace: dict[str, Any] = {
        "__builtins__": {"type": type, "int": int, "str": str, "list": list},
        "CorruptEntry": CorruptEntry,
        "new": object.__new__,
        "set_span": _SET_SPAN,
        "MAX_DEPTH": _MAX_NODE_DEPTH,
        "SCALARS": _SCALARS,
        "TUPLE": _TUPLE,
        "literal": _literal,
        "children": _children,
    }
    code = compile("\n".join(lines), "<licensecheck pack cache decoder>", "exec")
    exec(code, namespace)  # the source above: fixed shapes, minted names
    return namespace["make"]  # type: ignore[no-any-return]


_SET_SPAN = vars(n.Node)["span"].__set__  # the slot descriptor's (its class attribute)


_PLANS: dict[type[n.Node], tuple[tuple[int, Any], ...]] = {}


def _plan(cls: type[n.Node]) -> tuple[tuple[int, Any], ...]:
    """Each field of ``cls`` (but its span): its kind and what it allows, from its annotation
    (read once per class)."""
    plan = _PLANS.get(cls)
    if plan is None:
        own = cls.__annotations__  # each node class declares its own fields
        plan = _PLANS[cls] = tuple(_kind_of(_hint(own[name])) for name in cls.__match_args__)
    return plan


@functools.cache
def _hint(annotation: str) -> Any:
    """A field's annotation (text: lang/nodes.py postpones them) as a type, each text evaluated
    once: typing.get_type_hints evaluated every annotation of a class again, the span's too,
    ~0.1 ms a class of a fresh process's first cached prepare."""
    return eval(annotation, vars(n))  # lang/nodes.py's own annotations, never an entry's text


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
