"""A pack's files and digest; signing a pack and checking its signature.

Input: a pack folder, a private key (to sign) or trusted public keys (to verify). Output: the
pack's ``{relative path: sha256}`` and digest (:func:`~licensecheck.trust.digest.pack_digest`),
``pack.sig`` and ``pack.sha256`` written beside ``pack.yaml``, and a :class:`SignatureState`.

What a pack's digest covers is decided in :mod:`.contents` (the one rule, shared with the
workspace and submission bundles).

``pack.sha256`` is the listing the digest hashes (``path<TAB>sha256`` lines) and ``pack.sig``
signs exactly those bytes (subject ``licensecheck pack <id>``), so the signed digest *is* the
pack digest, and when a file changes after signing the listing names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, Span, TrustError
from ..output import write_output
from ..sources.text import FileKind, read_source_text
from ..trust.digest import pack_digest, pack_listing
from .contents import LISTING_FILE, SIGNATURE_FILE, folder_files
from .loader import display_path

if TYPE_CHECKING:  # cryptography is imported only by the commands that sign or verify
    from ..trust.keys import PrivateKey, PublicKey

#: A listing or signature is a few kilobytes; a larger one is not ours
_SIGNING_KIND = FileKind("pack signature file", TrustError, 1024 * 1024)

SignatureStatus = Literal["unsigned", "valid", "untrusted", "altered", "invalid"]


def digest_of(root: Path) -> str:
    """``sha256:<hex>``: the pack's digest as locks and listings show it."""
    return "sha256:" + pack_digest(folder_files(root))


def subject(pack_id: str) -> str:
    return f"licensecheck pack {pack_id}"


def sign_pack(root: Path, pack_id: str, key: PrivateKey) -> Path:
    """Write ``pack.sha256`` and ``pack.sig`` into the pack folder; return the signature's path."""
    from ..trust.signature import sign

    listing = pack_listing(folder_files(root))
    write_output(root / LISTING_FILE, listing)
    write_output(root / SIGNATURE_FILE, sign(key, listing.encode("utf-8"), subject(pack_id)))
    return root / SIGNATURE_FILE


@dataclass(frozen=True)
class SignatureState:
    status: SignatureStatus
    #: plain words: who signed, or what is wrong (naming changed files)
    reason: str
    key_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def signature_state(root: Path, pack_id: str, trusted: Sequence[PublicKey]) -> SignatureState:
    """Whether the pack at ``root`` carries a valid signature by one of the ``trusted`` keys.

    ``altered`` names the files added, removed or changed since signing (from the signed
    ``pack.sha256``); ``untrusted`` is a sound signature by a key not among ``trusted``."""
    from ..trust.signature import read_signature, verify

    sig_path = root / SIGNATURE_FILE
    if not sig_path.is_file():
        return SignatureState("unsigned", f"{pack_id} has no {SIGNATURE_FILE}")
    try:
        signature = read_signature(_read_small(sig_path), str(sig_path))
    except LicenseCheckError as exc:
        return SignatureState("invalid", exc.diagnostics[0].message)
    files = folder_files(root)
    verdict = verify(signature, pack_listing(files).encode("utf-8"), subject(pack_id), trusted)
    if verdict.valid:
        return SignatureState("valid", verdict.reason, verdict.key_id)
    if signature.subject == subject(pack_id) and signature.digest != "sha256:" + pack_digest(files):
        return SignatureState("altered", _changes_since_signing(root, signature.digest, files))
    if verdict.key_id not in {key.key_id for key in trusted}:
        return SignatureState("untrusted", verdict.reason, verdict.key_id)
    return SignatureState("invalid", verdict.reason, verdict.key_id)


def _changes_since_signing(root: Path, signed_digest: str, files: dict[str, str]) -> str:
    """Which files differ from the signed listing (trusted only when its own sha256 is the
    signed digest: a listing edited along with the files names nothing)."""
    listing_path = root / LISTING_FILE
    prefix = "changed since it was signed"
    try:
        text = _read_small(listing_path)
    except LicenseCheckError:
        return f"{prefix} (no readable {LISTING_FILE} to say which files)"
    if "sha256:" + pack_digest(_parse_listing(text)) != signed_digest:
        return f"{prefix} ({LISTING_FILE} does not match the signature either)"
    return f"{prefix}: {describe_changes(_parse_listing(text), files)}"


def _parse_listing(text: str) -> dict[str, str]:
    pairs = (line.split("\t", 1) for line in text.splitlines() if "\t" in line)
    return {path: digest for path, digest in pairs}


def describe_changes(before: dict[str, str], after: dict[str, str]) -> str:
    """``changed main.rules; added extra.rules; removed tests/a.yaml``: the difference
    between two ``{path: sha256}`` maps (a lock's or a signed listing's, and the files now)."""
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    parts = [
        f"{word} {', '.join(paths)}"
        for word, paths in (
            ("changed", changed),
            ("added", sorted(after.keys() - before.keys())),
            ("removed", sorted(before.keys() - after.keys())),
        )
        if paths
    ]
    return "; ".join(parts) or "no file differs"


def require_signature(
    root: Path, pack_id: str, trusted: Sequence[PublicKey], *, why: str = "--require-signed"
) -> SignatureState:
    """The pack's signature state if valid; otherwise a :class:`TrustError` at its
    ``pack.yaml`` saying why (``why``: what asked for a signature)."""
    state = signature_state(root, pack_id, trusted)
    if state.valid:
        return state
    hint = {
        "unsigned": "sign it with 'licensecheck packs sign', or use a signed release",
        "untrusted": "add the signer's public key with --trusted-key (config: trusted-keys)",
    }.get(state.status, "re-sign it only after reviewing what changed")
    raise TrustError(
        Diagnostic(
            codes.PACK_SIGNATURE,
            f"{why}: pack {pack_id} is refused: {state.reason}",
            Span(display_path(root / "pack.yaml"), 1, 1),
            hint=hint,
        )
    )


def _read_small(path: Path) -> str:
    # not recorded as an input: re-signing a pack replaces these files
    return read_source_text(path, _SIGNING_KIND, shown=str(path), record=False)
