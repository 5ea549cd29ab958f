"""The public facade of trust: signing keys (and, built on them, evidence, bundles and the
pack supply chain)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, UsageError
from ..output import write_output_bytes
from ..trust import keys as _keys


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
