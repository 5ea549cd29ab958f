"""``impact``: what a pack update does to every firm, assessed under both versions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import codes
from ..errors import Diagnostic, UsageError
from .options import as_of_option, fail_on_option, format_option, output_option, pack_path_option
from .render import emit

#: What --portfolio needs until the workspace store is wired in.
NO_WORKSPACE = (
    "--portfolio needs a workspace (licensecheck workspace init), which this build does not "
    "have; give the declarations' files or folders instead"
)


@click.command("impact")
@click.argument("old")
@click.argument("new")
@click.argument("declarations", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--portfolio",
    is_flag=True,
    help="Every firm's latest declaration recorded in the workspace, instead of DECLARATIONS.",
)
@format_option(
    ("text", "json", "html"),
    "text",
    "text, json (schemas/impact.schema.json) or html (one self-contained page).",
)
@fail_on_option("a firm's new gap (or a gap whose severity rose)")
@as_of_option()
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Assess the files in N processes (same results, same order).",
)
@pack_path_option
@output_option
def impact_command(
    old: str,
    new: str,
    declarations: tuple[Path, ...],
    portfolio: bool,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    jobs: int,
    output: Path | None,
) -> None:
    """What updating a pack from OLD to NEW (pack ids or folders) does to each firm.

    Every declaration in DECLARATIONS (files, or folders of *.yaml/*.yml/*.json) is assessed
    under both versions, as check assesses it. The report lists the firms that flip (ready →
    not ready and back), each firm's new fails, new unknowns, new errors, resolved gaps and
    gaps whose severity moved (by rule and list element), the counts per rule and the firms
    most affected. A file that cannot be assessed is reported; the others still are.

    Exit status: 0 no firm gets a new gap (or a gap raised) at or above --fail-on, 1 some
    firm does, 2 bad input (a pack that does not load, a file that could not be assessed).
    """
    from ..api import find_declarations, impact, impact_exit_code, render_impact

    if portfolio and declarations:
        raise UsageError(Diagnostic(codes.USAGE, "give DECLARATIONS or --portfolio, not both"))
    if portfolio:
        raise UsageError(Diagnostic(codes.USAGE, NO_WORKSPACE))
    if not declarations:
        raise UsageError(Diagnostic(codes.USAGE, "give DECLARATIONS (files or folders)"))
    for ref in (old, new):
        check_not_stored(ref)
    # an earlier report kept beside the declarations is not one of them
    files = find_declarations(declarations, exclude=[output] if output is not None else [])
    report = impact(old, new, files, as_of=as_of, fail_on=fail_on, jobs=jobs)
    for firm in report.firms:
        for error in firm.errors:
            where = f"{error.file}:{error.line}:{error.column}" if error.line else error.file
            click.echo(f"{where or firm.declaration}: error: {error.message}", err=True)
    emit(render_impact(report, fmt), output, [Path(f) for f in files])
    sys.exit(impact_exit_code(report))


def check_not_stored(ref: str) -> None:
    """``id@version`` names a pack version kept in a workspace, which this build lacks."""
    from ..workspace.impact import split_pack_version

    pack_id, version = split_pack_version(ref)
    if version is not None and not Path(ref).exists():
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"{ref}: a stored pack version ({pack_id} {version}) needs a workspace; "
                "give the pack's folder instead",
            )
        )
