"""Submission bundles: `licensecheck bundle create` and `bundle verify` round trips,
reproducibility, and tampering detected and named."""

from __future__ import annotations

import json
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.bundles import AS_OF, DECLARATION, members_of, rebuild, replaced, write_pack
from helpers.cli import run
from licensecheck.api import prepare_pack
from licensecheck.api.trust import create_bundle, verify_bundle
from licensecheck.bundle.layout import MANIFEST
from licensecheck.engine.compile import CompiledPack
from licensecheck.trust import keys

ORDER = [
    "pack.json",
    "declaration/firm.yaml",
    "report/report.html",
    "report/report.json",
    "manifest.json",
    "manifest.sig",
]


@pytest.fixture
def firm(tmp_path: Path) -> dict[str, Path]:
    """A pack on a pack path, a declaration, a key pair and where the bundle goes."""
    packs = tmp_path / "packs"
    write_pack(packs / "tiny")
    declaration = tmp_path / "firm" / "firm.yaml"
    declaration.parent.mkdir()
    declaration.write_text(DECLARATION, encoding="utf-8")
    private_pem, public_pem = keys.generate()
    (tmp_path / "k.key").write_bytes(private_pem)
    (tmp_path / "k.pub").write_bytes(public_pem)
    return {
        "packs": packs,
        "pack": packs / "tiny",
        "declaration": declaration,
        "key": tmp_path / "k.key",
        "pub": tmp_path / "k.pub",
        "bundle": tmp_path / "submission.zip",
    }


def _create(firm: dict[str, Path], *, sign: bool = True, as_of: str = AS_OF) -> Path:
    create_bundle(
        firm["declaration"],
        firm["pack"],
        firm["bundle"],
        as_of=as_of,
        sign=firm["key"] if sign else None,
    )
    return firm["bundle"]


def _problem_text(firm: dict[str, Path], pack: CompiledPack, **kwargs: object) -> str:
    result = verify_bundle(firm["bundle"], pack=pack, **kwargs)  # type: ignore[arg-type]
    assert not result.verified
    return "\n".join(f"{p.kind} {p.subject} {p.message}" for p in result.problems)


# ---------------------------------------------------------------- round trip


def test_a_signed_bundle_round_trips_on_the_command_line(firm: dict[str, Path]) -> None:
    code, _, err = run(
        "bundle", "create", firm["declaration"], "--pack", "tiny", "--pack-path", firm["packs"],
        "--as-of", AS_OF, "--sign", firm["key"], "-o", firm["bundle"],
    )  # fmt: skip
    key_id = keys.load_public_key(firm["pub"]).key_id
    assert code == 0, err
    assert f"6 files, score 0, signed by {key_id}" in err
    code, out, err = run(
        "bundle", "verify", firm["bundle"], "--key", firm["pub"], "--pack-path", firm["packs"]
    )
    assert code == 0, out + err
    assert out.startswith(f"{firm['bundle']}: VERIFIED\n")
    assert f"signed by {key_id}, checked" in out
    assert "tiny 1.0.0, assessed on 2026-03-01 (en)" in out
    assert "the bundled report confirmed" in out
    code, out, _ = run(
        "bundle", "verify", firm["bundle"], "--key", firm["pub"], "--pack-path", firm["packs"],
        "--format", "json",
    )  # fmt: skip
    document = json.loads(out)
    assert code == 0
    assert document["verified"] is True
    assert document["signature"] == {"state": "valid", "key_id": key_id}
    assert document["assessment"]["pack_digest"] == document["assessment"]["installed_pack_digest"]


def test_the_bundle_holds_the_declaration_reports_and_pack_facts(firm: dict[str, Path]) -> None:
    members = dict(members_of(_create(firm)))
    assert list(members) == ORDER
    assert members["declaration/firm.yaml"] == DECLARATION.encode()
    facts = json.loads(members["pack.json"])
    assert facts["pack"] == {"id": "tiny", "version": "1.0.0"}
    assert len(facts["pack_digest"]) == 64
    assert (facts["as_of"], facts["lang"]) == (AS_OF, "en")
    report = json.loads(members["report/report.json"])
    # named as the bundle holds it, so that the re-run report is the same byte for byte
    assert report["declaration"] == "declaration/firm.yaml"
    assert report["score"] == 0
    assert b"<html" in members["report/report.html"]
    manifest = json.loads(members[MANIFEST])
    assert [m["path"] for m in manifest["members"]] == sorted(ORDER[:4])
    assert all(m["size"] == len(members[m["path"]]) for m in manifest["members"])


