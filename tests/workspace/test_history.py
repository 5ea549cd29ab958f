"""A firm's journey over three runs: recorded with --record, shown exactly by ``history``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
RUNS = ("2026-01-15", "2026-03-01", "2026-05-01")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _record(workspace: Target, declaration: Path, as_of: str) -> dict[str, object]:
    """Record one run; the JSON report it printed."""
    code, out, err = run(
        "check",
        "--pack",
        "starter",
        declaration,
        "--as-of",
        as_of,
        "--format",
        "json",
        "--record",
        *workspace.args,
    )
    assert code == 1, err
    assert "recorded 1 assessment" in err
    return json.loads(out)  # type: ignore[no-any-return]


def _journey(workspace: Target, tmp_path: Path) -> list[dict[str, object]]:
    """Three runs: the two crawler failures fixed (which leaves the anti-crawling rule unknown
    on the two sources that never declared it: two gaps opened), then the capital and the
    consent gaps closed, while time opens one (a governance review falls due)."""
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    reports = [_record(workspace, declaration, RUNS[0])]
    _edit(declaration, "bypasses_anti_crawling: true ", "bypasses_anti_crawling: false")
    _edit(declaration, "stores_user_credentials: true ", "stores_user_credentials: false")
    reports.append(_record(workspace, declaration, RUNS[1]))
    _edit(declaration, "registered_capital_cny: 30_000_000", "registered_capital_cny: 60_000_000")
    _edit(declaration, "separate_consent: false", "separate_consent: true")
    _edit(declaration, "    # separate_consent is not declared.", "    separate_consent: true")
    reports.append(_record(workspace, declaration, RUNS[2]))
    return reports


def test_history_shows_three_runs_with_the_gaps_they_closed(
    workspace: Target, tmp_path: Path
) -> None:
    reports = _journey(workspace, tmp_path)
    code, out, err = run(
        "history",
        "Lanting Data Technology (Shenzhen) Co., Ltd.",
        "--format",
        "json",
        *workspace.args,
    )
    assert code == 0, err
    history = json.loads(out)
    (pack,) = history["packs"]
    assert pack["pack_id"] == "starter"
    assert [r["as_of"] for r in pack["runs"]] == list(RUNS)
    assert [r["score"] for r in pack["runs"]] == [r["summary"]["score"] for r in reports]  # type: ignore[index]
    assert [r["ready"] for r in pack["runs"]] == [r["summary"]["ready"] for r in reports]  # type: ignore[index]
    second, third = pack["changes"]
    assert second["opened"] == [
        {"rule_id": "ST-COL-002", "element": "ds-app"},
        {"rule_id": "ST-COL-002", "element": "ds-carrier"},
    ]
    assert second["closed"] == [
        {"rule_id": "ST-COL-001", "element": "ds-gjj", "opened_on": RUNS[0], "days_open": 45},
        {"rule_id": "ST-COL-002", "element": "ds-web", "opened_on": RUNS[0], "days_open": 45},
    ]
    assert third["opened"] == [{"rule_id": "ST-GOV-002", "element": ""}]
    assert third["closed"] == [
        {"rule_id": "ST-CON-001", "element": "rc-sg", "opened_on": RUNS[0], "days_open": 106},
        {"rule_id": "ST-LIC-002", "element": "", "opened_on": RUNS[0], "days_open": 106},
    ]
    assert second["score_change"] == pack["runs"][1]["score"] - pack["runs"][0]["score"]


def test_history_text_names_each_run_and_each_closed_gap(workspace: Target, tmp_path: Path) -> None:
    _journey(workspace, tmp_path)
    code, out, _ = run("history", "91440300MA5FK7Q2X1", *workspace.args)
    assert code == 0
    for day in RUNS:
        assert f"  {day}  " in out
    assert "closed  ST-COL-001 [ds-gjj]  (open 45 days, since 2026-01-15)" in out
    assert "opened  ST-COL-002 [ds-app]" in out


def test_recording_identical_inputs_twice_stores_one_run(workspace: Target, tmp_path: Path) -> None:
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    _record(workspace, declaration, RUNS[0])
    code, _, err = run(
        "check", "--pack", "starter", declaration, "--as-of", RUNS[0], "--record", *workspace.args
    )
    assert code == 1
    assert "recorded 0 assessments (1 already recorded)" in err
    code, out, _ = run("workspace", "info", *workspace.args)
    assert "assessments: 1\n" in out


def test_report_and_plan_record_too(workspace: Target, tmp_path: Path) -> None:
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    for command, day in (("report", RUNS[0]), ("plan", RUNS[1])):
        code, _, err = run(
            command, "--pack", "starter", declaration, "--as-of", day, "--record", *workspace.args
        )
        assert code == 1, err
    code, out, _ = run(
        "history",
        "Lanting Data Technology (Shenzhen) Co., Ltd.",
        "--format",
        "json",
        *workspace.args,
    )
    assert [r["as_of"] for r in json.loads(out)["packs"][0]["runs"]] == list(RUNS[:2])


def test_record_from_configuration(workspace: Target, tmp_path: Path, monkeypatch: object) -> None:
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    where = (
        f'workspace = "{workspace.folder}"'
        if workspace.folder is not None
        else f'database-url = "{workspace.url}"'
    )
    config = tmp_path / "licensecheck.toml"
    config.write_text(f"record = true\n{where}\n", encoding="utf-8")
    code, _, err = run(
        "--config", config, "check", declaration, "--pack", "starter", "--as-of", RUNS[0]
    )
    assert code == 1
    assert "recorded 1 assessment" in err


def test_report_history_draws_the_runs_and_changes_nothing_else(
    workspace: Target, tmp_path: Path
) -> None:
    _journey(workspace, tmp_path)
    declaration = tmp_path / "demo.yaml"
    plain, drawn = tmp_path / "plain.html", tmp_path / "drawn.html"
    common = (
        "report",
        "--pack",
        "starter",
        declaration,
        "--format",
        "html",
        "--as-of",
        RUNS[2],
        *workspace.args,
    )
    assert run(*common, "-o", plain)[0] == 1
    code, _, err = run(*common, "--history", "-o", drawn)
    assert code == 1, err
    html = drawn.read_text(encoding="utf-8")
    section = re.search(r'\n\n<section id="history">.*?</section>\n', html, re.DOTALL)
    assert section is not None
    assert html.replace(section.group(0), "\n") == plain.read_text(encoding="utf-8")
    chart = section.group(0)
    assert chart.count("<circle") == 3
    assert chart.count('<rect class="gaps"') == 3
    for day in RUNS:
        assert f">{day}</text>" in chart


def test_report_history_needs_html_and_recorded_runs(workspace: Target, tmp_path: Path) -> None:
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    code, _, err = run(
        "report", "--pack", "starter", declaration, "--history", "--record", *workspace.args
    )
    assert code == 2
    assert "use --format html" in err
    assert "assessments: 0\n" in run("workspace", "info", *workspace.args)[1]
    code, _, err = run(
        "report", "--pack", "starter", declaration, "--format", "html", "--history", *workspace.args
    )
    assert code == 2
    assert "no firm" in err
