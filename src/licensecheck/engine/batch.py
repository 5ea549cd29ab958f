"""Batches: declaration files and folders + one pack → one result per file, in input order.

Input: paths (a folder stands for the ``*.yaml``, ``*.yml`` and ``*.json`` files below it,
hidden ones skipped, in sorted order), a compiled pack and the assessment options (date,
language, waivers, baseline reports). Output: :class:`BatchItem` results, one per file,
each an assessment or the diagnostics of a file that could not be assessed. Its JSON forms
and combined summary are :mod:`.batch_report`'s.

``jobs > 1`` runs the files in that many worker processes (forked with the compiled pack, or
spawned with the parsed pack to compile); this process assesses files itself only while
spawned workers start and, at the end, with a CPU to spare, takes back the chunks none has
begun. Results come back in input order and are the same objects a serial run makes, so
every output format is byte-identical.
"""

from __future__ import annotations

import collections
import datetime as dt
import gc
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar

from .. import codes
from .._record import Record, set_field
from ..declaration.loader import STDIN_PATH
from ..errors import Diagnostic, LicenseCheckError, Span, UsageError
from ..output import encodable
from ..packs.loader import LoadedPack
from ..sources.limits import Limits, current_limits, set_process_limits
from ..sources.text import STDIN_SOURCE
from .compile import CompiledPack
from .evaluate import expect_batch, pack_info
from .models import (
    Assessment,
    PackInfo,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .baseline import Baseline
    from .pipeline import PackRef
    from .waivers import WaiverSet

DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")

T = TypeVar("T")

#: Files a worker assesses per task, at most (fewer in short batches, to share them out, and
#: towards the end of every batch, so that no process is left alone with a long last task).
CHUNK_FILES = 8
#: Files per worker submitted ahead: enough to keep it busy while this process writes the
#: results, few enough to bound memory.
FILES_IN_FLIGHT = 4 * CHUNK_FILES


def expand_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str | os.PathLike[str]] = (),
    outputs: Iterable[str | os.PathLike[str]] = (),
    stdout_file: os.stat_result | None = None,
    notes: list[Diagnostic] | None = None,
) -> list[str]:
    """Files as given; folders replaced by the declaration files below them (sorted), except
    ``exclude`` (the run's waiver file, baseline and output, which may sit among them).

    A scan also leaves out the file the run's standard output goes to (``stdout_file``: a
    shell's ``> folder/report.json`` creates it, empty, before the run starts) and the JSON
    files that open as an output of licensecheck, SARIF or OSCAL (an earlier run's report
    kept beside the declarations, under any name), each of those with a warning appended
    to ``notes``.

    Raises :class:`UsageError` for a path that does not exist, a folder without
    declarations, or a symlink in a folder that leads outside it (a scan reads only what
    the user pointed at; name such a file itself to assess it). Each of ``outputs`` is left
    out of a scan when it is an earlier report, refused when it is a declaration. A file named twice
    is assessed once.
    """
    real_outputs = [(output, os.path.realpath(output)) for output in outputs]
    skipped = {os.path.realpath(p) for p in exclude} | {real for _, real in real_outputs}
    found: list[str] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        shown = os.fspath(raw)
        path = Path(shown)
        if shown == STDIN_PATH:
            found.append(shown)
        elif path.is_dir():
            scanned = _scan(shown, problems)
            reals = {real for _, real in scanned}
            for output, real_output in real_outputs:
                if real_output in reals:
                    _refuse_declaration_output(output)
            files = [
                f
                for f, real in scanned
                if real not in skipped
                and not _written_by_the_run(f, stdout_file)
                and not _earlier_output(f, notes)
            ]
            if not files:
                problems.append(
                    Diagnostic(
                        codes.USAGE,
                        f"folder {shown} holds no declarations ({', '.join(DECLARATION_SUFFIXES)})",
                    )
                )
            found.extend(files)
        elif path.exists():
            found.append(shown)
        else:
            problems.append(Diagnostic(codes.USAGE, f"{shown} does not exist"))
    if problems:
        raise UsageError(problems)
    return list(dict.fromkeys(found))


