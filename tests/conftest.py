"""Shared fixtures: build throw-away packs from rule text and assess declarations with them."""

from __future__ import annotations

import copy
import datetime as dt
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import licensecheck
from licensecheck.models import Assessment

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 15)

MakePack = Callable[..., Path]


@pytest.fixture
def make_pack(tmp_path: Path) -> MakePack:
    """Write a pack folder holding ``rules`` (one file) and return its path."""
    counter = iter(range(1000))

    def make(
        rules: str,
        *,
        domains: Mapping[str, str] | None = None,
        extra: str = "",
        pack_id: str | None = None,
    ) -> Path:
        pid = pack_id or f"test-pack-{next(counter)}"
        folder = tmp_path / pid
        folder.mkdir()
        domain_lines = "".join(
            f"  {k}: {{title: {v!r}}}\n" for k, v in (domains or {"d": "Domain"}).items()
        )
        (folder / "pack.yaml").write_text(
            f"id: {pid}\nversion: 1.0.0\ntitle: Test pack\ndomains:\n{domain_lines}{extra}",
            encoding="utf-8",
        )
        (folder / "main.rules").write_text(textwrap.dedent(rules), encoding="utf-8")
        return folder

    return make


Assess = Callable[..., Assessment]


@pytest.fixture
def assess(make_pack: MakePack) -> Assess:
    """Assess ``declaration`` (a mapping; schema_version and company.name are added) with ``rules``."""

    def run(rules: str, declaration: Mapping[str, Any], as_of: dt.date = AS_OF) -> Assessment:
        full: dict[str, Any] = copy.deepcopy({"schema_version": 1, **declaration})
        full.setdefault("company", {}).setdefault("name", "Test Co")  # type: ignore[union-attr]
        return licensecheck.assess(full, make_pack(rules), as_of=as_of)

    return run


def status(result: Assessment, rule_id: str) -> str:
    finding = result.finding(rule_id)
    assert finding is not None, f"no finding for {rule_id}"
    return finding.status
