"""Batch outputs written as the results arrive, in constant memory: every format of ``check``.

Enters: the runs of a batch (one per pack, each a
:class:`~licensecheck.engine.batch.BatchRun`) and their files' results one at a time, in input
order, as :class:`~licensecheck.formats.piece.Piece` (rendered where the file was assessed).
Leaves: the text of a format in chunks, byte-identical to the whole-batch renderers:
``json`` (the batch report; a :class:`~licensecheck.engine.batch_report.PackRuns` wrapper for several
packs), ``jsonl`` (one JSON object a line: the pack and its rules once, then one line per
declaration with its statuses, gaps and witnesses, then the summary), and through
:mod:`~licensecheck.formats.sinks` text, SARIF, JUnit, GitHub, OSCAL and Markdown. A sink keeps
only what its format's summary needs; the batch report's results, which its JSON puts after
the summary, wait in a temporary file rather than in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

from ..engine.batch import BatchRun
from ..engine.batch_report import BatchReport, HeaderLine, PackRuns, RuleInfo, SummaryLine
from ..engine.compile import CompiledPack
from ..engine.evaluate import pack_info, text
from ..engine.gate import DEFAULT_FAIL_ON
from ..engine.models import Assessment, PackInfo, Severity, tool_info
from ..output import Chunk, blocks
from .piece import Counts, Output, Piece, Render, Spool, json_line, piece
from .sinks import (
    GithubSink,
    JunitSink,
    MarkdownSink,
    OscalSink,
    QuietSink,
    SarifSink,
    Sink,
    TextSink,
)

__all__ = ["Output", "Piece", "Render", "Sink", "make_sink", "piece", "sink_for"]


class BatchJsonSink:
    """``--format json`` of a batch: results spooled to a temporary file, then the report."""

    def __init__(self, pack: PackInfo, as_of: dt.date) -> None:
        self.pack = pack
        self.as_of = as_of
        self.counts = Counts()
        self.spool = Spool()
        self.results = 0

    def add(self, piece: Piece, result: bytes) -> None:
        self.counts.add(piece)
        self.spool.write(b",\n    " if self.results else b"    ")
        self.spool.write(result)
        self.results += 1

    def ready(self) -> Iterator[Chunk]:
        yield from ()  # the summary comes first: nothing can go out before the end

    def chunks(self) -> Iterator[Chunk]:
        head = BatchReport(
            tool=tool_info(),
            pack=self.pack,
            as_of=self.as_of,
            summary=self.counts.summary(),
            results=[],
        ).model_dump_json(indent=2, by_alias=True)
        empty_tail = '"results": []\n}'
        if not self.results:
            self.spool.file.close()
            yield head + "\n"
            return
        yield head.removesuffix(empty_tail) + '"results": [\n'
        yield self.spool.contents()
        yield "\n  ]\n}\n"


# ------------------------------------------------------------------------------ jsonl


class JsonLinesSink:
    """``--format jsonl``: a line per declaration as it arrives (nothing kept but counts)."""

    def __init__(self, pack: PackInfo, rules: list[RuleInfo], as_of: dt.date, lang: str) -> None:
        self.header = HeaderLine(
            tool=tool_info(),
            pack=pack,
            as_of=as_of,
            lang=lang,
            rules=rules,
        )
        self.counts = Counts()
        self.pending: list[Chunk] = [json_line(self.header)]

    def add(self, piece: Piece, line: bytes) -> None:
        self.counts.add(piece)
        self.pending.append(line)

    def ready(self) -> Iterator[Chunk]:
        lines, self.pending = self.pending, []
        yield from lines

    def chunks(self) -> Iterator[Chunk]:
        yield from self.ready()
        yield json_line(SummaryLine(summary=self.counts.summary()))


def rule_infos(pack: CompiledPack, lang: str) -> list[RuleInfo]:
    """The rules a ``jsonl`` header lists: those of the compiled pack (as selected)."""
    return [
        RuleInfo(
            id=r.id,
            title=text(r.title, lang),
            domain=r.domain,
            severity=cast(Severity, r.severity),  # checked when the pack was loaded
            cite=list(r.cite),
            remediation=text(r.remediation, lang) or None,
            effort_days=r.effort.days if r.effort else None,
        )
        for r in (c.rule for c in pack.rules)
    ]


def rule_infos_from(assessment: Assessment) -> list[RuleInfo]:
    """The same, read back from an assessment's findings (rendered without its pack)."""
    return [
        RuleInfo(
            id=f.rule_id,
            title=f.title,
            domain=f.domain,
            severity=f.severity,
            cite=f.cite,
            remediation=f.remediation,
            effort_days=f.effort_days,
        )
        for f in assessment.findings
    ]


