"""Options several commands take, each declared once: the same name, type, default and help
everywhere (a command passes its own help text where the option means something narrower)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..api import DEFAULT_FAIL_ON, DEFAULT_PACK, FAIL_ON_CHOICES, LANGUAGES
from ..output import check_output_target
from .render import FormatTarget

F = TypeVar("F", bound=Callable[..., Any])

AS_OF_HELP = "Assessment date (YYYY-MM-DD) used as 'today'; default: today's date in UTC."
GAP = "a gap (fail, unknown or error)"


def pack_path_option(f: F) -> F:
    """``--pack-path`` and the pack supply chain's options: the command body runs with these
    folders on the pack search path, and every pack it loads is checked against the lock
    and, with ``--require-signed``, for a trusted signature."""

    @functools.wraps(f)
    def with_pack_chain(
        *args: Any,
        lock: Path | None = None,
        no_lock: bool = False,
        require_signed: bool = False,
        trusted_keys: tuple[Path, ...] = (),
        **kwargs: Any,
    ) -> Any:
        from ..api.packchain import pack_chain

        with pack_chain(
            lock=lock,
            use_lock=not no_lock,
            require_signed=require_signed,
            trusted_keys=trusted_keys,
            config_file=config_file_in_use(),
        ):
            return f(*args, **kwargs)

    options = (
        click.option(
            "--lock",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="The lock file packs are checked against (default: licensecheck.lock here, "
            "else beside the configuration file).",
        ),
        click.option(
            "--no-lock", is_flag=True, help="Load packs without checking them against a lock."
        ),
        click.option(
            "--require-signed",
            is_flag=True,
            help="Refuse a pack (other than the bundled ones) without a valid signature by a "
            "--trusted-key (config: require-signed).",
        ),
        trusted_key_option("A public key whose pack signatures are trusted"),
    )
    wrapped = pack_search_option(with_pack_chain)
    for option in options:
        wrapped = option(wrapped)
    return wrapped  # type: ignore[return-value]


def trusted_key_option(help: str, flag: str = "--trusted-key") -> Callable[[F], F]:
    """A repeatable public key file option (config: ``trusted-keys``)."""
    return click.option(
        flag,
        "trusted_keys",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="PUB",
        help=help + " (ed25519, PEM or OpenSSH; repeatable; config: trusted-keys).",
    )


#: Where the ``main`` group leaves the configuration file's path for the commands
CONFIG_FILE_META = "licensecheck.config_file"


def config_file_in_use() -> Path | None:
    """The configuration file the running command read, if any (set by the ``main`` group)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(CONFIG_FILE_META) if ctx is not None else None
    return found if isinstance(found, Path) else None


def pack_search_option(f: F) -> F:
    """``--pack-path``: the command body runs with these folders on the pack search path;
    ``--no-cache``: and without the pack cache."""

    @functools.wraps(f)
    def with_pack_path(
        *args: Any,
        pack_path: tuple[Path, ...] = (),
        allow_extends_outside: bool = False,
        no_cache: bool = False,
        **kwargs: Any,
    ) -> Any:
        from ..packs.cache import caching
        from ..packs.loader import using_pack_path

        with (
            using_pack_path(pack_path, allow_extends_outside=allow_extends_outside),
            caching(not no_cache),
        ):
            return f(*args, **kwargs)

    with_pack_path = click.option(
        "--no-cache",
        is_flag=True,
        help="Neither read nor write the pack cache (parsed and checked packs kept in "
        "$LICENSECHECK_CACHE_DIR, else $XDG_CACHE_HOME/licensecheck or ~/.cache/licensecheck).",
    )(with_pack_path)
    with_pack_path = click.option(
        "--allow-extends-outside",
        is_flag=True,
        help="Let a pack's 'extends' name a pack folder by a path outside the pack search "
        "path (refused by default: see docs/security.md).",
    )(with_pack_path)
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


def _jobs(_ctx: click.Context, param: click.Parameter, value: int | str) -> int:
    """``--jobs``: a number of worker processes, or ``auto``, one per CPU this process may
    run on (the configuration's ``jobs`` comes here too)."""
    if value == "auto":
        from ..engine.batch import available_cpus  # the batch's own count of CPUs

        return available_cpus()
    try:
        jobs = int(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a whole number or 'auto'", param=param
        ) from None
    if jobs < 1:
        raise click.BadParameter(
            f"{value!r} is not a number of processes (1 or more, or 'auto')", param=param
        )
    return jobs


def jobs_option(f: F) -> F:
    return click.option(
        "--jobs",
        "-j",
        default="1",
        callback=_jobs,
        show_default=True,
        metavar="N|auto",
        help="Assess the files in N processes, or one per CPU with 'auto' (same results, "
        "same order).",
    )(f)


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
    """``--output``/``-o``, refused before the command does any work when it names a folder,
    a device or FIFO, or a file the command is given to read (a declaration, waiver file or
    baseline; a pack's or template folder's files); files found later (a declaration in a
    scanned folder, a parent pack) are refused again just before the write."""

    @functools.wraps(f)
    def with_checked_output(*args: Any, **kwargs: Any) -> Any:
        output = kwargs.get("output")
        if output is not None:
            named = (value for key, value in kwargs.items() if key != "output")
            check_output_target(output, inputs=_named_inputs(named))
        return f(*args, **kwargs)

    return click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        help="Write to this file instead of stdout.",
    )(with_checked_output)  # type: ignore[return-value]


# In a folder given as an option (a pack, a template folder): the files a command reads. A
# scanned folder's declarations are checked by the scan, which may keep an earlier report.
_FOLDER_INPUTS = (".rules", ".j2")
_FOLDER_INPUT_NAMES = ("pack.yaml", "schema.json")


def _named_inputs(values: Iterable[object]) -> list[Path]:
    """The files a command's parameters name: paths as given, and a folder's pack and
    template files (``--pack ./folder``, ``--templates DIR``)."""
    found: list[Path] = []
    for value in values:
        for item in value if isinstance(value, tuple) else (value,):
            if not isinstance(item, str | Path) or not os.path.exists(item):
                continue
            path = Path(item)
            if path.is_file():
                found.append(path)
            elif path.is_dir():
                found.extend(
                    child
                    for child in path.iterdir()
                    if child.suffix in _FOLDER_INPUTS or child.name in _FOLDER_INPUT_NAMES
                )
    return found


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
        callback=_keep_styles,
        help="Colour the text output (default: only on a terminal, and not when the "
        "NO_COLOR environment variable is set).",
    )(f)


def _keep_styles(ctx: click.Context, _param: click.Parameter, color: bool | None) -> bool | None:
    """``--color`` colours output that is not a terminal too (a pager, ``less -R``): click
    strips styles from such output unless its context says otherwise."""
    if color is not None:
        ctx.color = color
    return color


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


def evidence_root_option(f: F) -> F:
    """``--evidence-root DIR``: a folder evidence files may also be in (by default they must be
    in the declaration's folder)."""
    return click.option(
        "--evidence-root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder evidence files may also be in; by default an evidence path must stay in "
        "its declaration's folder (config: evidence-root).",
    )(f)
