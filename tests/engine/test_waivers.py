"""Waivers: applied, expired, lapsed on change, unmatched; errors at their positions; lint."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import licensecheck
from helpers.cli import run
from helpers.external_schemas import assert_valid, assert_valid_junit, sarif_validator
from helpers.paths import REPO
from helpers.rules import MakePack
from licensecheck.errors import WaiverError

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"
GAPS_AT_OR_ABOVE_HIGH = [
    "ST-COL-001",
    "ST-COL-002",
    "ST-CON-001",
    "ST-LIC-001",
    "ST-LIC-002",
    "ST-LIC-003",
    "ST-SEC-001",
]


@pytest.fixture
def firm(tmp_path: Path) -> Path:
    path = tmp_path / "firm.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def fingerprint(firm: Path, rule: str, *extra: str) -> str:
    code, out, err = run(
        "waivers", "fingerprint", "--pack", "starter", str(firm), rule, "--as-of", AS_OF, *extra
    )
    assert code == 0, err
    value = out.strip()
    assert value.startswith("sha256:") and len(value) == 71
    return value


def report(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", "--pack", "starter", *args, "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


def finding(result: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(f for f in result["findings"] if f["rule_id"] == rule_id)


def test_an_approved_waiver_with_a_pinned_fingerprint_applies(firm: Path, tmp_path: Path) -> None:
    pinned = fingerprint(firm, "ST-LIC-002")
    waivers = write(
        tmp_path / "waivers.yaml",
        f"""
        waivers:
          - id: W-capital
            rule: ST-LIC-002
            reason: Capital increase approved; registration pending
            approved_by: Jane Doe (CCO)
            expires_on: 2026-06-30
            fingerprint: {pinned}
        """,
    )
    before = waivers.read_bytes()
    _, plain = report(str(firm))
    _, result = report(str(firm), "--waivers", str(waivers))
    capital = finding(result, "ST-LIC-002")
    assert capital["status"] == "waived"
    assert capital["witnesses"] == finding(plain, "ST-LIC-002")["witnesses"]
    assert capital["waiver"]["state"] == "applied"
    assert capital["waiver"]["reason"] == "Capital increase approved; registration pending"
    assert capital["waiver"]["finding_status"] == "fail"
    assert capital["waiver"]["fingerprint"] == pinned
    assert result["waivers"] == [capital["waiver"]]
    assert result["summary"]["counts"]["by_status"]["waived"] == 1
    assert result["summary"]["counts"]["by_status"]["fail"] == (
        plain["summary"]["counts"]["by_status"]["fail"] - 1
    )
    assert result["summary"]["score"] > plain["summary"]["score"]  # no longer in the total
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(result)
    assert "waiver" not in finding(plain, "ST-LIC-002") and "waivers" not in plain
    assert waivers.read_bytes() == before

    code, text, _ = run(
        "check", "--pack", "starter", str(firm), "--as-of", AS_OF, "--waivers", str(waivers)
    )
    assert code == 1
    assert f"waivers {waivers}: 1 applied" in text
    assert "WAIVED   critical ST-LIC-002" in text
    assert (
        "waiver W-capital: Capital increase approved; registration pending; "
        "approved by Jane Doe (CCO); expires on 2026-06-30" in text
    )


def test_waiving_every_blocking_gap_turns_the_exit_code_to_zero(firm: Path, tmp_path: Path) -> None:
    entries = "".join(
        f"  - {{rule: {rule}, reason: accepted for the pilot, approved_by: CRO, expires_on: 2027-01-01}}\n"
        for rule in GAPS_AT_OR_ABOVE_HIGH
    )
    waivers = write(tmp_path / "w.yaml", "waivers:\n" + entries)
    assert run("check", "--pack", "starter", str(firm), "--as-of", AS_OF)[0] == 1
    code, result = report(str(firm), "--waivers", str(waivers))
    assert code == 0
    assert result["summary"]["ready"] is True
    assert {f["rule_id"] for f in result["findings"] if f["status"] == "waived"} == set(
        GAPS_AT_OR_ABOVE_HIGH
    )
    # A low gap the waivers leave open still fails --fail-on low: training over a year old
    # fails ST-GOV-002 (low).
    stale = firm.read_text(encoding="utf-8").replace("last_on: 2025-04-10", "last_on: 2024-11-10")
    firm.write_text(stale, encoding="utf-8")
    assert (
        run(
            "check",
            "--pack",
            "starter",
            str(firm),
            "--as-of",
            AS_OF,
            "--waivers",
            str(waivers),
            "--fail-on",
            "low",
        )[0]
        == 1
    )


def test_an_expired_waiver_stops_applying_and_says_so(firm: Path, tmp_path: Path) -> None:
    waivers = write(
        tmp_path / "w.yaml",
        """
        waivers:
          - {id: W-1, rule: ST-SEC-001, reason: audit booked, approved_by: CISO, expires_on: 2026-01-15}
        """,
    )
    _, result = report(str(firm), "--waivers", str(waivers))
    mlps = finding(result, "ST-SEC-001")
    assert mlps["status"] == "fail"
    assert mlps["waiver"]["state"] == "expired"
    assert mlps["waiver"]["detail"] == "expired on 2026-01-15"
    _, result = run(
        "check",
        "--pack",
        "starter",
        str(firm),
        "--as-of",
        "2026-01-14",
        "--waivers",
        str(waivers),
        "--format",
        "json",
    )[:2]
    assert finding(json.loads(result), "ST-SEC-001")["status"] == "waived"  # the day before
    text = run(
        "check", "--pack", "starter", str(firm), "--as-of", AS_OF, "--waivers", str(waivers)
    )[1]
    assert "waiver W-1 (expired): expired on 2026-01-15" in text


def test_a_waiver_lapses_when_the_covered_part_changes(firm: Path, tmp_path: Path) -> None:
    pinned = fingerprint(firm, "ST-LIC-002")
    waivers = write(
        tmp_path / "w.yaml",
        f"""
        waivers:
          - {{id: W-cap, rule: ST-LIC-002, reason: r, approved_by: CFO, fingerprint: "{pinned}"}}
        """,
    )
    assert (
        finding(report(str(firm), "--waivers", str(waivers))[1], "ST-LIC-002")["status"] == "waived"
    )
    firm.write_text(
        firm.read_text(encoding="utf-8").replace("30_000_000", "40_000_000"), encoding="utf-8"
    )
    _, result = report(str(firm), "--waivers", str(waivers))
    capital = finding(result, "ST-LIC-002")
    assert capital["status"] == "fail"  # still below 50 million, but not what was approved
    assert capital["waiver"]["state"] == "lapsed"
    assert capital["waiver"]["fingerprint"] != pinned
    assert "changed since the waiver was approved" in capital["waiver"]["detail"]


def test_element_scope_survives_reordering_and_lapses_when_the_element_goes(
    firm: Path, tmp_path: Path
) -> None:
    pinned = fingerprint(firm, "ST-COL-002", "--element", "ds-web")
    waivers = write(
        tmp_path / "w.yaml",
        f"""
        waivers:
          - rule: ST-COL-002
            element: ds-web
            reason: proxy rotation switched off next sprint
            approved_by: CTO
            fingerprint: "{pinned}"
        """,
    )
    assert (
        finding(report(str(firm), "--waivers", str(waivers))[1], "ST-COL-002")["status"] == "waived"
    )

    import yaml

    data = yaml.safe_load(firm.read_text(encoding="utf-8"))
    data["data_sources"].reverse()
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(data, default=str), encoding="utf-8")
    result = report(str(reordered), "--waivers", str(waivers))[1]
    assert finding(result, "ST-COL-002")["status"] == "waived"

    data["data_sources"] = [s for s in data["data_sources"] if s["id"] != "ds-web"]
    reordered.write_text(json.dumps(data, default=str), encoding="utf-8")
    (record,) = report(str(reordered), "--waivers", str(waivers))[1]["waivers"]
    assert record["state"] == "lapsed"
    assert record["detail"] == "element 'ds-web' is not in the declaration any more"


def test_a_waiver_for_a_passing_rule_is_unmatched(firm: Path, tmp_path: Path) -> None:
    waivers = write(tmp_path / "w.yaml", "waivers:\n  - {id: W-9, rule: ST-GOV-001, reason: r}\n")
    _, result = report(str(firm), "--waivers", str(waivers))
    assert finding(result, "ST-GOV-001")["status"] == "pass"
    (record,) = result["waivers"]
    assert record["state"] == "unmatched"
    assert record["detail"] == "nothing to waive: the rule's status is pass"
    text = run(
        "check", "--pack", "starter", str(firm), "--as-of", AS_OF, "--waivers", str(waivers)
    )[1]
    assert "UNMATCHED W-9  ST-GOV-001  nothing to waive" in text


TWO_SOURCES = {
    "data_sources": [
        {"id": "ds-a", "kind": "crawled", "collection": {"bypasses_anti_crawling": True}},
        {"id": "ds-b", "kind": "crawled", "collection": {"bypasses_anti_crawling": True}},
    ]
}
RULE = """
rule T-1 { title: "t" domain: d severity: high cite: "c" remediation: "r"
  require: all s in data_sources: not s.collection.bypasses_anti_crawling }
