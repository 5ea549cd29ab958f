"""SARIF, JUnit, GitHub annotations and OSCAL, through the CLI, against the official schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers.cli import run
from helpers.examples import EXAMPLES
from helpers.external_schemas import (
    assert_valid,
    assert_valid_junit,
    oscal_validator,
    sarif_validator,
)
from helpers.paths import REPO
from licensecheck.formats.github import command, escape_data, escape_property

AS_OF = "2026-01-15"
EXAMPLE_RUNS = [
    (name, pack_id, as_of.isoformat())
    for name, (packs, as_of) in EXAMPLES.items()
    for pack_id in packs
]


@pytest.fixture(scope="module")
def sarif() -> Any:
    return sarif_validator()


@pytest.fixture(scope="module")
def oscal_ar() -> Any:
    return oscal_validator("oscal_assessment-results_schema.json")


@pytest.fixture(scope="module")
def oscal_poam() -> Any:
    return oscal_validator("oscal_poam_schema.json")


def check(*args: str) -> tuple[int, str, str]:
    return run("check", *_starter_unless_a_pack_is_given(args), *args)


def _starter_unless_a_pack_is_given(args: tuple[str, ...]) -> tuple[str, ...]:
    return () if {"--pack", "-p"} & set(map(str, args)) else ("--pack", "starter")


@pytest.mark.parametrize(("name", "pack_id", "as_of"), EXAMPLE_RUNS)
def test_every_example_firm_gives_valid_sarif_and_junit(
    name: str, pack_id: str, as_of: str, sarif: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    path = f"examples/{name}.yaml"
    code, out, _ = check(path, "--pack", pack_id, "--as-of", as_of, "--format", "sarif")
    assert code in (0, 1)
    log = json.loads(out)
    assert_valid(sarif, log)
    (run_,) = log["runs"]
    report = json.loads(check(path, "--pack", pack_id, "--as-of", as_of, "--format", "json")[1])
    gaps = [f for f in report["findings"] if f["status"] in ("fail", "unknown", "error")]
    assert len(run_["results"]) == len(gaps)
    assert len(run_["tool"]["driver"]["rules"]) == len(report["findings"])
    for result in run_["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == path

    code, xml, _ = check(path, "--pack", pack_id, "--as-of", as_of, "--format", "junit")
    assert code in (0, 1)
    assert_valid_junit(xml)
    assert xml.count("<testcase ") == len(report["findings"])
    not_applicable = [f for f in report["findings"] if f["status"] == "not_applicable"]
    assert xml.count('<skipped message="does not apply') == len(not_applicable)
    blocking = [g for g in gaps if g["status"] != "error" and _blocks_at_high(g)]
    assert xml.count("<failure ") == len(blocking)
    assert (xml.count("<failure ") > 0) == (code == 1)


def _blocks_at_high(gap: dict[str, Any]) -> bool:
    return gap["severity"] in ("critical", "high") and not gap["in_grace"]


def test_sarif_rules_results_and_locations(
    sarif: Any, monkeypatch: pytest.MonkeyPatch, golden: Any
) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = check("examples/demo-credit-scoring.yaml", "--as-of", AS_OF, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert_valid(sarif, log)
    driver = log["runs"][0]["tool"]["driver"]
    rules = {r["id"]: r for r in driver["rules"]}
    capital = rules["ST-LIC-002"]
    assert capital["defaultConfiguration"]["level"] == "error"  # critical
    assert capital["shortDescription"]["text"].startswith("Registered capital")
    assert "Art. 6(2)" in capital["help"]["text"]
    assert "Raise registered capital" in capital["help"]["text"]
    assert capital["properties"]["security-severity"] == "9.0"
    assert {r["defaultConfiguration"]["level"] for r in driver["rules"]} <= {
        "error",
        "warning",
        "note",
    }
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    region = results["ST-LIC-002"]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (23, 3)  # registered_capital_cny
    assert results["ST-LIC-002"]["ruleIndex"] == list(rules).index("ST-LIC-002")
    golden("check-demo-starter.sarif", out)


def test_sarif_fingerprints_survive_moved_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (REPO / "examples" / "demo-credit-scoring.yaml").read_text(encoding="utf-8")
    Path("firm.yaml").write_text(text, encoding="utf-8")
    before = json.loads(check("firm.yaml", "--as-of", AS_OF, "--format", "sarif")[1])
    Path("firm.yaml").write_text("# moved down\n# by three\n# lines\n" + text, encoding="utf-8")
    after = json.loads(check("firm.yaml", "--as-of", AS_OF, "--format", "sarif")[1])

    def prints(log: dict[str, Any]) -> dict[str, tuple[str, int]]:
        return {
            r["ruleId"]: (
                r["partialFingerprints"]["licensecheckGap/v1"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in log["runs"][0]["results"]
        }

    old, new = prints(before), prints(after)
    assert old.keys() == new.keys()
    for rule_id in old:
        assert old[rule_id][0] == new[rule_id][0]
        assert new[rule_id][1] == old[rule_id][1] + 3


def test_sarif_uri_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "repo" / "compliance dir"
    folder.mkdir(parents=True)
    (folder / "firm.yaml").write_text(
        (REPO / "examples" / "demo-credit-scoring.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "repo")
    log = json.loads(check(str(folder / "firm.yaml"), "--as-of", AS_OF, "--format", "sarif")[1])
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"compliance%20dir/firm.yaml"}
    monkeypatch.chdir(REPO)
    log = json.loads(check(str(folder / "firm.yaml"), "--as-of", AS_OF, "--format", "sarif")[1])
    assert log["runs"][0]["artifacts"][0]["location"]["uri"].startswith("file:///")


def test_junit_golden_and_counts(monkeypatch: pytest.MonkeyPatch, golden: Any) -> None:
    monkeypatch.chdir(REPO)
    code, xml, _ = check("examples/demo-credit-scoring.yaml", "--as-of", AS_OF, "--format", "junit")
    assert code == 1
    assert_valid_junit(xml)
    assert 'timestamp="2026-01-15T00:00:00"' in xml
    assert '<testsuite name="examples/demo-credit-scoring.yaml" package="starter" id="0"' in xml
    golden("check-demo-starter.junit.xml", xml)


def test_junit_with_a_broken_file_in_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\ncompany: {name: X, registered_capital_cny: lots}\n")
    code, xml, err = check(
        "examples/demo-credit-scoring.yaml", str(broken), "--as-of", AS_OF, "--format", "junit"
    )
    assert code == 2
    assert f"{broken}:2:" in err
    assert_valid_junit(xml)
    assert xml.count("<testsuite ") == 2
    assert '<error message="company.registered_capital_cny' in xml


def test_github_escaping() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert (
        command(
            "error", "line one\nline: two, 50%", file="dir/a,b.yaml", line=3, col=5, title="X: y"
        )
        == "::error file=dir/a%2Cb.yaml,line=3,col=5,title=X%3A y::line one%0Aline: two, 50%25"
    )
    assert command("warning", "m") == "::warning::m"


def test_github_annotations(monkeypatch: pytest.MonkeyPatch, golden: Any) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = check(
        "examples/demo-credit-scoring.yaml", "--as-of", AS_OF, "--format", "github"
    )
    assert code == 1
    lines = out.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert annotations and all("\n" not in a for a in annotations)
    assert any(
        a.startswith(
            "::error file=examples/demo-credit-scoring.yaml,line=23,col=3,title=ST-LIC-002"
        )
        for a in annotations
    )
    assert lines[-1].startswith("examples/demo-credit-scoring.yaml: NOT READY")
    # only gaps at or above --fail-on are errors: with critical, high ones become warnings
    out_critical = check(
        "examples/demo-credit-scoring.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "github",
        "--fail-on",
        "critical",
    )[1]
    levels = {a.split(" ", 1)[0] for a in out_critical.splitlines() if a.startswith("::")}
    assert levels == {"::error", "::warning"}
    assert out_critical.count("::error") < out.count("::error")
    golden("check-demo-starter.github.txt", out)


def test_oscal_assessment_results(oscal_ar: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = check(
        "examples", "--pack", "cn-credit-reporting", "--as-of", AS_OF, "--format", "oscal"
    )
    assert code == 1
    document = json.loads(out)
    assert_valid(oscal_ar, document)
    results = document["assessment-results"]["results"]
    assert len(results) == len(EXAMPLES)
    crawler = next(r for r in results if "crawler-firm-2019" in r["title"])
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in crawler["findings"]}
    assert states["CR-CON-001"] == "not-satisfied"
    assert "satisfied" in states.values()
    assert len(crawler["observations"]) == len(crawler["risks"])
    evidence = crawler["observations"][0]["relevant-evidence"][0]["href"]
    assert evidence.startswith("examples/crawler-firm-2019.yaml#L")
    uuids = [r["uuid"] for r in results]
    assert len(set(uuids)) == len(uuids)


def test_oscal_validator_rejects_a_bad_token(
    oscal_ar: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    document = json.loads(
        check("examples/demo-credit-scoring.yaml", "--as-of", AS_OF, "--format", "oscal")[1]
    )
    finding = document["assessment-results"]["results"][0]["findings"][0]
    finding["target"]["target-id"] = "1 not a token"
    assert list(oscal_ar.iter_errors(document))


def test_plan_as_oscal_poam(oscal_poam: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)

    def plan_as(fmt: str) -> tuple[int, str, str]:
        return run(
            "plan",
            "examples/crawler-firm-2019.yaml",
            "--pack",
            "cn-credit-reporting",
            "--as-of",
            AS_OF,
            "--format",
            fmt,
        )

    code, out, _ = plan_as("oscal")
    assert code == 1
    document = json.loads(out)
    assert_valid(oscal_poam, document)
    poam = document["plan-of-action-and-milestones"]
    plan = json.loads(plan_as("json")[1])
    assert len(poam["poam-items"]) == len(plan["tasks"])
    risks = {r["uuid"]: r for r in poam["risks"]}
    oscal_tasks = {}
    for item in poam["poam-items"]:
        task_id = next(p["value"] for p in item["props"] if p["name"] == "task")
        risk = risks[item["related-risks"][0]["risk-uuid"]]
        oscal_tasks[task_id] = risk["remediations"][0]["tasks"][0]
    uuid_of = {task_id: t["uuid"] for task_id, t in oscal_tasks.items()}
    assert any(t["depends_on"] for t in plan["tasks"]), "the crawler plan has ordered tasks"
    for task in plan["tasks"]:
        oscal_task = oscal_tasks[task["id"]]
        assert sorted(d["task-uuid"] for d in oscal_task.get("dependencies", [])) == sorted(
            uuid_of[d] for d in task["depends_on"]
        )
        assert oscal_task["timing"]["within-date-range"] == {
            "start": f"{task['start']}T00:00:00Z",
            "end": f"{task['end']}T00:00:00Z",
        }


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "oscal", "json", "text"])
def test_outputs_are_byte_identical_across_hash_seeds(fmt: str, tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        target = tmp_path / f"{seed}.out"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "licensecheck",
                "check",
                "examples/crawler-firm-2019.yaml",
                "examples/demo-credit-scoring.yaml",
                "--pack",
                "cn-credit-reporting",
                "--as-of",
                AS_OF,
                "--format",
                fmt,
                "-o",
                str(target),
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
            timeout=120,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
