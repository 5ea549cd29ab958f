"""A signature document's text: read back whatever bytes it holds, and told apart from an
edited copy that means the same."""

from __future__ import annotations

import pytest

from licensecheck import codes
from licensecheck.errors import TrustError
from licensecheck.trust import keys, signature


def _document() -> str:
    private_pem, _ = keys.generate()
    key = keys.PrivateKey(
        keys.serialization.load_pem_private_key(private_pem, None),  # type: ignore[arg-type]
        "k.key",
    )
    return signature.sign(key, b"manifest", "licensecheck bundle manifest")


def test_a_signature_that_is_not_ascii_is_malformed_not_a_crash() -> None:
    text = _document().replace('"signature": "', '"signature": "\u00e9', 1)
    with pytest.raises(TrustError) as caught:
        signature.read_signature(text, "manifest.sig")
    assert caught.value.diagnostics[0].code == codes.SIGNATURE
    assert "not base64" in caught.value.diagnostics[0].message


def test_the_text_of_a_read_document_is_the_text_sign_wrote() -> None:
    text = _document()
    assert signature.document_text(signature.read_signature(text, "s")) == text


def test_an_edit_that_keeps_the_meaning_changes_the_text() -> None:
    """The last base64 character of a 64-byte signature carries 4 padding bits that decoding
    ignores: a copy with them set reads as the same signature, but is not the text signed."""
    text = _document()
    start = text.index('"signature": "') + len('"signature": "')
    last = start + 85  # 64 bytes: 84 characters for 63, 2 for the last byte, then "=="
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    bumped = alphabet[alphabet.index(text[last]) ^ 1]
    edited = text[:last] + bumped + text[last + 1 :]
    read = signature.read_signature(edited, "s")
    assert read.signature == signature.read_signature(text, "s").signature
    assert signature.document_text(read) != edited
