"""The public facade of trust: signing keys (and, built on them, evidence, bundles and the
pack supply chain)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codes
from ..errors import Diagnostic, UsageError
from ..output import write_output_bytes
from ..trust import keys as _keys

if TYPE_CHECKING:
    from ..bundle.create import CreatedBundle
    from ..bundle.verify import BundleVerification
    from ..engine.pipeline import PackRef


def generate_keys(prefix: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, Path, str]:
    """Write a new ed25519 key pair to ``PREFIX.key`` (owner-only, 0600) and ``PREFIX.pub``;
    return both paths and the key id. Existing key files are kept unless ``force``: a
    signing key overwritten by mistake cannot be recovered."""
    private_path, public_path = _keys.key_file_names(prefix)
    if not force:
        for path in (private_path, public_path):
            if path.exists():
                raise UsageError(
                    Diagnostic(
                        codes.USAGE,
                        f"{path} exists: choose another name, or pass --force to replace it",
                    )
                )
    private_pem, public_pem = _keys.generate()
    write_output_bytes(private_path, private_pem, private=True)
    write_output_bytes(public_path, public_pem)
    return private_path, public_path, key_id(public_path)


def key_id(public_key_file: str | os.PathLike[str]) -> str:
    """The id of a public key (``ed25519:`` + 16 hex digits), as signatures name it."""
    return _keys.load_public_key(public_key_file).key_id


# ---------------------------------------------------------------- submission bundles


def create_bundle(
    declaration: str | os.PathLike[str],
    pack: PackRef,
    output: str | os.PathLike[str],
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    sign: str | os.PathLike[str] | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
) -> CreatedBundle:
    """Assess ``declaration`` with ``pack`` and write a submission bundle to ``output``: the
    declaration, its evidence files, the gap report (HTML and JSON), ``pack.json`` (the pack's
    id, version and digest, the tool version, ``as_of`` and ``lang``) and a sha256 manifest
    of them all, signed with the ed25519 private key ``sign`` when given. The same inputs and
    ``as_of`` give a byte-identical zip."""
    from ..bundle.create import create_bundle as _create

    return _create(
        declaration,
        pack,
        output,
        as_of=as_of,
        lang=lang,
        signing_key=sign,
        evidence_root=evidence_root,
    )


def verify_bundle(
    bundle: str | os.PathLike[str],
    *,
    keys: Sequence[str | os.PathLike[str]] = (),
    pack: PackRef | None = None,
) -> BundleVerification:
    """Verify a submission bundle without extracting it: every member against the manifest,
    the signature (against ``keys``, the trusted public keys: with keys, a bundle must be
    signed by one of them), then the assessment re-run offline from the bundled declaration
    with ``pack`` (default: the pack id the bundle names, as installed here) and compared with
    the bundled report. A bundle that cannot be read safely raises
    :class:`~licensecheck.errors.TrustError`."""
    from ..bundle.verify import verify_bundle as _verify

    return _verify(bundle, keys=keys, pack=pack)


def render_bundle_verification(result: BundleVerification, fmt: str = "text") -> str:
    """The verdict of :func:`verify_bundle` as ``text`` or ``json``."""
    from ..bundle.verify import verification_json, verification_text

    return verification_json(result) if fmt == "json" else verification_text(result)
