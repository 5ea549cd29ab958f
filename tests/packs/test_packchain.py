"""The pack supply chain: licensecheck.lock, signed packs, --require-signed, packs list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.cli import run
from licensecheck import codes
from licensecheck.errors import TrustError
from licensecheck.packs.contents import folder_files as pack_files
from licensecheck.packs.lock import LockedPack, read_lock, render_lock
from licensecheck.trust import keys
from licensecheck.trust.digest import pack_digest

TEMPLATE = Path(__file__).parents[2] / "docs" / "templates" / "pack-distribution"
PACK = "acme-credit"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding the template's pack (extends the bundled starter pack)."""
    shutil.copytree(TEMPLATE / "acme_packs" / PACK, tmp_path / "packs" / PACK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def key_files(project: Path) -> tuple[Path, Path]:
    private_pem, public_pem = keys.generate()
    (project / "release.key").write_bytes(private_pem)
    (project / "release.pub").write_bytes(public_pem)
    return project / "release.key", project / "release.pub"


def lc(*args: str | Path) -> tuple[int, str, str]:
    return run("--no-config", *args)


def explain(*extra: str | Path) -> tuple[int, str, str]:
    """A command that loads the pack (and its parent) by id from the pack path."""
    return lc("explain", "AC-CLI-001", "--pack", PACK, "--pack-path", "packs", *extra)


# ---------------------------------------------------------------- the lock


def test_lock_pins_the_pack_and_its_parent_and_is_reproducible(project: Path) -> None:
    code, _, err = lc("packs", "lock", PACK, "--pack-path", "packs")
    assert code == 0, err
    first = (project / "licensecheck.lock").read_bytes()
    lock = read_lock(project / "licensecheck.lock")
    assert sorted(lock.packs) == [PACK, "starter"]
    assert lock.packs[PACK].source == f"path packs/{PACK}"
    assert lock.packs["starter"].source == "bundled"
    assert lock.packs[PACK].files == pack_files(project / "packs" / PACK)
    assert lock.packs[PACK].version == "1.0.0"
    assert lc("packs", "lock", PACK, "--pack-path", "packs")[0] == 0
    assert (project / "licensecheck.lock").read_bytes() == first
    assert explain()[0] == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda pack: _edit(pack / "main.rules", "medium", "high"), "changed main.rules"),
        (lambda pack: (pack / "extra.rules").write_text("# new\n"), "added extra.rules"),
        (lambda pack: (pack / "tests" / "pass.yaml").unlink(), "removed tests/pass.yaml"),
    ],
)
def test_a_pack_that_differs_from_the_lock_is_refused_naming_the_files(
    project: Path, change: object, named: str
) -> None:
    assert lc("packs", "lock", PACK, "--pack-path", "packs")[0] == 0
    change(project / "packs" / PACK)  # type: ignore[operator]
    code, out, err = explain()
    assert code == 2 and out == ""
    assert f"licensecheck.lock:6:1: error: pack {PACK} at packs/{PACK} differs" in err
    assert named in err and "Traceback" not in err
    assert explain("--no-lock")[0] == 0


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_a_locked_bundled_parent_that_differs_is_refused(project: Path) -> None:
    """The lock pins the packs a pack extends too: a starter pack of other content (here a
    copy on the pack path, found before the bundled one) is refused."""
    assert lc("packs", "lock", PACK, "--pack-path", "packs")[0] == 0
    from licensecheck.resources import policies_dir

    shutil.copytree(policies_dir() / "starter", project / "packs" / "starter")
    assert explain()[0] == 0  # the same files: the same digest, whatever the folder
    with (project / "packs" / "starter" / "pack.yaml").open("a") as stream:
        stream.write("# edited\n")
    code, _, err = explain()
    assert code == 2 and "pack starter at packs/starter differs" in err
    assert "changed pack.yaml" in err


def test_the_lock_beside_the_configuration_applies_in_subfolders(project: Path) -> None:
    (project / "licensecheck.toml").write_text('pack-path = ["packs"]\n')
    assert run("packs", "lock", PACK)[0] == 0
    (project / "packs" / PACK / "main.rules").write_text("# emptied\n")
    sub = project / "clients"
    sub.mkdir()
    import os

    os.chdir(sub)
    code, _, err = run("explain", "AC-CLI-001", "--pack", PACK)
    assert code == 2 and "differs from licensecheck.lock: changed main.rules" in err


def test_locking_another_pack_keeps_the_entries_already_there(project: Path) -> None:
    assert lc("packs", "lock", PACK, "--pack-path", "packs")[0] == 0
    assert lc("packs", "lock", "cn-personal-information")[0] == 0
    locked = read_lock(project / "licensecheck.lock").packs
    assert {PACK, "starter", "cn-personal-information"} <= set(locked)


