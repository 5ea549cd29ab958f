"""``check``, ``validate`` and ``diff``: assess declarations, validate one, compare two."""

from __future__ import annotations

import functools
import itertools
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from .. import codes
from ..api import DIFF_FORMATS, FORMATS
from ..errors import Diagnostic, LicenseCheckError, UsageError
from ..output import Chunk, blocks, encodable
from .options import (
    as_of_option,
    baseline_option,
    color_option,
    evidence_root_option,
    fail_on_option,
    format_option,
    format_targets_option,
    jobs_option,
    lang_option,
    output_option,
    pack_option,
    packs_option,
    quiet_option,
    record_option,
    rule_selection_options,
    verbose_option,
    waivers_option,
)
from .packchoice import choose_pack, choose_packs
from .render import FormatTarget, colour_style, echo_diagnostics, emit, resolve_targets

if TYPE_CHECKING:
    from ..engine.batch import BatchRun
    from ..engine.compile import CompiledPack
    from ..engine.models import Assessment
    from ..formats.piece import Output, Piece, Spool

#: A batch at least this long shows a progress bar (on a terminal's stderr only).
PROGRESS_MIN_FILES = 20


@click.command()
@click.argument("declarations", nargs=-1, required=True, type=click.Path(path_type=Path))
@packs_option
@format_targets_option(
    FORMATS,
    "text (default), json (the report contract), jsonl (a JSON line per declaration, "
    "written as each is assessed), sarif (2.1.0, code scanning), junit (XML), "
    "github (workflow-command annotations), oscal (assessment-results JSON) or markdown "
    "(a summary, e.g. for $GITHUB_STEP_SUMMARY); FORMAT=FILE "
    "writes that format to FILE. Repeat to write several outputs from one assessment, e.g. "
    "-f sarif=licensecheck.sarif -f github.",
)
@rule_selection_options
@fail_on_option()
@as_of_option()
@lang_option
@waivers_option
@evidence_root_option
@baseline_option("An earlier JSON report: only new or worsened gaps count toward the exit status.")
@jobs_option
@verbose_option("Also list rules that pass or do not apply.")
@quiet_option
@color_option
@record_option
@output_option
def check(
    declarations: tuple[Path, ...],
    packs: tuple[str, ...],
    formats: list[FormatTarget],
    rule: tuple[str, ...],
    skip_rule: tuple[str, ...],
    domain: tuple[str, ...],
    fail_on: str,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    evidence_root: Path | None,
    baseline: Path | None,
    jobs: int,
    verbose: bool,
    quiet: bool,
    color: bool | None,
    record: bool,
    workspace: Path | None,
    db: str | None,
    output: Path | None,
) -> None:
    """Assess DECLARATIONS (files, folders of *.yaml/*.yml/*.json, or - for stdin) against
    one or more packs.

    One file gives its report; several give one report each and a combined summary. The
    declarations are assessed once, whatever the number of --format outputs.
    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from ..api import (
        assess_many,
        exit_code,
        find_declarations,
        prepare_pack,
        render_runs,
        start_batch,
    )
    from ..engine.selection import RuleSelection, select_rules
    from ..formats.dispatch import oscal_of_several_packs

    targets = resolve_targets(formats, output, "text")
    written = [t.path for t in targets if t.path is not None]
    left_out: list[Diagnostic] = []
    try:
        files = find_declarations(
            declarations,
            exclude=[p for p in (waivers, baseline) if p is not None],
            outputs=written,
            stdout_file=stdout_file(),
            notes=left_out,
        )
    finally:  # also before "holds no declarations": they say why
        echo_diagnostics(left_out)
    packs = choose_packs(packs, files)
    selection = RuleSelection(rule, skip_rule, domain)
    if record and selection:
        # the workspace follows gaps from run to run: rules left out would read as closed
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                "--record (or record = true in the configuration) stores whole assessments: "
                "it does not go with --rule, --skip-rule or --domain (add --no-config to "
                "check some rules without recording)",
            )
        )
    compiled = [select_rules(prepare_pack(p), selection) for p in dict.fromkeys(packs)]
    single = len(declarations) == 1 and len(files) == 1 and not declarations[0].is_dir()
    inputs = [Path(f) for f in files] + [p for p in (waivers, baseline) if p is not None]
    if not single:
        if len(compiled) > 1 and any(t.fmt == "oscal" for t in targets):
            raise oscal_of_several_packs()
        # --quiet text prints statuses and counts only: no gap is explained for its witnesses
        witnesses = record or not (quiet and all(t.fmt == "text" for t in targets))
        runs = [
            start_batch(
                files,
                pack,
                as_of=as_of,
                lang=lang,
                waivers=waivers,
                baseline=baseline,
                jobs=jobs,
                witnesses=witnesses,
                evidence_root=evidence_root,
            )
            for pack in compiled
        ]
        store = (
            functools.partial(record_run, fail_on=fail_on, workspace=workspace, db=db)
            if record
            else None
        )
        shown = Shown(fail_on, verbose, quiet, color)
        sys.exit(stream_outputs(runs, targets, shown, inputs, store))
    batches = []  # one file, one report per pack
    for pack in compiled:
        with _progress(len(files)) as advance:
            batches.append(
                assess_many(
                    files,
                    pack,
                    as_of=as_of,
                    lang=lang,
                    waivers=waivers,
                    baseline=baseline,
                    jobs=jobs,
                    on_result=advance,
                    evidence_root=evidence_root,
                )
            )
    failed = batches[0].errors  # one file: its problems are the command's
    if failed:
        raise LicenseCheckError(failed[0].diagnostics)
    texts = [
        render_runs(
            batches,
            target.fmt,
            single=True,
            fail_on=fail_on,
            verbose=verbose,
            quiet=quiet,
            style=colour_style(color, target.path),
        )
        for target in targets
    ]
    if record:
        for batch, pack in zip(batches, compiled, strict=True):
            assessed = [item for item in batch.items if item.assessment is not None]
            record_in_workspace(
                [item.assessment for item in assessed if item.assessment is not None],
                pack,
                fail_on,
                workspace,
                db,
                texts=[item.text or "" for item in assessed],
            )
    for target, text in zip(targets, texts, strict=True):
        emit(text, target.path, inputs)
    sys.exit(max(exit_code(batch, fail_on) for batch in batches))


class Shown(NamedTuple):
    """How ``check`` shows its results: the options every output reads."""

    fail_on: str
    verbose: bool
    quiet: bool
    color: bool | None


#: ``--record``: a run's recorder, open while the run lasts, given each result as it arrives
Store = Callable[["BatchRun"], AbstractContextManager[Callable[["Piece"], None]]]


def stdout_file() -> os.stat_result | None:
    """The regular file standard output is redirected to, if it is one: a scan of the folder
    holding it must not read it as a declaration (the shell created it, empty)."""
    try:
        found = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # replaced, closed or not a real file
        return None
    return found if stat.S_ISREG(found.st_mode) else None


def stream_outputs(
    runs: Sequence[BatchRun],
    targets: Sequence[FormatTarget],
    shown: Shown,
    inputs: Sequence[Path],
    store: Store | None = None,
) -> int:
    """Assess each run's files one at a time (a run per pack), each result passed on to every
    output as it arrives (stdout at once where the format allows, files through a temporary
    spool and an atomic write at the end) and to ``store`` (``--record``), keeping nothing
    else; returns the exit code."""
    from ..formats.piece import Spool
    from ..formats.stream import Render, piece, sink_for
    from ..output import write_output

    outputs = [_output(t, shown) for t in targets]
    parts = tuple(dict.fromkeys(outputs))  # each file's part of each output, rendered once
    several, as_of = len(runs) > 1, runs[0].options.as_of
    sinks = [
        sink_for(o, parts.index(o), several=several, as_of=as_of, fail_on=shown.fail_on)
        for o in outputs
    ]
    spools = [Spool() if t.path is not None else None for t in targets]
    code = 0
    for number, run in enumerate(runs):
        render = Render(
            parts,
            run.pack.checked.id,
            run.options.as_of,
            fail_on=shown.fail_on,
            verbose=shown.verbose,
            several=several,
            record=store is not None,
        )
        for sink in sinks:
            sink.start(run)
        # each worker renders its files' parts: the parent only writes them
        results = run.finished(functools.partial(piece, render=render))
        with _progress(len(run.sources)) as advance, _storing(store, run) as keep:
            for result in results:
                advance(result)
                if number == 0:  # the same files fail under every pack: report them once
                    echo_diagnostics(result.diagnostics)
                code = max(code, result.exit_code)
                keep(result)
                for sink, spool in zip(sinks, spools, strict=True):
                    sink.add(result)
                    for chunk in sink.ready():
                        _send(chunk, spool)
    for target, sink, spool in zip(targets, sinks, spools, strict=True):
        if spool is None:
            for chunk in sink.chunks():
                _send(chunk, None)
        else:
            assert target.path is not None
            write_output(
                target.path, itertools.chain(spool.read_back(), sink.chunks()), inputs=inputs
            )
    return code


def _output(target: FormatTarget, shown: Shown) -> Output:
    """What ``target`` writes of each file: ``--quiet`` text only counts them."""
    from ..formats.piece import Output

    if target.fmt != "text":
        return Output(target.fmt)
    if shown.quiet:
        return Output("quiet")
    return Output("text", colour_style(shown.color, target.path))


@contextmanager
def _storing(store: Store | None, run: BatchRun) -> Iterator[Callable[[Piece], None]]:
    if store is None:
        yield lambda _piece: None
        return
    with store(run) as keep:
        yield keep


@contextmanager
def record_run(
    run: BatchRun, *, fail_on: str, workspace: Path | None, db: str | None
) -> Iterator[Callable[[Piece], None]]:
    """``--record`` of a streamed run: each assessment stored as it arrives, with the
    declaration text it read; at the end, say how many on stderr (stdout is the result)."""
    from ..api import recorder

    added = total = 0
    with recorder(run.pack, workspace=workspace, database_url=db, fail_on=fail_on) as store:

        def keep(result: Piece) -> None:
            nonlocal added, total
            if result.recorded is not None:
                added += store(*result.recorded)
                total += 1

        yield keep
    _say_recorded(added, total)


def _send(chunk: Chunk, spool: Spool | None) -> None:
    if spool is None and isinstance(chunk, str):
        click.echo(encodable(chunk), nl=False)  # text as click writes it (styles and all)
    elif spool is None:
        for block in blocks(chunk):
            click.echo(block, nl=False)
    else:
        spool.write(chunk)


def record_in_workspace(
    assessments: Sequence[Assessment],
    pack: CompiledPack,
    fail_on: str,
    workspace: Path | None,
    db: str | None,
    *,
    texts: Sequence[str],
) -> None:
    """``--record``: store the assessments with the declaration ``texts`` they read, and say
    so on stderr (stdout is the result)."""
    from ..api import record_assessments

    added = record_assessments(
        assessments, pack, workspace=workspace, database_url=db, fail_on=fail_on, texts=texts
    )
    _say_recorded(added, len(assessments))


def _say_recorded(added: int, total: int) -> None:
    known = total - added
    click.echo(
        f"recorded {added} assessment{'' if added == 1 else 's'}"
        + (f" ({known} already recorded)" if known else ""),
        err=True,
    )


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr for long batches on a terminal; otherwise nothing."""
    if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield lambda _item: None
        return
    with click.progressbar(length=total, label="Assessing", file=sys.stderr) as bar:
        yield lambda _item: bar.update(1)


