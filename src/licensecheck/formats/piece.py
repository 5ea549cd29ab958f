"""One file's result as the outputs need it, made where the file was assessed.

Enters: a :class:`~licensecheck.engine.batch.BatchItem` and what the run writes (a
:class:`Render`: the formats, their styles, ``--fail-on``, the pack). Leaves: a :class:`Piece`:
the summary's counts, the exit code, and the file's part of each output, already rendered (a
worker process sends this back, not the assessment, so the parent only writes). Also the
temporary spools that hold what a format writes after its summary.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel

from ..engine.batch import BatchItem
from ..engine.batch_report import (
    BatchSummary,
    DeclarationLine,
    FileResult,
    Gap,
    error_info,
    outcome,
)
from ..engine.gate import DEFAULT_FAIL_ON, exit_code
from ..engine.models import STATUSES, Assessment, json_bytes
from ..errors import Diagnostic
from ..output import Chunk, blocks
from . import github, junit, oscal, sarif, summary
from .text import render_text

Style = Callable[..., str]

#: Statuses whose findings a ``jsonl`` line details (message, witnesses): the gaps.
_DETAILED = ("fail", "unknown", "error")
#: How deep a file's part sits in each JSON document (levels of two spaces): SARIF's results
#: and artifacts, OSCAL's results, the batch report's results.
SARIF_RESULT_DEPTH = 4
OSCAL_RESULT_DEPTH = 3
JSON_RESULT_DEPTH = 2


@dataclass(frozen=True)
class Output:
    """One output of the run: a format (``quiet``: the text summary line alone) and, for
    text, its style (colour or plain)."""

    fmt: str
    style: Style | None = None


@dataclass(frozen=True)
class Render:
    """What every file's :class:`Piece` must carry: its part of each output of one pack's run."""

    outputs: tuple[Output, ...]
    pack_id: str
    as_of: dt.date
    fail_on: str = DEFAULT_FAIL_ON
    verbose: bool = False
    #: the run is one of several packs' (names in JUnit and GitHub say which)
    several: bool = False
    #: send the assessment back too (``--record`` stores it)
    record: bool = False


@dataclass(frozen=True)
class Piece:
    """One file's result as the outputs need it: the summary's counts, the exit code, and
    the file's part of each of :attr:`Render.outputs` (in that order)."""

    source: str
    outcome: Literal["ready", "not_ready", "error"]
    score: int | None
    by_status: dict[str, int]
    exit_code: int
    diagnostics: tuple[Diagnostic, ...]
    parts: tuple[Any, ...]
    #: with :attr:`Render.record`: the assessment and the declaration text it read
    recorded: tuple[Assessment, str] | None = None


def piece(item: BatchItem, render: Render) -> Piece:
    """``item`` made compact for ``render``'s outputs."""
    a = item.assessment
    return Piece(
        source=item.source,
        outcome=outcome(item),
        score=a.summary.score if a is not None else None,
        by_status=dict(a.summary.counts.by_status) if a is not None else {},
        exit_code=2 if a is None else exit_code(a, render.fail_on),
        diagnostics=item.diagnostics,
        parts=tuple(_PARTS[o.fmt](item, render, o) for o in render.outputs),
        recorded=(a, item.text or "") if render.record and a is not None else None,
    )


def _text(item: BatchItem, render: Render, output: Output) -> str | None:
    if item.assessment is None:
        return None
    style = {"style": output.style} if output.style is not None else {}
    return render_text(item.assessment, verbose=render.verbose, **style)


def _json(item: BatchItem, _render: Render, _output: Output) -> bytes:
    """The item as a result of the batch report, indented as it sits there: UTF-8, so that
    the parent of a worker passes its 150 KB a declaration on without decoding them (for
    the pipe) and encoding them again (for the output)."""
    result = FileResult(
        declaration=item.source,
        outcome=outcome(item),
        score=item.assessment.summary.score if item.assessment else None,
        report=item.assessment,
        errors=[error_info(d) for d in item.diagnostics],
    )
    # dumped to bytes and indented as bytes: a report's text holds CJK characters, and as a
    # str it is decoded, copied wide by the replace and encoded again (2.5x the time)
    dumped = json_bytes(result, indent=2, by_alias=True)
    return dumped.replace(b"\n", b"\n" + b"  " * JSON_RESULT_DEPTH)


def _jsonl(item: BatchItem, _render: Render, _output: Output) -> bytes:
    return json_line(declaration_line(item))


def _sarif(item: BatchItem, _render: Render, _output: Output) -> tuple[str, str]:
    return sarif.artifact_uri(item.source), sarif.results_text(item, SARIF_RESULT_DEPTH)


def _junit(item: BatchItem, render: Render, _output: Output) -> tuple[str, str]:
    name = junit.suite_name(item.source, render.pack_id if render.several else None)
    return name, junit.suite_text(item, name, render.pack_id, render.as_of, render.fail_on)


