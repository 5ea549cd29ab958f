"""Evidence entries: reading them, confining their files, and each entry's state on a date."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licensecheck import codes
from licensecheck.declaration.evidence import (
    ElementId,
    check_evidence,
    cover_problem,
    evidence_entries,
    evidence_file,
    parse_cover,
    resolve_cover,
)
from licensecheck.declaration.loader import load_declaration
from licensecheck.declaration.schema import load_declaration_schema
from licensecheck.errors import DeclarationError, TrustError
from licensecheck.resources import examples_dir
from licensecheck.sources.paths import format_path

DAY = dt.date(2026, 1, 15)
CONTRACT = b"supplier contract, signed 2025-03-01\n"
CONTRACT_SHA = hashlib.sha256(CONTRACT).hexdigest()

HEAD = """schema_version: 1
company:
  name: Acme
data_sources:
  - id: ds-carrier
    kind: purchased
evidence:
"""


def _write(folder: Path, evidence: str, name: str = "decl.yaml") -> Path:
    path = folder / name
    path.write_text(HEAD + evidence, encoding="utf-8")
    return path


def _entry(path: str = "contract.txt", sha: str = CONTRACT_SHA, extra: str = "") -> str:
    return (
        f"  - id: ev-1\n    kind: contract\n    path: {path}\n    sha256: {sha}\n"
        f'    covers: ["data_sources[ds-carrier].supplier"]\n{extra}'
    )


def _states(declaration: Path, root: Path | None = None, day: dt.date = DAY) -> list[str]:
    return [s.state for s in check_evidence(load_declaration(declaration), day, root)]


# --------------------------------------------------------------------------- reading


def test_entries_are_read_with_their_fields_and_place(tmp_path: Path) -> None:
    extra = "    issued_by: Carrier Co\n    issued_on: 2025-03-01\n    expires_on: 2027-03-01\n"
    decl = load_declaration(_write(tmp_path, _entry(extra=extra)))
    (entry,) = evidence_entries(decl)
    assert entry.id == "ev-1" and entry.kind == "contract" and entry.path == "contract.txt"
    assert entry.sha256 == CONTRACT_SHA and entry.uri is None
    assert entry.covers == ("data_sources[ds-carrier].supplier",)
    assert entry.issued_by == "Carrier Co"
    assert (entry.issued_on, entry.expires_on) == (dt.date(2025, 3, 1), dt.date(2027, 3, 1))
    assert (entry.span.line, entry.span.column) == (8, 5)
    assert entry.path_span is not None and entry.path_span.line == 10


def test_supports_is_read_as_covers(tmp_path: Path) -> None:
    text = "  - id: ev-1\n    uri: https://docs.example/1\n    supports: [security.mlps]\n"
    (entry,) = evidence_entries(load_declaration(_write(tmp_path, text)))
    assert entry.covers == ("security.mlps",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  - id: ev-1\n    covers: [security]\n", "has neither of 'path' and 'uri'"),
        ("  - id: ev-1\n    path: a.pdf\n    uri: https://x\n", "has both of 'path' and 'uri'"),
        ("  - id: ev-1\n    uri: u\n    covers: ['security..mlps']\n", "is not a path"),
    ],
)
def test_malformed_entries_are_positioned_errors(tmp_path: Path, text: str, message: str) -> None:
    decl = load_declaration(_write(tmp_path, text))
    with pytest.raises(DeclarationError) as caught:
        evidence_entries(decl)
    (diagnostic,) = caught.value.diagnostics
    assert message in diagnostic.message and diagnostic.code == codes.EVIDENCE_ENTRY
    assert diagnostic.span is not None and diagnostic.span.line >= 8


def test_an_unknown_kind_is_a_schema_error(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match="kind"):
        load_declaration(_write(tmp_path, "  - id: ev-1\n    uri: u\n    kind: certificate\n"))


def test_the_example_declares_its_evidence() -> None:
    decl = load_declaration(examples_dir() / "demo-credit-scoring.yaml")
    entries = evidence_entries(decl)
    assert [e.kind for e in entries] == ["licence", "assessment_report"]


# --------------------------------------------------------------------------- covers paths


def test_cover_paths_name_list_items_by_id() -> None:
    keys = parse_cover("data_sources[ds-carrier].supplier.contract_signed")
    assert keys == ("data_sources", ElementId("ds-carrier"), "supplier", "contract_signed")
    assert isinstance(keys[1], ElementId)
    data = {"data_sources": [{"id": "ds-a"}, {"id": "ds-carrier"}]}
    assert resolve_cover(keys, data) == ("data_sources", 1, "supplier", "contract_signed")
    assert resolve_cover(parse_cover("data_sources[ds-gone].kind"), data) is None
    assert resolve_cover(parse_cover('extensions["acme-x"].y'), data) == (
        "extensions",
        "acme-x",
        "y",
    )


@given(
    st.lists(
        st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True), st.integers(0, 99)),
        min_size=1,
        max_size=5,
    ).filter(lambda keys: isinstance(keys[0], str))
)
def test_every_written_path_reads_back(keys: list[str | int]) -> None:
    assert parse_cover(format_path(keys)) == tuple(keys)


def test_cover_problem_suggests_the_nearest_field() -> None:
    schema = load_declaration_schema()
    assert cover_problem("data_sources[ds-carrier].supplier.contract_signed", schema) is None
    assert cover_problem("security.mlps", schema) is None
    problem = cover_problem("securty.mlps", schema)
    assert problem is not None and problem[1] == "security"
    problem = cover_problem("data_sources[ds-1].kindd", schema)
    assert problem is not None and "has no field 'kindd'" in problem[0]
    assert problem[1] == "data_sources[ds-1].kind"


# --------------------------------------------------------------------------- states


def test_each_state(tmp_path: Path) -> None:
    (tmp_path / "contract.txt").write_bytes(CONTRACT)
    (tmp_path / "other.txt").write_bytes(b"changed since it was hashed")
    text = (
        _entry()
        + _entry("gone.txt").replace("ev-1", "ev-2")
        + _entry("other.txt").replace("ev-1", "ev-3")
        + _entry(extra="    expires_on: 2026-01-14\n").replace("ev-1", "ev-4")
        + "  - id: ev-5\n    path: contract.txt\n"
        + "  - id: ev-6\n    uri: https://registry.example/cert/1\n"
        + "  - id: ev-7\n    uri: https://registry.example/cert/2\n    expires_on: 2025-01-01\n"
        + _entry(extra="    expires_on: 2026-01-15\n").replace("ev-1", "ev-8")
    )
    assert _states(_write(tmp_path, text)) == [
        "valid",
        "missing",
        "altered",
        "expired",
        "unhashed",
        "remote",
        "expired",
        "valid",  # valid through its expiry date
    ]


def test_altered_keeps_the_hash_it_has_now(tmp_path: Path) -> None:
    (tmp_path / "contract.txt").write_bytes(b"another text")
    (status,) = check_evidence(load_declaration(_write(tmp_path, _entry())), DAY)
    assert status.state == "altered" and status.contradicts
    assert status.actual_sha256 == hashlib.sha256(b"another text").hexdigest()


def test_a_fifo_or_folder_is_missing_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    text = _entry("fifo") + _entry("folder").replace("ev-1", "ev-2")
    assert _states(_write(tmp_path, text)) == ["missing", "missing"]


def test_a_several_gigabyte_file_is_hashed_as_a_stream(tmp_path: Path) -> None:
    big = tmp_path / "scan.bin"
    subprocess.run(["truncate", "-s", "3G", str(big)], check=True)  # sparse: no disk used
    digest = hashlib.sha256()
    chunk = bytes(1 << 20)
    for _ in range(3 * 1024):
        digest.update(chunk)
    decl = _write(tmp_path, _entry("scan.bin", digest.hexdigest()))
    assert _states(decl) == ["valid"]


# --------------------------------------------------------------------------- confinement


def _refused(decl: Path, root: Path | None = None) -> str:
    with pytest.raises(TrustError) as caught:
        check_evidence(load_declaration(decl), DAY, root)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == codes.EVIDENCE_PATH
    assert diagnostic.span is not None and diagnostic.span.line == 10  # the entry's path
    return diagnostic.message


def test_an_absolute_path_is_refused(tmp_path: Path) -> None:
    assert "is absolute" in _refused(_write(tmp_path, _entry("/etc/passwd")))


def test_a_path_climbing_out_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "decl"
    folder.mkdir()
    (tmp_path / "contract.txt").write_bytes(CONTRACT)
    assert "leads outside" in _refused(_write(folder, _entry("../contract.txt")))


def test_a_link_leading_out_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "decl"
    folder.mkdir()
    (tmp_path / "secret.txt").write_bytes(CONTRACT)
    (folder / "contract.txt").symlink_to(tmp_path / "secret.txt")
    assert "is a link that leads outside" in _refused(_write(folder, _entry()))


def test_evidence_root_allows_more(tmp_path: Path) -> None:
    folder = tmp_path / "decl"
    folder.mkdir()
    (tmp_path / "contract.txt").write_bytes(CONTRACT)
    decl = _write(folder, _entry("../contract.txt"))
    assert _states(decl, root=tmp_path) == ["valid"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert "'" + str(elsewhere) + "'" in _refused(decl, root=elsewhere)


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "c.txt").write_bytes(CONTRACT)
    (tmp_path / "contract.txt").symlink_to(tmp_path / "files" / "c.txt")
    decl = load_declaration(_write(tmp_path, _entry()))
    (entry,) = evidence_entries(decl)
    assert evidence_file(entry, tmp_path, None) == (tmp_path / "files" / "c.txt").resolve()
    assert _states(tmp_path / "decl.yaml") == ["valid"]
