"""Shared by the gap-report and plan tests: the example firms, cached packs, and an
independent re-computation of the readiness score to test reported numbers against."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

import licensecheck
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.models import Assessment, Finding

from .paths import REPO
from .rules import AS_OF

PACK = "cn-credit-reporting"
#: short name -> declaration path relative to the repository (as the goldens show it)
FIRMS = {
    "crawler": "examples/crawler-firm-2019.yaml",
    "state": "examples/state-backed-data-co.yaml",
}
WEIGHTS = {"critical": 8, "high": 4, "medium": 2, "low": 1}


@cache
def pack(pack_id: str = PACK) -> CompiledPack:
    return licensecheck.prepare_pack(pack_id)


@contextmanager
def in_repo() -> Iterator[None]:
    """Run with the repository as working directory, so paths read as in the goldens."""
    before = os.getcwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(before)


@cache
def assessment(firm: str, lang: str = "en") -> Assessment:
    with in_repo():
        return licensecheck.assess(FIRMS[firm], pack(), as_of=AS_OF, lang=lang)


def expected_score(findings: Iterable[Finding], passing: Iterable[str] = ()) -> int:
    """The score computed by hand: weighted share of applicable rules that pass."""
    fixed = set(passing)
    total = passed = 0
    for f in findings:
        status = "pass" if f.rule_id in fixed else f.status
        if status in ("pass", "fail", "unknown", "error"):
            total += WEIGHTS[f.severity]
            passed += WEIGHTS[f.severity] if status == "pass" else 0
    return int(100 * passed / total + 0.5) if total else 100


def blocking_ids(findings: Iterable[Finding], passing: Iterable[str] = ()) -> set[str]:
    fixed = set(passing)
    return {
        f.rule_id
        for f in findings
        if f.rule_id not in fixed
        and f.severity in ("critical", "high")
        and f.status in ("fail", "unknown", "error")
        and not f.in_grace
    }
