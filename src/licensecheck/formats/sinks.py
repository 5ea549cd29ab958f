"""Batch outputs written as the results arrive, in constant memory: text, SARIF, JUnit,
GitHub annotations, OSCAL and the Markdown summary.

Enters: each pack's run as it starts (:meth:`Sink.start`) and its files' :class:`Piece`
results one at a time, in input order. Leaves: the text of the format in chunks,
byte-identical to the whole-batch renderers (:mod:`~licensecheck.formats.dispatch`). A sink
keeps what its format's summary needs (counts, a line per file, the artifacts' numbers); what
a format writes after its summary or in another order waits in temporary files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from ..engine.batch import BatchRun
from ..engine.batch_report import SummaryRow, summary_row, summary_text
from ..engine.evaluate import pack_info
from ..engine.gate import DEFAULT_FAIL_ON
from ..errors import Diagnostic
from ..output import Chunk
from . import github, junit, oscal, sarif, summary
from .piece import (
    OSCAL_RESULT_DEPTH,
    SARIF_RESULT_DEPTH,
    ArraySpool,
    Counts,
    Piece,
    Spool,
    marker,
    nested,
    spliced,
)


class Sink(Protocol):
    def start(self, run: BatchRun) -> None:
        """A pack's run begins (every run, the first included, in order)."""

    def add(self, piece: Piece) -> None:
        """Take the next file's result (in input order)."""

    def ready(self) -> Iterator[Chunk]:
        """The text that can be written now (a stream sends it at once)."""

    def chunks(self) -> Iterator[Chunk]:
        """The rest of the output, once every run is done."""


class _Pending:
    """Text ready to go out, handed over once."""

    def __init__(self) -> None:
        self.pending: list[str] = []

    def ready(self) -> Iterator[Chunk]:
        texts, self.pending = self.pending, []
        yield from texts


# ------------------------------------------------------------------------------ text


class TextSink(_Pending):
    """Text: each file's report as it arrives, then the batch's summary (a section per pack
    when there are several)."""

    def __init__(self, part: int, several: bool) -> None:
        super().__init__()
        self.part = part
        self.several = several
        self.runs = 0
        self.counts = Counts()
        self.rows: list[SummaryRow] = []
        self.reports = 0  # of this run: the next report, or the summary, follows a blank line

    def start(self, run: BatchRun) -> None:
        self._close_run()
        if self.several:
            info = pack_info(run.pack, run.options.lang)
            self.pending.append(
                ("\n" if self.runs else "") + f"=== {info.id} {info.version} ===\n\n"
            )
        self.runs += 1

    def add(self, piece: Piece) -> None:
        self.counts.add(piece)
        self.rows.append(_row(piece))
        report = piece.parts[self.part]
        if report is not None:
            self.pending.append(("\n" if self.reports else "") + report)
            self.reports += 1

    def _close_run(self) -> None:
        if not self.runs:
            return
        summary = summary_text(self.counts.summary(), self.rows)
        self.pending.append(("\n" if self.reports else "") + summary)
        self.counts, self.rows, self.reports = Counts(), [], 0

    def chunks(self) -> Iterator[Chunk]:
        self._close_run()
        yield from self.ready()


def _row(piece: Piece) -> SummaryRow:
    return summary_row(
        piece.outcome, piece.score, piece.source, piece.by_status, len(piece.diagnostics)
    )


class QuietSink(_Pending):
    """``--quiet`` text: each pack's summary line once its run is done."""

    def __init__(self, several: bool) -> None:
        super().__init__()
        self.several = several
        self.pack: str | None = None
        self.counts = Counts()

    def start(self, run: BatchRun) -> None:
        self._close_run()
        self.pack = run.pack.checked.id

    def add(self, piece: Piece) -> None:
        self.counts.add(piece)

    def _close_run(self) -> None:
        if self.pack is None:
            return
        line = summary_text(self.counts.summary(), []).splitlines()[0] + "\n"
        self.pending.append(f"{self.pack}: {line}" if self.several else line)
        self.counts, self.pack = Counts(), None

    def chunks(self) -> Iterator[Chunk]:
        self._close_run()
        yield from self.ready()


# ------------------------------------------------------------------------------ SARIF


class _SarifRun:
    def __init__(self, run: BatchRun) -> None:
        self.info = pack_info(run.pack, run.options.lang)
        self.as_of = run.options.as_of
        self.rules = sarif.pack_rules(run.pack, run.options.lang)
        self.artifacts = ArraySpool(SARIF_RESULT_DEPTH)
        self.results = ArraySpool(SARIF_RESULT_DEPTH)
        self.artifact_index: dict[str, int] = {}
        self.problems: list[Diagnostic] = []

    def add(self, uri: str, results: str, piece: Piece) -> None:
        if uri not in self.artifact_index:
            self.artifact_index[uri] = len(self.artifact_index)
            artifact = json.dumps(sarif.artifact_object(uri), indent=2, ensure_ascii=False)
            self.artifacts.add(nested(artifact, SARIF_RESULT_DEPTH))
        if results:
            self.results.add(sarif.with_artifact(results, self.artifact_index[uri]))
        if piece.outcome == "error":
            self.problems.extend(piece.diagnostics)

    def document(self, number: int) -> dict[str, Any]:
        notifications = [sarif.notification(d, self.artifact_index) for d in self.problems]
        artifacts, results = marker(f"artifacts{number}"), marker(f"results{number}")
        return sarif.run_object(
            self.info, self.as_of, self.rules, notifications, artifacts, results
        )


