"""What CI tools expect of SARIF, JUnit and GitHub annotations (issue #18, CI conventions)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from helpers.cli import run
from helpers.external_schemas import assert_valid, assert_valid_junit, sarif_validator
from helpers.paths import REPO
from licensecheck._version import HOMEPAGE
from licensecheck.engine.gate import severity_rank

AS_OF = "2026-01-15"
DEMO = "examples/demo-credit-scoring.yaml"
CRAWLER = "examples/crawler-firm-2019.yaml"


@pytest.fixture(scope="module")
def sarif() -> Any:
    return sarif_validator()


def check(*args: str) -> tuple[int, str, str]:
    return run("check", *args, "--as-of", AS_OF)


def test_sarif_driver_automation_and_open_unknowns(
    sarif: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    log = json.loads(check(DEMO, "--pack", "cn-credit-reporting", "--format", "sarif")[1])
    assert_valid(sarif, log)
    (run_,) = log["runs"]
    assert run_["tool"]["driver"]["informationUri"] == HOMEPAGE
    assert run_["automationDetails"] == {"id": "licensecheck/cn-credit-reporting/"}
    by_status: dict[str, set[tuple[str, str]]] = {}
    for result in run_["results"]:
        by_status.setdefault(result["properties"]["status"], set()).add(
            (result["kind"], result["level"])
        )
    assert by_status["unknown"] == {("open", "none")}
    assert {kind for kind, _ in by_status["fail"]} == {"fail"}
    assert {level for _, level in by_status["fail"]} == {"error", "warning", "note"}
    # deliberately not security findings: GitHub ignores security-severity without the tag
    for rule in run_["tool"]["driver"]["rules"]:
        assert "security" not in rule["properties"]["tags"]


def test_sarif_and_annotation_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    deep = tmp_path / "compliance" / "firms"
    deep.mkdir(parents=True)
    (deep / "firm.yaml").write_text((REPO / DEMO).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(deep)  # run from a sub-folder, as a monorepo job might
    log = json.loads(check("firm.yaml", "--format", "sarif")[1])
    (run_,) = log["runs"]
    assert run_["artifacts"][0]["location"]["uri"] == "compliance/firms/firm.yaml"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]
    }
    assert uris == {"compliance/firms/firm.yaml"}
    annotations = check("firm.yaml", "--format", "github")[1]
    assert "::error file=compliance/firms/firm.yaml,line=" in annotations


def _suites(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall("testsuite")


def test_junit_not_applicable_rules_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    report = json.loads(check(CRAWLER, "--pack", "cn-credit-reporting", "--format", "json")[1])
    xml = check(CRAWLER, "--pack", "cn-credit-reporting", "--format", "junit")[1]
    assert_valid_junit(xml)
    (suite,) = _suites(xml)
    skipped = {
        case.get("name", "").split(" ")[0]
        for case in suite.iter("testcase")
        if (element := case.find("skipped")) is not None
        and element.get("message", "").startswith("does not apply")
    }
    expected = {f["rule_id"] for f in report["findings"] if f["status"] == "not_applicable"}
    assert skipped == expected and expected
    assert suite.get("skipped") == str(len(expected))
    assert suite.get("tests") == str(len(report["findings"]))


def test_junit_gaps_below_fail_on_pass_and_are_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, xml, _ = check(DEMO, "--format", "junit", "--fail-on", "critical")
    assert code == 1
    assert_valid_junit(xml)
    (suite,) = _suites(xml)
    failed = {
        c.get("name", "").split(" ")[0]
        for c in suite.iter("testcase")
        if c.find("failure") is not None
    }
    report = json.loads(check(DEMO, "--format", "json")[1])
    gaps = {f["rule_id"]: f["severity"] for f in report["findings"] if f["status"] == "fail"}
    assert failed == {rule for rule, severity in gaps.items() if severity == "critical"}
    high = {rule for rule, severity in gaps.items() if severity == "high"}
    assert high, "the demo has high gaps below --fail-on critical"
    out = suite.findtext("system-out") or ""
    assert "Gaps that do not fail at --fail-on critical:" in out
    assert all(rule in out for rule in high)
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["gaps_not_blocking"] == str(len(high))
    assert suite.get("failures") == str(len(failed))
    # with --fail-on none nothing is red and the exit code agrees
    code, xml, _ = check(DEMO, "--format", "junit", "--fail-on", "none")
    assert code == 0 and "<failure " not in xml


def test_junit_suite_names_are_unique_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (REPO / DEMO).read_text(encoding="utf-8")
    for folder in ("north", "south"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "firm.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    xml = check("north/firm.yaml", "south/firm.yaml", "--format", "junit")[1]
    assert_valid_junit(xml)
    names = [s.get("name") for s in _suites(xml)]
    assert names == ["north/firm.yaml", "south/firm.yaml"]
    assert [s.get("id") for s in _suites(xml)] == ["0", "1"]


def test_github_annotations_come_most_severe_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out = check(CRAWLER, DEMO, "--pack", "cn-credit-reporting", "--format", "github")[1]
    keys = []
    for line in out.splitlines():
        if not line.startswith("::"):
            continue
        level = line[2:].split(" ", 1)[0]
        severity = line.split("title=", 1)[1].split("(", 1)[1].split("%2C", 1)[0]
        keys.append((level != "error", severity_rank(severity)))
    assert len(keys) > 10
    assert keys == sorted(keys)
    assert keys[0] == (False, 0)  # a blocking critical gap is the first GitHub shows
    assert {k[1] for k in keys} == {0, 1, 2, 3}


def test_markdown_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "a|b.yaml"
    broken.write_text("company: {name: 1\n", encoding="utf-8")
    monkeypatch.chdir(REPO)
    code, out, _ = check(
        CRAWLER, DEMO, str(broken), "--pack", "cn-credit-reporting", "-f", "markdown"
    )
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == "## licensecheck: gaps at or above `--fail-on high`"
    assert f"| `{CRAWLER}` | cn-credit-reporting | NOT READY |" in out
    gap_rows = [line for line in lines if line.startswith(("| critical", "| high"))]
    assert len(gap_rows) == 50 and "more: see the SARIF report." in out
    severities = [row.split("|")[1].split()[0] for row in gap_rows]
    assert severities == sorted(severities, key=severity_rank)
    # a file name cannot break the table: its pipe is escaped inside the code span
    assert "a\\|b.yaml" in out and "### Files that could not be assessed" in out
    code, out, _ = check(DEMO, "-f", "markdown", "--fail-on", "none")
    assert code == 0 and "no gaps at or above `--fail-on none`" in out
    assert "### Gaps" not in out


def test_oscal_version_is_compliance_trestles() -> None:
    """compliance-trestle 5.x models OSCAL 1.2.1 (``trestle.oscal.OSCAL_VERSION``)."""
    from licensecheck.formats.oscal import OSCAL_VERSION

    assert OSCAL_VERSION == "1.2.1"


#: Loads an assessment-results and a POA&M file with compliance-trestle's own models and
#: prints what the test checks; run by the Python that has trestle installed.
_TRESTLE_LOADER = """
import json, sys
import trestle.oscal
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones
results = AssessmentResults.oscal_read(__import__("pathlib").Path(sys.argv[1]))
poam = PlanOfActionAndMilestones.oscal_read(__import__("pathlib").Path(sys.argv[2]))
print(json.dumps({
    "trestle_oscal_version": trestle.oscal.OSCAL_VERSION,
    "results": len(results.results),
    "results_version": results.metadata.oscal_version.root.root,
    "poam_items": len(poam.poam_items or []),
}))
"""


def _trestle_python() -> str:
    """The Python with compliance-trestle: ``LICENSECHECK_TEST_TRESTLE_PYTHON`` (.ci/run makes
    a venv of its own for it: trestle pins jinja2 and paramiko exactly, so it cannot share the
    test venv), else this one if trestle imports here. Required under CI=true."""
    configured = os.environ.get("LICENSECHECK_TEST_TRESTLE_PYTHON")
    if configured:
        return configured
    if importlib.util.find_spec("trestle") is not None:
        return sys.executable
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true needs compliance-trestle: set LICENSECHECK_TEST_TRESTLE_PYTHON")
    pytest.skip("compliance-trestle is not installed (.ci/run installs it in a venv of its own)")


def test_compliance_trestle_loads_our_oscal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compliance-trestle's models load both OSCAL documents we write, at its OSCAL version."""
    from licensecheck.formats.oscal import OSCAL_VERSION

    python = _trestle_python()
    monkeypatch.chdir(REPO)
    results, poam = tmp_path / "results.json", tmp_path / "poam.json"
    check(CRAWLER, DEMO, "--pack", "cn-credit-reporting", "-f", f"oscal={results}")
    run("plan", CRAWLER, "--pack", "cn-credit-reporting", "--as-of", AS_OF, "--format", "oscal",
        "-o", str(poam))  # fmt: skip
    loaded = subprocess.run(
        [python, "-c", _TRESTLE_LOADER, str(results), str(poam)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    seen = json.loads(loaded.stdout)
    assert seen["trestle_oscal_version"] == OSCAL_VERSION
    assert seen["results"] == 2
    assert seen["results_version"] == OSCAL_VERSION
    assert seen["poam_items"] > 0
