"""``waivers lint`` and ``waivers fingerprint``: check waiver files, pin a waiver's scope."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import codes
from ..errors import LicenseCheckError
from .options import as_of_option, default_pack_option, pack_option
from .packchoice import choose_pack
from .render import EXIT_GAPS, EXIT_OK, EXIT_USAGE, echo_diagnostics


@click.group()
def waivers() -> None:
    """Waiver files: accepted gaps with a reason, an approver and an expiry."""


@waivers.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@default_pack_option
@as_of_option("Report waivers expired by this date (YYYY-MM-DD); default: the current date.")
def waivers_lint(files: tuple[Path, ...], pack: str, as_of: str | None) -> None:
    """Check waiver FILES on their own: format, rules that exist, approvals, expiry.

    The pack is --pack when given, else each file's 'pack:' key. Exit status: 0 valid,
    1 valid but some waivers have expired, 2 errors.
    """
    from ..api import lint_waivers, load_waivers
    from ..engine.waivers import waiver_pack

    explicit = (
        click.get_current_context().get_parameter_source("pack")
        is click.core.ParameterSource.COMMANDLINE
    )
    status = EXIT_OK
    for file in files:
        try:
            waiver_set = load_waivers(file)
            chosen = pack if explicit else waiver_pack(waiver_set, default=pack)
            warnings = lint_waivers(waiver_set, chosen, as_of=as_of)
        except LicenseCheckError as error:
            echo_diagnostics(error.diagnostics)
            status = EXIT_USAGE
            continue
        for warning in warnings:
            click.echo(warning.render(), err=True)
        expired = sum(1 for w in warnings if w.code == codes.EXPIRED)
        count = len(waiver_set.waivers)
        click.echo(
            f"{file}: {count} waiver{'s' if count != 1 else ''}, "
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
            + (f", {expired} expired" if expired else "")
        )
        if expired and status == EXIT_OK:
            status = EXIT_GAPS
    sys.exit(status)


@waivers.command("fingerprint")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("rule")
@pack_option
@click.option("--path", "scope_path", help="Scope: a declaration path, e.g. data_sources[1].")
@click.option("--element", help="Scope: the id of a list element, e.g. a data source id.")
@as_of_option("Assessment date (YYYY-MM-DD); default: the current date.")
def waivers_fingerprint(
    declaration: Path,
    rule: str,
    pack: str | None,
    scope_path: str | None,
    element: str | None,
    as_of: str | None,
) -> None:
    """Print the fingerprint a waiver of RULE for DECLARATION records (sha256:…).

    Without a scope it covers the values at the rule's witness paths; with --path or
    --element, that part of the declaration.
    """
    from ..api import waiver_fingerprint

    if scope_path is not None and element is not None:
        raise click.UsageError("give --path or --element, not both")
    click.echo(
        waiver_fingerprint(
            declaration,
            choose_pack(pack, [declaration]),
            rule,
            path=scope_path,
            element=element,
            as_of=as_of,
        )
    )
