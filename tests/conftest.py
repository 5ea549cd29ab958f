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
from licensecheck.engine.models import Assessment

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/* from the current output (review the diff).",
    )


GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare ``text`` with tests/golden/NAME; ``--update-goldens`` rewrites it instead."""
    update = bool(request.config.getoption("--update-goldens"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), (
            f"missing golden file {path}: run pytest --update-goldens and review it"
        )
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file (pytest --update-goldens)"
        )

    return check
