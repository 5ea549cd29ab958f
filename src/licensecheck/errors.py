"""Errors as values: every problem licensecheck reports carries a source position.

A :class:`Diagnostic` is one problem (or warning) at one place. A
:class:`LicenseCheckError` carries one or more diagnostics; it is the only kind of
exception the library raises on bad input, and the CLI renders it and exits 2.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from . import codes
from ._record import Record, set_field

DiagnosticLevel = Literal["error", "warning"]

# C0 controls (ESC starts CSI, OSC 8 links, OSC 52 clipboard writes, title changes), DEL, C1
# controls (U+009B is a one-character CSI) and the bidirectional overrides and isolates that
# reorder what a reader sees: none of them may reach a terminal or a log from an input value.
# This pattern and _LINE_BREAK stay text, compiled by ``re`` (and kept in its cache) the first
# time a diagnostic is shown: a check that shows none does not pay ~0.4 ms for them (issue #12).
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def printable(text: str, *, keep: str = "") -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``,
    ``\\n``, ``\\u202e``), so a value cannot move the cursor, recolour, retitle or rewrite
    the reader's terminal, nor start a line of its own. Characters in ``keep`` (say
    ``"\\n"`` for a multi-line message) are left as they are."""
    return re.sub(_UNPRINTABLE, lambda m: m[0] if m[0] in keep else _escape(m[0]), text)


