"""Baselines (--baseline) and `licensecheck diff`: new, worsened, improved, unchanged, fixed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import licensecheck
from helpers.cli import run
from helpers.external_schemas import assert_valid, sarif_validator
from helpers.paths import REPO

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"
EDITS = {
    # new: a prohibited category appears (ST-COL-003, critical)
    "sensitive_categories: [location_trace]": "sensitive_categories: [location_trace, religion]",
    # worsened: a second recipient without separate consent (ST-CON-001 already fails for rc-sg)
    "    separate_consent: true": "    separate_consent: false",
    # fixed: enough capital (ST-LIC-002)
    "registered_capital_cny: 30_000_000": "registered_capital_cny: 60_000_000",
}


@pytest.fixture
def firms(tmp_path: Path) -> tuple[Path, Path]:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    text = DEMO.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    for before, after in EDITS.items():
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    new.write_text(text, encoding="utf-8")
    return old, new


def json_report(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        "check", "--pack", "starter", str(path), "--as-of", AS_OF, "--format", "json", *extra
    )
    assert code in (0, 1), err
    return code, json.loads(out)


def test_diff_of_two_declarations(firms: tuple[Path, Path]) -> None:
    old, new = firms
    code, out, err = run(
        "diff", "--pack", "starter", str(old), str(new), "--as-of", AS_OF, "--format", "json"
    )
    assert code == 1, err  # a new critical gap
    report = json.loads(out)
    schema = json.loads((REPO / "schemas" / "diff.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert [e["rule_id"] for e in report["new"]] == ["ST-COL-003"]
    assert [e["rule_id"] for e in report["fixed"]] == ["ST-LIC-002"]
    (worse,) = report["worsened"]
    assert worse["rule_id"] == "ST-CON-001"
    assert worse["added"] == ["recipients[].separate_consent [rc-bank]"]
    assert report["counts"] == {
        "new": 1,
        "worsened": 1,
        "improved": 0,
        "unchanged": len(report["unchanged"]),
        "fixed": 1,
    }
    assert report["score_change"] == report["after"]["score"] - report["before"]["score"]

    code, text, _ = run("diff", "--pack", "starter", str(old), str(new), "--as-of", AS_OF)
    assert code == 1
    assert "New gaps\n  pass → fail" in text
    assert "+ recipients[].separate_consent [rc-bank]" in text
    assert "Fixed\n  fail → pass" in text
    assert "unchanged gaps not shown (use --verbose)" in text
    assert (
        run("diff", "--pack", "starter", str(old), str(new), "--as-of", AS_OF, "--fail-on", "none")[
            0
        ]
        == 0
    )
    assert run("diff", "--pack", "starter", str(old), str(old), "--as-of", AS_OF)[0] == 0


def test_diff_of_two_json_reports_needs_no_pack(firms: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = firms
    reports = []
    for path in (old, new):
        target = tmp_path / f"{path.stem}.json"
        run(
            "check",
            "--pack",
            "starter",
            str(path),
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "-o",
            str(target),
        )
        reports.append(target)
    from_reports = json.loads(
        run("diff", "--pack", "starter", *map(str, reports), "--format", "json")[1]
    )
    from_declarations = json.loads(
        run("diff", "--pack", "starter", str(old), str(new), "--as-of", AS_OF, "--format", "json")[
            1
        ]
    )
    # the same comparison; only the sides read from reports name their report files
    assert [from_reports["before"].pop("report"), from_reports["after"].pop("report")] == [
        str(r) for r in reports
    ]
    assert from_declarations["before"].pop("report") is None
    assert from_declarations["after"].pop("report") is None
    assert from_reports == from_declarations
    # a report against a declaration of a different pack is refused
    code, _, err = run(
        "diff", str(reports[0]), str(new), "--pack", "cn-credit-reporting", "--as-of", AS_OF
    )
    assert code == 2 and "different packs" in err


def test_reordering_a_list_changes_nothing(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["recipients"].reverse()
    data["data_sources"].reverse()
    shuffled = tmp_path / "shuffled.json"
    shuffled.write_text(json.dumps(data, default=str), encoding="utf-8")
    result = licensecheck.compare(DEMO, shuffled, "starter", as_of=AS_OF)
    assert result.new == result.worsened == result.improved == result.fixed == []
    assert result.counts["unchanged"] > 0


def test_fail_to_unknown_is_improved(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "certified_on" in x)
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    result = licensecheck.compare(DEMO, changed, "starter", as_of=AS_OF)
    (entry,) = result.improved
    assert (entry.rule_id, entry.old_status, entry.new_status) == ("ST-SEC-001", "fail", "unknown")


def test_a_baseline_counts_only_new_and_worsened_gaps(
    firms: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = firms
    baseline = tmp_path / "baseline.json"
    run(
        "check",
        "--pack",
        "starter",
        str(old),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        str(baseline),
    )
    before = baseline.read_bytes()

    assert run("check", "--pack", "starter", str(old), "--as-of", AS_OF)[0] == 1  # many known gaps
    code, same = json_report(old, "--baseline", str(baseline))
    assert code == 0  # ... all in the baseline
    assert {f["baseline"] for f in same["findings"] if "baseline" in f} == {"unchanged"}
    assert same["baseline"] == {
        "report": str(baseline),
        "as_of": AS_OF,
        "score": same["summary"]["score"],
    }

    code, result = json_report(new, "--baseline", str(baseline))
    assert code == 1
    marks = {f["rule_id"]: f.get("baseline") for f in result["findings"]}
    assert marks["ST-COL-003"] == "new"
    assert marks["ST-CON-001"] == "worsened"
    assert marks["ST-LIC-002"] == "fixed"
    assert marks["ST-COL-001"] == "unchanged"
    assert marks["ST-GOV-001"] is None  # passes in both
    # only the new critical gap blocks: with it fixed, the exit code is 0
    fixed_new = new.read_text(encoding="utf-8").replace(
        "[location_trace, religion]", "[location_trace]"
    )
    new.write_text(
        fixed_new.replace("    separate_consent: false", "    separate_consent: true", 1),
        encoding="utf-8",
    )
    assert json_report(new, "--baseline", str(baseline))[0] == 0
    assert baseline.read_bytes() == before

    text = run(
        "check", "--pack", "starter", str(old), "--as-of", AS_OF, "--baseline", str(baseline)
    )[1]
    assert f"baseline {baseline} (score " in text
    # counted in the plural, but each finding's tag in the singular
    assert re.search(r"[0-9]+ known gaps( ·|$)", text, re.MULTILINE), text
    assert "[known gap]" in text


def test_sarif_baseline_states(firms: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = firms
    baseline = tmp_path / "baseline.json"
    run(
        "check",
        "--pack",
        "starter",
        str(old),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        str(baseline),
    )
    out = run(
        "check",
        "--pack",
        "starter",
        str(new),
        "--as-of",
        AS_OF,
        "--baseline",
        str(baseline),
        "--format",
        "sarif",
    )[1]
    log = json.loads(out)
    assert_valid(sarif_validator(), log)
    states = {r["ruleId"]: r["baselineState"] for r in log["runs"][0]["results"]}
    assert states["ST-COL-003"] == "new"
    assert states["ST-CON-001"] == "updated"
    assert states["ST-COL-001"] == "unchanged"
    annotations = run(
        "check",
        "--pack",
        "starter",
        str(new),
        "--as-of",
        AS_OF,
        "--baseline",
        str(baseline),
        "--format",
        "github",
    )[1]
    errors = [a for a in annotations.splitlines() if a.startswith("::error")]
    assert {a.split("title=")[1].split(" ")[0] for a in errors} == {"ST-COL-003", "ST-CON-001"}


def test_a_batch_report_is_a_baseline_for_a_batch(tmp_path: Path) -> None:
    folder = tmp_path / "firms"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    baseline = tmp_path / "all.json"
    code, _, _ = run(
        "check",
        "--pack",
        "starter",
        str(folder),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        str(baseline),
    )
    assert code == 1
    assert (
        run(
            "check", "--pack", "starter", str(folder), "--as-of", AS_OF, "--baseline", str(baseline)
        )[0]
        == 0
    )
    (folder / "c.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(
        "check",
        "--pack",
        "starter",
        str(folder),
        "--as-of",
        AS_OF,
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert code == 1  # c.yaml is not in the baseline: its gaps are new
    results = {Path(r["declaration"]).name: r["report"] for r in json.loads(out)["results"]}
    assert {f.get("baseline") for f in results["a.yaml"]["findings"]} <= {"unchanged", None}
    assert results["c.yaml"]["baseline"]["score"] is None
    assert "new" in {f.get("baseline") for f in results["c.yaml"]["findings"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"tool": {"name": "licensecheck"},\n "findings": [,]}',
            ":2:15: error: not a JSON report",
        ),
        ('{"tool": {}, "findings": []}', "not a licensecheck JSON report"),
    ],
)
def test_bad_baselines_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content, encoding="utf-8")
    code, out, err = run(
        "check", "--pack", "starter", str(DEMO), "--as-of", AS_OF, "--baseline", str(baseline)
    )
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    code, _, err = run(
        "check", "--pack", "starter", str(DEMO), "--baseline", str(tmp_path / "missing.json")
    )
    assert code == 2 and "does not exist" in err


def test_diff_against_a_waived_baseline_applies_the_waivers(tmp_path: Path) -> None:
    firm = tmp_path / "firm.yaml"
    firm.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - {rule: ST-LIC-002, reason: pending, approved_by: CRO, "
        "expires_on: 2027-01-01}\n",
        encoding="utf-8",
    )
    base = tmp_path / "base.json"
    args = ("--as-of", AS_OF, "--waivers", str(waivers))
    assert (
        run("check", "--pack", "starter", str(firm), *args, "--format", "json", "-o", str(base))[0]
        == 1
    )

    code, text, err = run("diff", "--pack", "starter", str(base), str(firm), *args)
    assert code == 0, err
    assert "0 new  ·  0 worsened" in text
    assert f"{base} ({firm}) → {firm}" in text.splitlines()[0]

    # the configuration's waivers count as --waivers
    (tmp_path / "licensecheck.toml").write_text(
        'pack = "starter"\nwaivers = "w.yaml"\n', encoding="utf-8"
    )
    code, out, err = run(
        "--config",
        str(tmp_path / "licensecheck.toml"),
        "diff",
        str(base),
        str(firm),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["new"] == []
    assert json.loads(out)["before"]["report"] == str(base)

    code, text, _ = run("diff", "--pack", "starter", str(base), str(firm), "--as-of", AS_OF)
    assert code == 1  # without the waivers, the waived gap is back: waived → fail
    assert "waived → fail" in text
