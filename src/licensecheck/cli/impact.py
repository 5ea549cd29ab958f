"""``impact``: what a pack update does to every firm, assessed under both versions."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import codes
from ..errors import Diagnostic, UsageError
from .options import (
    as_of_option,
    fail_on_option,
    format_option,
    jobs_option,
    output_option,
    pack_search_option,
    workspace_options,
)
from .render import emit

if TYPE_CHECKING:
    from ..workspace.impact import ImpactInput
    from ..workspace.store import Workspace


@click.command("impact")
@click.argument("old")
@click.argument("new")
@click.argument("declarations", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--portfolio",
    is_flag=True,
    help="Every firm's latest declaration recorded in the workspace with NEW's pack, "
    "instead of DECLARATIONS.",
)
@format_option(
    ("text", "json", "html"),
    "text",
    "text, json (schemas/impact.schema.json) or html (one self-contained page).",
)
@fail_on_option("a firm's new gap (or a gap whose severity rose)")
@as_of_option()
@jobs_option
@pack_search_option
@workspace_options
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
    workspace: Path | None,
    db: str | None,
) -> None:
    """What updating a pack from OLD to NEW (pack ids, folders, or ID@VERSION for a version
    stored in the workspace) does to each firm.

    Every declaration in DECLARATIONS (files, or folders of *.yaml/*.yml/*.json), or with
    --portfolio every firm's latest declaration recorded in the workspace with NEW's pack (the
    bytes that were assessed), is assessed under both versions, as check assesses it. The
    report lists the firms that flip (ready → not ready and back), each firm's new fails, new
    unknowns, new errors, resolved gaps and gaps whose severity moved (by rule and list
    element), the counts per rule and the firms most affected. A file that cannot be
    assessed is reported; the others still are.

    Exit status: 0 no firm gets a new gap (or a gap raised) at or above --fail-on, 1 some
    firm does, 2 bad input (a pack that does not load, a file that could not be assessed).
    """
    from ..api import find_declarations, impact, impact_exit_code, prepare_pack, render_impact
    from ..workspace.impact import pack_ref, portfolio_inputs

    if portfolio and declarations:
        raise UsageError(Diagnostic(codes.USAGE, "give DECLARATIONS or --portfolio, not both"))
    if not portfolio and not declarations:
        raise UsageError(
            Diagnostic(codes.USAGE, "give DECLARATIONS (files or folders) or --portfolio")
        )
    with ExitStack() as stack:
        store = StoreOpener(stack, workspace, db)
        old_pack, new_pack = (stack.enter_context(pack_ref(ref, store)) for ref in (old, new))
        compiled_new = prepare_pack(new_pack)
        if portfolio:
            inputs: list[str] | list[ImpactInput] = portfolio_inputs(
                store(), compiled_new.checked.id
            )
            sources: list[Path] = []
        else:
            # an earlier report kept beside the declarations is not one of them
            exclude = [output] if output is not None else []
            inputs = find_declarations(declarations, exclude=exclude)
            sources = [Path(f) for f in inputs]
        report = impact(old_pack, compiled_new, inputs, as_of=as_of, fail_on=fail_on, jobs=jobs)
    for firm in report.firms:
        for error in firm.errors:
            where = f"{error.file}:{error.line}:{error.column}" if error.line else error.file
            click.echo(f"{where or firm.declaration}: error: {error.message}", err=True)
    emit(render_impact(report, fmt), output, sources)
    sys.exit(impact_exit_code(report))


class StoreOpener:
    """The workspace --workspace/--db (or the config, or the nearest folder) name, opened the
    first time it is called and closed with ``stack``: a command given only folders never
    needs one."""

    def __init__(self, stack: ExitStack, folder: Path | None, url: str | None) -> None:
        self.stack, self.folder, self.url = stack, folder, url
        self.opened: Workspace | None = None

    def __call__(self) -> Workspace:
        from ..api import open_workspace

        if self.opened is None:
            ws = open_workspace(self.folder, database_url=self.url)
            self.opened = self.stack.enter_context(ws)
        return self.opened