def make_sink(
    fmt: str, pack: PackInfo, rules: list[RuleInfo], as_of: dt.date, lang: str
) -> BatchJsonSink | JsonLinesSink:
    """The sink of one pack's ``json`` or ``jsonl`` (the whole-batch renderer's too)."""
    if fmt == "jsonl":
        return JsonLinesSink(pack, rules, as_of, lang)
    return BatchJsonSink(pack, as_of)


class JsonSink:
    """``json`` (the batch report, or with several packs a :class:`PackRuns` of them) and
    ``jsonl`` (each pack's lines in turn)."""

    def __init__(self, part: int, fmt: str, several: bool, as_of: dt.date) -> None:
        self.part = part
        self.fmt = fmt
        self.several = several
        self.as_of = as_of
        self.runs: list[BatchJsonSink | JsonLinesSink] = []
        self.finished: list[Chunk] = []  # the end of the previous pack's lines

    def start(self, run: BatchRun) -> None:
        lang = run.options.lang
        info = pack_info(run.pack, lang)
        rules = rule_infos(run.pack, lang) if self.fmt == "jsonl" else []
        self.begin(make_sink(self.fmt, info, rules, run.options.as_of, lang))

    def begin(self, sink: BatchJsonSink | JsonLinesSink) -> None:
        """Start a run with its own sink (a batch rendered without its pack makes it)."""
        if self.fmt == "jsonl" and self.runs:
            self.finished.extend(self.runs[-1].chunks())
        self.runs.append(sink)

    def add(self, piece: Piece) -> None:
        self.runs[-1].add(piece, piece.parts[self.part])

    def ready(self) -> Iterator[Chunk]:
        if self.fmt == "json":
            return  # the report's summary (or the wrapper's head) comes first: at the end
        finished, self.finished = self.finished, []
        yield from finished
        yield from self.runs[-1].ready()

    def chunks(self) -> Iterator[Chunk]:
        if self.fmt == "jsonl" or not self.several:
            yield from self.ready()
            yield from self.runs[-1].chunks()
            return
        head = PackRuns(tool=tool_info(), as_of=self.as_of, runs=[]).model_dump_json(
            indent=2, by_alias=True
        )
        yield head.removesuffix('"runs": []\n}') + '"runs": [\n    '
        for i, run in enumerate(self.runs):
            yield ",\n    " if i else ""
            yield from _nested_report(run.chunks())
        yield "\n  ]\n}\n"


def _nested_report(chunks: Iterator[Chunk]) -> Iterator[bytes]:
    """A batch report as it sits in a :class:`PackRuns` (two levels deep, without its final
    newline). JSON strings hold no raw newline: every one is the layout's (and in UTF-8 a
    newline byte is never part of another character, so blocks may split characters)."""
    previous = None
    for block in (block for chunk in chunks for block in blocks(chunk)):
        if previous is not None:
            yield previous.replace(b"\n", b"\n    ")
        previous = block
    if previous is not None:
        yield previous.removesuffix(b"\n").replace(b"\n", b"\n    ")


def sink_for(
    output: Output, part: int, *, several: bool, as_of: dt.date, fail_on: str = DEFAULT_FAIL_ON
) -> Sink:
    """The sink writing ``output`` (the ``part``-th of each piece) as the results arrive:
    call ``start(run)`` as each pack's run begins and ``add(piece)`` for each result, writing
    what ``ready()`` yields; at the end write ``chunks()``."""
    if output.fmt in ("json", "jsonl"):
        return JsonSink(part, output.fmt, several, as_of)
    if output.fmt == "text":
        return TextSink(part, several)
    if output.fmt == "quiet":
        return QuietSink(several)
    if output.fmt == "sarif":
        return SarifSink(part)
    if output.fmt == "junit":
        return JunitSink(part)
    if output.fmt == "github":
        return GithubSink(part)
    if output.fmt == "oscal":
        return OscalSink(part)
    return MarkdownSink(part, fail_on)
