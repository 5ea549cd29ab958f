"""Hostile bundles: each a clear error naming what is wrong, exit 2, and nothing written
anywhere — a bundle is read from the zip, never extracted."""

from __future__ import annotations

import os
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.bundles import AS_OF, DECLARATION, write_pack
from helpers.cli import run
from licensecheck import codes
from licensecheck.api.trust import create_bundle
from licensecheck.bundle.archive import BundleLimits
from licensecheck.bundle.verify import verify_bundle
from licensecheck.errors import TrustError

MANIFEST = b'{\n  "format": "licensecheck-bundle-manifest/1",\n  "members": []\n}\n'


def _zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: they are the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in members:
                archive.writestr(info, data)
    return path


def _everything_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _refused(bundle: Path, *fragments: str) -> None:
    """``bundle verify`` exits 2 naming the problem, writes no file, prints no traceback."""
    before = _everything_under(bundle.parent.parent)
    code, out, err = run("bundle", "verify", bundle)
    assert code == 2, out + err
    message = err.split(": error: ", 1)[1]  # the path before it holds the test's name
    for fragment in fragments:
        assert fragment in message, err
    assert _everything_under(bundle.parent.parent) == before


@pytest.fixture
def where(tmp_path: Path) -> Path:
    folder = tmp_path / "in" / "here"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../x", "'..'"),
        ("evidence/a/../../../x", "'..'"),
        ("/etc/passwd", "an absolute path"),
        ("evidence\\..\\..\\x", "a backslash"),
        ("C:/Windows/x", "a drive letter"),
        ("c:x", "a drive letter"),
        ("evidence//x", "empty path segment"),
    ],
)
def test_member_names_that_could_leave_a_folder_are_refused(
    where: Path, name: str, why: str
) -> None:
    shown = name.replace("\\", "\\\\")  # messages quote names as Python does
    _refused(_zip(where / "b.zip", [("manifest.json", MANIFEST), (name, b"x")]), shown, why)


def test_a_symbolic_link_member_is_refused(where: Path) -> None:
    link = zipfile.ZipInfo("evidence/a/link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _refused(
        _zip(where / "b.zip", [("manifest.json", MANIFEST), (link, b"/etc/passwd")]),
        "a symbolic link",
    )


def test_a_duplicate_member_is_refused(where: Path) -> None:
    bundle = _zip(where / "b.zip", [("manifest.json", MANIFEST), ("manifest.json", MANIFEST)])
    _refused(bundle, "'manifest.json' appears twice")


def test_a_folder_member_is_refused(where: Path) -> None:
    _refused(
        _zip(where / "b.zip", [("manifest.json", MANIFEST), ("evidence/", b"")]), "a folder entry"
    )


def test_an_encrypted_member_is_refused(where: Path) -> None:
    bundle = _zip(where / "b.zip", [("manifest.json", MANIFEST)])
    raw = bytearray(bundle.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.index(signature)
        raw[at + flags_at] |= 0x1
    bundle.write_bytes(bytes(raw))
    _refused(bundle, "'manifest.json': encrypted")


def test_a_zip_bomb_by_compression_ratio_is_refused_unread(where: Path) -> None:
    bomb = _zip(
        where / "b.zip", [("manifest.json", MANIFEST), ("report/report.html", bytes(8 << 20))]
    )
    assert bomb.stat().st_size < 100_000
    _refused(bomb, "report/report.html", "a zip bomb")


@pytest.mark.parametrize(
    ("limits", "fragment"),
    [
        (BundleLimits(member_bytes=1000), "more than 1000"),
        (BundleLimits(total_bytes=1100), "add up to more than 1100 bytes"),
        (BundleLimits(members=2), "3 members: more than the 2"),
        (BundleLimits(document_bytes=10), "more than 10 for a document"),
    ],
)
def test_sizes_and_counts_over_the_bounds_are_refused(
    where: Path, limits: BundleLimits, fragment: str
) -> None:
    """The bounds are checked from the zip's directory, before any member is read (here
    lowered, so that a test need not write gigabytes)."""
    random = os.urandom(1200)  # does not compress: only the bounds can refuse it
    bundle = _zip(where / "b.zip", [("manifest.json", MANIFEST), ("a", random), ("b", b"")])
    with pytest.raises(TrustError) as caught:
        verify_bundle(bundle, limits=limits)
    assert caught.value.diagnostics[0].code == codes.BUNDLE
    assert fragment in caught.value.diagnostics[0].message


def test_a_member_longer_than_its_header_says_is_named_as_damaged(
    where: Path, tmp_path: Path
) -> None:
    """The sizes in both headers lowered under the member's real length: reading stops at
    the declared size and the member is named, never read past it."""
    bundle = _zip(where / "b.zip", [("manifest.json", MANIFEST)])
    raw = bytearray(bundle.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.index(signature) + size_at
        (size,) = struct.unpack("<I", raw[at : at + 4])
        raw[at : at + 4] = struct.pack("<I", size - 10)
    bundle.write_bytes(bytes(raw))
    code, out, err = run("bundle", "verify", bundle)
    assert code == 1, out + err
    assert "damaged: manifest.json" in out


def test_a_file_that_is_not_a_zip_is_refused(where: Path) -> None:
    (where / "b.zip").write_text(DECLARATION, encoding="utf-8")
    _refused(where / "b.zip", "is not a zip file")


def test_a_zip_without_a_manifest_is_refused(where: Path) -> None:
    _refused(_zip(where / "b.zip", [("pack.json", b"{}")]), "no manifest.json")
    with pytest.raises(TrustError) as caught:
        verify_bundle(where / "b.zip")
    assert caught.value.diagnostics[0].code == codes.BUNDLE


def test_a_folder_or_a_missing_file_is_refused(where: Path) -> None:
    code, _, err = run("bundle", "verify", where)
    assert code == 2 and "is a directory" in err
    code, _, err = run("bundle", "verify", where / "absent.zip")
    assert code == 2 and "cannot read bundle" in err


@pytest.mark.parametrize("kind", ["rsa", "text", "empty"])
def test_keys_of_unknown_formats_are_refused(tmp_path: Path, kind: str) -> None:
    write_pack(tmp_path / "packs" / "tiny")
    (tmp_path / "firm.yaml").write_text(DECLARATION, encoding="utf-8")
    bundle = tmp_path / "b.zip"
    create_bundle(tmp_path / "firm.yaml", tmp_path / "packs" / "tiny", bundle, as_of=AS_OF)
    key = tmp_path / "k.pub"
    if kind == "rsa":
        public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        key.write_bytes(
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    else:
        key.write_text("not a key\n" if kind == "text" else "", encoding="utf-8")
    code, _, err = run("bundle", "verify", bundle, "--key", key)
    assert code == 2
    assert "k.pub" in err
    code, _, err = run(
        "bundle", "create", tmp_path / "firm.yaml", "--pack", tmp_path / "packs" / "tiny",
        "--sign", key, "-o", tmp_path / "c.zip",
    )  # fmt: skip
    assert code == 2 and "k.pub" in err
    assert not (tmp_path / "c.zip").exists()


def test_a_fifo_is_refused_without_blocking(where: Path) -> None:
    os.mkfifo(where / "b.zip")
    with pytest.raises(TrustError) as caught:
        verify_bundle(where / "b.zip")
    assert "not a regular file" in caught.value.diagnostics[0].message
