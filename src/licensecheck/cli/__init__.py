"""The ``licensecheck`` command: a thin layer over :mod:`licensecheck.api`.

Each command parses options, calls the API, renders the result and maps it to an exit
code: 0 ready (nothing at or above ``--fail-on``), 1 gaps at or above it, 2 usage or
input error. Errors from the library are rendered as ``file:line:col: message`` lines on
stderr, never as a traceback.

This module holds the group (``main``: configuration, limits, errors and signals); the
commands live one group a module: :mod:`.check` (check, validate, diff), :mod:`.reports`
(report, plan), :mod:`.packs`, :mod:`.waivers`, :mod:`.authoring` (init, explain,
schema) and :mod:`.workspace` (workspace, history, portfolio). Options several commands take are declared once in :mod:`.options`; diagnostics,
outputs and the colour decision are written by :mod:`.render`.
"""

from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path
from typing import Any

import click

from .._version import __version__
from ..errors import LicenseCheckError
from ..output import inputs_recorded
from .options import CONFIG_FILE_META
from .render import EXIT_INTERRUPTED, EXIT_TERMINATED, fail

#: Every command, by name: the module under ``licensecheck.cli`` defining it and its name
#: there. Imported when the command runs (or when help or the manual lists them all), so
#: that a cold ``check`` loads none of the other commands' modules: the workspace, the web
#: server, the language server, evidence, signing keys (issue #12, cold start).
_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "check"),
    "validate": ("check", "validate"),
    "diff": ("check", "diff_command"),
    "waivers": ("waivers", "waivers"),
    "packs": ("packs", "packs"),
    "explain": ("authoring", "explain"),
    "init": ("authoring", "init"),
    "schema": ("authoring", "schema"),
    "report": ("reports", "report_command"),
    "plan": ("reports", "plan_command"),
    "suppliers": ("suppliers", "suppliers"),
    "watchlist": ("suppliers", "watchlist"),
    "impact": ("impact", "impact_command"),
    "workspace": ("workspace", "workspace"),
    "history": ("workspace", "history_command"),
    "portfolio": ("workspace", "portfolio_command"),
    "lsp": ("editor", "lsp_command"),
    "serve": ("serve", "serve"),
    "keys": ("keys", "keys"),
    "bundle": ("bundle", "bundle"),
    "evidence": ("evidence", "evidence"),
}


class _Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C so that every `finally` (temporary files) runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


class _Group(click.Group):
    """Turns library errors into rendered diagnostics and exit code 2, and interruptions
    into a clear message: outputs are written atomically, so none is left half-written.
    Its commands are those of :data:`_COMMANDS`, each imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = _COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, name = where
        command: click.Command = getattr(importlib.import_module(f".{module}", __name__), name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            with inputs_recorded():  # so that no output replaces a file the command read
                return super().invoke(ctx)
        except LicenseCheckError as error:
            fail(error)
        except KeyboardInterrupt:
            click.echo("licensecheck: interrupted; no partial output was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except _Terminated:
            click.echo("licensecheck: terminated; no partial output was written", err=True)
            sys.exit(EXIT_TERMINATED)
        finally:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licensecheck")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A licensecheck.toml or pyproject.toml to read defaults from "
    "(default: the nearest one holding licensecheck settings).",
)
@click.option("--no-config", is_flag=True, help="Read no configuration file.")
@click.option(
    "--max-declaration-bytes",
    type=click.IntRange(min=1),
    help="Largest declaration file read [10 MB].",
)
@click.option(
    "--max-nesting", type=click.IntRange(min=1), help="Deepest nesting in a declaration [64]."
)
@click.option(
    "--max-values",
    type=click.IntRange(min=1),
    help="Most values after YAML alias expansion [1,000,000].",
)
@click.option(
    "--max-list-length",
    type=click.IntRange(min=1),
    help="Most items in one declaration list [100,000].",
)
@click.option(
    "--max-string-length",
    type=click.IntRange(min=1),
    help="Longest text value [100,000 characters].",
)
@click.option(
    "--max-rule-steps",
    type=click.IntRange(min=1),
    help="List elements one rule may visit [1,000,000].",
)
@click.pass_context
def main(
    ctx: click.Context, /, config_file: Path | None, no_config: bool, **limit_options: int | None
) -> None:
    """Check a data company's self-declaration against licensing requirements.

    Defaults for options come from licensecheck.toml or [tool.licensecheck] in
    pyproject.toml; options given on the command line win. The --max-* limits (see
    docs/security.md) go before the command: licensecheck --max-rule-steps 5000000 check …
    """
    _apply_limits(ctx, limit_options)
    if no_config:
        return
    from ..config_files import find_config

    found = config_file if config_file is not None else find_config()
    if found is None:
        return
    from ..config import load_config

    loaded = load_config(found)
    ctx.default_map = _default_map(main, ctx, loaded.option_defaults(), ctx.invoked_subcommand)
    ctx.meta[CONFIG_FILE_META] = found  # the lock may sit beside it


_LIMIT_FIELDS = {
    "max_declaration_bytes": "max_bytes",
    "max_nesting": "max_depth",
    "max_values": "max_values",
    "max_list_length": "max_list_length",
    "max_string_length": "max_string_length",
    "max_rule_steps": "max_rule_steps",
}


def _apply_limits(ctx: click.Context, options: dict[str, int | None]) -> None:
    """Put the --max-* limits in force for the whole command."""
    given = {_LIMIT_FIELDS[k]: v for k, v in options.items() if v is not None}
    if given:
        from ..sources.limits import DEFAULT_LIMITS, limits_in_force

        ctx.with_resource(limits_in_force(DEFAULT_LIMITS._replace(**given)))


#: Configured single values that some commands take as a repeatable option.
_REPEATABLE = {"pack": "packs", "fmt": "formats"}


def _default_map(
    group: click.Group, ctx: click.Context, values: dict[str, Any], only: str | None = None
) -> dict[str, Any]:
    """Configured values for every (sub)command that has an option of that name (of
    ``group``'s command ``only`` when given: the one about to run, so that no other command's
    module is imported).

    ``format`` applies to ``check`` only: other commands have formats of their own. A
    command whose option is repeatable (``check --pack``, ``--format``) gets the value as
    its one item.
    """
    result: dict[str, Any] = {}
    for name in group.list_commands(ctx) if only is None else [only]:
        command = group.get_command(ctx, name)
        if command is None:
            continue
        if isinstance(command, click.Group):
            result[name] = _default_map(command, ctx, values)
            continue
        params = {p.name: p for p in command.params}
        chosen = {}
        for key, value in values.items():
            if key in _REPEATABLE and _REPEATABLE[key] in params:
                key, value = _REPEATABLE[key], (value,)
            param = params.get(key)
            if param is None or (key in ("fmt", "formats") and name != "check"):
                continue
            if isinstance(param.type, click.Choice) and value not in param.type.choices:
                continue
            chosen[key] = value
        result[name] = chosen
    return result
