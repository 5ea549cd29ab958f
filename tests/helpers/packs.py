"""Pack folders on disk with parents, overrides and several rules (composition tests)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import licensecheck
from licensecheck.errors import Diagnostic

RULE = 'rule {id} {{ title: "{title}" domain: {domain} severity: {severity} cite: "c" remediation: "r" require: {require} }}\n'


def write_pack(
    root: Path,
    pack_id: str,
    rules: str = "",
    manifest: str = "",
    *,
    version: str = "1.0.0",
    domains: tuple[str, ...] = ("gov", "sec"),
) -> Path:
    folder = root / pack_id
    folder.mkdir(parents=True)
    listed = "".join(f"  {d}: {{title: {d.title()}}}\n" for d in domains)
    (folder / "pack.yaml").write_text(
        f"id: {pack_id}\nversion: {version}\ntitle: {pack_id}\n{manifest}domains:\n{listed}",
        encoding="utf-8",
    )
    (folder / "main.rules").write_text(textwrap.dedent(rules) or "# no rules\n", encoding="utf-8")
    return folder


def rule(
    rule_id: str,
    *,
    domain: str = "gov",
    severity: str = "low",
    require: str = "true",
    title: str = "t",
) -> str:
    return RULE.format(id=rule_id, title=title, domain=domain, severity=severity, require=require)


def error_of(folder: Path) -> Diagnostic:
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    assert len(caught.value.diagnostics) == 1, caught.value.render()
    return caught.value.diagnostics[0]
