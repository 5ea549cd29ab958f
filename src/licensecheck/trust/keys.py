"""ed25519 keys: generate a pair, read key files, sign and verify bytes.

Input: key files in the formats ``cryptography`` reads — PEM (PKCS#8 ``PRIVATE KEY``,
``PUBLIC KEY``) and OpenSSH (``OPENSSH PRIVATE KEY``, ``ssh-ed25519 AAAA…``). Output: key
objects, signatures, and a key id (``ed25519:`` + the first 16 hex digits of the sha256 of the
raw public key) that names a key in messages, signature files and trusted-key lists.

Only ed25519 is accepted: one algorithm, no parameters to get wrong, deterministic signatures
(the same manifest signed twice gives the same bytes, so a signed bundle is reproducible). A
key of another type, an encrypted key without ``LICENSECHECK_KEY_PASSPHRASE``, or a file that
is no key at all is a :class:`~licensecheck.errors.TrustError` naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .. import codes
from ..errors import Diagnostic, Span, TrustError
from ..output import record_input
from .digest import sha256_hex

#: A key file is a few hundred bytes; anything much larger is not one.
MAX_KEY_FILE_BYTES = 64 * 1024
#: Where an encrypted private key's passphrase is read from (never from the command line).
PASSPHRASE_VARIABLE = "LICENSECHECK_KEY_PASSPHRASE"


@dataclass(frozen=True)
class PrivateKey:
    key: Ed25519PrivateKey
    source: str

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key.public_key(), self.source)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey
    source: str

    @property
    def key_id(self) -> str:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "ed25519:" + sha256_hex(raw)[:16]

    def verifies(self, data: bytes, signature: bytes) -> bool:
        try:
            self.key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def pem(self) -> bytes:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def generate() -> tuple[bytes, bytes]:
    """A new key pair as (private PEM, public PEM); the private key is not encrypted — the
    caller writes it readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, PublicKey(key.public_key(), "").pem()


def load_private_key(path: str | os.PathLike[str]) -> PrivateKey:
    data, shown = _read_key_file(path)
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    password = passphrase.encode("utf-8") if passphrase else None
    key: object
    try:
        if b"OPENSSH PRIVATE KEY" in data:
            key = serialization.load_ssh_private_key(data, password)
        else:
            key = serialization.load_pem_private_key(data, password)
    except TypeError:
        raise _key_error(
            shown,
            f"the private key is encrypted: set {PASSPHRASE_VARIABLE} to its passphrase"
            if password is None
            else "the private key is not encrypted, but a passphrase was given",
        ) from None
    except (ValueError, UnicodeError) as exc:
        raise _key_error(shown, _why_unreadable(data, exc, "private")) from None
    except Exception as exc:  # an algorithm this OpenSSL build does not know
        raise _key_error(shown, f"not a private key licensecheck can read ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _key_error(shown, f"an {_algorithm(key)} key; licensecheck signs with ed25519 only")
    return PrivateKey(key, shown)


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    data, shown = _read_key_file(path)
    key: object
    try:
        if data.lstrip().startswith(b"ssh-"):
            key = serialization.load_ssh_public_key(data.strip())
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, UnicodeError) as exc:
        raise _key_error(shown, _why_unreadable(data, exc, "public")) from None
    except Exception as exc:  # an algorithm this OpenSSL build does not know
        raise _key_error(shown, f"not a public key licensecheck can read ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise _key_error(shown, f"an {_algorithm(key)} key; licensecheck verifies ed25519 only")
    return PublicKey(key, shown)


def _read_key_file(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    shown = os.fsdecode(path)
    record_input(path)  # so that no output of this command replaces the key
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise TrustError(
            Diagnostic(codes.IO, f"cannot read key {shown}: {exc.strerror or exc}")
        ) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise _key_error(shown, f"larger than {MAX_KEY_FILE_BYTES} bytes: not a key file")
    return data, shown


def _why_unreadable(data: bytes, exc: Exception, kind: str) -> str:
    if b"-----BEGIN" not in data and not data.lstrip().startswith(b"ssh-"):
        return f"not a {kind} key file: expected PEM (-----BEGIN …) or OpenSSH (ssh-ed25519 …) text"
    return f"cannot read the {kind} key: {exc}"


def _algorithm(key: object) -> str:
    kinds = (
        ((rsa.RSAPrivateKey, rsa.RSAPublicKey), "RSA"),
        ((ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey), "ECDSA"),
        ((dsa.DSAPrivateKey, dsa.DSAPublicKey), "DSA"),
        ((ed448.Ed448PrivateKey, ed448.Ed448PublicKey), "Ed448"),
    )
    return next((name for types, name in kinds if isinstance(key, types)), "unknown-type")


def _key_error(shown: str, message: str) -> TrustError:
    return TrustError(Diagnostic(codes.KEY, message, Span(shown, 1, 1)))


def key_file_names(prefix: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Where ``keys generate PREFIX`` writes: ``PREFIX.key`` (secret) and ``PREFIX.pub``."""
    base = Path(prefix)
    return base.with_name(base.name + ".key"), base.with_name(base.name + ".pub")
