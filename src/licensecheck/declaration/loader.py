"""Declarations: a YAML or JSON file (or a mapping) in, a validated :class:`Declaration` out.

The stages, each a function of its own:

1. read (:func:`~licensecheck.sources.text.read_source_text`): size limit before reading,
   UTF-8 (a BOM is tolerated), errors naming the file;
2. parse (:func:`parse_declaration_text`): the YAML and JSON readers of :mod:`licensecheck.sources`
   build the values and a tree of source positions within the limits in force; the in-memory
   copier does the same for a mapping;
3. validate (:func:`~licensecheck.declaration.validate.validate`): the declaration JSON
   Schema, every violation at once, each a plain-language diagnostic at the file's line and
   column;
4. convert (:func:`~licensecheck.declaration.convert.convert`): date-format strings become
   :class:`datetime.date`, as the schema tree says.

An explicit ``null`` as a mapping value is dropped while parsing: the policy language treats it
exactly like an absent key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from .._record import Record, set_field
from ..errors import DeclarationError
from ..output import encodable
from ..sources.limits import Limits, current_limits
from ..sources.mapping import copy_mapping
from ..sources.parse import parse_text
from ..sources.paths import Positions
from ..sources.text import (
    MEMORY_SOURCE,
    STDIN_SOURCE,
    FileKind,
    read_source_text,
    read_stdin_text,
    too_big,
)
from .convert import convert
from .schema import DeclarationSchema, load_declaration_schema
from .validate import NOUN, validate

__all__ = [
    "Declaration",
    "load_declaration",
    "load_declaration_text",
    "parse_declaration_text",
]

#: The path that stands for standard input
STDIN_PATH = "-"
#: A declaration file, for the reader's messages
DECLARATION_FILE = FileKind(NOUN, DeclarationError)


class Declaration(Record):
    """A validated declaration.

    ``data`` holds plain Python values: dicts, lists, strings, numbers, booleans and
    :class:`datetime.date` wherever the schema says ``format: date``. Mapping entries whose
    value was ``null`` are absent.
    """

    # a Record, not a frozen dataclass (~0.5 ms of every cold start to build, issue #12):
    # equal by data, source, text and positions, shown by data, source and reads_evidence
    __slots__ = ("data", "positions", "reads_evidence", "schema", "source", "text")
    __match_args__ = ("data", "source", "text", "positions", "reads_evidence", "schema")
    _compared = ("data", "source", "text", "positions")
    _shown = ("data", "source", "reads_evidence")

    data: dict[str, Any]
    source: str
    text: str
    positions: Positions | None
    #: False for text from outside (a web form, an HTTP body, see load_declaration_text): it
    #: has no folder of its own, so its evidence paths are never resolved against this
    #: machine's files (hashing them would tell a stranger which files exist here)
    reads_evidence: bool
    #: The schema the loader validated ``data`` against and converted it by; None for a
    #: declaration built by hand. Evaluation takes the schema-typed generated code only when
    #: this is the pack's own schema (engine/evaluate.py, ``evaluate_rules``).
    schema: DeclarationSchema | None

    def __init__(
        self,
        data: dict[str, Any],
        source: str = MEMORY_SOURCE,
        text: str = "",
        positions: Positions | None = None,
        reads_evidence: bool = True,
        schema: DeclarationSchema | None = None,
    ) -> None:
        set_field(self, "data", data)
        set_field(self, "source", source)
        set_field(self, "text", text)
        set_field(self, "positions", positions)
        set_field(self, "reads_evidence", reads_evidence)
        set_field(self, "schema", schema)

    def position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """The 1-based ``(line, column)`` of exactly ``path``; ``None`` if it is not in the file."""
        return None if self.positions is None else self.positions.position(path)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """The position of the deepest prefix of ``path`` in the file (so an absent field
        points at its parent), or ``None`` when there are no positions at all."""
        return None if self.positions is None else self.positions.locate(path)

    def place(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """Where a witness at ``path`` points: as :meth:`locate`, but ``None`` when its
        top-level section is absent (it has no place in the file: the file alone is named)."""
        return None if self.positions is None else self.positions.within(path)


def load_declaration(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    schema: DeclarationSchema | None = None,
    limits: Limits | None = None,
) -> Declaration:
    """Read, parse, validate and convert a declaration file (``.json`` is JSON, anything
    else YAML), standard input (``-``, named ``<stdin>``; JSON when it starts with ``{``)
    or an in-memory mapping, which is copied, never modified.

    Raises :class:`DeclarationError` with every problem found; nothing else escapes.
    """
    limits = limits or current_limits()
    schema = schema or load_declaration_schema()
    if isinstance(source, Mapping):
        name, text = MEMORY_SOURCE, ""
        data = copy_mapping(source, limits, noun=NOUN, error=DeclarationError)
        positions = None
    elif os.fspath(source) == STDIN_PATH:
        name = STDIN_SOURCE
        text = read_stdin_text(DECLARATION_FILE, limits=limits)
        json = text.lstrip().startswith("{")
        data, positions = parse_declaration_text(text, name, json=json, limits=limits)
    else:
        path = os.fspath(source)
        # a file name that is not UTF-8 (bytes decoded as lone surrogates) is shown escaped:
        # it reaches every output, and those must be valid UTF-8
        name = encodable(path)
        text = read_source_text(path, DECLARATION_FILE, shown=name, limits=limits)
        data, positions = _parse_named(text, name, limits)  # the reader checked the size
    return _validated(data, positions, name, text, schema)


def load_declaration_text(
    text: str,
    source: str,
    *,
    schema: DeclarationSchema | None = None,
    limits: Limits | None = None,
) -> Declaration:
    """:func:`load_declaration` of text already read (a web form, an HTTP request body),
    reported as ``source`` (``.json`` is JSON, anything else YAML). Its evidence files are
    never looked for (``reads_evidence`` is false): the text has no folder on this machine."""
    limits = limits or current_limits()
    schema = schema or load_declaration_schema()
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise too_big(source, DECLARATION_FILE, limits.max_bytes)
    data, positions = _parse_named(text, source, limits)
    return _validated(data, positions, source, text, schema).replaced(reads_evidence=False)


def _parse_named(text: str, name: str, limits: Limits) -> tuple[dict[str, Any], Positions]:
    """Parse a declaration's text as its name says: ``.json`` is JSON, anything else YAML."""
    return parse_declaration_text(text, name, json=name.lower().endswith(".json"), limits=limits)


def _validated(
    data: dict[str, Any],
    positions: Positions | None,
    name: str,
    text: str,
    schema: DeclarationSchema,
) -> Declaration:
    diagnostics = validate(data, positions, name, text, schema)
    if diagnostics:
        raise DeclarationError(diagnostics)
    convert(data, schema)
    return Declaration(data=data, source=name, text=text, positions=positions, schema=schema)


def parse_declaration_text(
    text: str, source: str, *, json: bool = False, limits: Limits | None = None
) -> tuple[dict[str, Any], Positions]:
    """Parse declaration text into values and positions, without schema validation.

    Dates stay strings here; :func:`load_declaration` converts them after validation.
    """
    value, positions = parse_text(
        text,
        source,
        noun=NOUN,
        error=DeclarationError,
        json=json,
        limits=limits,
        not_a_mapping=_not_sections,
    )
    assert isinstance(value, dict)
    return value, positions


def _not_sections(found: str) -> str:
    return (
        "the declaration must be a mapping of sections ('company:', 'data_sources:', …), "
        f"but this file holds {found}"
    )
