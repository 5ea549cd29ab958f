"""Which pack to assess with when none is named (no ``--pack``, no ``pack`` in the
configuration): on a terminal, offer the packs that fit the declaration and ask; elsewhere
(CI, pipes) stop with a usage error that lists them, never assess with a pack nobody chose."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, UsageError

if TYPE_CHECKING:  # the listing is imported when no pack is named (a check names one)
    from ..packs.listing import PackFit

#: The path that stands for standard input: read once by the assessment, never here
STDIN = "-"
HOW_TO_CHOOSE = 'name one with --pack ID, or with pack = "ID" in licensecheck.toml'


def choose_pack(given: str | None, declarations: Sequence[str | Path]) -> str:
    """``given``, else the pack the user picks among those that fit the first declaration."""
    if given is not None:
        return given
    source, fits = _fits(declarations)
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(Diagnostic(codes.NO_PACK, _no_pack_message(source, fits)))
    return _ask(source, fits)


def choose_packs(given: tuple[str, ...], declarations: Sequence[str | Path]) -> tuple[str, ...]:
    """``check``'s repeatable ``--pack``: as given, else the one pack chosen."""
    return given if given else (choose_pack(None, declarations),)


def _fits(declarations: Sequence[str | Path]) -> tuple[str | None, list[PackFit]]:
    """The first declaration that loads, and the packs that fit it; every bundled pack, with
    no reason, for standard input alone. When no file loads, its problems come first: a pack
    would not help."""
    from ..api import packs_that_fit

    first_error: LicenseCheckError | None = None
    for path in declarations:
        if str(path) == STDIN:
            continue
        try:
            return str(path), packs_that_fit(path)
        except LicenseCheckError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return None, _all_packs()


def _listing(fits: Sequence[PackFit]) -> str:
    width = max(len(f.id) for f in fits)
    return "\n".join(
        f"  {number}. {fit.id:<{width}}  {fit.title}"
        + (f"\n     {' ' * width}  fits: {'; '.join(fit.reasons)}" if fit.reasons else "")
        for number, fit in enumerate(fits, start=1)
    )


def _heading(source: str | None, fits: Sequence[PackFit]) -> str:
    if source is None:
        return "the bundled packs"
    if not fits:
        return f"no bundled pack covers a jurisdiction of {source}"
    return f"packs that fit {source}, best first"


def _no_pack_message(source: str | None, fits: list[PackFit]) -> str:
    shown = fits or _all_packs()
    heading = _heading(source, fits) + ("; the bundled packs" if source and not fits else "")
    return f"no pack given: {HOW_TO_CHOOSE}. {heading[0].upper()}{heading[1:]}:\n{_listing(shown)}"


def _ask(source: str | None, fits: list[PackFit]) -> str:
    shown = fits or _all_packs()
    heading = _heading(source, fits) + ("; the bundled packs" if source and not fits else "")
    click.echo(f"No pack given. {heading[0].upper()}{heading[1:]}:\n{_listing(shown)}", err=True)
    ids = [fit.id for fit in shown]
    answer: str = click.prompt(
        f"Pack to assess with ({_numbers(len(ids))} or an id; next time: --pack ID)",
        type=click.Choice([*map(str, range(1, len(ids) + 1)), *ids]),
        show_choices=False,
        err=True,
    )
    return ids[int(answer) - 1] if answer.isdigit() else answer


def _all_packs() -> list[PackFit]:
    from ..api import list_packs
    from ..packs.listing import PackFit

    return [PackFit(p.id, p.title, (), False, False) for p in list_packs()]


def _numbers(count: int) -> str:
    return "1" if count == 1 else f"1-{count}"
