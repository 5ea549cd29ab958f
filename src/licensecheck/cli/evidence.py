"""``evidence add`` and ``evidence verify``: record a file as evidence in a declaration, and
check what a declaration's evidence still proves."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..api.evidence import EVIDENCE_KINDS
from .options import as_of_option, evidence_root_option, format_option, output_option
from .render import emit

#: A date option's type: YYYY-MM-DD only
DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def evidence() -> None:
    """Evidence behind a declaration: files that prove what it says."""


def _date(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@evidence.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("declaration", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--covers",
    "covers",
    multiple=True,
    required=True,
    metavar="PATH",
    help="A declaration path the file proves, e.g. data_sources[ds-carrier].supplier "
    "(repeatable; a path covers everything below it).",
)
@click.option("--kind", type=click.Choice(EVIDENCE_KINDS), default="other", show_default=True)
@click.option("--id", "entry_id", help="The entry's id (default: ev- and the file's name).")
@click.option("--title", help="The document's title.")
@click.option("--issued-by", help="Who issued the document.")
@click.option("--issued-on", type=DAY, callback=_date, help="When it was issued (YYYY-MM-DD).")
@click.option(
    "--expires-on", type=DAY, callback=_date, help="When it stops being valid (YYYY-MM-DD)."
)
@evidence_root_option
def evidence_add(
    file: Path,
    declaration: Path,
    covers: tuple[str, ...],
    kind: str,
    entry_id: str | None,
    title: str | None,
    issued_by: str | None,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
    evidence_root: Path | None,
) -> None:
    """Hash FILE and record it in DECLARATION's evidence list, covering each --covers PATH.

    The one command that edits a declaration: the entry is appended to its evidence: list
    (added at the end when there is none) and nothing else in the file changes. FILE must be
    in the declaration's folder (or --evidence-root); it is hashed as a stream.
    """
    from ..api.evidence import NewEvidence, add_evidence

    new = NewEvidence(file, covers, kind, entry_id, title, issued_by, issued_on, expires_on)
    entry = add_evidence(declaration, new, evidence_root=evidence_root)
    click.echo(f"{declaration}: added evidence {entry.id} ({entry.path}, sha256 {entry.sha256})")


@evidence.command("verify")
@click.argument("declaration", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_of_option("Date expiry is judged on (YYYY-MM-DD); default: today's date in UTC.")
@format_option(("text", "json"), "text")
@evidence_root_option
@output_option
def evidence_verify(
    declaration: Path,
    as_of: str | None,
    fmt: str,
    evidence_root: Path | None,
    output: Path | None,
) -> None:
    """Check every evidence file of DECLARATION: there, unchanged (sha256) and not expired.

    Exit 0 when no evidence is missing, altered or expired; 1 when some is; 2 on bad input.
    A uri is listed as remote and never fetched.
    """
    from ..api import parse_as_of
    from ..api.evidence import evidence_exit_code, render_evidence_states, verify_evidence

    day = parse_as_of(as_of)
    statuses = verify_evidence(declaration, as_of=day, evidence_root=evidence_root)
    emit(render_evidence_states(statuses, str(declaration), day, fmt), output, [declaration])
    sys.exit(evidence_exit_code(statuses))
