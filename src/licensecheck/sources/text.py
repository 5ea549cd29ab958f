"""Reading an input file's text, and pointing at places in it.

:func:`read_source_text` is the one way every input file is read (declarations, pack files,
waiver files, the configuration, reports read back): the size limit is checked before
reading, the bytes must be UTF-8 (a BOM is tolerated, UTF-16 is explained), and every failure
is a diagnostic with one set of codes (``io``, ``encoding``) whose span names the file.
:class:`SourceText` makes positioned diagnostics for the parsers.
"""

from __future__ import annotations

import bisect
import codecs
import contextvars
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import NamedTuple

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, Span, source_snippet
from ..output import record_input
from .limits import Limits, current_limits

__all__ = [
    "MEMORY_SOURCE",
    "STDIN_SOURCE",
    "FileKind",
    "LineIndex",
    "SourceText",
    "read_source_text",
    "read_stdin_text",
    "unsaved_texts",
]

#: The name of values that come from memory rather than a file
MEMORY_SOURCE = "<memory>"
#: The name messages give standard input (read for the path ``-``)
STDIN_SOURCE = "<stdin>"
#: Standard input can be read once: its bytes, kept for every later reader in the process
#: (one declaration assessed against several packs).
_STDIN_BYTES: list[bytes] = []


#: Absolute path → text of files open in an editor, read instead of the disk (the language
#: server checks what is typed, not what was last saved)
_UNSAVED: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "unsaved", default=MappingProxyType({})
)


@contextmanager
def unsaved_texts(texts: Mapping[str, str]) -> Iterator[None]:
    """Within the block, :func:`read_source_text` reads ``texts`` (keyed by absolute path)
    in place of those files on disk, within the same size limit."""
    token = _UNSAVED.set({os.path.realpath(path): text for path, text in texts.items()})
    try:
        yield
    finally:
        _UNSAVED.reset(token)


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class FileKind(NamedTuple):
    """One kind of input file: its name in messages, the error it raises, its size limit.

    ``max_bytes`` of ``None`` means the ``--max-declaration-bytes`` limit in force.
    ``missing`` words a missing file when a caller's wording is older than this reader's.
    """

    noun: str
    error: type[LicenseCheckError]
    max_bytes: int | None = None
    missing: str = "cannot read '{path}': no such file"


def read_source_text(
    path: str | os.PathLike[str],
    kind: FileKind,
    *,
    shown: str | None = None,
    limits: Limits | None = None,
    record: bool = True,
) -> str:
    """The text of ``path``, checked for size (before reading) and UTF-8.

    ``shown`` is the path as messages show it (default: ``path`` as given); ``limits``
    default to those in force. Raises ``kind.error`` naming the file. The file is recorded
    as an input of the command (no output may replace it) unless ``record`` is false: a
    peek that only classifies a file (is it an earlier report?) reads nothing the run uses.
    """
    raw = read_source_bytes(path, kind, shown=shown, limits=limits, record=record)
    return _decode(raw, os.fspath(path) if shown is None else shown, kind)