def test_lock_with_no_pack_named_is_a_usage_error(project: Path) -> None:
    code, _, err = lc("packs", "lock")
    assert code == 2 and "no pack to lock" in err


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("lock-version = 1\n[[pack]\n", ":2:", "invalid TOML"),
        ("lock-version = 7\n", ":1:", "lock-version must be 1"),
        ('lock-version = 1\n\n[[pack]]\nid = "x"\n', ":3:", "needs text values"),
        (
            'lock-version = 1\n\n[[pack]]\nid = "x"\nversion = "1.0.0"\nsource = "bundled"\n'
            'digest = "sha256:00"\n[pack.files]\n"a" = "b"\n',
            ":3:",
            "its digest is not that of its files",
        ),
    ],
)
def test_a_malformed_lock_is_an_error_at_its_line(
    project: Path, text: str, where: str, words: str
) -> None:
    (project / "licensecheck.lock").write_text(text)
    code, _, err = explain()
    assert code == 2 and f"licensecheck.lock{where}" in err and words in err
    assert "Traceback" not in err
    with pytest.raises(TrustError) as caught:
        read_lock(project / "licensecheck.lock")
    assert caught.value.diagnostics[0].code == codes.PACK_LOCK


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20),
        st.text("0123456789abcdef", min_size=64, max_size=64),
        min_size=1,
        max_size=6,
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
def test_a_rendered_lock_reads_back_the_same(files: dict[str, str], source: str) -> None:
    import tempfile

    entry = LockedPack("p", "1.0.0", source, "sha256:" + pack_digest(files), files)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "licensecheck.lock"
        path.write_text(render_lock([entry]), encoding="utf-8")
        back = read_lock(path).packs["p"]
    assert (back.files, back.source, back.digest) == (files, source, entry.digest)


# ---------------------------------------------------------------- signatures


def test_sign_then_verify(project: Path, key_files: tuple[Path, Path]) -> None:
    private, public = key_files
    code, out, err = lc("packs", "sign", f"packs/{PACK}", "--key", private)
    assert code == 0, err
    key_id = keys.load_public_key(public).key_id
    assert f"signed by {key_id}" in out
    assert {"pack.sig", "pack.sha256"} <= {p.name for p in (project / "packs" / PACK).iterdir()}
    # signing adds no file the digest covers: a lock made before signing still holds
    assert "pack.sig" not in pack_files(project / "packs" / PACK)
    code, out, _ = lc("packs", "verify", f"packs/{PACK}", "--key", public)
    assert code == 0 and f"signed by {key_id}" in out
    assert explain("--require-signed", "--trusted-key", public)[0] == 0