def _scan(folder: str, problems: list[Diagnostic]) -> list[tuple[str, str]]:
    """The declaration files below ``folder``, sorted, hidden ones skipped, each with its
    real path; a symlink that leads outside ``folder`` (to a file or a folder) is a problem.
    Symlinked folders are not descended into (their files, if inside, are found where they
    really are)."""
    root = os.path.realpath(folder)
    files: list[tuple[str, str]] = []
    for top, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in dirs:
            full = os.path.join(top, name)
            if os.path.islink(full) and not _inside(os.path.realpath(full), root):
                problems.append(_outside_link(full, folder))
        # the walk enters real folders only, so a name that is not a link is where its folder
        # really is: one real path a folder, not one a file (a batch of 10,000 files spent
        # 0.4 s resolving each five times, issue #12)
        real_top = os.path.realpath(top)
        for name in names:
            full = os.path.join(top, name)
            linked = os.path.islink(full)
            real = os.path.realpath(full) if linked else os.path.join(real_top, name)
            if linked and not _inside(real, root):
                problems.append(_outside_link(full, folder))
            elif (
                not name.startswith(".")
                and os.path.splitext(name)[1].lower() in DECLARATION_SUFFIXES
                and os.path.isfile(full)
            ):
                files.append((full, real))
    return sorted(files)


def _written_by_the_run(path: str, stdout_file: os.stat_result | None) -> bool:
    if stdout_file is None:
        return False
    try:
        return os.path.samestat(os.stat(path), stdout_file)
    except OSError:
        return False


#: How a JSON output opens that is never a declaration: one of licensecheck's own
#: documents (``$schema`` first: a report, a batch report, a plan…, but not the declaration
#: schema's id, which a declaration could name), SARIF (``$schema`` first, as licensecheck
#: and most tools write it) or OSCAL assessment results. Only the opening is read.
_OUTPUT_OPENING = re.compile(
    rb'\A(?:\xef\xbb\xbf)?\s*\{\s*(?:"\$schema"\s*:\s*"(?:urn:licensecheck:schema:'
    rb'(?!declaration:)(?P<kind>[a-z-]+):|(?P<sarif>[^"]*sarif[^"]*)")'
    rb'|"(?P<oscal>assessment-results)"\s*:)'
)
_OPENING_BYTES = 512


def _earlier_output(path: str, notes: list[Diagnostic] | None) -> bool:
    """Whether ``path`` (found by a scan) is a JSON output rather than a declaration: a
    warning says so, since a scan that read it would fail on its every key."""
    if not path.lower().endswith(".json"):
        return False
    try:
        with open(path, "rb") as file:
            opening = file.read(_OPENING_BYTES)
    except OSError:
        return False  # the declaration reader says what is wrong
    found = _OUTPUT_OPENING.match(opening)
    if found is None:
        return False
    kind = (
        f"a licensecheck {found['kind'].decode()} document"
        if found["kind"]
        else ("a SARIF log" if found["sarif"] else "an OSCAL assessment-results document")
    )
    if notes is not None:
        notes.append(
            Diagnostic(
                codes.USAGE,
                f"left out of the scan: {kind}, not a declaration",
                Span(path, 1, 1),
                level="warning",
                hint="an earlier run's output? keep reports outside the scanned folder",
            )
        )
    return True


def _refuse_declaration_output(output: str | os.PathLike[str]) -> None:
    """An output that a scan finds is an earlier report of the run (kept beside the
    declarations), or a declaration the run would destroy: refuse the second."""
    from .baseline import is_report

    if os.path.exists(output) and not is_report(output):
        shown = os.fspath(output)
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"--output {shown} would overwrite a declaration in the scanned folder",
                hint="write the report outside the folder, or name it differently",
            )
        )


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _outside_link(link: str, folder: str) -> Diagnostic:
    return Diagnostic(
        codes.USAGE,
        f"{encodable(link)} is a symlink that leads outside the scanned folder {folder}: not read",
        hint="name the file itself to assess it, or remove the link",
    )