def read_source_bytes(
    path: str | os.PathLike[str],
    kind: FileKind,
    *,
    shown: str | None = None,
    limits: Limits | None = None,
    record: bool = True,
) -> bytes:
    """The bytes of ``path`` (an unsaved text's in UTF-8), checked for size before reading,
    as :func:`read_source_text` reads them: for a reader that checks and decodes them itself
    (the pack cache hashes an entry's bytes and hands them to ``json.loads``)."""
    name = os.fspath(path)
    shown = name if shown is None else shown
    limit = kind.max_bytes or (limits or current_limits()).max_bytes
    if record:  # before reading: a file that fails to read is an input all the same
        record_input(name)
    unsaved = _UNSAVED.get().get(os.path.realpath(name))
    if unsaved is not None:
        raw = unsaved.encode("utf-8", "surrogatepass")
        if len(raw) > limit:
            raise too_big(shown, kind, limit)
        return raw
    try:
        _refuse_special(os.stat(name), shown, kind)
        # Non-blocking: were a FIFO swapped in after the stat, opening it must not hang.
        with open(os.open(name, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            info = os.fstat(handle.fileno())
            _refuse_special(info, shown, kind)
            if info.st_size > limit:
                raise too_big(shown, kind, limit)
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise _io(shown, kind, kind.missing.format(path=shown)) from None
    except IsADirectoryError:
        raise _io(shown, kind, f"cannot read '{shown}': it is a folder") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _io(shown, kind, f"cannot read '{shown}': {reason}") from None
    if len(raw) > limit:
        raise too_big(shown, kind, limit)
    return raw


def read_stdin_text(kind: FileKind, *, limits: Limits | None = None) -> str:
    """Standard input's text (named :data:`STDIN_SOURCE`), checked like a file's: the
    size limit while reading and UTF-8. Read once per process, then served from memory."""
    limit = kind.max_bytes or (limits or current_limits()).max_bytes
    if not _STDIN_BYTES:
        try:
            _STDIN_BYTES.append(sys.stdin.buffer.read(limit + 1))
        except (OSError, AttributeError, ValueError) as exc:
            raise _io(STDIN_SOURCE, kind, f"cannot read standard input: {exc}") from None
    raw = _STDIN_BYTES[0]
    if len(raw) > limit:
        raise too_big(STDIN_SOURCE, kind, limit)
    return _decode(raw, STDIN_SOURCE, kind)


def _refuse_special(info: os.stat_result, shown: str, kind: FileKind) -> None:
    """Only regular files are read: a FIFO or a terminal would block the run, a device
    (``/dev/zero``, ``/dev/urandom``) never ends and some devices act when opened."""
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise _io(shown, kind, f"cannot read '{shown}': it is a folder")
    what = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise _io(shown, kind, f"cannot read '{shown}': it is {what}, not a regular file")


def _io(shown: str, kind: FileKind, message: str) -> LicenseCheckError:
    return kind.error(Diagnostic(codes.IO, message, Span(shown, 1, 1)))


def too_big(shown: str, kind: FileKind, limit: int) -> LicenseCheckError:
    """The error for an input over the size limit (files read here, texts sent to the web app)."""
    return _io(shown, kind, f"the {kind.noun} is larger than {limit} bytes")


def _decode(raw: bytes, shown: str, kind: FileKind) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise kind.error(
            Diagnostic(
                codes.ENCODING, "the file is UTF-16 encoded; save it as UTF-8", Span(shown, 1, 1)
            )
        )
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        source = SourceText(shown, raw.decode("utf-8", "replace"), kind.noun, kind.error)
        raise source.fail(
            line,
            column,
            f"the file is not valid UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded",
            code=codes.ENCODING,
            hint="save the file with UTF-8 encoding",
        ) from None


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class SourceText(NamedTuple):
    """Text being parsed, to point at: its name, the text, what it is and the error to raise.

    ``noun`` is the file's kind as messages name it (``declaration``).
    """

    name: str
    text: str
    noun: str
    error: type[LicenseCheckError]

    def without_text(self) -> SourceText:
        """The same source, pointed at without a snippet (the text cannot be shown)."""
        return self._replace(text="")

    def diagnostic(
        self,
        line: int,
        column: int,
        message: str,
        *,
        code: str = codes.SYNTAX,
        hint: str | None = None,
        width: int = 1,
    ) -> Diagnostic:
        if self.name == MEMORY_SOURCE and not self.text:
            return Diagnostic(code=code, message=message, hint=hint)
        snippet = source_snippet(self.text, line, column, width) if self.text else None
        return Diagnostic(
            code=code,
            message=message,
            span=Span(self.name, line, column),
            snippet=snippet or None,
            hint=hint,
        )

    def fail(
        self,
        line: int,
        column: int,
        message: str,
        *,
        code: str = codes.SYNTAX,
        hint: str | None = None,
    ) -> LicenseCheckError:
        return self.error(self.diagnostic(line, column, message, code=code, hint=hint))


class LineIndex:
    """Converts offsets in a text to 1-based (line, column), counting only ``\\n`` as JSON does."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
