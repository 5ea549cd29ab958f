"""ed25519 keys and signature documents (licensecheck.trust), and `licensecheck keys`."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from licensecheck import codes
from licensecheck.errors import TrustError
from licensecheck.trust import digest, keys, signature


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "licensecheck", "--no-config", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def key_pair(tmp_path: Path) -> tuple[keys.PrivateKey, keys.PublicKey]:
    private_pem, public_pem = keys.generate()
    (tmp_path / "k.key").write_bytes(private_pem)
    (tmp_path / "k.pub").write_bytes(public_pem)
    return keys.load_private_key(tmp_path / "k.key"), keys.load_public_key(tmp_path / "k.pub")


def test_streamed_file_digest_equals_the_digest_of_its_bytes(tmp_path: Path) -> None:
    data = os.urandom(3 * digest.CHUNK_BYTES + 17)  # several chunks and a partial one
    (tmp_path / "f").write_bytes(data)
    assert digest.sha256_file(tmp_path / "f") == digest.sha256_hex(data)
    assert digest.sha256_stream(io.BytesIO(data)) == (digest.sha256_hex(data), len(data))


def test_pack_digest_does_not_depend_on_the_order_files_are_listed() -> None:
    files = {"b.rules": "1" * 64, "pack.yaml": "2" * 64, "a.rules": "3" * 64}
    assert digest.pack_digest(files) == digest.pack_digest(dict(reversed(files.items())))
    assert digest.pack_digest(files) != digest.pack_digest({**files, "a.rules": "4" * 64})


def test_a_signature_verifies_with_its_key_and_is_deterministic(
    key_pair: tuple[keys.PrivateKey, keys.PublicKey],
) -> None:
    private, public = key_pair
    document = signature.sign(private, b"manifest bytes", "bundle manifest")
    assert document == signature.sign(private, b"manifest bytes", "bundle manifest")
    parsed = signature.read_signature(document, "sig.json")
    verdict = signature.verify(parsed, b"manifest bytes", "bundle manifest", [public])
    assert verdict.valid, verdict.reason
    assert verdict.key_id == public.key_id


@settings(max_examples=40, deadline=None)
@given(payload=st.binary(max_size=64), flip=st.integers(min_value=0, max_value=63))
def test_any_changed_byte_of_the_payload_is_caught(payload: bytes, flip: int) -> None:
    private = keys.PrivateKey(Ed25519PrivateKey.generate(), "k")
    parsed = signature.read_signature(signature.sign(private, payload, "s"), "sig")
    altered = bytearray(payload + b"x")
    altered[flip % len(altered)] ^= 0x01
    verdict = signature.verify(parsed, bytes(altered), "s", [private.public])
    assert not verdict.valid
    assert "changed" in verdict.reason


def test_an_altered_signature_an_untrusted_key_and_another_subject_are_refused(
    key_pair: tuple[keys.PrivateKey, keys.PublicKey],
) -> None:
    private, public = key_pair
    document = json.loads(signature.sign(private, b"p", "pack a"))
    raw = bytearray(signature.read_signature(json.dumps(document), "s").signature)
    raw[0] ^= 0xFF
    import base64

    document["signature"] = base64.b64encode(bytes(raw)).decode()
    tampered = signature.read_signature(json.dumps(document), "s")
    assert "not valid" in signature.verify(tampered, b"p", "pack a", [public]).reason
    good = signature.read_signature(signature.sign(private, b"p", "pack a"), "s")
    stranger = keys.PrivateKey(Ed25519PrivateKey.generate(), "other").public
    assert "not a trusted key" in signature.verify(good, b"p", "pack a", [stranger]).reason
    assert "signed for 'pack a'" in signature.verify(good, b"p", "pack b", [public]).reason


def test_a_malformed_signature_document_is_positioned() -> None:
    with pytest.raises(TrustError) as caught:
        signature.read_signature('{\n  "format": }', "pack.sig")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == codes.SIGNATURE
    assert diagnostic.span is not None
    assert (diagnostic.span.file, diagnostic.span.line) == ("pack.sig", 2)


def _pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined,no-any-return]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"hello", "not a private key file"),
        (_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)), "an RSA key"),
        (_pem(ec.generate_private_key(ec.SECP256R1())), "an ECDSA key"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "cannot read"),
    ],
)
def test_unknown_key_formats_are_clear_errors(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "bad.key").write_bytes(content)
    with pytest.raises(TrustError) as caught:
        keys.load_private_key(tmp_path / "bad.key")
    assert words in str(caught.value)
    assert caught.value.diagnostics[0].code == codes.KEY


def test_an_encrypted_key_needs_the_passphrase_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Ed25519PrivateKey.generate()
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    (tmp_path / "e.key").write_bytes(encrypted)
    monkeypatch.delenv(keys.PASSPHRASE_VARIABLE, raising=False)
    with pytest.raises(TrustError, match=keys.PASSPHRASE_VARIABLE):
        keys.load_private_key(tmp_path / "e.key")
    monkeypatch.setenv(keys.PASSPHRASE_VARIABLE, "s3cret")
    assert keys.load_private_key(tmp_path / "e.key").public.key_id.startswith("ed25519:")


def test_openssh_keys_are_read(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    (tmp_path / "id").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "id.pub").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        + b" someone@example\n"
    )
    private = keys.load_private_key(tmp_path / "id")
    assert private.public.key_id == keys.load_public_key(tmp_path / "id.pub").key_id


def test_keys_generate_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    result = _cli("keys", "generate", "acme", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    key_id = keys.load_public_key(tmp_path / "acme.pub").key_id
    assert key_id in result.stdout
    assert stat.S_IMODE((tmp_path / "acme.key").stat().st_mode) == 0o600
    assert keys.load_private_key(tmp_path / "acme.key").public.key_id == key_id
    assert _cli("keys", "id", "acme.pub", cwd=tmp_path).stdout.strip() == key_id

    again = _cli("keys", "generate", "acme", cwd=tmp_path)
    assert again.returncode == 2
    assert "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert keys.load_public_key(tmp_path / "acme.pub").key_id == key_id  # kept


def test_keys_id_of_a_file_that_is_no_key_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.pub").write_text("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ nothing\n")
    result = _cli("keys", "id", "x.pub", cwd=tmp_path)
    assert result.returncode == 2
    assert "x.pub:1:1" in result.stderr
    assert "Traceback" not in result.stderr