def test_a_tampered_signed_pack_is_refused_naming_the_changed_file(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    private, public = key_files
    assert lc("packs", "sign", f"packs/{PACK}", "--key", private)[0] == 0
    _edit(project / "packs" / PACK / "main.rules", "severity: medium", "severity: low")
    code, out, err = explain("--require-signed", "--trusted-key", public)
    assert code == 2 and out == ""
    assert f"packs/{PACK}/pack.yaml:1:1: error: --require-signed: pack {PACK} is refused" in err
    assert "changed since it was signed: changed main.rules" in err
    code, _, err = lc("packs", "verify", f"packs/{PACK}", "--key", public)
    assert code == 2 and "changed main.rules" in err
    # a listing edited to match cannot name files it was not signed with
    listing = project / "packs" / PACK / "pack.sha256"
    listing.write_text(listing.read_text() + "extra\t" + "0" * 64 + "\n")
    code, _, err = lc("packs", "verify", f"packs/{PACK}", "--key", public)
    assert code == 2 and "pack.sha256 does not match the signature either" in err


def test_an_unsigned_pack_is_refused_under_require_signed(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    code, out, err = explain("--require-signed", "--trusted-key", key_files[1])
    assert code == 2 and out == ""
    assert f"pack {PACK} is refused: {PACK} has no pack.sig" in err
    assert "packs sign" in err  # the hint
    assert explain()[0] == 0  # without --require-signed an unsigned pack loads


def test_a_pack_signed_by_another_key_is_untrusted(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    assert lc("packs", "sign", f"packs/{PACK}", "--key", key_files[0])[0] == 0
    _, other = keys.generate()
    (project / "other.pub").write_bytes(other)
    code, _, err = explain("--require-signed", "--trusted-key", project / "other.pub")
    assert code == 2 and "which is not a trusted key" in err and "--trusted-key" in err


def test_require_signed_needs_a_trusted_key_and_spares_bundled_packs(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    code, _, err = explain("--require-signed")
    assert code == 2 and "needs at least one --trusted-key" in err
    code, _, err = lc(
        "explain", "ST-LIC-001", "--pack", "starter", "--require-signed", "--trusted-key",
        key_files[1],
    )  # fmt: skip
    assert code == 0, err


def test_require_signed_and_trusted_keys_from_the_configuration(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    (project / "licensecheck.toml").write_text(
        'pack-path = ["packs"]\nrequire-signed = true\ntrusted-keys = ["release.pub"]\n'
    )
    code, _, err = run("explain", "AC-CLI-001", "--pack", PACK)
    assert code == 2 and "has no pack.sig" in err
    assert run("packs", "sign", PACK, "--key", key_files[0])[0] == 0
    code, _, err = run("explain", "AC-CLI-001", "--pack", PACK)
    assert code == 0, err


def test_a_malformed_signature_is_named(project: Path, key_files: tuple[Path, Path]) -> None:
    (project / "packs" / PACK / "pack.sig").write_text("{not json")
    code, _, err = lc("packs", "verify", f"packs/{PACK}", "--key", key_files[1])
    assert code == 2 and "malformed signature: not JSON" in err


# ---------------------------------------------------------------- packs list


def test_packs_list_shows_source_digest_and_signature(
    project: Path, key_files: tuple[Path, Path]
) -> None:
    assert lc("packs", "sign", f"packs/{PACK}", "--key", key_files[0])[0] == 0
    code, out, _ = lc("packs", "list", "--format", "json", "--pack-path", "packs")
    assert code == 0
    listed = {p["id"]: p for p in json.loads(out)}
    assert listed["starter"]["source"] == "bundled"
    assert listed["starter"]["signature"] == "unsigned"
    acme = listed[PACK]
    assert acme["source"] == f"path packs/{PACK}"
    assert acme["digest"] == "sha256:" + pack_digest(pack_files(project / "packs" / PACK))
    assert acme["signature"] == "untrusted"  # no --trusted-key given
    _, out, _ = lc(
        "packs", "list", "--format", "json", "--pack-path", "packs", "--trusted-key", key_files[1]
    )
    assert {p["id"]: p for p in json.loads(out)}[PACK]["signature"] == "valid"
    (project / "packs" / PACK / "main.rules").write_text("# emptied\n")
    code, out, _ = lc("packs", "list", "--pack-path", "packs", "--trusted-key", key_files[1])
    line = next(line for line in out.splitlines() if line.startswith(PACK))
    assert code == 0 and f"[path packs/{PACK}]" in line and line.endswith("[altered]")


def test_a_link_out_of_the_pack_is_hashed_as_a_link_never_followed(project: Path) -> None:
    pack = project / "packs" / PACK
    secret = project / "secret.txt"
    secret.write_text("outside the pack\n")
    (pack / "notes.txt").symlink_to(secret)
    before = pack_files(pack)
    secret.write_text("changed outside the pack\n")
    assert pack_files(pack) == before  # the outside file's content is never read
    (pack / "notes.txt").unlink()
    (pack / "notes.txt").symlink_to(project / "elsewhere.txt")
    assert pack_files(pack)["notes.txt"] != before["notes.txt"]  # a re-pointed link is a change


def test_lock_all_and_the_configured_pack(project: Path) -> None:
    (project / "licensecheck.toml").write_text(f'pack = "{PACK}"\npack-path = ["packs"]\n')
    code, _, err = run("packs", "lock")
    assert code == 0, err
    assert sorted(read_lock(project / "licensecheck.lock").packs) == [PACK, "starter"]
    code, _, err = lc("packs", "lock", "--all", "--pack-path", "packs")
    assert code == 0, err
    locked = read_lock(project / "licensecheck.lock").packs
    from licensecheck.packs.loader import bundled_pack_ids

    assert set(locked) == {PACK, *bundled_pack_ids()}


def test_packs_diff_reviews_an_update_the_lock_would_refuse(project: Path) -> None:
    """packs diff and impact are how an update is reviewed before it is locked: they compare
    packs as they are."""
    shutil.copytree(project / "packs" / PACK, project / "reviewed" / PACK)
    assert lc("packs", "lock", PACK, "--pack-path", "packs")[0] == 0
    _edit(project / "packs" / PACK / "main.rules", "severity: medium", "severity: high")
    assert explain()[0] == 2
    code, out, err = lc("packs", "diff", f"reviewed/{PACK}", f"packs/{PACK}")
    assert code == 1, err
    assert "AC-CLI-001" in out and "high" in out


def test_a_trusted_key_that_is_not_an_ed25519_key_is_a_clear_error(project: Path) -> None:
    (project / "notakey.pub").write_text("hello\n")
    code, _, err = explain("--require-signed", "--trusted-key", "notakey.pub")
    assert code == 2 and "notakey.pub:1:1: error: not a public key file" in err
    assert "Traceback" not in err
