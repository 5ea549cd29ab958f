"""``packs``: list, document, scaffold, lint, test, format, compile and compare policy packs."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from .options import (
    format_option,
    output_option,
    pack_path_option,
    pack_search_option,
    trusted_key_option,
    verbose_option,
    workspace_options,
)
from .render import EXIT_GAPS, EXIT_OK, emit

TEXT_OR_JSON = ("text", "json")


@click.group()
def packs() -> None:
    """Policy packs: list, document, scaffold, lint, test, format, compile and compare them."""


@packs.command("list")
@format_option(TEXT_OR_JSON, "text")
@trusted_key_option("A public key whose signatures count as valid")
@pack_search_option
def packs_list(fmt: str, trusted_keys: tuple[Path, ...]) -> None:
    """List the packs: bundled, on the pack path and from installed distributions.

    Each with its source (bundled, path FOLDER, distribution NAME==VERSION), digest (what
    licensecheck.lock pins) and signature state: unsigned, valid (by a --trusted-key),
    untrusted (another key), altered (files changed since signing) or invalid.
    """
    from ..api import list_pack_sources
    from ..packs.listing import render_pack_list

    emit(render_pack_list(list_pack_sources(trusted_keys), fmt), None, [])


@packs.command("lock")
@click.argument("packs", nargs=-1)
@click.option(
    "--all",
    "all_packs",
    is_flag=True,
    help="Lock every pack: bundled, on the pack path, installed.",
)
@click.option(
    "--lock",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The lock file to write (default: licensecheck.lock here or beside the configuration "
    "file, else in the configuration's folder, else here).",
)
@pack_search_option
def packs_lock(packs: tuple[str, ...], all_packs: bool, lock: Path | None) -> None:
    """Pin PACKS (ids or folders; default: the configured pack) and every pack they extend in
    licensecheck.lock: id, version, source, digest and each file's sha256.

    Afterwards every command that loads a locked pack refuses it (exit 2) when its files
    differ, naming the changed, added and removed files. Other packs in the lock are kept.
    """
    from ..api import lock_packs
    from ..packs.loader import display_path
    from .options import config_file_in_use

    path, entries = lock_packs(
        packs, all_packs=all_packs, lock=lock, config_file=config_file_in_use()
    )
    for entry in entries:
        click.echo(f"{entry.id} {entry.version} {entry.digest} ({entry.source})")
    click.echo(
        f"wrote {display_path(path)}: {len(entries)} pack{'s' if len(entries) != 1 else ''} locked"
    )


@packs.command("sign")
@click.argument("pack")
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ed25519 private key (licensecheck keys generate).",
)
@pack_search_option
def packs_sign(pack: str, key_file: Path) -> None:
    """Sign PACK (an id or a folder): write PACK/pack.sha256 (each file's sha256) and
    PACK/pack.sig (an ed25519 signature over it, subject 'licensecheck pack ID')."""
    from ..api import sign_pack_folder
    from ..packs.loader import display_path

    path, key_id = sign_pack_folder(pack, key_file)
    click.echo(f"wrote {display_path(path)}: signed by {key_id}")


@packs.command("verify")
@click.argument("pack")
@trusted_key_option("A public key to accept the signature from", flag="--key")
@pack_search_option
def packs_verify(pack: str, trusted_keys: tuple[Path, ...]) -> None:
    """Check PACK's signature against the --key public keys.

    Exit status: 0 signed by one of them and unchanged since; 2 unsigned, signed by another
    key, or changed since signing (the changed files are named).
    """
    from ..api import verify_pack

    if not trusted_keys:
        raise click.UsageError("give the signer's public key with --key PUB")
    state = verify_pack(pack, trusted_keys)
    click.echo(f"{pack}: {state.reason}")


@packs.command("doc")
@click.argument("pack")
@pack_path_option
@output_option
def packs_doc(pack: str, output: Path | None) -> None:
    """Render PACK (a bundled id or a folder) as a Markdown rule catalogue."""
    from ..api import pack_catalogue

    emit(pack_catalogue(pack), output, [])


@packs.command("compile")
@click.argument("pack")
@click.option("--show", is_flag=True, help="Print the generated Python code.")
@pack_path_option
@output_option
def packs_compile(pack: str, show: bool, output: Path | None) -> None:
    """Compile PACK (a bundled id or a folder) into the one Python function that evaluates
    its rules, audited as docs/security.md describes; --show prints it."""
    from ..api import generated_code

    code = generated_code(pack)
    if show:
        emit(code, output, [])
        return
    lines = code.count("\n")
    emit(f"{pack}: compiled into one audited function ({lines:,} lines)\n", output, [])


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
@pack_path_option
def packs_new(name: str, extends: str | None, title: str | None, directory: Path) -> None:
    """Scaffold the pack NAME: pack.yaml, one example rule and tests that pass."""
    from ..api import new_pack

    folder = new_pack(name, directory, extends=extends, title=title)
    click.echo(f"created {folder}/: pack.yaml, main.rules, tests/ (3 cases)")
    click.echo(f"next: licensecheck packs test {folder}")


@packs.command("lint")
@click.argument("pack")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@format_option(TEXT_OR_JSON, "text")
@pack_path_option
def packs_lint(pack: str, strict: bool, fmt: str) -> None:
    """Every static check of PACK (a folder or an id), errors and warnings, at file:line:col.

    Exit status: 0 no errors (warnings allowed unless --strict), 2 errors.
    """
    from ..api import lint_pack

    result = lint_pack(pack, strict=strict)
    if fmt == "json":
        data = {
            "pack": result.pack,
            "errors": result.errors,
            "warnings": result.warnings,
            "diagnostics": [d.to_json() for d in result.diagnostics],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for diagnostic in result.diagnostics:
            click.echo(diagnostic.render())
        summary = f"{result.errors} error{'s' if result.errors != 1 else ''}, " + (
            f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
        )
        click.echo(f"{result.pack}: {summary}")
    sys.exit(result.exit_code)


@packs.command("test")
@click.argument("pack")
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    default=0.0,
    help="Fail (exit 1) when under this percentage of the pass/fail/unknown outcomes of the "
    "pack's own rules is asserted by a passing case.",
)
@verbose_option("Show the coverage of every rule.")
@format_option(TEXT_OR_JSON, "text")
@pack_path_option
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


@packs.command("diff")
@click.argument("old")
@click.argument("new")
@format_option(
    ("text", "json", "markdown"),
    "text",
    "text, json (schemas/pack-diff.schema.json) or markdown (for a review or a client memo).",
)
@pack_search_option
@workspace_options
@output_option
def packs_diff(
    old: str, new: str, fmt: str, output: Path | None, workspace: Path | None, db: str | None
) -> None:
    """What changes from pack OLD to pack NEW (each a pack id, a pack folder, or ID@VERSION for
    a version stored in the workspace by a recorded assessment).

    A semantic diff of the two composed packs: rules added and removed; for each other rule,
    the fields that changed (require and when compared as syntax trees, so layout, comments
    and number spelling never count); consts and predicates with another value, and the
    rules that read them, which are reported as changed "via" those names even when their
    own text is the same; and the pack's version, parents, extends, disable and domains.

    Exit status (as diff(1)): 0 no semantic difference, 1 differences, 2 a pack is missing
    or does not load.
    """
    from ..api import diff_packs, render_pack_diff
    from ..workspace.impact import pack_ref
    from .impact import StoreOpener

    with ExitStack() as stack:
        store = StoreOpener(stack, workspace, db)
        refs = [stack.enter_context(pack_ref(ref, store)) for ref in (old, new)]
        result = diff_packs(*refs)
    pack_files = [p for ref in (old, new) if Path(ref).is_dir() for p in Path(ref).rglob("*")]
    emit(render_pack_diff(result, fmt), output, pack_files)
    sys.exit(EXIT_OK if result.identical else EXIT_GAPS)
