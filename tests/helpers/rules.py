"""Rules without pack folders: the assessment date, one-rule packs compiled in memory, statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from licensecheck.engine.models import Assessment

from .paths import REPO

AS_OF = dt.date(2026, 1, 15)

#: the ``make_pack`` fixture (tests/conftest.py): rule text -> a pack folder
MakePack = Callable[..., Path]
#: the ``assess`` fixture (tests/conftest.py): rule text and a declaration -> an assessment
Assess = Callable[..., Assessment]


def status(result: Assessment, rule_id: str) -> str:
    finding = result.finding(rule_id)
    assert finding is not None, f"no finding for {rule_id}"
    return finding.status


def compile_rule(require: str, *, when: str | None = None, prelude: str = "") -> Any:
    """Compile a one-rule pack in memory (no files): fast enough for property tests."""
    from licensecheck.declaration.schema import load_declaration_schema
    from licensecheck.engine.check import check_pack
    from licensecheck.engine.compile import compile_pack
    from licensecheck.lang.parser import parse_module
    from licensecheck.packs.loader import LoadedPack, PackManifest

    when_field = f"when: {when}" if when else ""
    text = f'{prelude}\nrule T-1 {{ title: "t" domain: d severity: low cite: "c" remediation: "r" {when_field}\n require: {require} }}'
    manifest = PackManifest(id="t", version="1.0.0", title="t")
    loaded = LoadedPack(
        manifest=manifest,
        root=REPO,
        modules=[parse_module(text, "t.rules")],
        texts={"t.rules": text},
    )
    return compile_pack(check_pack(loaded, load_declaration_schema()))


def evaluate_rule(
    compiled: Any, data: Mapping[str, Any], as_of: dt.date = AS_OF, *, traced: bool = False
) -> str:
    """Status of the single rule of ``compiled`` on raw declaration data (no validation)."""
    from licensecheck.engine.evaluate import run_rule
    from licensecheck.engine.runtime import Trace

    rule = compiled.traced_rule("T-1") if traced else compiled.rules[0]
    return run_rule(rule, dict(data), as_of, Trace() if traced else None).status


def traced_statuses(pack: Any, data: dict[str, Any], as_of: dt.date) -> list[str]:
    """Each rule's status from the traced closures (the oracle's third mode), in pack order."""
    from licensecheck.engine.evaluate import run_rule
    from licensecheck.engine.runtime import Trace

    return [run_rule(pack.traced_rule(c.rule.id), data, as_of, Trace()).status for c in pack.rules]
