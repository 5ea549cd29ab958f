"""The ``licensecheck`` command: a thin layer over :mod:`licensecheck.api`.

Each command parses options, calls the API, renders the result and maps it to an exit
code: 0 ready (nothing at or above ``--fail-on``), 1 gaps at or above it, 2 usage or
input error. Errors from the library are rendered as ``file:line:col: message`` lines on
stderr, never as a traceback.
"""

from __future__ import annotations

import functools
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .._version import __version__
from ..errors import Diagnostic, LicenseCheckError, UsageError
from ..output import encodable, write_output

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
    from ..config import load_config

    loaded = load_config(config_file)
    if loaded.path is not None:
        ctx.default_map = _default_map(main, loaded.option_defaults())


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
        import dataclasses

        from ..declaration.loader import DEFAULT_LIMITS, limits_in_force

        ctx.with_resource(limits_in_force(dataclasses.replace(DEFAULT_LIMITS, **given)))


def _default_map(group: click.Group, values: dict[str, Any]) -> dict[str, Any]:
    """Configured values for every (sub)command that has an option of that name.

    ``format`` applies to ``check`` only: other commands have formats of their own.
    """
    result: dict[str, Any] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            result[name] = _default_map(command, values)
            continue
        params = {p.name: p for p in command.params}
        chosen = {}
        for key, value in values.items():
            param = params.get(key)
            if param is None or (key == "fmt" and name != "check"):
                continue
            if isinstance(param.type, click.Choice) and value not in param.type.choices:
                continue
            chosen[key] = value
        result[name] = chosen
    return result


def _pack_path_option(f: F) -> F:
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


def _pack_option(f: F) -> F:
    """``--pack`` and ``--pack-path``."""
    return click.option(
        "--pack",
        "-p",
        default=DEFAULT_PACK,
        show_default=True,
        help="A pack id (bundled, see 'licensecheck packs list', or on the pack path) "
        "or a pack folder.",
    )(_pack_path_option(f))


def _output_option(f: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of stdout.",
    )(f)


def _fail_on_option(what: str = "a gap (fail, unknown or error)") -> Callable[[F], F]:
    return click.option(
        "--fail-on",
        type=click.Choice(["critical", "high", "medium", "low", "none"]),
        default="high",
        show_default=True,
        help=f"Exit 1 when {what} has this severity or worse.",
    )


def _emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    if output is None:
        click.echo(encodable(text), nl=False)
    else:
        write_output(output, text, inputs=inputs)


CHECK_FORMATS = ("text", "json", "sarif", "junit", "github", "oscal")
#: A batch at least this long shows a progress bar (on a terminal's stderr only).
PROGRESS_MIN_FILES = 20