def test_the_same_inputs_give_the_same_bytes(firm: dict[str, Path], tmp_path: Path) -> None:
    first = _create(firm).read_bytes()
    assert _create(firm).read_bytes() == first
    assert _create(firm, as_of="2026-03-02").read_bytes() != first
    with zipfile.ZipFile(firm["bundle"]) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644
            assert (info.extra, info.comment) == (b"", b"")
            assert info.compress_type == zipfile.ZIP_DEFLATED


def test_bundle_create_needs_an_output_file(firm: dict[str, Path]) -> None:
    code, _, err = run("bundle", "create", firm["declaration"], "--pack", firm["pack"])
    assert code == 2
    assert "-o FILE.zip" in err


# ---------------------------------------------------------------- signatures


def test_without_a_key_a_signature_is_reported_not_checked(firm: dict[str, Path]) -> None:
    _create(firm)
    code, out, _ = run("bundle", "verify", firm["bundle"], "--pack", firm["pack"])
    assert code == 0
    assert "NOT checked: pass --key" in out


def test_a_key_demands_a_signature_by_that_key(firm: dict[str, Path], tmp_path: Path) -> None:
    _create(firm, sign=False)
    code, out, _ = run(
        "bundle", "verify", firm["bundle"], "--key", firm["pub"], "--pack", firm["pack"]
    )
    assert code == 1
    assert "not signed, but --key was given" in out
    _create(firm)
    (tmp_path / "other.pub").write_bytes(keys.generate()[1])
    code, out, _ = run(
        "bundle", "verify", firm["bundle"], "--key", tmp_path / "other.pub", "--pack", firm["pack"]
    )
    assert code == 1
    assert "which is not a trusted key" in out


# ---------------------------------------------------------------- tampering


