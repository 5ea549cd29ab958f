"""``report`` and ``plan``: the gap report and the remediation plan of a declaration."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .options import (
    as_of_option,
    baseline_option,
    evidence_root_option,
    fail_on_option,
    format_option,
    lang_option,
    output_option,
    pack_option,
    record_option,
    waivers_option,
)
from .packchoice import choose_pack
from .render import emit

if TYPE_CHECKING:
    from ..declaration.loader import Declaration

F = TypeVar("F", bound=Callable[..., Any])


def _document_options(f: F) -> F:
    """Options the ``report`` and ``plan`` commands share."""
    for option in reversed(
        [
            as_of_option(),
            lang_option,
            waivers_option,
            evidence_root_option,
            click.option(
                "--templates",
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                help="A folder of your own Jinja2 templates (report.md.j2, report.html.j2, "
                "plan.md.j2, plan.html.j2), run in Jinja2's sandbox.",
            ),
            fail_on_option(),
            record_option,
        ]
    ):
        f = option(f)
    return f


@click.command("report")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@pack_option
@format_option(
    ("markdown", "html", "json"),
    "markdown",
    "markdown, html (one self-contained file with charts, printable on A4) or json "
    "(schemas/gap-report.schema.json).",
)
@baseline_option(
    "An earlier JSON report (licensecheck check --format json): the report says what "
    "changed, and only new or worsened gaps count toward the exit status."
)
@click.option(
    "--history",
    is_flag=True,
    help="Add the firm's recorded runs to the HTML report: a score trend and burn-down chart "
    "(from the workspace; with --record, this run included).",
)
@_document_options
@output_option
def report_command(
    declaration: Path,
    pack: str | None,
    fmt: str,
    baseline: Path | None,
    history: bool,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    evidence_root: Path | None,
    templates: Path | None,
    fail_on: str,
    record: bool,
    workspace: Path | None,
    db: str | None,
    output: Path | None,
) -> None:
    """Write a gap report of DECLARATION: the summary, every gap with the smallest change to
    the declaration that would fix it, and the information still to declare.

    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from ..api import gap_report, render_report, report_history
    from ..reports.documents import check_history_format

    if history:
        check_history_format(fmt)  # before anything is assessed or recorded
    pack = choose_pack(pack, [declaration])
    read = _read_once(declaration, pack) if record else None
    report = gap_report(
        read or declaration,
        pack,
        as_of=as_of,
        lang=lang,
        baseline=baseline,
        waivers=waivers,
        evidence_root=evidence_root,
    )
    if read is not None:
        _record(read, pack, as_of, lang, waivers, fail_on, workspace, db, evidence_root)
    runs = (
        report_history(declaration, pack, workspace=workspace, database_url=db) if history else None
    )
    text = render_report(report, fmt, templates=templates, history=runs)
    inputs = [declaration, *(p for p in (baseline, waivers) if p is not None)]
    emit(text, output, inputs)
    sys.exit(report.exit_code(fail_on))


def _read_once(declaration: Path, pack: str) -> Declaration:
    """With --record, the declaration is read once: the document and the record are made
    from the same text, even if the file changes meanwhile."""
    from ..api import load_declaration, prepare_pack

    return load_declaration(declaration, schema=prepare_pack(pack).checked.schema)


def _record(
    declaration: Declaration,
    pack: str,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    fail_on: str,
    workspace: Path | None,
    db: str | None,
    evidence_root: Path | None = None,
) -> None:
    """``--record``: the assessment the document was made from, stored in the workspace.
    (The document's builders do not return their assessment, so it is made again from the
    same declaration: same inputs, same result.)"""
    from ..api import assess, prepare_pack
    from .check import record_in_workspace

    compiled = prepare_pack(pack)
    result = assess(
        declaration,
        compiled,
        as_of=as_of,
        lang=lang,
        waivers=waivers,
        evidence_root=evidence_root,
    )
    record_in_workspace([result], compiled, fail_on, workspace, db, texts=[declaration.text])


def _rule_ids(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--assume-fixed A --assume-fixed B`` and ``--assume-fixed A,B`` alike."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command("plan")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@pack_option
@format_option(
    ("markdown", "html", "json", "csv", "oscal"),
    "markdown",
    "markdown, html (with a Gantt chart), json (schemas/plan.schema.json), csv "
    "(one row per task, for spreadsheets) or oscal (an OSCAL 1.2.1 POA&M; name the file .json).",
)
@click.option("--start", help="First day of the plan (YYYY-MM-DD); default: --as-of.")
@click.option(
    "--capacity",
    type=click.IntRange(min=1, max=100),
    default=2,
    show_default=True,
    help="Parallel workstreams: how many tasks can run at the same time.",
)
@click.option(
    "--assume-fixed",
    "assume_fixed",
    multiple=True,
    callback=_rule_ids,
    metavar="RULE",
    help="Plan as if RULE already passed (repeatable, or comma-separated); the plan shows "
    "how the score and the ready date move.",
)
@click.option(
    "--what-if",
    is_flag=True,
    help="Also show, for each blocking gap, the score and ready date if it alone were fixed.",
)
@click.option(
    "--calendar",
    type=click.Choice(["weekends", "cn", "none"]),
    default=None,
    help="Working days: weekends (Monday to Friday), cn (mainland China's public holidays and "
    "make-up working days) or none (every day). Default: the pack's (pack.yaml calendar), "
    "else weekends.",
)
@click.option(
    "--bom", is_flag=True, help="Start CSV output with a UTF-8 byte-order mark (for Excel)."
)
@_document_options
@output_option
def plan_command(
    declaration: Path,
    pack: str | None,
    fmt: str,
    start: str | None,
    capacity: int,
    assume_fixed: tuple[str, ...],
    what_if: bool,
    calendar: str | None,
    bom: bool,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    evidence_root: Path | None,
    templates: Path | None,
    fail_on: str,
    record: bool,
    workspace: Path | None,
    db: str | None,
    output: Path | None,
) -> None:
    """Write a remediation plan for DECLARATION: a task per gap, in phases, scheduled over
    working days on --capacity workstreams, with the critical path and the ready date.

    Exit status: 0 no task at or above --fail-on, 1 tasks at or above it, 2 bad input.
    """
    from ..api import plan, render_plan

    pack = choose_pack(pack, [declaration])
    read = _read_once(declaration, pack) if record else None
    result = plan(
        read or declaration,
        pack,
        as_of=as_of,
        lang=lang,
        start=start,
        capacity=capacity,
        assume_fixed=assume_fixed,
        what_if=what_if,
        waivers=waivers,
        calendar=calendar,
        evidence_root=evidence_root,
    )
    text = render_plan(result, fmt, templates=templates, bom=bom)
    if read is not None:
        _record(read, pack, as_of, lang, waivers, fail_on, workspace, db, evidence_root)
    inputs = [declaration, *(p for p in (waivers,) if p is not None)]
    emit(text, output, inputs)
    sys.exit(result.exit_code(fail_on))