@main.command()
@click.argument("declarations", nargs=-1, required=True, type=click.Path(path_type=Path))
@_pack_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help="text, json (the report contract), sarif (2.1.0, code scanning), junit (XML), "
    "github (workflow-command annotations) or oscal (assessment-results JSON).",
)
@_fail_on_option()
@click.option(
    "--as-of", help="Assessment date (YYYY-MM-DD) used as 'today'; default: the current date."
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option(
    "--waivers",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A waiver file (YAML): accepted gaps are reported as waived.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An earlier JSON report: only new or worsened gaps count toward the exit status.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Assess the files in N processes (same results, same order).",
)
@click.option("--verbose", "-v", is_flag=True, help="Also list rules that pass or do not apply.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: only on a terminal)."
)
@_output_option
def check(
    declarations: tuple[Path, ...],
    pack: str,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    baseline: Path | None,
    jobs: int,
    verbose: bool,
    color: bool | None,
    output: Path | None,
) -> None:
    """Assess DECLARATIONS (files, or folders of *.yaml/*.yml/*.json) against a pack.

    One file gives its report; several give one report each and a combined summary.
    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from ..api import assess_many, exit_code, find_declarations, prepare_pack, render

    files = find_declarations(
        declarations, exclude=[p for p in (waivers, baseline, output) if p is not None]
    )
    compiled = prepare_pack(pack)
    with _progress(len(files)) as advance:
        batch = assess_many(
            files,
            compiled,
            as_of=as_of,
            lang=lang,
            waivers=waivers,
            baseline=baseline,
            jobs=jobs,
            on_result=advance,
        )
    single = len(declarations) == 1 and len(files) == 1 and not declarations[0].is_dir()
    if single and batch.errors:
        raise LicenseCheckError(batch.errors[0].diagnostics)
    for item in batch.errors:
        for diagnostic in sorted(item.diagnostics, key=Diagnostic.sort_key):
            click.echo(diagnostic.render(), err=True)
    use_colour = color if color is not None else (output is None and sys.stdout.isatty())
    text = render(
        batch.assessments[0] if single else batch,
        fmt,
        pack=compiled,
        fail_on=fail_on,
        verbose=verbose,
        style=click.style if use_colour else _no_style,
    )
    inputs = [Path(f) for f in files] + [p for p in (waivers, baseline) if p is not None]
    _emit(text, output, inputs)
    sys.exit(exit_code(batch, fail_on))


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr for long batches on a terminal; otherwise nothing."""
    if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield lambda _item: None
        return
    with click.progressbar(length=total, label="Assessing", file=sys.stderr) as bar:
        yield lambda _item: bar.update(1)


def _no_style(text: str, **_: Any) -> str:
    return text


@main.command()
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
def validate(declaration: Path) -> None:
    """Check DECLARATION against the declaration schema (all problems at once)."""
    from ..api import load_declaration

    load_declaration(declaration)
    click.echo(f"{declaration}: valid")


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_fail_on_option("a new or worsened gap")
@click.option(
    "--as-of", help="Assessment date (YYYY-MM-DD) for declarations; default: the current date."
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Also list the unchanged gaps.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: only on a terminal)."
)
@_output_option
def diff_command(
    old: Path,
    new: Path,
    pack: str,
    fmt: str,
    fail_on: str,
    as_of: str | None,
    lang: str,
    verbose: bool,
    color: bool | None,
    output: Path | None,
) -> None:
    """Compare OLD with NEW: two declarations (assessed with --pack) or two JSON reports.

    Lists fixed, new, worsened, improved and unchanged gaps and the score change. Exit
    status: 0 no new or worsened gap at or above --fail-on, 1 otherwise, 2 bad input.
    """
    from ..api import compare
    from ..engine.baseline import diff_exit_code, render_diff_json, render_diff_text

    report = compare(old, new, pack, as_of=as_of, lang=lang)
    if fmt == "json":
        text = render_diff_json(report)
    else:
        use_colour = color if color is not None else (output is None and sys.stdout.isatty())
        text = render_diff_text(
            report, verbose=verbose, style=click.style if use_colour else _no_style
        )
    _emit(text, output, [old, new])
    sys.exit(diff_exit_code(report, fail_on))


@main.group()
def waivers() -> None:
    """Waiver files: accepted gaps with a reason, an approver and an expiry."""


@waivers.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--as-of", help="Report waivers expired by this date (YYYY-MM-DD); default: the current date."
)
def waivers_lint(files: tuple[Path, ...], pack: str, as_of: str | None) -> None:
    """Check waiver FILES on their own: format, rules that exist, approvals, expiry.

    The pack is --pack when given, else each file's 'pack:' key. Exit status: 0 valid,
    1 valid but some waivers have expired, 2 errors.
    """
    from ..api import lint_waivers, load_waivers

    explicit = (
        click.get_current_context().get_parameter_source("pack")
        is click.core.ParameterSource.COMMANDLINE
    )
    status = EXIT_OK
    for file in files:
        try:
            waiver_set = load_waivers(file)
            chosen = pack if explicit else (waiver_set.file.model.pack or pack)
            warnings = lint_waivers(waiver_set, chosen, as_of=as_of)
        except LicenseCheckError as error:
            for diagnostic in sorted(error.diagnostics, key=Diagnostic.sort_key):
                click.echo(diagnostic.render(), err=True)
            status = EXIT_USAGE
            continue
        for warning in warnings:
            click.echo(warning.render(), err=True)
        expired = sum(1 for w in warnings if w.code == "expired")
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
@_pack_option
@click.option("--path", "scope_path", help="Scope: a declaration path, e.g. data_sources[1].")
@click.option("--element", help="Scope: the id of a list element, e.g. a data source id.")
@click.option("--as-of", help="Assessment date (YYYY-MM-DD); default: the current date.")
def waivers_fingerprint(
    declaration: Path,
    rule: str,
    pack: str,
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
        waiver_fingerprint(declaration, pack, rule, path=scope_path, element=element, as_of=as_of)
    )


@main.group()
def packs() -> None:
    """Policy packs: list, document, scaffold, lint, test and format them."""


@packs.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def packs_list(fmt: str) -> None:
    """List the bundled packs."""
    from ..packs.loader import bundled_pack_ids, extends_entries, load_pack

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
                "extends": ", ".join(extends_entries(m)) or None,
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
    from ..api import prepare_pack
    from ..authoring.catalogue import render_catalogue

    _emit(render_catalogue(prepare_pack(pack)), output, [])


# ---------------------------------------------------------------------------- pack authoring


