"""Batch outputs written as the results arrive, in constant memory.

Enters: a batch's header (pack, date, language) and its :class:`BatchItem` results one at a
time, in input order. Leaves: the text of a format in chunks: ``json`` (the batch report,
byte-identical to :func:`~licensecheck.engine.batch.render_batch_json`) and ``jsonl`` (one
JSON object a line: the pack and its rules once, then one line per declaration with its
statuses, gaps and witnesses, then the summary). A sink keeps only the counts the summary
needs; the batch report's results, which its JSON puts after the summary, wait in a
temporary file rather than in memory.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from pydantic import BaseModel

from .._version import __version__
from ..engine.batch import (
    BatchItem,
    BatchReport,
    BatchRun,
    BatchSummary,
    DeclarationLine,
    FileResult,
    Gap,
    HeaderLine,
    RuleInfo,
    SummaryLine,
    error_info,
    outcome,
)
from ..engine.compile import CompiledPack
from ..engine.evaluate import pack_info, text
from ..engine.gate import DEFAULT_FAIL_ON, exit_code
from ..engine.models import (
    STATUSES,
    Assessment,
    PackInfo,
    Severity,
    ToolInfo,
)
from ..errors import Diagnostic

#: The formats a batch can write while it runs (the others need every result at the end).
STREAMED_FORMATS = ("json", "jsonl")

#: Statuses whose findings a ``jsonl`` line details (message, witnesses): the gaps.
_DETAILED = ("fail", "unknown", "error")


@dataclass(frozen=True)
class Piece:
    """One file's result as the outputs need it: the summary's counts, the exit code, and
    the file's text in each format, made where the file was assessed (a worker process
    sends this back, not the assessment)."""

    source: str
    outcome: Literal["ready", "not_ready", "error"]
    by_status: dict[str, int]
    exit_code: int
    diagnostics: tuple[Diagnostic, ...]
    texts: dict[str, str]


def piece(item: BatchItem, formats: tuple[str, ...], fail_on: str = DEFAULT_FAIL_ON) -> Piece:
    """``item`` made compact for ``formats`` (of :data:`STREAMED_FORMATS`) and ``fail_on``."""
    a = item.assessment
    return Piece(
        source=item.source,
        outcome=outcome(item),
        by_status=dict(a.summary.counts.by_status) if a is not None else {},
        exit_code=2 if a is None else exit_code(a, fail_on),
        diagnostics=item.diagnostics,
        texts={fmt: _RENDER[fmt](item) for fmt in formats},
    )


class Sink(Protocol):
    def add(self, piece: Piece) -> None:
        """Take the next file's result (in input order)."""

    def ready(self) -> Iterator[str]:
        """The text that can be written now (a stream sends it at once)."""

    def chunks(self) -> Iterator[str]:
        """The rest of the output, once every result has been added."""


class _Counts:
    """What a batch's summary needs, counted as the items pass."""

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


class BatchJsonSink:
    """``--format json`` of a batch: results spooled to a temporary file, then the report."""

    def __init__(self, pack: PackInfo, as_of: dt.date) -> None:
        self.pack = pack
        self.as_of = as_of
        self.counts = _Counts()
        # lives across add() calls; chunks() reads it back and closes it
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115

    def add(self, piece: Piece) -> None:
        self.counts.add(piece)
        self.spool.write((",\n    " if self.spool.tell() else "    ") + piece.texts["json"])

    def ready(self) -> Iterator[str]:
        yield from ()  # the summary comes first: nothing can go out before the end

    def chunks(self) -> Iterator[str]:
        head = BatchReport(
            tool=ToolInfo(name="licensecheck", version=__version__),
            pack=self.pack,
            as_of=self.as_of,
            summary=self.counts.summary(),
            results=[],
        ).model_dump_json(indent=2, by_alias=True)
        empty_tail = '"results": []\n}'
        if not self.spool.tell():
            yield head + "\n"
            return
        yield head.removesuffix(empty_tail) + '"results": [\n'
        self.spool.seek(0)
        while block := self.spool.read(1 << 16):
            yield block
        self.spool.close()
        yield "\n  ]\n}\n"


# ------------------------------------------------------------------------------ jsonl


class JsonLinesSink:
    """``--format jsonl``: a line per declaration as it arrives (nothing kept but counts)."""

    def __init__(self, pack: PackInfo, rules: list[RuleInfo], as_of: dt.date, lang: str) -> None:
        self.header = HeaderLine(
            tool=ToolInfo(name="licensecheck", version=__version__),
            pack=pack,
            as_of=as_of,
            lang=lang,
            rules=rules,
        )
        self.counts = _Counts()
        self.pending: list[str] = [_line(self.header)]

    def add(self, piece: Piece) -> None:
        self.counts.add(piece)
        self.pending.append(piece.texts["jsonl"])

    def ready(self) -> Iterator[str]:
        lines, self.pending = self.pending, []
        yield from lines

    def chunks(self) -> Iterator[str]:
        yield from self.ready()
        yield _line(SummaryLine(summary=self.counts.summary()))


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


def _line(model: BaseModel) -> str:
    return model.model_dump_json(by_alias=True) + "\n"


def _json_result(item: BatchItem) -> str:
    """The item as a result of the batch report, indented as it sits there (two levels)."""
    result = FileResult(
        declaration=item.source,
        outcome=outcome(item),
        score=item.assessment.summary.score if item.assessment else None,
        report=item.assessment,
        errors=[error_info(d) for d in item.diagnostics],
    )
    return result.model_dump_json(indent=2, by_alias=True).replace("\n", "\n    ")


def _jsonl_line(item: BatchItem) -> str:
    return _line(declaration_line(item))


_RENDER: dict[str, Callable[[BatchItem], str]] = {"json": _json_result, "jsonl": _jsonl_line}


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


def make_sink(fmt: str, pack: PackInfo, rules: list[RuleInfo], as_of: dt.date, lang: str) -> Sink:
    if fmt == "jsonl":
        return JsonLinesSink(pack, rules, as_of, lang)
    return BatchJsonSink(pack, as_of)


def sink_for(run: BatchRun, fmt: str) -> Sink:
    """The sink writing ``run``'s results in ``fmt`` (one of :data:`STREAMED_FORMATS`) as they
    arrive: for each result of ``run.finished(partial(piece, formats=(fmt,)))`` call
    ``add(result)`` and write what ``ready()`` yields; at the end write ``chunks()``."""
    lang = run.options.lang
    return make_sink(
        fmt, pack_info(run.pack, lang), rule_infos(run.pack, lang), run.options.as_of, lang
    )
