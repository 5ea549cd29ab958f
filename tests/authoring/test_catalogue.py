"""`licensecheck packs doc`: the rule catalogue, generated from the rules themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

import licensecheck
from helpers.paths import REPO
from helpers.rules import Assess
from licensecheck.authoring.catalogue import render_catalogue
from licensecheck.lang.parser import parse_expression
from licensecheck.reports.requirements import requirement_text

PACKS = sorted(p.name for p in (REPO / "policies").iterdir() if (p / "pack.yaml").is_file())


@pytest.mark.parametrize("pack_id", PACKS)
def test_docs_packs_are_in_sync(pack_id: str, request: pytest.FixtureRequest) -> None:
    rendered = render_catalogue(licensecheck.prepare_pack(REPO / "policies" / pack_id))
    target = REPO / "docs" / "packs" / f"{pack_id}.md"
    if request.config.getoption("--update-goldens"):
        target.parent.mkdir(exist_ok=True)
        target.write_text(rendered, encoding="utf-8")
    assert target.exists() and target.read_text(encoding="utf-8") == rendered, (
        f"docs/packs/{pack_id}.md is stale: run python -m pytest tests/authoring/test_catalogue.py --update-goldens"
    )


def test_catalogue_lists_every_rule_with_its_parts() -> None:
    pack = licensecheck.prepare_pack("starter")
    text = render_catalogue(pack)
    for rule in pack.checked.rules:
        assert f"### {rule.id} — {rule.title['en']}" in text
        assert requirement_text(rule.require, dict(pack.checked.consts)) in text
        for cite in rule.cite:
            assert cite in text


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        (
            "company.registered_capital_cny >= 50_000_000",
            "company.registered_capital_cny is at least 50,000,000",
        ),
        ("not company.listed", "company.listed is false"),
        ("declared(company.uscc)", "company.uscc is declared"),
        (
            "security.mlps.certified_on + 1 year >= today",
            "security.mlps.certified_on + 1 year is on or after today",
        ),
        (
            'all s in data_sources where s.kind == "crawled": not s.collection.stores_user_credentials',
            'every element of data_sources where kind is "crawled" has: collection.stores_user_credentials is false',
        ),
        (
            "(count r in recipients where not r.licensed) == 0",
            "the number of recipients where licensed is false is 0",
        ),
        ("(x ?? 0) >= 8", "x (or 0 when not declared) is at least 8"),
        (
            "not (any b in business_lines: b.direct)",
            "no element of business_lines has: direct is true",
        ),
        ("x.a and (x.b or x.c)", "x.a is true and (x.b is true or x.c is true)"),
        ("big_firm and not small_firm", "big firm and not: small firm"),
    ],
)
def test_requirement_words(expression: str, words: str) -> None:
    assert requirement_text(parse_expression(expression)) == words


def test_packs_doc_command(tmp_path: Path, assess: Assess) -> None:
    from click.testing import CliRunner

    from licensecheck.cli import main

    out = tmp_path / "starter.md"
    result = CliRunner().invoke(main, ["packs", "doc", "starter", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Starter")