@click.command()
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
def validate(declaration: Path) -> None:
    """Check DECLARATION against the declaration schema (all problems at once)."""
    from ..api import load_declaration

    load_declaration(declaration)
    click.echo(f"{declaration}: valid")


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@pack_option
@format_option(DIFF_FORMATS, "text")
@fail_on_option("a new or worsened gap")
@as_of_option("Assessment date (YYYY-MM-DD) for declarations; default: the current date.")
@lang_option
@waivers_option
@verbose_option("Also list the unchanged gaps.")
@color_option
@output_option
def diff_command(
    old: Path,
    new: Path,
    pack: str | None,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    verbose: bool,
    color: bool | None,
    output: Path | None,
) -> None:
    """Compare OLD with NEW: two declarations (assessed with --pack) or two JSON reports.

    Lists fixed, new, worsened, improved and unchanged gaps and the score change.
    --waivers apply to the declarations assessed here (a JSON report keeps its own). Exit
    status: 0 no new or worsened gap at or above --fail-on, 1 otherwise, 2 bad input.
    """
    from ..api import compare, render_diff
    from ..engine.baseline import diff_exit_code, is_report

    declarations = [p for p in (old, new) if not is_report(p)]
    if declarations:  # two JSON reports need no pack
        pack = choose_pack(pack, declarations)
    report = compare(old, new, pack, as_of=as_of, lang=lang, waivers=waivers)
    text = render_diff(report, fmt, verbose=verbose, style=colour_style(color, output))
    emit(text, output, [p for p in (old, new, waivers) if p is not None])
    sys.exit(diff_exit_code(report, fail_on))
