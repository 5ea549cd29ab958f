"""``evidence add`` and ``evidence verify`` as users run them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpers.cli import run
from licensecheck.declaration.evidence import evidence_entries
from licensecheck.declaration.loader import load_declaration

DAY = "2026-01-15"
BASE = """# our declaration: comments and layout are ours
schema_version: 1
company:
  name: Acme   # the registered name
data_sources:
  - id: ds-carrier
    kind: purchased
"""


def _folder(tmp_path: Path, text: str = BASE) -> tuple[Path, Path]:
    decl = tmp_path / "decl.yaml"
    decl.write_text(text, encoding="utf-8")
    (tmp_path / "evidence").mkdir()
    contract = tmp_path / "evidence" / "contract.pdf"
    contract.write_bytes(b"%PDF-1.4 a contract\n")
    return decl, contract


def _add(decl: Path, file: Path, *extra: str) -> tuple[int, str, str]:
    return run("evidence", "add", file, decl, *extra)


def test_add_appends_a_list_and_keeps_every_byte_before_it(tmp_path: Path) -> None:
    decl, contract = _folder(tmp_path)
    code, out, _ = _add(
        decl,
        contract,
        "--covers",
        "data_sources[ds-carrier].supplier",
        "--kind",
        "contract",
        "--issued-by",
        "Carrier: Co",
        "--expires-on",
        "2027-01-01",
    )
    assert code == 0 and "added evidence ev-contract" in out
    text = decl.read_text(encoding="utf-8")
    assert text.startswith(BASE)
    (entry,) = evidence_entries(load_declaration(decl))
    assert entry.path == "evidence/contract.pdf" and entry.kind == "contract"
    assert entry.sha256 == hashlib.sha256(contract.read_bytes()).hexdigest()
    assert entry.covers == ("data_sources[ds-carrier].supplier",)
    assert entry.issued_by == "Carrier: Co" and str(entry.expires_on) == "2027-01-01"


def test_add_appends_to_an_existing_list_before_what_follows(tmp_path: Path) -> None:
    text = (
        BASE
        + "evidence:\n- id: ev-old\n  uri: https://docs.example/1\n  covers: [company]\n"
        + "\n# incidents follow\nincidents: []\n"
    )
    decl, contract = _folder(tmp_path, text)
    assert _add(decl, contract, "--covers", "company.name", "--id", "ev-new")[0] == 0
    new = decl.read_text(encoding="utf-8")
    assert new.endswith("\n# incidents follow\nincidents: []\n")
    assert new.startswith(text.split("\n# incidents")[0])
    entries = evidence_entries(load_declaration(decl))
    assert [e.id for e in entries] == ["ev-old", "ev-new"]


def test_add_fills_an_empty_flow_list_and_keeps_crlf(tmp_path: Path) -> None:
    text = (BASE + "evidence: []   # none yet\n").replace("\n", "\r\n")
    decl, contract = _folder(tmp_path)
    decl.write_bytes(text.encode())
    assert _add(decl, contract, "--covers", "company")[0] == 0
    data = decl.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"evidence: # none yet\r\n  - id: ev-contract\r\n" in data
    assert len(evidence_entries(load_declaration(decl))) == 1


def test_repeated_adds_get_distinct_ids(tmp_path: Path) -> None:
    decl, contract = _folder(tmp_path)
    for _ in range(2):
        assert _add(decl, contract, "--covers", "company")[0] == 0
    ids = [e.id for e in evidence_entries(load_declaration(decl))]
    assert ids == ["ev-contract", "ev-contract-2"]
    code, _, err = _add(decl, contract, "--covers", "company", "--id", "ev-contract")
    assert code == 2 and "already an evidence id" in err


@pytest.mark.parametrize(
    ("covers", "said"),
    [
        ("data_sources[ds-carrier].suplier", "did you mean 'data_sources[ds-carrier].supplier'"),
        ("compny.name", "did you mean 'company'"),
        ("company..name", "is not a path"),
    ],
)
def test_add_refuses_a_path_the_schema_does_not_allow(
    tmp_path: Path, covers: str, said: str
) -> None:
    decl, contract = _folder(tmp_path)
    code, _, err = _add(decl, contract, "--covers", covers)
    assert code == 2 and said in err
    assert decl.read_text(encoding="utf-8") == BASE  # untouched


def test_add_refuses_a_file_outside_the_folder_unless_allowed(tmp_path: Path) -> None:
    inner = tmp_path / "firm"
    inner.mkdir()
    decl, _ = _folder(inner)
    outside = tmp_path / "shared.pdf"
    outside.write_bytes(b"shared")
    code, _, err = _add(decl, outside, "--covers", "company")
    assert code == 2 and "leads outside" in err and "Traceback" not in err
    assert decl.read_text(encoding="utf-8") == BASE
    assert _add(decl, outside, "--covers", "company", "--evidence-root", tmp_path)[0] == 0
    (entry,) = evidence_entries(load_declaration(decl))
    assert entry.path == "../shared.pdf"
    assert run("evidence", "verify", decl, "--as-of", DAY)[0] == 2  # refused without the root
    assert run("evidence", "verify", decl, "--as-of", DAY, "--evidence-root", tmp_path)[0] == 0


def test_add_refuses_json_declarations(tmp_path: Path) -> None:
    decl = tmp_path / "decl.json"
    decl.write_text('{"schema_version": 1, "company": {"name": "Acme"}}', encoding="utf-8")
    (tmp_path / "a.txt").write_text("a")
    code, _, err = _add(decl, tmp_path / "a.txt", "--covers", "company")
    assert code == 2 and "YAML" in err


def test_verify_exit_codes_and_table(tmp_path: Path) -> None:
    decl, contract = _folder(tmp_path)
    _add(decl, contract, "--covers", "company.name", "--expires-on", "2026-06-30")
    code, out, _ = run("evidence", "verify", decl, "--as-of", DAY)
    assert code == 0 and "ev-contract  valid" in out and "1 valid" in out
    code, out, _ = run("evidence", "verify", decl, "--as-of", "2026-07-01")
    assert code == 1 and "expired" in out and "2026-06-30" in out
    contract.write_bytes(b"%PDF-1.4 a different contract\n")
    code, out, _ = run("evidence", "verify", decl, "--as-of", DAY, "--format", "json")
    assert code == 1
    (item,) = json.loads(out)["evidence"]
    assert item["state"] == "altered" and item["covers"] == ["company.name"]
    assert item["actual_sha256"] == hashlib.sha256(contract.read_bytes()).hexdigest()
    contract.unlink()
    code, out, _ = run("evidence", "verify", decl, "--as-of", DAY)
    assert code == 1 and "missing" in out


def test_verify_a_bad_entry_is_exit_2_at_its_place(tmp_path: Path) -> None:
    decl, _ = _folder(tmp_path, BASE + "evidence:\n  - id: ev-1\n    path: /etc/passwd\n")
    code, _, err = run("evidence", "verify", decl)
    assert code == 2 and f"{decl}:10:5" in err and "is absolute" in err


@pytest.mark.parametrize("command", ["check", "report", "plan"])
def test_assessing_with_a_link_out_is_exit_2_at_the_entry(tmp_path: Path, command: str) -> None:
    firm = tmp_path / "firm"
    firm.mkdir()
    (tmp_path / "secret.txt").write_text("not the firm's to read")
    (firm / "contract.pdf").symlink_to(tmp_path / "secret.txt")
    decl, _ = _folder(firm, BASE + "evidence:\n  - id: ev-1\n    path: contract.pdf\n")
    code, out, err = run(command, decl, "--pack", "starter", "--as-of", DAY)
    assert code == 2 and out == ""
    assert f"{decl}:10:5: error: evidence path 'contract.pdf' is a link that leads outside" in err
    allowed = run(command, decl, "--pack", "starter", "--as-of", DAY, "--evidence-root", tmp_path)
    assert allowed[0] == 1  # assessed: the starter pack finds gaps in this small declaration


def test_check_reads_the_evidence_root_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    firm = tmp_path / "firm"
    firm.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "c.pdf").write_bytes(b"contract")
    digest = hashlib.sha256(b"contract").hexdigest()
    entry = (
        f'  - id: ev-1\n    path: ../shared/c.pdf\n    sha256: "{digest}"\n    covers: [company]\n'
    )
    decl, _ = _folder(firm, BASE + "evidence:\n" + entry)
    (tmp_path / "licensecheck.toml").write_text('evidence-root = "shared"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("evidence", "verify", decl, "--as-of", DAY)
    assert code == 0 and "ev-1  valid" in out
    assert run("--no-config", "evidence", "verify", decl, "--as-of", DAY)[0] == 2


@pytest.mark.parametrize("empty", ["evidence:\n", "evidence: ~\n", "evidence: null  # later\n"])
def test_add_fills_a_null_list(tmp_path: Path, empty: str) -> None:
    decl, contract = _folder(tmp_path, BASE + empty + "incidents: []\n")
    assert _add(decl, contract, "--covers", "company")[0] == 0
    text = decl.read_text(encoding="utf-8")
    assert text.endswith("      - company\nincidents: []\n")
    assert [e.id for e in evidence_entries(load_declaration(decl))] == ["ev-contract"]
