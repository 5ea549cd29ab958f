"""``check``, ``validate`` and ``diff``: assess declarations, validate one, compare two."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..api import DIFF_FORMATS, FORMATS
from ..errors import LicenseCheckError
from .options import (
    as_of_option,
    baseline_option,
    color_option,
    fail_on_option,
    format_option,
    lang_option,
    output_option,
    pack_option,
    verbose_option,
    waivers_option,
)
from .render import colour_style, echo_diagnostics, emit

#: A batch at least this long shows a progress bar (on a terminal's stderr only).
PROGRESS_MIN_FILES = 20


@click.command()
@click.argument("declarations", nargs=-1, required=True, type=click.Path(path_type=Path))
@pack_option
@format_option(
    FORMATS,
    "text",
    "text, json (the report contract), sarif (2.1.0, code scanning), junit (XML), "
    "github (workflow-command annotations) or oscal (assessment-results JSON).",
)
@fail_on_option()
@as_of_option()
@lang_option
@waivers_option
@baseline_option("An earlier JSON report: only new or worsened gaps count toward the exit status.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Assess the files in N processes (same results, same order).",
)
@verbose_option("Also list rules that pass or do not apply.")
@color_option
@output_option
def check(
    declarations: tuple[Path, ...],
    pack: str,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    baseline: Path | None,
    jobs: int,
    verbose: bool,
    color: bool | None,
    output: Path | None,
) -> None:
    """Assess DECLARATIONS (files, or folders of *.yaml/*.yml/*.json) against a pack.

    One file gives its report; several give one report each and a combined summary.
    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from ..api import assess_many, exit_code, find_declarations, prepare_pack, render

    files = find_declarations(
        declarations, exclude=[p for p in (waivers, baseline) if p is not None], output=output
    )
    compiled = prepare_pack(pack)
    with _progress(len(files)) as advance:
        batch = assess_many(
            files,
            compiled,
            as_of=as_of,
            lang=lang,
            waivers=waivers,
            baseline=baseline,
            jobs=jobs,
            on_result=advance,
        )
    single = len(declarations) == 1 and len(files) == 1 and not declarations[0].is_dir()
    if single and batch.errors:
        raise LicenseCheckError(batch.errors[0].diagnostics)
    for item in batch.errors:
        echo_diagnostics(item.diagnostics)
    text = render(
        batch.assessments[0] if single else batch,
        fmt,
        pack=compiled,
        fail_on=fail_on,
        verbose=verbose,
        style=colour_style(color, output),
    )
    inputs = [Path(f) for f in files] + [p for p in (waivers, baseline) if p is not None]
    emit(text, output, inputs)
    sys.exit(exit_code(batch, fail_on))


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
    pack: str,
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
    from ..engine.baseline import diff_exit_code

    report = compare(old, new, pack, as_of=as_of, lang=lang, waivers=waivers)
    text = render_diff(report, fmt, verbose=verbose, style=colour_style(color, output))
    emit(text, output, [p for p in (old, new, waivers) if p is not None])
    sys.exit(diff_exit_code(report, fail_on))