def _escape(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


class Span(Record):
    """A place in a source file; ``line`` and ``column`` are 1-based. Spans are equal,
    hashed and ordered by file, line and column (the end is left out)."""

    # A Record, not a frozen dataclass (~0.7 ms of every cold start to build, issue #12),
    # as the dataclass (order=True, the end compare=False) behaved
    __slots__ = ("column", "end_column", "end_line", "file", "line")
    __match_args__ = ("file", "line", "column", "end_line", "end_column")
    _compared = ("file", "line", "column")

    file: str
    line: int
    column: int
    end_line: int | None
    end_column: int | None

    def __init__(
        self,
        file: str,
        line: int,
        column: int,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> None:
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "end_line", end_line)
        set_field(self, "end_column", end_column)

    def _order(self, other: object) -> tuple[tuple[str, int, int], tuple[str, int, int]] | None:
        if other.__class__ is not self.__class__:
            return None
        assert isinstance(other, Span)
        return (self.file, self.line, self.column), (other.file, other.line, other.column)

    def __lt__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] < pair[1]

    def __le__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] <= pair[1]

    def __gt__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] > pair[1]

    def __ge__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] >= pair[1]

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Diagnostic(Record):
    """One problem found in an input file.

    ``code`` is stable and machine-readable (``syntax``, ``unknown-path``, ``schema``, …),
    one of the constants of :mod:`licensecheck.codes`; ``message`` is plain language, lower
    case, without a trailing period.
    """

    # a Record, not a frozen dataclass: see Span
    __slots__ = ("code", "hint", "level", "message", "snippet", "span")
    __match_args__ = ("code", "message", "span", "level", "snippet", "hint")

    code: str
    message: str
    span: Span | None
    level: DiagnosticLevel
    snippet: str | None
    hint: str | None

    def __init__(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        level: DiagnosticLevel = "error",
        snippet: str | None = None,
        hint: str | None = None,
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "level", level)
        set_field(self, "snippet", snippet)
        set_field(self, "hint", hint)

    def render(self) -> str:
        """For a terminal: messages quote input values, so each part goes through
        :func:`printable` (the snippet's own line break kept)."""
        # without a place in a file, the problem is the call itself: name the tool, as a
        # command-line tool does (``licensecheck: error: --as-of: …``)
        where = printable(self.span.format()) if self.span else "licensecheck"
        lines = [f"{where}: {self.level}: {printable(self.message, keep=chr(10))}"]
        if self.snippet:
            lines.append(printable(self.snippet, keep="\n"))
        if self.hint:
            lines.append(f"  hint: {printable(self.hint, keep=chr(10))}")
        return "\n".join(lines)

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return ("", 0, 0, self.message)
        return (self.span.file, self.span.line, self.span.column, self.message)

    def to_json(self) -> dict[str, str | int | None]:
        """The diagnostic as a JSON object (``packs lint --format json``)."""
        return {
            "file": self.span.file if self.span else None,
            "line": self.span.line if self.span else None,
            "column": self.span.column if self.span else None,
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


#: The most characters of one source line a snippet quotes: a file that fails to parse may be
#: anything (a key file reached through a link), and a snippet shows a place, not the file.
SNIPPET_WIDTH = 160


def source_snippet(text: str, line: int, column: int, width: int = 1) -> str:
    """The source line at ``line`` with a caret under ``column`` (both 1-based): at most
    :data:`SNIPPET_WIDTH` characters around the caret, every control character escaped."""
    lines = _lines(text)
    if not 1 <= line <= len(lines):
        return ""
    begin, end = lines[line - 1]
    start = 0
    if end - begin > SNIPPET_WIDTH:  # keep very long lines readable around the caret
        start = max(0, column - SNIPPET_WIDTH // 2)
    # slice before expanding tabs: a 10 MB line costs no more than a short one
    source_line = text[begin + start : min(end, begin + start + SNIPPET_WIDTH)].expandtabs(1)
    column -= start
    # the line is shown escaped; the caret moves by what the escapes before it added
    column = len(printable(source_line[: max(column - 1, 0)])) + 1
    source_line = printable(source_line)
    gutter = f"{line:>5} | "
    width = min(max(width, 1), max(len(source_line) - column + 1, 1))  # no wider than shown
    caret = " " * (len(gutter) - 2) + "| " + " " * max(column - 1, 0) + "^" * width
    return f"{gutter}{source_line}\n{caret}"


@functools.lru_cache(maxsize=8)
def _lines(text: str) -> tuple[tuple[int, int], ...]:
    """Where each line of ``text`` starts and ends (as :meth:`str.splitlines` cuts them),
    found once per text however many diagnostics point into it: a string caches its hash,
    so looking the same text up again costs no scan."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for found in re.finditer(_LINE_BREAK, text):
        spans.append((begin, found.start()))
        begin = found.end()
    if begin < len(text):
        spans.append((begin, len(text)))
    return tuple(spans)


# the line boundaries of str.splitlines
_LINE_BREAK = "\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, if one is close enough."""
    import difflib

    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return matches[0] if matches else None


class LicenseCheckError(Exception):
    """Base class of every error raised for bad input; holds one or more diagnostics."""

    def __init__(self, diagnostics: Diagnostic | Sequence[Diagnostic]) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self.render())

    @classmethod
    def simple(
        cls, message: str, span: Span | None = None, code: str = codes.INPUT
    ) -> LicenseCheckError:
        return cls(Diagnostic(code=code, message=message, span=span))

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class UsageError(LicenseCheckError):
    """The call itself is wrong: an unknown pack id, a malformed date, a missing file."""


class DeclarationError(LicenseCheckError):
    """A declaration could not be read, parsed or validated."""


class PackError(LicenseCheckError):
    """A policy pack could not be loaded: manifest, rule syntax or static checks."""


class RuleRuntimeError(LicenseCheckError):
    """A rule failed while evaluating (for example a type mismatch on unconstrained data).

    The evaluator turns it into the ``error`` status of that one rule; it never escapes
    ``assess``.
    """


class WaiverError(LicenseCheckError):
    """A waiver file could not be read or does not fit the pack (``--waivers``)."""


class ConfigError(LicenseCheckError):
    """A configuration file (``licensecheck.toml`` or ``[tool.licensecheck]``) is invalid."""


class ReportError(LicenseCheckError):
    """A JSON report given as input (``--baseline``, ``diff``) could not be read."""


class WatchlistError(LicenseCheckError):
    """A watchlist file (CSV or YAML of named entities) could not be read or is malformed."""


class WorkspaceError(LicenseCheckError):
    """A workspace database could not be found, opened or used (``--record``, ``history``,
    ``portfolio``, ``workspace …``)."""


class TrustError(LicenseCheckError):
    """A key, a signature, an evidence file, a lock file or a submission bundle could not be
    read, or does not verify."""
