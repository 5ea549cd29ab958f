"""The ``licensecheck`` command: a thin layer over :mod:`licensecheck.api`.

Each command parses options, calls the API, renders the result and maps it to an exit
code: 0 ready (nothing at or above ``--fail-on``), 1 gaps at or above it, 2 usage or
input error. Errors from the library are rendered as ``file:line:col: message`` lines on
stderr, never as a traceback.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__
from .errors import Diagnostic, LicenseCheckError
from .output import write_output

EXIT_OK, EXIT_GAPS, EXIT_USAGE = 0, 1, 2
DEFAULT_PACK = "starter"

F = TypeVar("F", bound=Callable[..., Any])


def _fail(error: LicenseCheckError) -> NoReturn:
    diagnostics = sorted(error.diagnostics, key=Diagnostic.sort_key)
    for diagnostic in diagnostics:
        click.echo(diagnostic.render(), err=True)
    errors = sum(1 for d in diagnostics if d.level == "error")
    if errors > 1:
        click.echo(f"{errors} errors", err=True)
    sys.exit(EXIT_USAGE)


class _Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C so that every `finally` (temporary files) runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # the shell's 128 + signal number


class _Group(click.Group):
    """Turns library errors into rendered diagnostics and exit code 2, and interruptions
    into a clear message: outputs are written atomically, so none is left half-written."""

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return super().invoke(ctx)
        except LicenseCheckError as error:
            _fail(error)
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
def main() -> None:
    """Check a data company's self-declaration against licensing requirements."""


def _pack_option(f: F) -> F:
    return click.option(
        "--pack",
        "-p",
        default=DEFAULT_PACK,
        show_default=True,
        help="A bundled pack id (see 'licensecheck packs list') or a pack folder.",
    )(f)


def _output_option(f: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of stdout.",
    )(f)


def _emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, inputs=inputs)


@main.command()
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "none"]),
    default="high",
    show_default=True,
    help="Exit 1 when a gap (fail, unknown or error) has this severity or worse.",
)
@click.option(
    "--as-of", help="Assessment date (YYYY-MM-DD) used as 'today'; default: the current date."
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Also list rules that pass or do not apply.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: only on a terminal)."
)
@_output_option
def check(
    declaration: Path,
    pack: str,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    lang: str,
    verbose: bool,
    color: bool | None,
    output: Path | None,
) -> None:
    """Assess DECLARATION against a pack and list the gaps.

    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from .api import assess, exit_code
    from .report import render_json, render_text

    result = assess(declaration, pack, as_of=as_of, lang=lang)
    if fmt == "json":
        text = render_json(result)
    else:
        use_colour = color if color is not None else (output is None and sys.stdout.isatty())
        text = render_text(result, verbose=verbose, style=click.style if use_colour else _no_style)
    _emit(text, output, [declaration])
    sys.exit(exit_code(result, fail_on))


def _no_style(text: str, **_: Any) -> str:
    return text


@main.command()
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
def validate(declaration: Path) -> None:
    """Check DECLARATION against the declaration schema (all problems at once)."""
    from .api import load_declaration

    load_declaration(declaration)
    click.echo(f"{declaration}: valid")


@main.group()
def packs() -> None:
    """Bundled policy packs."""


@packs.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def packs_list(fmt: str) -> None:
    """List the bundled packs."""
    from .pack import bundled_pack_ids, load_pack

    rows: list[dict[str, Any]] = []
    for pack_id in bundled_pack_ids():
        loaded = load_pack(pack_id)
        rules = sum(
            1 for m in loaded.modules for d in m.definitions if type(d).__name__ == "RuleDef"
        )
        m = loaded.manifest
        rows.append(
            {
                "id": m.id,
                "version": m.version,
                "title": m.title,
                "extends": m.extends,
                "rules": rules,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        extends = f"  (extends {r['extends']})" if r["extends"] else ""
        click.echo(
            f"{r['id']:<{width}}  {r['version']:<7} {r['rules']:>3} rules  {r['title']}{extends}"
        )


@packs.command("doc")
@click.argument("pack")
@_output_option
def packs_doc(pack: str, output: Path | None) -> None:
    """Render PACK (a bundled id or a folder) as a Markdown rule catalogue."""
    from .api import prepare_pack
    from .catalogue import render_catalogue

    _emit(render_catalogue(prepare_pack(pack)), output, [])


SCHEMA_NAMES = ("declaration", "report", "pack")


@main.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES))
@_output_option
def schema(name: str, output: Path | None) -> None:
    """Print the JSON Schema of a public format: declaration, report or pack (pack.yaml)."""
    from .schema_export import schema_text

    _emit(schema_text(name), output, [])
