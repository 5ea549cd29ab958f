"""Watchlists: a CSV or YAML file of named entities in, entries that parties are matched against out.

A watchlist names companies a lender must not work with, or must look at twice: firms named
in enforcement notices, in court judgments, on a regulator's list. Each entry has a ``name``
and a ``source`` (both required), and may have ``aliases``, a ``registration_id``, a ``date``
(``YYYY-MM-DD``) and a ``reason``.

- CSV: a header row naming the columns (any order), one entry a row; ``aliases`` holds
  several names separated by ``;``. Quoting is RFC 4180's (``"a, b"``, ``""`` for a quote).
- YAML (or JSON): a list of entries, or a mapping whose ``entries`` key holds that list.

Every problem of the file is reported at once, each at ``file:line:col``
(:class:`~licensecheck.errors.WatchlistError`); a file with any problem gives no entries.

A party matches an entry when their registration ids are equal, or when one of the party's
names, normalised (:func:`~.names.normalise_name`), equals the entry's normalised name or one
of its aliases. A match says how it matched and cites the entry's source and date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from .. import codes
from ..engine.pipeline import calendar_date
from ..errors import Diagnostic, Span, WatchlistError, did_you_mean
from ..sources.parse import parse_text
from ..sources.paths import Positions
from ..sources.text import FileKind, LineIndex, SourceText, read_source_text
from ..sources.words import describe
from .identity import normalise_identifier
from .names import normalise_name

__all__ = [
    "FIELDS",
    "Watchlist",
    "WatchlistEntry",
    "WatchlistMatch",
    "import_watchlist",
    "load_watchlist",
]

NOUN = "watchlist"
#: The columns (CSV) or keys (YAML) of an entry, in the order they are shown
FIELDS = ("name", "aliases", "registration_id", "source", "date", "reason")
REQUIRED = ("name", "source")
#: Separates a CSV row's aliases: names hold commas ("Co., Ltd."), never semicolons
ALIAS_SEPARATOR = ";"
MAX_REGISTRATION_ID = 64  # as the declaration schema's registration_id

MatchKind = Literal["registration_id", "name", "alias"]


@dataclass(frozen=True)
class WatchlistEntry:
    """One named entity of a watchlist; ``origin`` is where the file gives it, when it is known."""

    name: str
    source: str
    aliases: tuple[str, ...] = ()
    registration_id: str | None = None
    date: dt.date | None = None
    reason: str | None = None
    origin: Span | None = field(default=None, compare=False)

    def as_row(self) -> dict[str, object]:
        """The entry as plain values, for storing (the workspace) and for JSON."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "registration_id": self.registration_id,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "reason": self.reason,
            "origin": self.origin.format() if self.origin else None,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> WatchlistEntry:
        """The entry :meth:`as_row` gave (read back from the workspace); ``origin`` is kept as text."""
        date = row.get("date")
        aliases = row.get("aliases") or ()
        origin = row.get("origin")
        return cls(
            name=str(row["name"]),
            source=str(row["source"]),
            aliases=tuple(str(a) for a in aliases) if isinstance(aliases, list | tuple) else (),
            registration_id=_text_or_none(row.get("registration_id")),
            date=calendar_date(date) if isinstance(date, str) else _date_or_none(date),
            reason=_text_or_none(row.get("reason")),
            origin=_span_of(origin) if isinstance(origin, str) else None,
        )

    @classmethod
    def from_stored(cls, row: Mapping[str, object]) -> WatchlistEntry:
        """The entry a workspace stored (``Workspace.watchlist_entries``: ``listed_on``)."""
        return cls.from_row({**row, "date": row.get("listed_on")})

    def stored(self) -> dict[str, object]:
        """The entry as ``Workspace.replace_watchlist`` takes it."""
        return {**self.as_row(), "listed_on": self.date}

    def cited(self) -> str:
        """The entry's source and date, as a finding cites them."""
        return f"{self.source}, {self.date.isoformat()}" if self.date else self.source


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _date_or_none(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _span_of(text: str) -> Span | None:
    file, _, rest = text.rpartition(":")
    file, _, line = file.rpartition(":")
    return Span(file, int(line), int(rest)) if line.isdigit() and rest.isdigit() else None


@dataclass(frozen=True)
class WatchlistMatch:
    """A party matched an entry: ``how`` (by ``registration_id``, its ``name`` or an
    ``alias``) and ``matched``, the entry's spelling that matched."""

    entry: WatchlistEntry
    how: MatchKind
    matched: str

    def describe(self) -> str:
        """In words: ``on the watchlist as 'X' (alias 'Y'; source, date)``."""
        how = {"registration_id": "registration id", "name": "name", "alias": "alias"}[self.how]
        return (
            f"on the watchlist as '{self.entry.name}' ({how} '{self.matched}'; "
            f"{self.entry.cited()})"
        )


class Watchlist:
    """Entries indexed for matching by registration id and by normalised name and alias."""

    def __init__(self, entries: Sequence[WatchlistEntry]) -> None:
        self.entries = tuple(entries)
        self._by_id: dict[str, list[int]] = {}
        self._by_name: dict[str, list[tuple[int, MatchKind, str]]] = {}
        for index, entry in enumerate(self.entries):
            if entry.registration_id:
                key = normalise_identifier(entry.registration_id)
                self._by_id.setdefault(key, []).append(index)
            self._by_name.setdefault(normalise_name(entry.name), []).append(
                (index, "name", entry.name)
            )
            for alias in entry.aliases:
                self._by_name.setdefault(normalise_name(alias), []).append((index, "alias", alias))

    def match(
        self, names: Iterable[str], registration_ids: Iterable[str] = ()
    ) -> list[WatchlistMatch]:
        """The entries a party with these names and register ids matches, each once (by
        identifier before name before alias), in the watchlist's order."""
        found: dict[int, WatchlistMatch] = {}
        for registration_id in registration_ids:
            for index in self._by_id.get(normalise_identifier(registration_id), ()):
                entry = self.entries[index]
                found[index] = WatchlistMatch(entry, "registration_id", entry.registration_id or "")
        for name in names:
            for index, how, spelled in self._by_name.get(normalise_name(name), ()):
                if index not in found or (how == "name" and found[index].how == "alias"):
                    found[index] = WatchlistMatch(self.entries[index], how, spelled)
        return [found[i] for i in sorted(found)]


def load_watchlist(path: str | os.PathLike[str]) -> Watchlist:
    """Read a watchlist file (see the module's docstring), indexed for matching."""
    return Watchlist(import_watchlist(path))


def import_watchlist(path: str | os.PathLike[str]) -> list[WatchlistEntry]:
    """The entries of a CSV (``.csv``) or YAML/JSON watchlist file, in file order.

    Raises :class:`WatchlistError` with every problem, each at its line and column.
    """
    shown = os.fspath(path)
    text = read_source_text(shown, FileKind(NOUN, WatchlistError))
    source = SourceText(shown, text, NOUN, WatchlistError)
    problems: list[Diagnostic] = []
    suffix = os.path.splitext(shown)[1].lower()
    if suffix == ".csv":
        raws = _csv_entries(source, problems)
    elif suffix in (".yaml", ".yml", ".json"):
        raws = _yaml_entries(source, json=suffix == ".json", problems=problems)
    else:
        raise source.fail(
            1, 1, "a watchlist is a .csv, .yaml, .yml or .json file", code=codes.WATCHLIST
        )
    entries = [entry for raw in raws if (entry := _entry(raw, source, problems)) is not None]
    if problems:
        raise WatchlistError(sorted(problems, key=Diagnostic.sort_key))
    return entries


# ------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Value:
    """A value of an entry and where it is (for a YAML key: the key's place)."""

    value: object
    line: int
    column: int


@dataclass(frozen=True)
class _Raw:
    """An entry as read, before its values are checked: ``label`` names it in messages."""

    label: str
    line: int
    column: int
    values: dict[str, _Value]


def _yaml_entries(source: SourceText, *, json: bool, problems: list[Diagnostic]) -> list[_Raw]:
    value, positions = parse_text(
        source.text, source.name, noun=NOUN, error=WatchlistError, json=json
    )
    items, where = value, positions
    if isinstance(value, dict):
        extra = [key for key in value if key != "entries"]
        for key in extra:
            line, column = positions.locate([key])
            problems.append(
                source.diagnostic(
                    line,
                    column,
                    f"unknown key '{key}': a watchlist holds only 'entries'",
                    code=codes.WATCHLIST,
                )
            )
        items, where = value.get("entries"), positions.get("entries") or positions
    if not isinstance(items, list):
        raise source.fail(
            where.line,
            where.column,
            f"a watchlist holds a list of entries (or 'entries:' with one), not {describe(items)}",
            code=codes.WATCHLIST,
        )
    raws: list[_Raw] = []
    for index, item in enumerate(items):
        place = where.get(index) or where
        label = f"entries[{index}]"
        if not isinstance(item, dict):
            problems.append(
                source.diagnostic(
                    place.line,
                    place.column,
                    f"{label}: an entry is a mapping of {', '.join(FIELDS)}, not {describe(item)}",
                    code=codes.WATCHLIST,
                )
            )
            continue
        raws.append(_Raw(label, place.line, place.column, _located(item, place)))
    return raws


def _located(item: dict[str, object], place: Positions) -> dict[str, _Value]:
    values = {}
    for key, value in item.items():
        line, column = place.locate([key])
        values[key] = _Value(value, line, column)
    return values


def _csv_entries(source: SourceText, problems: list[Diagnostic]) -> list[_Raw]:
    rows = [row for row in _csv_rows(source, problems) if any(c.value for c in row)]
    if not rows:
        if not problems:
            problems.append(source.diagnostic(1, 1, "the watchlist is empty", code=codes.WATCHLIST))
        return []
    header = _csv_header(rows[0], source, problems)
    if header is None:
        return []
    raws = []
    for row in rows[1:]:
        label = f"the row at line {row[0].line}"
        if len(row) > len(header):
            extra = row[len(header)]
            problems.append(
                source.diagnostic(
                    extra.line,
                    extra.column,
                    f"{label} has {len(row)} values but the header names {len(header)} columns",
                    code=codes.WATCHLIST,
                    hint='quote a value that holds a comma: "Alpha Data Co., Ltd."',
                )
            )
            continue
        values = {
            column: _csv_value(column, cell)
            for column, cell in zip(header, row, strict=False)
            if str(cell.value).strip()
        }
        raws.append(_Raw(label, row[0].line, row[0].column, values))
    return raws


def _csv_value(column: str, cell: _Value) -> _Value:
    text = str(cell.value).strip()
    if column == "aliases":
        names = [alias.strip() for alias in text.split(ALIAS_SEPARATOR) if alias.strip()]
        return _Value(names, cell.line, cell.column)
    return _Value(text, cell.line, cell.column)


def _csv_header(
    row: list[_Value], source: SourceText, problems: list[Diagnostic]
) -> list[str] | None:
    """The columns the header names, or ``None`` when it cannot be used (each problem noted)."""
    columns: list[str] = []
    before = len(problems)
    for cell in row:
        name = str(cell.value).strip().lower()
        if name not in FIELDS:
            guess = did_you_mean(name, FIELDS)
            problems.append(
                source.diagnostic(
                    cell.line,
                    cell.column,
                    f"unknown column '{name}'" + (f" (did you mean '{guess}'?)" if guess else ""),
                    code=codes.WATCHLIST,
                    hint=f"the columns are {', '.join(FIELDS)}",
                )
            )
        elif name in columns:
            problems.append(
                source.diagnostic(
                    cell.line, cell.column, f"column '{name}' is named twice", code=codes.WATCHLIST
                )
            )
        columns.append(name)
    for required in REQUIRED:
        if required not in columns:
            problems.append(
                source.diagnostic(
                    row[0].line,
                    1,
                    f"the header has no '{required}' column ({' and '.join(REQUIRED)} are required)",
                    code=codes.WATCHLIST,
                )
            )
    return columns if len(problems) == before else None


# An unquoted value runs to the next comma or line break
_UNQUOTED_END = re.compile(r"[,\r\n]")


def _csv_rows(source: SourceText, problems: list[Diagnostic]) -> list[list[_Value]]:
    """RFC 4180 rows, each value with its line and column; quoting errors are noted and the
    scan goes on after them (an unclosed quote ends it)."""
    text, index = source.text, LineIndex(source.text)
    rows: list[list[_Value]] = []
    row: list[_Value] = []
    at = 0
    while True:
        start = at
        if text.startswith('"', at):
            value, at = _quoted(text, at, source, index, problems)
            if value is None:
                return rows
        else:
            end = _UNQUOTED_END.search(text, at)
            at = end.start() if end else len(text)
            value = text[start:at]
            if '"' in value:
                line, column = index.at(start + value.index('"'))
                problems.append(
                    source.diagnostic(
                        line,
                        column,
                        "a quote inside an unquoted value",
                        code=codes.SYNTAX,
                        hint='quote the whole value and double the quote: "say ""yes"""',
                    )
                )
        row.append(_Value(value, *index.at(start)))
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        rows.append(row)
        row = []
        at += 2 if text.startswith("\r\n", at) else 1
        if at >= len(text):
            return rows


def _quoted(
    text: str, start: int, source: SourceText, index: LineIndex, problems: list[Diagnostic]
) -> tuple[str | None, int]:
    """The quoted value opening at ``start`` and where the scan goes on; ``None`` if unclosed."""
    parts: list[str] = []
    at = start + 1
    while True:
        close = text.find('"', at)
        if close < 0:
            line, column = index.at(start)
            problems.append(
                source.diagnostic(
                    line, column, "this quoted value is never closed", code=codes.SYNTAX
                )
            )
            return None, len(text)
        parts.append(text[at:close])
        if text.startswith('"', close + 1):  # "" is a quote inside the value
            parts.append('"')
            at = close + 2
            continue
        at = close + 1
        break
    if at < len(text) and text[at] not in ",\r\n":
        line, column = index.at(at)
        problems.append(
            source.diagnostic(
                line,
                column,
                "text after the closing quote of a value",
                code=codes.SYNTAX,
                hint='double a quote inside a quoted value: "say ""yes"""',
            )
        )
        end = _UNQUOTED_END.search(text, at)
        at = end.start() if end else len(text)
    return "".join(parts), at


# ------------------------------------------------------------------------------------ checking


def _entry(raw: _Raw, source: SourceText, problems: list[Diagnostic]) -> WatchlistEntry | None:
    """The entry ``raw`` holds, or ``None`` with its problems noted."""
    before = len(problems)

    def problem(where: _Value | _Raw, message: str, hint: str | None = None) -> None:
        problems.append(
            source.diagnostic(
                where.line, where.column, f"{raw.label}: {message}", code=codes.WATCHLIST, hint=hint
            )
        )

    for key, value in raw.values.items():
        if key not in FIELDS:
            guess = did_you_mean(key, FIELDS)
            problem(
                value, f"unknown key '{key}'" + (f" (did you mean '{guess}'?)" if guess else "")
            )
    for key in REQUIRED:
        if key not in raw.values:
            problem(raw, f"required '{key}' is missing or empty")
    texts = {
        key: _text(raw.values[key], key, problem)
        for key in ("name", "source", "registration_id", "reason")
        if key in raw.values
    }
    aliases = _aliases(raw.values.get("aliases"), problem)
    date = _date(raw.values.get("date"), problem)
    registration_id = texts.get("registration_id")
    if registration_id is not None and len(registration_id) > MAX_REGISTRATION_ID:
        problem(
            raw.values["registration_id"],
            f"'registration_id' is longer than {MAX_REGISTRATION_ID} characters",
        )
    if len(problems) > before:
        return None
    return WatchlistEntry(
        name=texts["name"] or "",
        source=texts["source"] or "",
        aliases=aliases,
        registration_id=registration_id,
        date=date,
        reason=texts.get("reason"),
        origin=Span(source.name, raw.line, raw.column),
    )


def _text(value: _Value, key: str, problem: _Problem) -> str | None:
    if isinstance(value.value, str) and value.value.strip():
        return value.value.strip()
    if isinstance(value.value, str):
        problem(value, f"'{key}' is blank")
    else:
        problem(
            value,
            f"'{key}' must be text, not {describe(value.value)}",
            hint=f'quote it: {key}: "{value.value}"' if isinstance(value.value, int) else None,
        )
    return None


def _aliases(value: _Value | None, problem: _Problem) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.value
    if not isinstance(items, list) or not all(isinstance(a, str) and a.strip() for a in items):
        problem(value, f"'aliases' must be a list of names, not {describe(items)}")
        return ()
    return tuple(a.strip() for a in items)


def _date(value: _Value | None, problem: _Problem) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value.value, str):
        problem(value, f"'date' must be a date written YYYY-MM-DD, not {describe(value.value)}")
        return None
    try:
        return calendar_date(value.value.strip())
    except ValueError as exc:
        problem(value, f"'date': {exc}")
        return None


class _Problem(Protocol):
    """The ``problem`` callback of :func:`_entry`: note a problem at a value or an entry."""

    def __call__(self, where: _Value | _Raw, message: str, hint: str | None = None) -> None: ...
