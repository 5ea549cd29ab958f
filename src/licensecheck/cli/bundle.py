"""``bundle create`` and ``bundle verify``: submission bundles a reviewer can check offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import codes
from ..errors import Diagnostic, UsageError
from .options import (
    as_of_option,
    evidence_root_option,
    format_option,
    lang_option,
    output_option,
    pack_option,
    pack_path_option,
)
from .packchoice import choose_pack
from .render import emit


@click.group()
def bundle() -> None:
    """Submission bundles: a declaration, its evidence and its report in one signed zip."""


@bundle.command("create")
@click.argument("declaration", type=click.Path(dir_okay=False, path_type=Path))
@pack_option
@as_of_option()
@lang_option
@click.option(
    "--sign",
    "sign",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign the manifest with this ed25519 private key (licensecheck keys generate).",
)
@evidence_root_option
@output_option
def bundle_create(
    declaration: Path,
    pack: str | None,
    as_of: str | None,
    lang: str,
    sign: Path | None,
    evidence_root: Path | None,
    output: Path | None,
) -> None:
    """Assess DECLARATION and write a submission bundle (-o FILE.zip): the declaration, its
    evidence files, the gap report (HTML and JSON), the pack's digest and the tool version,
    and a sha256 manifest of every file, signed with --sign.

    With --as-of, the same inputs give a byte-identical zip. Exit status: 0 written, 2 bad
    input.
    """
    from ..api.trust import create_bundle

    if output is None:
        raise UsageError(
            Diagnostic(codes.USAGE, "bundle create writes a zip: name it with -o FILE.zip")
        )
    created = create_bundle(
        declaration,
        choose_pack(pack, [declaration]),
        output,
        as_of=as_of,
        lang=lang,
        sign=sign,
        evidence_root=evidence_root,
    )
    for entry_id, state in created.evidence_warnings:
        bundled = "not bundled" if state == "missing" else "bundled as it is"
        click.echo(f"warning: evidence '{entry_id}' is {state}: {bundled}", err=True)
    signed = f"signed by {created.key_id}" if created.key_id else "not signed"
    count = len(created.members)
    click.echo(
        f"wrote {created.path}: {count} files, score {created.report.score}, {signed}", err=True
    )


@bundle.command("verify")
@click.argument("bundle_file", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A trusted ed25519 public key (repeatable): the bundle must be signed by one of "
    "them. Without --key a signature is reported, not checked.",
)
@click.option(
    "--pack",
    "-p",
    "rerun_pack",  # not "pack": a configured default pack must not replace the bundle's
    default=None,
    help="Re-run with this pack (an id or a folder) instead of the id the bundle names.",
)
@pack_path_option
@format_option(("text", "json"), "text")
@output_option
def bundle_verify(
    bundle_file: Path,
    keys: tuple[Path, ...],
    rerun_pack: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Verify BUNDLE without extracting it: every file against the manifest, the signature,
    and the assessment re-run offline from the bundled declaration, compared with the
    bundled report. Says exactly which file, signature, pack or finding differs.

    Exit status: 0 verified, 1 a difference or a failed check, 2 a bundle or key that
    cannot be read (not a zip, no manifest, a hostile member).
    """
    from ..api.trust import render_bundle_verification, verify_bundle

    result = verify_bundle(bundle_file, keys=keys, pack=rerun_pack)
    emit(render_bundle_verification(result, fmt), output, [bundle_file, *keys])
    sys.exit(result.exit_code)
