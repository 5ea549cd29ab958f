"""Options several commands take, each declared once: the same name, type, default and help
everywhere (a command passes its own help text where the option means something narrower)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..api import DEFAULT_FAIL_ON, DEFAULT_PACK, FAIL_ON_CHOICES, LANGUAGES
from .render import FormatTarget

F = TypeVar("F", bound=Callable[..., Any])

AS_OF_HELP = "Assessment date (YYYY-MM-DD) used as 'today'; default: today's date in UTC."
GAP = "a gap (fail, unknown or error)"


def pack_path_option(f: F) -> F:
    """``--pack-path``: the command body runs with these folders on the pack search path."""

    @functools.wraps(f)
    def with_pack_path(*args: Any, pack_path: tuple[Path, ...] = (), **kwargs: Any) -> Any:
        from ..packs.loader import using_pack_path

        with using_pack_path(pack_path):
            return f(*args, **kwargs)

    return click.option(
        "--pack-path",
        "pack_path",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder of pack folders searched for pack ids before the bundled packs "
        "(repeatable; the LICENSECHECK_PACK_PATH environment variable adds more).",
    )(with_pack_path)  # type: ignore[return-value]


PACK_HELP = (
    "A pack id (bundled, see 'licensecheck packs list', or on the pack path) or a pack folder."
)
#: Commands that assess a declaration never fall back to a pack nobody chose
NO_PACK_HELP = (
    " Without one (and no pack in the configuration), the packs that fit the declaration are "
    "listed: chosen from on a terminal, an error (exit 2) elsewhere."
)


def pack_option(f: F) -> F:
    """``--pack`` (none by default: see :mod:`.packchoice`) and ``--pack-path``."""
    return click.option("--pack", "-p", default=None, help=PACK_HELP + NO_PACK_HELP)(
        pack_path_option(f)
    )


def default_pack_option(f: F) -> F:
    """``--pack`` defaulting to the starter pack, for commands that read no declaration."""
    return click.option("--pack", "-p", default=DEFAULT_PACK, show_default=True, help=PACK_HELP)(
        pack_path_option(f)
    )


def packs_option(f: F) -> F:
    """``--pack`` given any number of times (``check``), and ``--pack-path``."""
    return click.option(
        "--pack",
        "-p",
        "packs",
        multiple=True,
        help=PACK_HELP[:-1] + "; repeat to assess against several packs in one run." + NO_PACK_HELP,
    )(pack_path_option(f))


def rule_selection_options(f: F) -> F:
    """``--rule``, ``--skip-rule`` and ``--domain``: which of the pack's rules run."""
    for name, help_text in (
        ("--domain", "Check only the rules of this domain (repeatable)."),
        ("--skip-rule", "Leave out the rules matching this id or glob (repeatable)."),
        ("--rule", "Check only the rules matching this id or glob, e.g. 'CR-CON-*' (repeatable)."),
    ):
        f = click.option(
            name, multiple=True, metavar="ID" if "rule" in name else "DOMAIN", help=help_text
        )(f)
    return f


def quiet_option(f: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, help="Text output: the summary line alone.")(
        f
    )


def format_targets_option(choices: tuple[str, ...], help: str) -> Callable[[F], F]:
    """``--format``/``-f`` given any number of times, each ``FORMAT`` or ``FORMAT=FILE``."""

    def parse(
        ctx: click.Context, param: click.Parameter, value: Sequence[str]
    ) -> list[FormatTarget]:
        return [_format_target(raw, choices) for raw in value]

    return click.option(
        "--format",
        "-f",
        "formats",
        multiple=True,
        metavar="FORMAT[=FILE]",
        callback=parse,
        help=help,
    )


def _format_target(raw: str, choices: tuple[str, ...]) -> FormatTarget:
    fmt, sep, path = raw.partition("=")
    if fmt not in choices:
        from ..errors import did_you_mean

        guess = did_you_mean(fmt, choices)
        hint = f" (did you mean '{guess}'?)" if guess else ""
        raise click.BadParameter(f"'{fmt}' is not a format{hint}; use one of {', '.join(choices)}")
    if sep and not path:
        raise click.BadParameter(f"'{raw}' names no file after '='")
    return FormatTarget(fmt, Path(path) if sep else None)


def output_option(f: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of stdout.",
    )(f)


def fail_on_option(what: str = GAP) -> Callable[[F], F]:
    """``--fail-on``: the severity from which ``what`` makes the exit status 1."""
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON_CHOICES),
        default=DEFAULT_FAIL_ON,
        show_default=True,
        help=f"Exit 1 when {what} has this severity or worse.",
    )


def as_of_option(help: str = AS_OF_HELP) -> Callable[[F], F]:
    return click.option("--as-of", help=help)


def lang_option(f: F) -> F:
    return click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)(f)


def format_option(
    choices: tuple[str, ...], default: str, help: str | None = None
) -> Callable[[F], F]:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


def waivers_option(f: F) -> F:
    return click.option(
        "--waivers",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A waiver file (YAML): accepted gaps are reported as waived.",
    )(f)


def baseline_option(help: str) -> Callable[[F], F]:
    return click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help=help)


def verbose_option(help: str) -> Callable[[F], F]:
    return click.option("--verbose", "-v", is_flag=True, help=help)


def color_option(f: F) -> F:
    return click.option(
        "--color/--no-color",
        default=None,
        help="Colour the text output (default: only on a terminal, and not when the "
        "NO_COLOR environment variable is set).",
    )(f)


def workspace_options(f: F) -> F:
    """``--workspace DIR`` and ``--db URL``: which workspace (default: the nearest one)."""
    f = click.option(
        "--db",
        "db",
        metavar="URL",
        help="The workspace database URL instead of a folder: postgresql+psycopg://USER@HOST/DB "
        "for a team server, or sqlite:///PATH (config: database-url).",
    )(f)
    return click.option(
        "--workspace",
        type=click.Path(file_okay=False, path_type=Path),
        help="The workspace folder (holding .licensecheck/workspace.db); default: the nearest "
        "one from here upwards (config: workspace).",
    )(f)


def record_option(f: F) -> F:
    """``--record`` with the workspace options: store the assessment in the workspace."""
    return click.option(
        "--record",
        is_flag=True,
        default=False,
        help="Also store the assessment in the workspace (config: record = true).",
    )(workspace_options(f))