@packs.command("new")
@click.argument("name")
@click.option("--extends", "extends", help="A pack to build on (an id or a folder).")
@click.option("--title", help="The pack's display name (default: NAME).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    help="The folder to create the pack in (default: the current folder).",
)
@_pack_path_option
def packs_new(name: str, extends: str | None, title: str | None, directory: Path) -> None:
    """Scaffold the pack NAME: pack.yaml, one example rule and tests that pass."""
    from ..api import new_pack

    folder = new_pack(name, directory, extends=extends, title=title)
    click.echo(f"created {folder}/: pack.yaml, main.rules, tests/ (3 cases)")
    click.echo(f"next: licensecheck packs test {folder}")


@packs.command("lint")
@click.argument("pack")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_pack_path_option
def packs_lint(pack: str, strict: bool, fmt: str) -> None:
    """Every static check of PACK (a folder or an id), errors and warnings, at file:line:col.

    Exit status: 0 no errors (warnings allowed unless --strict), 2 errors.
    """
    from ..api import lint_pack

    result = lint_pack(pack, strict=strict)
    if fmt == "json":
        click.echo(json.dumps(_lint_data(result), indent=2, ensure_ascii=False))
    else:
        for diagnostic in result.diagnostics:
            click.echo(diagnostic.render())
        summary = f"{result.errors} error{'s' if result.errors != 1 else ''}, " + (
            f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
        )
        click.echo(f"{result.pack}: {summary}")
    sys.exit(result.exit_code)


def _lint_data(result: Any) -> dict[str, Any]:
    return {
        "pack": result.pack,
        "errors": result.errors,
        "warnings": result.warnings,
        "diagnostics": [
            {
                "file": d.span.file if d.span else None,
                "line": d.span.line if d.span else None,
                "column": d.span.column if d.span else None,
                "level": d.level,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            }
            for d in result.diagnostics
        ],
    }


@packs.command("test")
@click.argument("pack")
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    default=0.0,
    help="Fail (exit 1) when under this percentage of the pass/fail/unknown outcomes of the "
    "pack's own rules is asserted by a passing case.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show the coverage of every rule.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_pack_path_option
def packs_test(pack: str, min_coverage: float, verbose: bool, fmt: str) -> None:
    """Run the test cases in PACK/tests/ and report coverage.

    Exit status: 0 every case passes (and coverage is at least --min-coverage), 1 otherwise,
    2 the pack or a case file is invalid.
    """
    from ..api import run_pack_tests
    from ..authoring.packtest import render_text, report_data

    report = run_pack_tests(pack)
    if fmt == "json":
        data = {**report_data(report), "min_coverage": min_coverage}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report, verbose=verbose), nl=False)
        if report.coverage_percent < min_coverage:
            click.echo(
                f"coverage {report.coverage_percent:.0f}% is below --min-coverage {min_coverage:g}%"
            )
    sys.exit(EXIT_OK if report.ok(min_coverage) else EXIT_GAPS)


@packs.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the changes as a unified diff.")
def packs_fmt(paths: tuple[Path, ...], check: bool, show_diff: bool) -> None:
    """Format the .rules files of PATHS (pack folders or files) in the canonical layout.

    Exit status: 0 done (or, with --check, nothing to change), 1 --check found files to
    format, 2 a file does not parse.
    """
    from ..api import format_pack

    results = [r for path in paths for r in format_pack(path, write=not check)]
    changed = [r for r in results if r.changed]
    for result in changed:
        if show_diff:
            click.echo(result.diff(), nl=False)
        click.echo(f"{'would reformat' if check else 'reformatted'} {result.path}")
    unchanged = len(results) - len(changed)
    click.echo(
        f"{len(changed)} file{'s' if len(changed) != 1 else ''} "
        f"{'would be ' if check else ''}reformatted, {unchanged} already formatted"
    )
    sys.exit(EXIT_GAPS if check and changed else EXIT_OK)


@main.command()
@click.argument("rule")
@click.argument("declaration", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--as-of", help="Assessment date (YYYY-MM-DD) used as 'today'; default: the current date."
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@_output_option
def explain(
    rule: str,
    declaration: Path | None,
    pack: str,
    as_of: str | None,
    lang: str,
    output: Path | None,
) -> None:
    """Show RULE in full; with DECLARATION, show how it evaluates on it, step by step.

    Without DECLARATION: where the rule comes from (inherited, overridden), its citation,
    condition, requirement, remediation, dependencies and the fields it reads. With it:
    every sub-expression with its value and the declaration value (file:line:col) it read.
    """
    from ..api import explain_evaluation, explain_rule

    if declaration is None:
        text = explain_rule(rule, pack, lang=lang)
    else:
        text = explain_evaluation(rule, declaration, pack, as_of=as_of, lang=lang)
    _emit(text, output, [declaration] if declaration else [])


@main.command()
@_pack_option
@_output_option
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def init(pack: str, output: Path | None, force: bool) -> None:
    """Write a declaration skeleton: exactly the fields the pack's rules read, each with a
    comment naming what it is, the values it takes and the rules that use it."""
    from ..api import declaration_skeleton

    if output is not None and output.exists() and not force:
        raise UsageError(
            Diagnostic("usage", f"{output} exists; choose another file or add --force")
        )
    _emit(declaration_skeleton(pack), output, [])
    if output is not None:
        click.echo(f"wrote {output}: fill it in, then: licensecheck check {output} --pack {pack}")


SCHEMA_NAMES = (
    "declaration",
    "report",
    "pack",
    "pack-test",
    "waivers",
    "config",
    "diff",
    "batch-report",
    "gap-report",
    "plan",
)


@main.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES))
@_output_option
def schema(name: str, output: Path | None) -> None:
    """Print the JSON Schema of a public format: declaration, report, pack (pack.yaml),
    pack-test (a pack's tests/*.yaml case), waivers, config (licensecheck.toml), diff,
    batch-report, gap-report or plan."""
    from ..authoring.schema_export import schema_text

    _emit(schema_text(name), output, [])