class SarifSink:
    """SARIF: a run per pack; its invocation (which lists the files that could not be
    assessed) comes before its artifacts and results, which wait in temporary files."""

    def __init__(self, part: int) -> None:
        self.part = part
        self.runs: list[_SarifRun] = []

    def start(self, run: BatchRun) -> None:
        self.runs.append(_SarifRun(run))

    def add(self, piece: Piece) -> None:
        uri, results = piece.parts[self.part]
        self.runs[-1].add(uri, results, piece)

    def ready(self) -> Iterator[Chunk]:
        yield from ()

    def chunks(self) -> Iterator[Chunk]:
        log = {
            "$schema": sarif.SCHEMA_URI,
            "version": "2.1.0",
            "runs": [run.document(i) for i, run in enumerate(self.runs)],
        }
        template = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
        arrays = []
        for i, run in enumerate(self.runs):
            arrays += [(f"artifacts{i}", run.artifacts), (f"results{i}", run.results)]
        yield from spliced(template, arrays)


# ------------------------------------------------------------------------------ JUnit


class JunitSink(_Pending):
    """JUnit: each suite as it arrives (the document has no totals to wait for)."""

    def __init__(self, part: int) -> None:
        super().__init__()
        self.pending.append(junit.XML_DECLARATION)
        self.part = part
        self.names: set[str] = set()

    def start(self, run: BatchRun) -> None:
        pass

    def add(self, piece: Piece) -> None:
        name, suite = piece.parts[self.part]
        first = not self.names
        unique = junit.unique_name(name, self.names)
        suite = junit.renamed(suite, name, unique, len(self.names) - 1)
        self.pending.append(("<testsuites>\n" if first else "\n") + suite)

    def chunks(self) -> Iterator[Chunk]:
        yield from self.ready()
        yield "\n</testsuites>\n" if self.names else "<testsuites />\n"


# ------------------------------------------------------------------------------ GitHub


class GithubSink:
    """GitHub annotations: problems, then the gaps most severe first, then a summary line per
    file; each group (and each rank of gaps) waits in its own temporary file."""

    def __init__(self, part: int) -> None:
        self.part = part
        self.problems = Spool()
        self.gaps: dict[tuple[bool, int], Spool] = {}
        self.summaries = Spool()

    def start(self, run: BatchRun) -> None:
        pass

    def add(self, piece: Piece) -> None:
        lines: github.ItemLines = piece.parts[self.part]
        for line in lines.problems:
            self.problems.write(line + "\n")
        for order, line in lines.annotations:
            if order not in self.gaps:
                self.gaps[order] = Spool()
            self.gaps[order].write(line + "\n")
        self.summaries.write(lines.summary + "\n")

    def ready(self) -> Iterator[Chunk]:
        yield from ()

    def chunks(self) -> Iterator[Chunk]:
        yield from self.problems.read_back()
        for order in sorted(self.gaps):
            yield from self.gaps[order].read_back()
        yield from self.summaries.read_back()


# ------------------------------------------------------------------------------ OSCAL


class OscalSink:
    """OSCAL assessment results (one pack): the document's uuid digests every assessment, so
    the results wait in a temporary file."""

    def __init__(self, part: int) -> None:
        self.part = part
        self.hash = oscal.assessments_hash()
        self.results = ArraySpool(OSCAL_RESULT_DEPTH)
        self.run: BatchRun | None = None

    def start(self, run: BatchRun) -> None:
        self.run = run

    def add(self, piece: Piece) -> None:
        part: tuple[bytes, str] | None = piece.parts[self.part]
        if part is not None:
            dump, result = part
            self.hash.update(dump)
            self.results.add(result)

    def ready(self) -> Iterator[Chunk]:
        yield from ()

    def chunks(self) -> Iterator[Chunk]:
        assert self.run is not None, "a run has started"
        info = pack_info(self.run.pack, self.run.options.lang)
        document = oscal.results_document(
            info, self.run.options.as_of, self.hash.hexdigest(), marker("results")
        )
        template = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        yield from spliced(template, [("results", self.results)])


# ------------------------------------------------------------------------------ Markdown


class MarkdownSink:
    """The Markdown summary: the table's rows wait in a temporary file (the verdict above
    them needs every file); of the blocking gaps only the first :data:`MAX_GAPS` are kept."""

    def __init__(self, part: int, fail_on: str = DEFAULT_FAIL_ON) -> None:
        self.part = part
        self.fail_on = fail_on
        self.rows = Spool()
        self.problems: list[str] = []
        self.gaps: list[tuple[tuple[int, str], int, str]] = []
        self.total_gaps = 0

    def start(self, run: BatchRun) -> None:
        pass

    def add(self, piece: Piece) -> None:
        row: summary.ItemRow = piece.parts[self.part]
        self.rows.write(row.row + "\n")
        self.problems.extend(row.problems)
        for key, text in row.gaps:
            self.gaps.append((key, self.total_gaps, text))  # the count keeps arrival order
            self.total_gaps += 1
        if len(self.gaps) > 4 * summary.MAX_GAPS:
            self.gaps = sorted(self.gaps)[: summary.MAX_GAPS]

    def ready(self) -> Iterator[Chunk]:
        yield from ()

    def chunks(self) -> Iterator[Chunk]:
        shown = [text for _, _, text in sorted(self.gaps)[: summary.MAX_GAPS]]
        yield from summary.summary_page(
            self.rows.read_back(), shown, self.total_gaps, self.problems, self.fail_on
        )
