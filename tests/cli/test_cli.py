"""The command line, as a user runs it: outputs, exit codes, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers.cli import run, run_process
from helpers.paths import REPO

EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"


def relative_example() -> str:
    return os.path.relpath(EXAMPLE)


def test_text_report_golden(golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(
        "check", "--pack", "starter", "examples/demo-credit-scoring.yaml", "--as-of", AS_OF
    )
    assert code == 1
    golden("check-demo-starter.txt", out)  # type: ignore[operator]


def test_text_report_golden_zh(golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(
        "check",
        "--pack",
        "starter",
        "examples/demo-credit-scoring.yaml",
        "--as-of",
        AS_OF,
        "--lang",
        "zh",
        "--verbose",
    )
    assert code == 1
    assert "尚未具备条件" in out
    golden("check-demo-starter-zh.txt", out)  # type: ignore[operator]


def test_json_report_golden_and_schema(golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(
        "check",
        "--pack",
        "starter",
        "examples/demo-credit-scoring.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert code == 1
    report = json.loads(out)
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert set(report) == {
        "$schema",
        "schema_version",
        "tool",
        "pack",
        "declaration",
        "as_of",
        "lang",
        "summary",
        "findings",
        "evidence",  # the example declares evidence: each entry's state
    }
    assert (report["$schema"], report["schema_version"]) == (schema["$id"], 1)
    assert report["findings"] == sorted(report["findings"], key=lambda f: f["rule_id"])
    golden("check-demo-starter.json", out)  # type: ignore[operator]


def test_json_numbers_match_the_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    report = json.loads(
        run(
            "check",
            "--pack",
            "starter",
            "examples/demo-credit-scoring.yaml",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        )[1]
    )
    findings = report["findings"]
    by_status = report["summary"]["counts"]["by_status"]
    for key, count in by_status.items():
        assert count == sum(1 for f in findings if f["status"] == key)
    blocking = [
        f
        for f in findings
        if f["severity"] in ("critical", "high") and f["status"] in ("fail", "unknown", "error")
    ]
    assert report["summary"]["ready"] is (not blocking)
    for f in findings:
        if f["status"] in ("fail", "unknown"):
            assert f["witnesses"], f["rule_id"]
            for w in f["witnesses"]:
                assert w["line"] is None or w["line"] >= 1


def test_same_inputs_give_byte_identical_output(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "licensecheck",
                "check",
                "--pack",
                "starter",
                str(EXAMPLE),
                "--as-of",
                AS_OF,
                "--format",
                "json",
            ],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize(("fail_on", "expected"), [("critical", 1), ("none", 0)])
def test_fail_on_sets_the_exit_code(fail_on: str, expected: int) -> None:
    assert (
        run("check", "--pack", "starter", str(EXAMPLE), "--as-of", AS_OF, "--fail-on", fail_on)[0]
        == expected
    )


def test_ready_declaration_exits_zero(tmp_path: Path) -> None:
    ready = tmp_path / "ready.yaml"
    ready.write_text(
        "schema_version: 1\ncompany: {name: Tiny}\nbusiness_lines: []\ndata_sources: []\nrecipients: []\n"
    )
    code, out, _ = run(
        "check", "--pack", "starter", str(ready), "--as-of", AS_OF, "--fail-on", "high"
    )
    assert "READY" in out
    assert code in (0, 1)
    report = json.loads(
        run("check", "--pack", "starter", str(ready), "--as-of", AS_OF, "--format", "json")[1]
    )
    assert code == (0 if report["summary"]["ready"] else 1)


def test_output_file_is_written_and_input_is_untouched(tmp_path: Path) -> None:
    before = EXAMPLE.read_bytes()
    target = tmp_path / "report.json"
    code, out, _ = run(
        "check",
        "--pack",
        "starter",
        str(EXAMPLE),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--output",
        str(target),
    )
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["declaration"] == str(EXAMPLE)
    assert EXAMPLE.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_output_over_the_input_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "decl.yaml"
    copy.write_bytes(EXAMPLE.read_bytes())
    code, _, err = run("check", "--pack", "starter", str(copy), "--output", str(copy))
    assert code == 2
    assert "would overwrite the input file" in err
    assert copy.read_bytes() == EXAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("schema_version: 1\ncompany:\n  name: X\n  name: Y\n", ":4:3:"),
        ("schema_version: 1\ncompany: {name: X, registered_capital_cny: lots}\n", ":2:"),
        ("schema_version: 1\ncompany: [\n", ":"),
        ("schema_version: 1\ncompany: {name: X}\ndata_sorces: []\n", "did you mean 'data_sources'"),
    ],
)
def test_bad_declarations_exit_2_with_positions(
    tmp_path: Path, content: str, fragment: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    proc = run_process("check", "--pack", "starter", str(bad))
    assert proc.returncode == 2
    assert f"{bad}" in proc.stderr and fragment in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_bad_pack_exits_2(tmp_path: Path) -> None:
    pack = tmp_path / "broken"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: broken\nversion: 1.0.0\ntitle: B\n")
    (pack / "r.rules").write_text(
        'rule A-1 { title: "x" domain: d severity: low require: a < b < c }\n'
    )
    proc = run_process("check", str(EXAMPLE), "--pack", str(pack))
    assert proc.returncode == 2
    assert "r.rules:1:" in proc.stderr and "^" in proc.stderr and "cannot be chained" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check", "--pack", "starter", "missing.yaml"], "missing.yaml"),
        (["check", str(EXAMPLE), "--pack", "nope"], "no pack 'nope'"),
        (
            ["check", "--pack", "starter", str(EXAMPLE), "--as-of", "2026-13-32"],
            "does not exist (month 13)",
        ),
        (["check", "--pack", "starter", str(EXAMPLE), "--format", "xml"], "Invalid value"),
    ],
)
def test_usage_errors_exit_2(args: list[str], fragment: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert fragment in err


def test_validate() -> None:
    assert run("validate", str(EXAMPLE)) == (0, f"{EXAMPLE}: valid\n", "")


def test_packs_list_shows_bundled_packs() -> None:
    code, out, _ = run("packs", "list", "--format", "json")
    assert code == 0
    ids = [p["id"] for p in json.loads(out)]
    assert "starter" in ids and ids == sorted(ids)


@pytest.mark.parametrize("name", ["declaration", "report", "pack"])
def test_schema_command_prints_the_shipped_schema(name: str) -> None:
    code, out, _ = run("schema", name)
    assert code == 0
    assert json.loads(out) == json.loads((REPO / "schemas" / f"{name}.schema.json").read_text())


def test_module_entry_point_and_version() -> None:
    proc = run_process("--version")
    assert proc.returncode == 0 and "licensecheck" in proc.stdout


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-13-01", "licensecheck: error: --as-of: '2026-13-01' does not exist (month 13)"),
        (
            "2026-02-30",
            "licensecheck: error: --as-of: '2026-02-30' does not exist (2026-02 has no day 30)",
        ),
        ("2026-2-3", "licensecheck: error: --as-of: '2026-2-3' is not a date (YYYY-MM-DD)"),
    ],
)
def test_usage_errors_name_the_tool_and_say_why_a_date_is_none(as_of: str, message: str) -> None:
    code, _, err = run("check", "--pack", "starter", str(EXAMPLE), "--as-of", as_of)
    assert code == 2
    assert err.strip() == message