# ---------------------------------------------------------------------------- reports and plans


def _document_options(f: F) -> F:
    """Options the ``report`` and ``plan`` commands share."""
    for option in reversed(
        [
            click.option(
                "--as-of",
                help="Assessment date (YYYY-MM-DD) used as 'today'; default: the current date.",
            ),
            click.option(
                "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True
            ),
            click.option(
                "--waivers",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A waiver file (YAML): accepted gaps are reported as waived.",
            ),
            click.option(
                "--templates",
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                help="A folder of your own Jinja2 templates (report.md.j2, report.html.j2, "
                "plan.md.j2, plan.html.j2), run in Jinja2's sandbox.",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(["critical", "high", "medium", "low", "none"]),
                default="high",
                show_default=True,
                help="Exit 1 when a gap (fail, unknown or error) has this severity or worse.",
            ),
        ]
    ):
        f = option(f)
    return f


@main.command("report")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
    help="markdown, html (one self-contained file with charts, printable on A4) or json "
    "(schemas/gap-report.schema.json).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An earlier JSON report (licensecheck check --format json): the report says what "
    "changed, and only new or worsened gaps count toward the exit status.",
)
@_document_options
@_output_option
def report_command(
    declaration: Path,
    pack: str,
    fmt: str,
    baseline: Path | None,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    templates: Path | None,
    fail_on: str,
    output: Path | None,
) -> None:
    """Write a gap report of DECLARATION: the summary, every gap with the smallest change to
    the declaration that would fix it, and the information still to declare.

    Exit status: 0 nothing at or above --fail-on, 1 gaps at or above it, 2 bad input.
    """
    from ..api import gap_report, render_report

    report = gap_report(
        declaration, pack, as_of=as_of, lang=lang, baseline=baseline, waivers=waivers
    )
    text = render_report(report, fmt, templates=templates)
    inputs = [declaration, *(p for p in (baseline, waivers) if p is not None)]
    _emit(text, output, inputs)
    sys.exit(report.exit_code(fail_on))


def _rule_ids(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--assume-fixed A --assume-fixed B`` and ``--assume-fixed A,B`` alike."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@main.command("plan")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@_pack_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json", "csv", "oscal"]),
    default="markdown",
    show_default=True,
    help="markdown, html (with a Gantt chart), json (schemas/plan.schema.json), csv "
    "(one row per task, for spreadsheets) or oscal (an OSCAL 1.0.6 POA&M).",
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
    "--bom", is_flag=True, help="Start CSV output with a UTF-8 byte-order mark (for Excel)."
)
@_document_options
@_output_option
def plan_command(
    declaration: Path,
    pack: str,
    fmt: str,
    start: str | None,
    capacity: int,
    assume_fixed: tuple[str, ...],
    what_if: bool,
    bom: bool,
    as_of: str | None,
    lang: str,
    waivers: Path | None,
    templates: Path | None,
    fail_on: str,
    output: Path | None,
) -> None:
    """Write a remediation plan for DECLARATION: a task per gap, in phases, scheduled over
    working days on --capacity workstreams, with the critical path and the ready date.

    Exit status: 0 no task at or above --fail-on, 1 tasks at or above it, 2 bad input.
    """
    from ..api import plan, render_plan

    result = plan(
        declaration,
        pack,
        as_of=as_of,
        lang=lang,
        start=start,
        capacity=capacity,
        assume_fixed=assume_fixed,
        what_if=what_if,
        waivers=waivers,
    )
    text = render_plan(result, fmt, templates=templates, bom=bom)
    inputs = [declaration, *(p for p in (waivers,) if p is not None)]
    _emit(text, output, inputs)
    sys.exit(result.exit_code(fail_on))