@pytest.fixture
def compiled(firm: dict[str, Path]) -> CompiledPack:
    return prepare_pack(firm["pack"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_of_any_member_is_detected_and_named(
    firm: dict[str, Path], compiled: CompiledPack, data: st.DataObject
) -> None:
    if not firm["bundle"].exists():
        _create(firm)
    pristine = firm["bundle"].with_suffix(".orig")
    if not pristine.exists():
        pristine.write_bytes(firm["bundle"].read_bytes())
    members = members_of(pristine)
    name, content = data.draw(st.sampled_from(members), label="member")
    index = data.draw(st.integers(0, len(content) - 1), label="byte")
    flip = data.draw(st.integers(1, 255), label="xor")
    changed = bytearray(content)
    changed[index] ^= flip
    rebuild(firm["bundle"], replaced(members, name, bytes(changed)))
    assert name in _problem_text(firm, compiled, keys=[firm["pub"]])


@pytest.mark.parametrize("name", ORDER)
def test_a_changed_compressed_byte_is_detected_and_named(
    firm: dict[str, Path], compiled: CompiledPack, name: str
) -> None:
    raw = bytearray(_create(firm).read_bytes())
    with zipfile.ZipFile(firm["bundle"]) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack(
        "<HH", raw[info.header_offset + 26 : info.header_offset + 30]
    )
    data_start = info.header_offset + 30 + name_length + extra_length
    raw[data_start + info.compress_size // 2] ^= 0x55
    firm["bundle"].write_bytes(bytes(raw))
    assert name in _problem_text(firm, compiled, keys=[firm["pub"]])


def test_members_missing_or_extra_are_named(firm: dict[str, Path], compiled: CompiledPack) -> None:
    members = members_of(_create(firm))
    rebuild(
        firm["bundle"],
        [(n, d) for n, d in members if n != "report/report.html"]
        + [("evidence/x/extra.pdf", b"%PDF")],
    )
    problems = _problem_text(firm, compiled)
    assert "missing report/report.html" in problems
    assert "extra evidence/x/extra.pdf" in problems


def test_a_forged_manifest_is_caught_by_the_rerun_which_says_what_differs(
    firm: dict[str, Path], compiled: CompiledPack
) -> None:
    """A declaration edited and the manifest made anew (no key needed): every hash holds, but
    the re-run assessment no longer matches the bundled report, and a key demands a signature."""
    members = members_of(_create(firm))
    edited = DECLARATION.replace("headcount: 5", "headcount: 50").encode()
    rebuild(firm["bundle"], replaced(members, "declaration/firm.yaml", edited), remanifest=True)
    problems = _problem_text(firm, compiled)
    assert "rule STAFF-1: fail in the bundle, pass or not applicable now" in problems
    assert "score: 0 in the bundle, 100 now" in problems
    assert "ready: false in the bundle, true now" in problems
    assert "not signed, but --key was given" in _problem_text(firm, compiled, keys=[firm["pub"]])


def test_a_changed_installed_pack_is_named_with_both_digests(firm: dict[str, Path]) -> None:
    bundle = _create(firm)
    bundled = json.loads(dict(members_of(bundle))["pack.json"])["pack_digest"]
    rules = firm["pack"] / "main.rules"
    rules.write_text(rules.read_text().replace("> 10", "> 3"), encoding="utf-8")
    code, out, _ = run("bundle", "verify", bundle, "--pack", firm["pack"], "--format", "json")
    document = json.loads(out)
    assert code == 1
    installed = document["assessment"]["installed_pack_digest"]
    assert installed != bundled
    messages = [p["message"] for p in document["problems"]]
    assert any(bundled in m and installed in m for m in messages), messages
    assert "rule STAFF-1: fail in the bundle, pass or not applicable now" in messages


def test_a_pack_not_installed_here_is_named(firm: dict[str, Path]) -> None:
    _create(firm)
    code, out, _ = run("bundle", "verify", firm["bundle"])  # no pack path: tiny is nowhere
    assert code == 1
    assert "pack tiny 1.0.0 is not available here" in out


def test_edits_that_keep_the_meaning_of_the_manifest_or_signature_are_named(
    firm: dict[str, Path], compiled: CompiledPack
) -> None:
    members = members_of(_create(firm))
    documents = dict(members)
    spaced = documents[MANIFEST].replace(b'{\n  "format"', b'{\n   "format"', 1)
    rebuild(firm["bundle"], replaced(members, MANIFEST, spaced))
    assert "manifest.json was edited" in _problem_text(firm, compiled)
    signed = documents["manifest.sig"].decode()
    last = signed.index('"signature": "') + len('"signature": "') + 85  # padding bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    padded = signed[:last] + alphabet[alphabet.index(signed[last]) ^ 1] + signed[last + 1 :]
    rebuild(firm["bundle"], replaced(members, "manifest.sig", padded.encode()))
    assert "manifest.sig was edited after it was signed" in _problem_text(
        firm, compiled, keys=[firm["pub"]]
    )


def test_a_chinese_bundle_is_re_run_in_chinese(
    firm: dict[str, Path], compiled: CompiledPack
) -> None:
    create_bundle(firm["declaration"], firm["pack"], firm["bundle"], as_of=AS_OF, lang="zh")
    members = dict(members_of(firm["bundle"]))
    assert json.loads(members["pack.json"])["lang"] == "zh"
    assert json.loads(members["report/report.json"])["lang"] == "zh"
    assert verify_bundle(firm["bundle"], pack=compiled).verified


def test_a_bundle_is_never_written_over_its_declaration(firm: dict[str, Path]) -> None:
    code, _, err = run(
        "bundle", "create", firm["declaration"], "--pack", firm["pack"], "-o", firm["declaration"]
    )
    assert code == 2, err
    assert firm["declaration"].read_text(encoding="utf-8") == DECLARATION


def test_a_report_from_another_version_or_with_other_content_says_which_part(
    firm: dict[str, Path], compiled: CompiledPack
) -> None:
    members = members_of(_create(firm))
    report = json.loads(dict(members)["report/report.json"])
    older = json.dumps({**report, "tool": {**report["tool"], "version": "0.0.1"}}).encode()
    rebuild(firm["bundle"], replaced(members, "report/report.json", older), remanifest=True)
    version = report["tool"]["version"]
    assert f'tool version: "0.0.1" in the bundle, "{version}" now' in _problem_text(firm, compiled)
    renamed = json.dumps({**report, "company": "Other Co"}).encode()
    rebuild(firm["bundle"], replaced(members, "report/report.json", renamed), remanifest=True)
    assert "the report's company differ" in _problem_text(firm, compiled)


def test_a_configured_pack_does_not_replace_the_bundles_own(
    firm: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _create(firm)
    (tmp_path / "licensecheck.toml").write_text('pack = "starter"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("bundle", "verify", firm["bundle"], "--pack-path", firm["packs"])
    assert code == 0, out
    assert "tiny 1.0.0" in out