"""


def test_scoped_waivers_must_cover_every_place_the_rule_fails(
    make_pack: MakePack, tmp_path: Path
) -> None:
    pack = licensecheck.prepare_pack(make_pack(RULE))
    declaration = {"schema_version": 1, "company": {"name": "X"}, **TWO_SOURCES}
    one = write(
        tmp_path / "one.yaml",
        "waivers:\n  - {rule: T-1, path: 'data_sources[0]', reason: r}\n",
    )
    result = licensecheck.assess(declaration, pack, as_of=AS_OF, waivers=one)
    assert result.finding("T-1").status == "fail"  # type: ignore[union-attr]
    (record,) = result.waivers
    assert record.state == "unmatched"
    assert record.detail.startswith(
        "covers only part of the gap: the rule also fails at data_sources[1]"
    )
    both = write(
        tmp_path / "both.yaml",
        "waivers:\n"
        "  - {rule: T-1, path: 'data_sources[0]', reason: r}\n"
        "  - {rule: T-1, element: ds-b, reason: r}\n",
    )
    result = licensecheck.assess(declaration, pack, as_of=AS_OF, waivers=both)
    assert result.finding("T-1").status == "waived"  # type: ignore[union-attr]
    assert [w.state for w in result.waivers] == ["applied", "applied"]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "waivers:\n  - rule: ST-LIC-02\n    reason: r\n    approved_by: x\n",
            "2:5",
            "waiver for unknown rule 'ST-LIC-02': pack starter has no such rule (did you mean 'ST-LIC-002'?)",
        ),
        (
            "waivers:\n  - rule: ST-LIC-002\n    reason: r\n",
            "2:5",
            "ST-LIC-002 is a critical rule: its waiver needs 'approved_by'",
        ),
        (
            "waivers:\n  - rule: ST-GOV-002\n    reson: r\n",
            "3:5",
            "unknown key 'waivers[0].reson' in the waiver file (did you mean 'reason'?)",
        ),
        (
            "waivers:\n  - rule: ST-GOV-002\n    reason: r\n    expires_on: 2026-02-30\n",
            "4:5",
            "waivers[0].expires_on: input should be a valid date",
        ),
        (
            "waivers:\n  - rule: ST-GOV-002\n    reason: r\n    fingerprint: md5:abc\n",
            "4:5",
            "waivers[0].fingerprint: string should match pattern",
        ),
        (
            "waivers:\n  - {rule: ST-GOV-002, reason: r, path: 'data_sources[0', }\n",
            "2:35",
            "'data_sources[0' is not a path",
        ),
        (
            "waivers:\n  - {rule: ST-GOV-002, reason: r, path: x, element: y}\n",
            "2:5",
            "give either 'path' or 'element' as the scope, not both",
        ),
        (
            "waivers:\n  - {rule: ST-GOV-002, reason: r, approved_by: '  '}\n",
            "2:35",
            "'approved_by' is blank: name who approved the waiver",
        ),
        (
            "waivers:\n  - {rule: ST-GOV-002, reason: r, expires_on: 1767225600}\n",
            "2:35",
            "'expires_on' must be a date written YYYY-MM-DD, not the number 1767225600",
        ),
        (
            "waivers:\n  - {rule: ST-GOV-002, reason: r, expires_on: '2026-01-01T00:00:00+08:00'}\n",
            "2:35",
            "'expires_on' must be a date written YYYY-MM-DD",
        ),
        (
            "waivers:\n  - {id: A, rule: ST-GOV-002, reason: r}\n  - {id: A, rule: ST-GOV-001, reason: r}\n",
            "3:6",
            "waiver id 'A' is used twice (first as waivers[0])",
        ),
        ("waivers: [\n", "2:1", "invalid YAML"),
        ("- rule: x\n", "1:1", "the waiver file must be a mapping, but this file holds a list"),
        ("", "1:1", "the waiver file is empty"),
    ],
)
def test_bad_waiver_files_are_errors_at_their_position(
    firm: Path, tmp_path: Path, text: str, where: str, message: str
) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(text, encoding="utf-8")
    code, out, err = run(
        "check", "--pack", "starter", str(firm), "--as-of", AS_OF, "--waivers", str(waivers)
    )
    assert code == 2 and out == ""
    assert f"{waivers}:{where}: error: " in err
    assert message in err
    assert "Traceback" not in err
    assert run("waivers", "lint", str(waivers))[0] == 2


def test_errors_are_raised_as_waiver_errors(tmp_path: Path) -> None:
    waivers = write(tmp_path / "w.yaml", "waivers:\n  - {rule: NOPE, reason: r}\n")
    with pytest.raises(WaiverError) as caught:
        licensecheck.assess(DEMO, "starter", as_of=AS_OF, waivers=waivers)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "unknown-rule"
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 6)  # type: ignore[union-attr]


def test_lint(tmp_path: Path, firm: Path) -> None:
    pinned = fingerprint(firm, "ST-SEC-001")
    clean = write(
        tmp_path / "clean.yaml",
        f"""
        pack: starter
        waivers:
          - {{rule: ST-SEC-001, reason: r, expires_on: 2027-01-01, fingerprint: "{pinned}"}}
        """,
    )
    code, out, err = run("waivers", "lint", str(clean), "--as-of", AS_OF)
    assert (code, out, err) == (0, f"{clean}: 1 waiver, 0 warnings\n", "")

    loose = write(
        tmp_path / "loose.yaml",
        """
        pack: cn-credit-reporting
        waivers:
          - {rule: CR-REC-003, reason: r, expires_on: 2026-01-01}
          - {rule: CR-REC-004, reason: r}
        """,
    )
    code, out, err = run("waivers", "lint", str(loose), "--as-of", AS_OF)
    assert code == 1  # the file's pack, not starter: the rules are found
    assert out == f"{loose}: 2 waivers, 4 warnings, 1 expired\n"
    assert f"{loose}:3:5: warning: waivers[0] has no 'fingerprint'" in err
    assert f"{loose}:3:35: warning: waivers[0] (CR-REC-003) expired on 2026-01-01" in err
    assert f"{loose}:4:5: warning: waivers[1] has no 'expires_on': it never expires" in err
    # --pack on the command line wins over the file's pack
    code, _, err = run("waivers", "lint", str(loose), "--pack", "starter")
    assert code == 2 and "pack starter has no such rule" in err
    assert run("waivers", "lint", str(clean), str(loose), "--as-of", AS_OF)[0] == 1


def test_fingerprint_errors(firm: Path) -> None:
    code, _, err = run(
        "waivers", "fingerprint", "--pack", "starter", str(firm), "ST-GOV-001", "--as-of", AS_OF
    )
    assert code == 2 and "ST-GOV-001 is pass" in err and "no gap to waive" in err
    code, _, err = run(
        "waivers",
        "fingerprint",
        "--pack",
        "starter",
        str(firm),
        "ST-COL-002",
        "--path",
        "data_sources[9]",
    )
    assert code == 2 and f"data_sources[9] is not in {firm}" in err
    code, _, err = run("waivers", "fingerprint", "--pack", "starter", str(firm), "NOPE")
    assert code == 2 and "pack starter has no rule 'NOPE'" in err


def test_waived_findings_in_sarif_and_junit(firm: Path, tmp_path: Path) -> None:
    waivers = write(
        tmp_path / "w.yaml",
        "waivers:\n  - {id: W-1, rule: ST-LIC-002, reason: board approved, approved_by: CEO}\n",
    )
    _, out, _ = run(
        "check",
        "--pack",
        "starter",
        str(firm),
        "--as-of",
        AS_OF,
        "--waivers",
        str(waivers),
        "--format",
        "sarif",
    )
    log = json.loads(out)
    assert_valid(sarif_validator(), log)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ST-LIC-002"]
    (suppression,) = result["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"] == "board approved"
    assert suppression["properties"] == {"waiver": "W-1", "approvedBy": "CEO"}
    assert result["level"] == "error" and result["properties"]["status"] == "fail"
    xml = run(
        "check",
        "--pack",
        "starter",
        str(firm),
        "--as-of",
        AS_OF,
        "--waivers",
        str(waivers),
        "--format",
        "junit",
    )[1]
    assert_valid_junit(xml)
    assert '<skipped message="waived: board approved">' in xml
    assert 'skipped="1"' in xml


def test_the_readme_waiver_example_applies(tmp_path: Path) -> None:
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = [
        b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("waivers:")
    ]
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(block, encoding="utf-8")
    crawler = REPO / "examples" / "crawler-firm-2019.yaml"
    code, out, err = run(
        "check",
        str(crawler),
        "--pack",
        "cn-credit-reporting",
        "--as-of",
        AS_OF,
        "--waivers",
        str(waivers),
        "--format",
        "json",
    )
    assert code == 1, err
    assert [w["state"] for w in json.loads(out)["waivers"]] == ["applied", "applied"]
    assert (
        run("waivers", "lint", str(waivers), "--pack", "cn-credit-reporting", "--as-of", AS_OF)[0]
        == 0
    )


@pytest.mark.parametrize(
    "text", ["a", "data_sources[2].consent.separate", 'extensions["client-acme"].x', "a[0][1]"]
)
def test_parse_path_is_the_inverse_of_format_path(text: str) -> None:
    from licensecheck.sources.paths import format_path, parse_path

    assert format_path(parse_path(text)) == text


@pytest.mark.parametrize("text", ["", ".a", "a.", "a[0", "a[-1]", "a b", "[0]", "a..b", "a[0]b"])
def test_parse_path_rejects_what_is_not_a_path(text: str) -> None:
    from licensecheck.sources.paths import parse_path

    with pytest.raises(ValueError):
        parse_path(text)
