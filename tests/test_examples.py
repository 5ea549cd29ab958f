"""The example firms: each has a golden set of failing and unknown rules per pack.

Any change to a rule's behaviour shows up in review as a diff of
tests/golden/examples.json (regenerate with pytest --update-goldens).
"""

from __future__ import annotations

import json
from functools import cache

import licensecheck
from helpers.examples import EXAMPLES
from helpers.paths import REPO
from licensecheck.engine.compile import CompiledPack


@cache
def pack(pack_id: str) -> CompiledPack:
    return licensecheck.prepare_pack(pack_id)


def outcomes() -> dict[str, dict[str, dict[str, list[str]]]]:
    result: dict[str, dict[str, dict[str, list[str]]]] = {}
    for name, (packs, as_of) in EXAMPLES.items():
        path = REPO / "examples" / f"{name}.yaml"
        result[name] = {}
        for pack_id in packs:
            assessment = licensecheck.assess(path, pack(pack_id), as_of=as_of)
            result[name][pack_id] = {
                status: sorted(f.rule_id for f in assessment.findings if f.status == status)
                for status in ("fail", "unknown", "error")
            }
    return result


def test_every_example_is_covered() -> None:
    assert sorted(p.stem for p in (REPO / "examples").glob("*.yaml")) == sorted(EXAMPLES)


def test_example_outcomes_match_golden(golden: object) -> None:
    found = outcomes()
    for name, by_pack in found.items():
        for pack_id, statuses in by_pack.items():
            assert statuses["error"] == [], (
                f"{name} with {pack_id}: rules in error {statuses['error']}"
            )
    golden("examples.json", json.dumps(found, indent=2, sort_keys=True) + "\n")  # type: ignore[operator]


def test_crawler_firm_fails_heavily_and_the_state_firm_is_close() -> None:
    found = outcomes()
    crawler = found["crawler-firm-2019"]
    state = found["state-backed-data-co"]
    assert len(crawler["cn-data-collection-conduct"]["fail"]) >= 15
    assert "CR-LIC-001" in crawler["cn-credit-reporting"]["fail"]
    assert len(state["cn-credit-reporting"]["fail"]) <= 5
    assert state["cn-data-collection-conduct"]["fail"] == []
