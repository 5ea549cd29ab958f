"""Submission bundles for tests: a tiny pack and declaration, and bundles taken apart and put
back together (as someone tampering with one would)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from licensecheck.bundle.archive import Member, ReproducibleZip
from licensecheck.bundle.layout import MANIFEST, SIGNATURE, manifest_bytes

AS_OF = "2026-03-01"
#: One rule a declaration edit flips: fail at 5 staff, pass at 50.
RULES = """\
rule STAFF-1 {
  title: "Enough staff"
  domain: d
  severity: high
  require: company.headcount > 10
}
"""
DECLARATION = "schema_version: 1\ncompany:\n  name: Test Co\n  headcount: 5\n"


def write_pack(folder: Path, rules: str = RULES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(
        f"id: {folder.name}\nversion: 1.0.0\ntitle: Test pack\ndomains:\n  d: {{title: Domain}}\n",
        encoding="utf-8",
    )
    (folder / "main.rules").write_text(rules, encoding="utf-8")
    return folder


def members_of(bundle: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(bundle) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rebuild(
    bundle: Path, members: Sequence[tuple[str, bytes]], *, remanifest: bool = False
) -> None:
    """Write ``members`` back as a bundle; ``remanifest``: with a manifest made anew over
    them (and no signature), as a forger without the key would."""
    kept = [(n, d) for n, d in members if not (remanifest and n in (MANIFEST, SIGNATURE))]
    with bundle.open("wb") as stream, ReproducibleZip(stream) as archive:
        written = [archive.add(Member(name, data)) for name, data in kept]
        if remanifest:
            archive.add(Member(MANIFEST, manifest_bytes(written)))


def replaced(
    members: Sequence[tuple[str, bytes]], name: str, data: bytes
) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in members]
