"""Signature documents: one small JSON format for everything licensecheck signs.

Input: a private key, the signed bytes and a subject (``pack cn-credit-reporting``, ``bundle
manifest``); later the document's text, the same bytes and the trusted public keys. Output:
the document, and a :class:`Verdict` saying whether it holds and, if not, exactly why.

What is signed is a statement, not the payload alone — the format, the subject and the
payload's sha256, one per line — so a signature made for one pack cannot be passed off as
another's, nor a pack's as a bundle's. ed25519 is deterministic: the same key, subject and
payload always give the same document, byte for byte.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass

from .. import codes
from ..errors import Diagnostic, Span, TrustError
from .digest import sha256_hex
from .keys import PrivateKey, PublicKey

FORMAT = "licensecheck-signature/1"
ALGORITHM = "ed25519"
_FIELDS = ("algorithm", "digest", "format", "key_id", "signature", "subject")


@dataclass(frozen=True)
class Signature:
    subject: str
    digest: str  # "sha256:<hex>" of the signed payload
    key_id: str
    signature: bytes
    source: str


@dataclass(frozen=True)
class Verdict:
    valid: bool
    #: plain words: who signed, or what is wrong
    reason: str
    key_id: str


def _statement(subject: str, digest: str) -> bytes:
    return f"{FORMAT}\n{subject}\n{digest}\n".encode()


def sign(key: PrivateKey, payload: bytes, subject: str) -> str:
    """The signature document for ``payload`` under ``subject``, as JSON text."""
    digest = "sha256:" + sha256_hex(payload)
    raw = key.sign(_statement(subject, digest))
    return document_text(Signature(subject, digest, key.public.key_id, raw, ""))


def document_text(signature: Signature) -> str:
    """The document's text exactly as :func:`sign` writes it: a reader can tell a document
    that was edited without changing its meaning (spacing, base64 padding bits) by comparing."""
    document = {
        "format": FORMAT,
        "algorithm": ALGORITHM,
        "subject": signature.subject,
        "digest": signature.digest,
        "key_id": signature.key_id,
        "signature": base64.b64encode(signature.signature).decode("ascii"),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_signature(text: str, source: str) -> Signature:
    """Parse a signature document; anything malformed is a :class:`TrustError` at its line
    and column."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _malformed(source, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    if not isinstance(document, dict):
        raise _malformed(source, "a signature document is a JSON object")
    missing = [name for name in _FIELDS if not isinstance(document.get(name), str)]
    if missing:
        raise _malformed(source, f"missing or not text: {', '.join(missing)}")
    if document["format"] != FORMAT or document["algorithm"] != ALGORITHM:
        raise _malformed(
            source,
            f"format {document['format']!r} / algorithm {document['algorithm']!r}: "
            f"expected {FORMAT!r} / {ALGORITHM!r}",
        )
    try:
        raw = base64.b64decode(document["signature"], validate=True)
    except ValueError:  # binascii.Error, or text that is not ASCII at all
        raise _malformed(source, "the signature is not base64") from None
    return Signature(document["subject"], document["digest"], document["key_id"], raw, source)


def verify(
    signature: Signature, payload: bytes, subject: str, trusted: Sequence[PublicKey]
) -> Verdict:
    """Does ``signature`` sign ``payload`` as ``subject`` with one of the ``trusted`` keys?"""
    key_id = signature.key_id
    if signature.subject != subject:
        return Verdict(False, f"signed for {signature.subject!r}, not {subject!r}", key_id)
    digest = "sha256:" + sha256_hex(payload)
    if signature.digest != digest:
        return Verdict(
            False,
            f"the signed content changed: signed {signature.digest}, now {digest}",
            key_id,
        )
    key = next((k for k in trusted if k.key_id == key_id), None)
    if key is None:
        return Verdict(False, f"signed by {key_id}, which is not a trusted key", key_id)
    if not key.verifies(_statement(subject, digest), signature.signature):
        return Verdict(False, f"the signature is not valid for {key_id}", key_id)
    return Verdict(True, f"signed by {key_id} ({key.source})", key_id)


def _malformed(source: str, message: str, line: int = 1, column: int = 1) -> TrustError:
    return TrustError(
        Diagnostic(codes.SIGNATURE, f"malformed signature: {message}", Span(source, line, column))
    )