def _github(item: BatchItem, render: Render, _output: Output) -> github.ItemLines:
    return github.item_lines(item, render.fail_on, render.pack_id if render.several else None)


def _oscal(item: BatchItem, _render: Render, _output: Output) -> tuple[bytes, str] | None:
    return oscal.result_part(item, OSCAL_RESULT_DEPTH)


def _markdown(item: BatchItem, render: Render, _output: Output) -> summary.ItemRow:
    return summary.item_row(item, render.pack_id, render.fail_on)


def _nothing(_item: BatchItem, _render: Render, _output: Output) -> None:
    """``--quiet`` text: the counts are all it shows."""


_PARTS: dict[str, Callable[[BatchItem, Render, Output], Any]] = {
    "text": _text,
    "quiet": _nothing,
    "json": _json,
    "jsonl": _jsonl,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
    "oscal": _oscal,
    "markdown": _markdown,
}


def declaration_line(item: BatchItem) -> DeclarationLine:
    a = item.assessment
    if a is None:
        return DeclarationLine(
            declaration=item.source,
            outcome="error",
            score=None,
            statuses={},
            errors=[error_info(d) for d in item.diagnostics],
        )
    return DeclarationLine(
        declaration=item.source,
        outcome=outcome(item),
        score=a.summary.score,
        statuses={f.rule_id: f.status for f in a.findings},
        gaps=[
            Gap(
                rule_id=f.rule_id,
                status=f.status,
                message=f.message,
                in_grace=f.in_grace,
                witnesses=f.witnesses,
            )
            for f in a.findings
            if f.status in _DETAILED
        ],
    )


def json_line(model: BaseModel) -> bytes:
    """``model`` as one line of JSON, in UTF-8."""
    return json_bytes(model, by_alias=True) + b"\n"


# ------------------------------------------------------------------------ what is counted


class Counts:
    """What a batch's summary needs, counted as the pieces pass."""

    def __init__(self) -> None:
        self.outcomes = {"ready": 0, "not_ready": 0, "error": 0}
        self.by_status: dict[str, int] = dict.fromkeys(STATUSES, 0)

    def add(self, piece: Piece) -> None:
        self.outcomes[piece.outcome] += 1
        for status, n in piece.by_status.items():
            self.by_status[status] += n

    def summary(self) -> BatchSummary:
        return BatchSummary(
            files=sum(self.outcomes.values()),
            ready=self.outcomes["ready"],
            not_ready=self.outcomes["not_ready"],
            errors=self.outcomes["error"],
            by_status=self.by_status,
        )


# ------------------------------------------------------------------------------ spools


class Spool:
    """Output kept in a temporary file, as UTF-8, until it is written (never in memory). It
    comes back in blocks of bytes that may split a character: for a byte stream or a file."""

    def __init__(self) -> None:
        # lives across write() calls; whoever reads contents() back closes it
        self.file = tempfile.TemporaryFile("w+b")  # noqa: SIM115

    def write(self, chunk: Chunk) -> None:
        for block in blocks(chunk):
            self.file.write(block)

    def read_back(self) -> Iterator[bytes]:
        return blocks(self.contents())

    def contents(self) -> BinaryIO:
        """What was spooled, as one chunk: the file, for its writer to copy and close."""
        self.file.seek(0)
        return self.file


def nested(text: str, depth: int) -> str:
    """A JSON value written with ``indent=2`` as it sits ``depth`` levels deep in a document."""
    return text.replace("\n", "\n" + "  " * depth)


class ArraySpool(Spool):
    """The elements of a JSON array ``depth`` levels deep (each already :func:`nested`),
    written out as ``json.dumps(indent=2)`` writes the array."""

    def __init__(self, depth: int) -> None:
        super().__init__()
        self.indent = "  " * depth
        self.count = 0

    def add(self, element: str) -> None:
        self.write(("," if self.count else "") + "\n" + self.indent + element)
        self.count += 1

    def chunks(self) -> Iterator[Chunk]:
        if not self.count:
            self.file.close()
            yield "[]"
            return
        yield "["
        yield from self.read_back()
        yield "\n" + self.indent[2:] + "]"


def marker(name: str) -> str:
    """A string that stands for an array in a document template (see :func:`spliced`)."""
    return "\0" + name


def spliced(template: str, arrays: list[tuple[str, ArraySpool]]) -> Iterator[Chunk]:
    """``template`` (a document dumped with :func:`marker` strings in place of arrays) with
    each array written in its place; ``arrays`` in the order they appear."""
    rest = template
    for name, array in arrays:
        head, rest = rest.split(json.dumps(marker(name)), 1)
        yield head
        yield from array.chunks()
    yield rest
