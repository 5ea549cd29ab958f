"""pack.yaml's ``reviewed_on`` and ``sources``: when the legal content was last checked, and
against which texts; shown by ``packs doc`` and in gap reports."""

from __future__ import annotations

from pathlib import Path

import licensecheck
from helpers.packs import error_of, rule, write_pack
from helpers.paths import REPO
from licensecheck.authoring.catalogue import render_catalogue

REVIEWED = (
    "reviewed_on: 2026-03-01\n"
    "sources:\n"
    '  - {title: "PIPL", url: "https://example.org/pipl"}\n'
    '  - {title: "Measures | 2025"}\n'
)
DECLARATION = {"schema_version": 1, "company": {"name": "Acme"}}


def _pack(tmp_path: Path, manifest: str = REVIEWED) -> Path:
    return write_pack(tmp_path, "reviewed", rule("T-1"), manifest)


def test_the_catalogue_shows_the_review_date_and_the_sources(tmp_path: Path) -> None:
    text = render_catalogue(licensecheck.prepare_pack(_pack(tmp_path)))
    assert "Legal content reviewed on 2026-03-01." in text
    assert "- [PIPL](https://example.org/pipl)" in text
    assert "- Measures \\| 2025" in text


def test_reports_show_them_in_both_languages(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    report = licensecheck.gap_report(DECLARATION, pack, as_of="2026-06-01")
    assert str(report.pack_reviewed_on) == "2026-03-01"
    markdown = licensecheck.render_report(report, "markdown")
    assert "Legal content reviewed on: 2026-03-01 · Sources: [PIPL](https://example.org/pipl)" in (
        markdown
    )
    html = licensecheck.render_report(report, "html")
    assert '<a href="https://example.org/pipl">PIPL</a>' in html
    chinese = licensecheck.gap_report(DECLARATION, pack, as_of="2026-06-01", lang="zh")
    assert "法律内容审阅日: 2026-03-01" in licensecheck.render_report(chinese, "markdown")


def test_parentheses_in_a_source_link_cannot_end_it(tmp_path: Path) -> None:
    manifest = 'sources:\n  - {title: "Measures", url: "https://example.org/m(2021).md"}\n'
    text = render_catalogue(licensecheck.prepare_pack(_pack(tmp_path, manifest)))
    assert "- [Measures](https://example.org/m%282021%29.md)" in text


def test_a_pack_without_them_reports_as_before(tmp_path: Path) -> None:
    report = licensecheck.gap_report(DECLARATION, _pack(tmp_path, ""), as_of="2026-06-01")
    assert report.pack_reviewed_on is None and report.pack_sources == []
    assert "reviewed on" not in licensecheck.render_report(report, "markdown")


def test_a_source_link_must_be_a_web_address(tmp_path: Path) -> None:
    folder = _pack(tmp_path, 'sources:\n  - {title: "x", url: "javascript:alert(1)"}\n')
    problem = error_of(folder)
    assert problem.span is not None and problem.span.line == 5
    assert "sources" in problem.message


def test_reviewed_on_must_be_a_date(tmp_path: Path) -> None:
    problem = error_of(_pack(tmp_path, "reviewed_on: last spring\n"))
    assert problem.span is not None and problem.span.line == 4
    assert "reviewed_on" in problem.message


def test_every_bundled_pack_says_when_it_was_reviewed() -> None:
    unreviewed = sorted(
        p.parent.name
        for p in (REPO / "policies").glob("*/pack.yaml")
        if "\nreviewed_on:" not in p.read_text(encoding="utf-8")
    )
    assert unreviewed == []