class BatchItem(Record):
    """One file of a batch: its assessment, or the problems that stopped it."""

    # a Record, not a frozen dataclass (~0.4 ms of every cold start, issue #12)
    __slots__ = __match_args__ = ("source", "assessment", "diagnostics", "text")
    _compared = _shown = ("source", "assessment", "diagnostics")
    source: str
    assessment: Assessment | None
    diagnostics: tuple[Diagnostic, ...]
    #: the declaration text the assessment read (``--record`` stores it, not the file as it
    #: is by then)
    text: str | None

    def __init__(
        self,
        source: str,
        assessment: Assessment | None,
        diagnostics: tuple[Diagnostic, ...] = (),
        text: str | None = None,
    ) -> None:
        set_field(self, "source", source)
        set_field(self, "assessment", assessment)
        set_field(self, "diagnostics", diagnostics)
        set_field(self, "text", text)


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class BatchOptions(NamedTuple):
    as_of: dt.date
    lang: str = "en"
    waivers: WaiverSet | None = None
    baseline: Baseline | None = None
    evidence_root: str | None = None
    #: explain the gaps for their witnesses (only outputs that print none may go without)
    witnesses: bool = True


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has (every
# function taking a batch or a sequence of them asks isinstance(..., Batch) first).
class Batch(NamedTuple):
    """The result of assessing several files with one pack."""

    items: tuple[BatchItem, ...]
    pack: CompiledPack | None
    options: BatchOptions

    def __repr__(self) -> str:  # the pack left out, as the dataclass did
        return f"{self.__class__.__qualname__}(items={self.items!r}, options={self.options!r})"

    @property
    def pack_info(self) -> PackInfo:
        """The pack as the reports name it (from the compiled pack, else an assessment)."""
        if self.pack is not None:
            return pack_info(self.pack, self.options.lang)
        if not self.assessments:
            raise ValueError("a batch without a pack needs an assessment")
        return self.assessments[0].pack

    @property
    def assessments(self) -> list[Assessment]:
        return [item.assessment for item in self.items if item.assessment is not None]

    @property
    def errors(self) -> list[BatchItem]:
        return [item for item in self.items if item.assessment is None]


def assess_file(source: str, pack: CompiledPack, options: BatchOptions) -> BatchItem:
    """Assess one file; a :class:`LicenseCheckError` becomes the item's diagnostics. The
    item names standard input (``-``) ``<stdin>``, as the messages do."""
    from .pipeline import assess, load_declaration

    try:
        declaration = load_declaration(source, schema=pack.checked.schema)
        assessment = assess(
            declaration,
            pack,
            as_of=options.as_of,
            lang=options.lang,
            waivers=options.waivers,
            baseline=options.baseline,
            evidence_root=options.evidence_root,
            witnesses=options.witnesses,
        )
    except LicenseCheckError as exc:
        return BatchItem(_shown(source), None, exc.diagnostics)
    return BatchItem(_shown(source), assessment, text=declaration.text)


def _shown(source: str) -> str:
    """The name as the declaration's own messages show it: standard input as ``<stdin>``,
    a file name that is not UTF-8 escaped."""
    return STDIN_SOURCE if source == STDIN_PATH else encodable(source)


def run_batch(
    sources: Sequence[str], pack: CompiledPack, options: BatchOptions, *, jobs: int = 1
) -> Iterator[BatchItem]:
    """Assess ``sources`` in order, serially or in ``jobs`` worker processes."""
    return run_finished(sources, pack, options, _whole_item, jobs=jobs)


def _whole_item(item: BatchItem) -> BatchItem:
    return item


def run_finished(
    sources: Sequence[str],
    pack: CompiledPack,
    options: BatchOptions,
    finish: Callable[[BatchItem], T],
    *,
    jobs: int = 1,
) -> Iterator[T]:
    """``finish`` of each file's item, in order. With ``jobs > 1`` a worker applies it (it
    must pickle: a module-level function or a ``functools.partial`` of one), so a worker can
    send back a compact result instead of the whole assessment."""
    if len(sources) <= 1:
        # Asking whether the heap is frozen walks what is (~3 ms over the CLI's 55,000
        # objects, issue #12): more than one file's assessment gains from freezing.
        yield from _run_finished(sources, pack, options, finish, jobs)
        return
    with _heap_frozen():
        yield from _run_finished(sources, pack, options, finish, jobs)


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """What is alive when a batch starts (modules, the compiled pack) outlives it: the
    garbage collector leaves it alone meanwhile (each full collection walked all of it,
    4-8% of a batch) and a forked worker does not copy its pages by touching it. A heap
    frozen already (by the application, or an enclosing batch) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_finished(
    sources: Sequence[str],
    pack: CompiledPack,
    options: BatchOptions,
    finish: Callable[[BatchItem], T],
    jobs: int,
) -> Iterator[T]:
    if jobs <= 1 or len(sources) <= 1 or STDIN_PATH in sources:  # only this process has stdin
        expect_batch(pack, len(sources), witnesses=options.witnesses)
        for source in sources:
            yield finish(assess_file(source, pack, options))
        return
    import functools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    # ``jobs`` workers; this process assesses files only while spawned ones start (a spawned
    # worker takes seconds to import and compile the pack) and, at the end, with a CPU to
    # spare, the chunks none has begun.
    # Otherwise it takes the results in order and writes them: for the batch JSON (about 150 KB
    # a declaration) that is work enough, and a process busy assessing holds the GIL its
    # executor's threads need to pass results and work to the workers, who then wait.
    workers = min(jobs, len(sources))
    share = len(sources) // workers  # about the files each worker assesses
    method = _start_method()
    if method == "fork":  # the worker is this process as it is: the pack compiled, imported
        # built once, here, before the workers start (each inherits it), where each
        # worker's share pays for it
        expect_batch(pack, share, witnesses=options.witnesses)
        initializer: Callable[..., None] = _adopt_pack
        initargs: tuple[object, ...] = (pack, options)
    else:  # a fresh interpreter: it gets the parsed pack (pickled) and compiles it itself
        initializer = _start_worker
        initargs = (
            pack.checked.loaded,
            tuple(c.rule.id for c in pack.rules),  # the rules selected (--rule, --domain)
            options,
            current_limits(),
            share,
        )
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=initializer,
        initargs=initargs,
    )
    chunks = _chunks(sources, jobs)
    work = functools.partial(_work_chunk, finish)

    def here(files: Sequence[str]) -> list[T]:
        return [finish(assess_file(source, pack, options)) for source in files]

    try:
        with _workers_ignore_ctrl_c():  # the first submissions start the workers
            started = [pool.submit(_started) for _ in range(workers)]
        if method == "fork":
            # a forked worker is up in a few milliseconds: a chunk taken here meanwhile
            # (8 files, ~150 ms) would leave the workers idle until it is done
            wait(started[:1])
        submit = functools.partial(pool.submit, work)
        # at the end, chunks no worker has begun are taken back only onto a CPU no worker
        # uses: with a worker per CPU, this process would take a core from them (500 files
        # at --jobs 2 on 2 cores: 0.97x without taking back)
        take_back = workers < available_cpus()
        yield from _in_order(chunks, submit, here, workers, started[0], take_back=take_back)
    finally:  # interrupted or done: drop the files not started yet
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(sources: Sequence[str], jobs: int) -> Iterator[Sequence[str]]:
    """``sources`` in consecutive chunks of at most :data:`CHUNK_FILES`, each at most an
    eighth of a job's share of what is left: short batches are shared out, and the last
    chunks shrink to a file so that the jobs finish together."""
    start = 0
    while start < len(sources):
        size = max(1, min(CHUNK_FILES, (len(sources) - start) // (jobs * 8)))
        yield sources[start : start + size]
        start += size


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, which containers and taskset narrow),
    else all the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_method() -> Literal["fork", "spawn"]:
    """How workers start: forked from this process where that is safe (Linux, and this
    process runs one thread: a fork copies no other thread's locks), else spawned.

    A forked worker starts at once, with the compiled pack, its validator and every module
    already in memory; a spawned one imports, unpickles and compiles (0.5-2 s, a core's worth
    of the batch's first seconds). The child never touches what else it inherits (open
    outputs, a workspace's database connection): it assesses files and leaves with
    ``os._exit``, which flushes and closes nothing of the parent's."""
    import multiprocessing

    forkable = (
        sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    )
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def _started() -> None:
    """A worker's first task: done once it has imported and compiled the pack."""


def _in_order(
    chunks: Iterator[Sequence[str]],
    submit: Callable[[Sequence[str]], Future[list[T]]],
    here: Callable[[Sequence[str]], list[T]],
    workers: int,
    started: Future[None],
    *,
    take_back: bool = True,
) -> Iterator[T]:
    """The results of ``chunks`` in order, each chunk done by a worker (``submit``) or, while
    the workers have not ``started``, by this process (``here``). At most about
    FILES_IN_FLIGHT files per worker are queued or done but not yet taken: results wait for
    the parent in bounded numbers, however long the batch. The bound counts files, not
    chunks, so that the small chunks closing a batch do not leave a worker idle with a window
    full of one-file chunks; and once every chunk is handed out, with ``take_back``, this
    process takes back the queued chunks no worker has begun rather than wait while the
    workers work through them."""
    slots: collections.deque[_Slot[T]] = collections.deque()
    in_pool = held = 0  # files submitted to the workers / in ``slots``, not yet taken
    most = (workers + 1) * FILES_IN_FLIGHT
    handed_out = False  # every chunk is in ``slots``
    while True:
        if started.done():  # keep every worker busy
            while in_pool < workers * FILES_IN_FLIGHT:
                if not (files := next(chunks, None)):
                    handed_out = True
                    break
                slots.append(_Slot(files, submit(files)))
                in_pool += len(files)
                held += len(files)
        head = slots[0].result if slots else None
        waiting = not isinstance(head, list | None) and not head.done()
        if head is None or (waiting and not started.done() and held < most):
            if files := next(chunks, None):
                slots.append(_Slot(files, here(files)))
                held += len(files)
                continue
            if head is None:
                return
            handed_out = True
        if waiting and handed_out and take_back and (stolen := _steal(slots)):
            stolen.result = here(stolen.files)
            in_pool -= len(stolen.files)
            continue
        slot = slots.popleft()
        held -= len(slot.files)
        if isinstance(slot.result, list):
            yield from slot.result
        else:
            done = slot.result.result()
            in_pool -= len(slot.files)
            yield from done


class _Slot(Generic[T]):
    """A chunk of the batch, in input order: its files and its results (done here) or the
    worker's future of them."""

    # not a dataclass: nothing compares or prints one (issue #12: each dataclass built at
    # import is a cost of every cold start)
    __slots__ = ("files", "result")

    def __init__(self, files: Sequence[str], result: Future[list[T]] | list[T]) -> None:
        self.files = files
        self.result = result


def _steal(slots: collections.deque[_Slot[T]]) -> _Slot[T] | None:
    """The last chunk queued for a worker that no worker has begun, withdrawn from the pool
    (its result still to be made); None when every queued chunk has begun."""
    for slot in reversed(slots):
        if not isinstance(slot.result, list) and slot.result.cancel():
            return slot
    return None


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Ignore SIGINT while worker processes start, so that they inherit the disposition:
    Ctrl-C reaches the whole process group, and a worker still importing (before its
    initializer runs) would print a KeyboardInterrupt traceback. The parent reports it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals belong to the main thread; there is nothing to change from here
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_WORKER: list[tuple[CompiledPack, BatchOptions]] = []


def _start_worker(
    loaded: LoadedPack,
    rule_ids: tuple[str, ...],
    options: BatchOptions,
    limits: Limits,
    share: int,
) -> None:
    """A spawned worker's start: the pack compiled from the parent's parsed one, and its
    generated code built now where the worker's ``share`` of the files pays for it (the
    parent, which assesses only while the workers start, builds none)."""
    from .pipeline import prepare_pack
    from .selection import only_rules

    set_process_limits(limits)  # spawned workers start with the defaults: carry --max-* over

    # Ctrl-C reaches the whole process group: the parent alone reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    pack = only_rules(prepare_pack(loaded), rule_ids)
    expect_batch(pack, share, witnesses=options.witnesses)
    _WORKER.append((pack, options))


def _adopt_pack(pack: CompiledPack, options: BatchOptions) -> None:
    """A forked worker's start: the parent's compiled pack, inherited (not pickled)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent alone reports Ctrl-C
    _WORKER.append((pack, options))


def _work_chunk(finish: Callable[[BatchItem], T], sources: Sequence[str]) -> list[T]:
    pack, options = _WORKER[0]
    return [finish(assess_file(source, pack, options)) for source in sources]


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class BatchRun(NamedTuple):
    """A batch ready to run: the pack compiled, the options checked, the files found.
    :meth:`items` assesses them one at a time, keeping nothing."""

    pack: CompiledPack
    options: BatchOptions
    sources: tuple[str, ...]
    jobs: int = 1

    def items(self) -> Iterator[BatchItem]:
        return run_batch(self.sources, self.pack, self.options, jobs=self.jobs)

    def finished(self, finish: Callable[[BatchItem], T]) -> Iterator[T]:
        """``finish`` of each item, applied where the file was assessed (see
        :func:`run_finished`)."""
        return run_finished(self.sources, self.pack, self.options, finish, jobs=self.jobs)


def start_batch(
    declarations: Sequence[str | os.PathLike[str]],
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | None = None,
    jobs: int = 1,
    evidence_root: str | os.PathLike[str] | None = None,
    witnesses: bool = True,
) -> BatchRun:
    """Check and prepare a batch's options once (folders expanded), without assessing.
    ``witnesses=False`` (without waivers or a baseline): the gaps are not explained for their
    witnesses, for outputs that print only statuses and counts."""
    from .pipeline import check_lang, load_baseline, parse_as_of, prepare_pack, prepare_waivers

    check_lang(lang)
    if jobs < 1:
        raise UsageError(Diagnostic(codes.USAGE, f"--jobs must be at least 1, not {jobs}"))
    compiled = prepare_pack(pack)
    options = BatchOptions(
        as_of=parse_as_of(as_of),
        lang=lang,
        waivers=prepare_waivers(waivers, compiled) if waivers is not None else None,
        baseline=load_baseline(baseline) if baseline is not None else None,
        evidence_root=os.fspath(evidence_root) if evidence_root is not None else None,
        witnesses=witnesses or waivers is not None or baseline is not None,
    )
    return BatchRun(compiled, options, tuple(expand_paths(declarations)), jobs)


def assess_many(
    declarations: Sequence[str | os.PathLike[str]],
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    baseline: str | os.PathLike[str] | Baseline | None = None,
    jobs: int = 1,
    on_result: Callable[[BatchItem], None] | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
) -> Batch:
    """The batch of ``declarations`` (folders expanded): options checked and prepared once,
    then one item per file, in order, each passed to ``on_result`` as it arrives."""
    run = start_batch(
        declarations,
        pack,
        as_of=as_of,
        lang=lang,
        waivers=waivers,
        baseline=baseline,
        jobs=jobs,
        evidence_root=evidence_root,
    )
    items = []
    for item in run.items():
        items.append(item)
        if on_result is not None:
            on_result(item)
    return Batch(tuple(items), run.pack, run.options)
