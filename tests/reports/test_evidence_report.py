"""Evidence in gap reports: the assurance column, the evidence requests, the score twice and
drift, in Markdown, HTML and JSON, in English and Chinese; none of it without evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import licensecheck
from licensecheck.api import gap_report, render_report

DAY = dt.date(2026, 1, 15)
CONTRACT = b"carrier supply contract, signed\n"
RULES = """
rule T-SUP-001 { title: "Supplier contract signed" domain: d severity: high
    require: all s in data_sources: s.supplier.contract_signed }
rule T-REQ-001 { title: "MLPS level proven" domain: d severity: critical
    evidence: [licence]
    require: security.mlps.level >= 3 }
"""
DECLARATION = """schema_version: 1
company:
  name: Acme
data_sources:
  - id: ds-carrier
    kind: purchased
    supplier:
      contract_signed: true
security:
  mlps:
    level: 3
evidence:
  - id: ev-contract
    kind: contract
    path: contract.txt
    sha256: "{sha}"
    covers: ["data_sources[ds-carrier].supplier"]
"""


@pytest.fixture
def report_of(make_pack: Callable[..., Path], tmp_path: Path) -> Callable[..., str]:
    pack = make_pack(RULES)

    def render(fmt: str, *, drifted: bool = False, lang: str = "en") -> str:
        (tmp_path / "contract.txt").write_bytes(CONTRACT)
        decl = tmp_path / "decl.yaml"
        decl.write_text(
            DECLARATION.format(sha=hashlib.sha256(CONTRACT).hexdigest()), encoding="utf-8"
        )
        if drifted:
            (tmp_path / "contract.txt").write_bytes(b"edited after it was hashed\n")
        return render_report(gap_report(decl, pack, as_of=DAY, lang=lang), fmt)

    return render


def test_markdown_shows_the_column_the_request_and_both_scores(
    report_of: Callable[..., str],
) -> None:
    text = report_of("markdown")
    # weights: high 4 evidenced pass; critical 8 unknown (demands a licence it lacks)
    assert "Readiness score **33**/100 (range 33–100) · evidenced score **33**/100" in text
    assert "| T-SUP-001 | high | pass | evidenced | ev-contract |" in text
    assert "| T-REQ-001 | critical | unknown | declared |  |" in text
    assert (
        "- **T-REQ-001** · MLPS level proven (critical): attach evidence covering "
        "`security.mlps.level` (of these kinds: licence)"
    ) in text
    assert (
        "| `ev-contract` | valid | `contract.txt` | `data_sources[ds-carrier].supplier` |" in text
    )
    assert "Evidence drift" not in text


def test_drift_says_what_the_file_used_to_cover(report_of: Callable[..., str]) -> None:
    text = report_of("markdown", drifted=True)
    assert (
        "- `ev-contract` (`contract.txt`): changed since it was hashed; it covered "
        "`data_sources[ds-carrier].supplier`; findings it decided: T-SUP-001"
    ) in text
    assert "| T-SUP-001 | high | pass | contradicted | ev-contract |" in text
    assert "evidenced score **0**/100" in text


def test_html_and_chinese(report_of: Callable[..., str]) -> None:
    html = report_of("html", drifted=True)
    assert '<strong id="evidenced-score">0</strong>' in html
    assert '<tr data-assurance="contradicted">' in html and 'id="evidence-drift"' in html
    zh = report_of("markdown", lang="zh")
    assert "有证明得分" in zh and "| T-SUP-001 | 高 | 通过 | 有证明 | ev-contract |" in zh
    assert "请提供覆盖以下内容的证明材料：" in zh


def test_json_carries_the_section(report_of: Callable[..., str]) -> None:
    data = json.loads(report_of("json"))
    section = data["evidence"]
    assert section["evidenced_score"] == 33
    assert section["counts"] == {"evidenced": 1, "declared": 1, "contradicted": 0}
    assert section["requests"] == [
        {
            "rule_id": "T-REQ-001",
            "title": "MLPS level proven",
            "severity": "critical",
            "paths": ["security.mlps.level"],
            "kinds": ["licence"],
        }
    ]


def test_a_report_without_evidence_has_no_section(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULES.replace("    evidence: [licence]\n", ""))
    decl = {"schema_version": 1, "company": {"name": "Acme"}}
    report = licensecheck.gap_report(decl, pack, as_of=DAY)
    assert report.evidence is None
    assert "evidence" not in json.loads(render_report(report, "json"))
    assert "Evidence" not in render_report(report, "markdown")


def test_the_terminal_report_says_it_too(make_pack: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "contract.txt").write_bytes(b"edited after it was hashed\n")
    decl = tmp_path / "decl.yaml"
    decl.write_text(DECLARATION.format(sha=hashlib.sha256(CONTRACT).hexdigest()), encoding="utf-8")
    result = licensecheck.assess(decl, make_pack(RULES), as_of=DAY)
    text = licensecheck.render(result, "text", verbose=True)
    assert "evidenced score 0/100  ·  0 evidenced · 1 declared · 1 contradicted" in text
    assert (
        "evidence: ev-contract (contract.txt) changed since it was hashed; it covered "
        "data_sources[ds-carrier].supplier"
    ) in text
    assert "T-SUP-001  Supplier contract signed  [contradicted]" in text
    assert "attach evidence covering security.mlps.level" in text
