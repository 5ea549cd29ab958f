"""Evidence in submission bundles: each local evidence file bundled as evidence/<id>/<name>,
checked on verify against the sha256 the declaration pins; paths confined as `evidence`
confines them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from helpers.bundles import AS_OF, DECLARATION, members_of, rebuild, write_pack
from helpers.cli import run
from licensecheck.api import prepare_pack
from licensecheck.api.trust import create_bundle, verify_bundle


def _declare(folder: Path, entries: str) -> Path:
    declaration = folder / "firm.yaml"
    declaration.write_text(DECLARATION + "evidence:\n" + entries, encoding="utf-8")
    return declaration


def _entry(entry_id: str, path: str, data: bytes | None = None) -> str:
    pin = f"    sha256: {hashlib.sha256(data).hexdigest()}\n" if data is not None else ""
    return f"  - id: {entry_id}\n    kind: contract\n    path: {path}\n{pin}    covers: [company]\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_pack(tmp_path / "packs" / "tiny")
    (tmp_path / "firm").mkdir()
    return tmp_path / "firm"


def _pack(folder: Path) -> Path:
    return folder.parent / "packs" / "tiny"


def test_evidence_files_are_bundled_and_verified(folder: Path) -> None:
    contract = os.urandom(3 << 20)  # several chunks, streamed in and hashed on the way
    (folder / "docs").mkdir()
    (folder / "docs" / "contract.pdf").write_bytes(contract)
    declaration = _declare(
        folder,
        _entry("ev-contract", "docs/contract.pdf", contract)
        + "  - id: ev-register\n    kind: licence\n    uri: https://example.org/register/1\n",
    )
    bundle = folder.parent / "b.zip"
    create_bundle(declaration, _pack(folder), bundle, as_of=AS_OF)
    members = dict(members_of(bundle))
    assert members["evidence/ev-contract/contract.pdf"] == contract
    assert not any("ev-register" in name for name in members)  # a uri is never fetched
    result = verify_bundle(bundle, pack=_pack(folder))
    assert result.verified, result.problems


def test_missing_and_altered_evidence_is_said_on_create_and_named_on_verify(
    folder: Path,
) -> None:
    (folder / "policy.pdf").write_bytes(b"the policy, edited since it was pinned")
    declaration = _declare(
        folder,
        _entry("ev-gone", "gone.pdf", b"x") + _entry("ev-policy", "policy.pdf", b"the policy"),
    )
    bundle = folder.parent / "b.zip"
    code, _, err = run(
        "bundle", "create", declaration, "--pack", _pack(folder), "--as-of", AS_OF, "-o", bundle
    )
    assert code == 0, err
    assert "evidence 'ev-gone' is missing: not bundled" in err
    assert "evidence 'ev-policy' is altered: bundled as it is" in err
    problems = {p.subject: p.message for p in verify_bundle(bundle, pack=_pack(folder)).problems}
    assert problems["ev-gone"] == "evidence 'ev-gone' (gone.pdf) is not in the bundle"
    assert "the bundled evidence/ev-policy/policy.pdf has sha256" in problems["ev-policy"]
    assert hashlib.sha256(b"the policy").hexdigest() in problems["ev-policy"]


@pytest.mark.parametrize("how", ["climbs", "absolute", "link"])
def test_evidence_outside_the_declarations_folder_is_refused(folder: Path, how: str) -> None:
    secret = folder.parent / "secret.txt"
    secret.write_text("not for the bundle", encoding="utf-8")
    if how == "link":
        (folder / "innocent.pdf").symlink_to(secret)
    path = {"climbs": "../secret.txt", "absolute": str(secret), "link": "innocent.pdf"}[how]
    declaration = _declare(folder, _entry("ev-1", path))
    bundle = folder.parent / "b.zip"
    code, _, err = run("bundle", "create", declaration, "--pack", _pack(folder), "-o", bundle)
    assert code == 2
    assert f"{declaration}:" in err and "evidence path" in err
    assert not bundle.exists()
    if how == "absolute":
        return  # an absolute path is refused even under --evidence-root
    # allowed with --evidence-root: then it is bundled like any other
    code, _, err = run(
        "bundle", "create", declaration, "--pack", _pack(folder), "-o", bundle,
        "--evidence-root", folder.parent, "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    assert dict(members_of(bundle))[f"evidence/ev-1/{Path(path).name}"] == secret.read_bytes()


def test_an_evidence_id_that_cannot_name_a_member_is_refused(folder: Path) -> None:
    (folder / "a.pdf").write_bytes(b"a")
    declaration = _declare(folder, _entry("../../x", "a.pdf"))
    code, _, err = run(
        "bundle", "create", declaration, "--pack", _pack(folder), "-o", folder / "b.zip"
    )
    assert code == 2
    assert "evidence '../../x' cannot be bundled" in err


def test_verify_takes_a_compiled_pack(folder: Path) -> None:
    """The API's verify reuses a pack compiled once, as well as an id or a folder."""
    declaration = _declare(folder, "  - id: ev-u\n    uri: https://example.org/u\n")
    bundle = folder.parent / "b.zip"
    create_bundle(declaration, _pack(folder), bundle, as_of=AS_OF)
    assert verify_bundle(bundle, pack=prepare_pack(_pack(folder))).verified


PROVEN = """\
rule STAFF-2 {
  title: "Enough staff, proven"
  domain: d
  severity: high
  evidence: required
  require: company.headcount > 1
}
"""


def test_assurance_is_judged_from_the_bundled_evidence_wherever_verify_runs(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule demanding evidence passes at create (the payroll beside the declaration) and
    in verify's re-run, which reads the payroll from the bundle, not from disk; a payroll
    swapped in the bundle (manifest made anew) turns it unknown and is named."""
    pack = write_pack(tmp_path / "packs" / "proven", PROVEN)
    payroll = b"payroll, 5 staff\n"
    (folder / "payroll.txt").write_bytes(payroll)
    declaration = _declare(folder, _entry("ev-payroll", "payroll.txt", payroll))
    bundle = tmp_path / "b.zip"
    created = create_bundle(declaration, pack, bundle, as_of=AS_OF)
    assert created.report.score == 100
    (folder / "payroll.txt").unlink()  # the reviewer has the bundle only
    elsewhere = tmp_path / "reviewer"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert verify_bundle(bundle, pack=pack).verified
    members = members_of(bundle)
    swapped = [(n, b"payroll, 1 staff\n" if n.startswith("evidence/") else d) for n, d in members]
    rebuild(bundle, swapped, remanifest=True)
    problems = {p.subject: p.message for p in verify_bundle(bundle, pack=pack).problems}
    assert (
        problems["rule STAFF-2"]
        == "rule STAFF-2: pass or not applicable in the bundle, unknown now"
    )
    assert "the declaration pins" in problems["ev-payroll"]
