"""``licensecheck.evaluate``: the statuses of ``assess`` at the engine's full speed."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
import yaml

import licensecheck
from helpers.paths import REPO
from licensecheck.engine.compile import CompiledPack
from licensecheck.packs.listing import list_packs

PACKS = sorted(p.id for p in list_packs())
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
# the date the examples are written for, and one before some rules take effect (2022, 2025)
DATES = [dt.date(2026, 1, 15), dt.date(2021, 6, 1)]


@cache
def compiled(pack: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_statuses_equal_assess_on_every_example_and_pack(pack: str, example: object) -> None:
    for as_of in DATES:
        try:
            report = licensecheck.assess(example, compiled(pack), as_of=as_of)
        except licensecheck.DeclarationError:  # an example outside the pack's schema
            with pytest.raises(licensecheck.DeclarationError):
                licensecheck.evaluate(compiled(pack), example, as_of)
            continue
        expected = {f.rule_id: f.status for f in report.findings}
        assert licensecheck.evaluate(compiled(pack), example, as_of) == expected


def test_a_mapping_is_validated_and_its_dates_converted() -> None:
    path = REPO / "examples" / "demo-credit-scoring.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    as_of = "2026-01-15"
    from_file = licensecheck.evaluate("starter", path, as_of)
    assert licensecheck.evaluate("starter", data, as_of) == from_file
    assert set(from_file.values()) >= {"pass", "fail"}
    with pytest.raises(licensecheck.DeclarationError):
        licensecheck.evaluate("starter", {**data, "company": "not a mapping"}, as_of)


def test_rules_not_yet_in_force_do_not_apply() -> None:
    path = REPO / "examples" / "crawler-firm-2019.yaml"
    before = licensecheck.evaluate("cn-credit-reporting", path, "2021-06-01")
    after = licensecheck.evaluate("cn-credit-reporting", path, "2026-01-15")
    late = [r for r, s in before.items() if s == "not_applicable" and after[r] != s]
    assert late  # the rules effective from 2022 and 2025
