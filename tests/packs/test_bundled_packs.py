"""The bundled packs load cleanly and their own test cases hold."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import licensecheck
from helpers.paths import REPO
from licensecheck.authoring.packtest import case_files, run_case
from licensecheck.engine.compile import CompiledPack

POLICIES = REPO / "policies"
PACKS = sorted(p.name for p in POLICIES.iterdir() if (p / "pack.yaml").is_file())


@cache
def compiled(pack_id: str) -> CompiledPack:
    return licensecheck.prepare_pack(POLICIES / pack_id)


CASES = [(pack, case) for pack in PACKS for case in case_files(POLICIES / pack)]


@pytest.mark.parametrize("pack_id", PACKS)
def test_pack_loads_without_warnings(pack_id: str) -> None:
    assert [d.render() for d in compiled(pack_id).checked.warnings] == []


@pytest.mark.parametrize(("pack_id", "case"), CASES, ids=[f"{p}/{c.stem}" for p, c in CASES])
def test_pack_case(pack_id: str, case: Path) -> None:
    result = run_case(compiled(pack_id), case)
    assert result.ok, "\n".join(result.mismatches)


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_rule_has_a_passing_and_a_failing_case(pack_id: str) -> None:
    seen: dict[str, set[str]] = {}
    for case in case_files(POLICIES / pack_id):
        for rule_id, status in run_case(compiled(pack_id), case).statuses.items():
            seen.setdefault(rule_id, set()).add(status)
    own = [r.id for r in compiled(pack_id).checked.rules if r.pack_id == pack_id]
    missing = {
        r: sorted({"pass", "fail"} - seen.get(r, set()))
        for r in own
        if {"pass", "fail"} - seen.get(r, set())
    }
    assert missing == {}
