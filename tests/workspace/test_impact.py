"""``impact``: every firm assessed under an OLD and a NEW version of a pack, compared.

The OLD cn-credit-reporting is built in the test (helpers/old_pack.py); the expected flips and
the new and resolved gaps are computed independently here, from ``check --format json`` run
under each version through the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from helpers.browser import dump_dom
from helpers.cli import run
from helpers.old_pack import PACK, build_old_pack
from helpers.paths import REPO
from licensecheck.engine.pack_diff import diff_packs
from licensecheck.engine.pipeline import prepare_pack
from licensecheck.errors import UsageError
from licensecheck.workspace.impact import (
    ImpactInput,
    ImpactReport,
    impact_schema,
    inputs_from_paths,
    measure_impact,
    pack_folder,
    split_pack_version,
)

AS_OF = "2026-01-15"
EXAMPLES = REPO / "examples"
SCHEMA = json.loads((REPO / "schemas" / "impact.schema.json").read_text(encoding="utf-8"))
GAPS = ("fail", "unknown", "error")


@pytest.fixture(scope="module")
def old_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_old_pack(tmp_path_factory.mktemp("old"))


@pytest.fixture(scope="module")
def report(old_pack: Path) -> dict[str, Any]:
    code, out, err = run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--format", "json")
    assert code == 1, err
    data: dict[str, Any] = json.loads(out)
    return data


@cache
def checked_batch(pack: str) -> dict[str, dict[str, Any]]:
    """``check --format json`` over the examples under ``pack``: declaration -> its result."""
    code, out, err = run("check", EXAMPLES, "--pack", pack, "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    return {r["declaration"]: r for r in json.loads(out)["results"]}


def rule_gaps(result: dict[str, Any]) -> dict[str, str]:
    """Rule id -> status of each gap the exit code counts (outside grace)."""
    return {
        f["rule_id"]: f["status"]
        for f in result["report"]["findings"]
        if f["status"] in GAPS and not f.get("in_grace", False)
    }


# ---------------------------------------------------------------------------- exact results


def test_flips_match_check_under_each_version(report: dict[str, Any], old_pack: Path) -> None:
    before, after = checked_batch(str(old_pack)), checked_batch(PACK)
    expected = {
        declaration: (before[declaration]["outcome"], after[declaration]["outcome"])
        for declaration in after
        if before[declaration]["outcome"] != after[declaration]["outcome"]
    }
    found = {f["declaration"]: (f["old"], f["new"]) for f in report["firms"] if f["flip"]}
    assert found == expected
    assert found == {str(EXAMPLES / "state-backed-data-co.yaml"): ("ready", "not_ready")}
    assert report["summary"]["became_not_ready"] == 1
    assert report["summary"]["became_ready"] == 0
    scores = {f["declaration"]: (f["old_score"], f["new_score"]) for f in report["firms"]}
    assert scores == {d: (before[d]["score"], after[d]["score"]) for d in after}


def test_new_and_resolved_gaps_match_check_under_each_version(
    report: dict[str, Any], old_pack: Path
) -> None:
    before, after = checked_batch(str(old_pack)), checked_batch(PACK)
    expected_new, expected_resolved = set(), set()
    for declaration in after:
        was, now = rule_gaps(before[declaration]), rule_gaps(after[declaration])
        expected_new |= {
            (declaration, rule, f"new_{status}")
            for rule, status in now.items()
            if was.get(rule) != status
        }
        expected_resolved |= {(declaration, rule, "resolved") for rule in was.keys() - now.keys()}
    changes = [(f["declaration"], c) for f in report["firms"] for c in f["changes"]]
    found_new = {(d, c["rule_id"], c["kind"]) for d, c in changes if c["kind"].startswith("new_")}
    found_resolved = {(d, c["rule_id"], c["kind"]) for d, c in changes if c["kind"] == "resolved"}
    assert found_new == expected_new
    assert found_resolved == expected_resolved
    demo, eu, us = (
        str(EXAMPLES / f)
        for f in ("demo-credit-scoring.yaml", "eu-data-broker.yaml", "us-data-broker.yaml")
    )
    assert expected_new == {
        (demo, "CR-CON-001", "new_fail"),  # the capital threshold rose from 30 to 50 million
        (demo, "CR-CON-005", "new_unknown"),  # the rule is new
        (eu, "CR-CON-005", "new_unknown"),
    }
    assert expected_resolved == {(eu, "CR-OLD-001", "resolved"), (us, "CR-OLD-001", "resolved")}


def test_raised_severities_are_changes_of_the_firms_they_hit(report: dict[str, Any]) -> None:
    firm = next(f for f in report["firms"] if f["flip"])
    assert firm["firm"] == "Zhejiang Example Credit Data Co., Ltd."
    assert [
        (c["rule_id"], c["element"], c["kind"], c["old_severity"], c["severity"])
        for c in firm["changes"]
    ] == [
        ("CR-CON-003", "o-cro", "severity_raised", "medium", "critical"),
        ("CR-SEC-002", None, "severity_raised", "medium", "high"),
        ("PI-PIA-003", "pia-2026", "severity_raised", "medium", "high"),
    ]


def test_counts_per_rule_and_most_affected(report: dict[str, Any]) -> None:
    changes = [c for f in report["firms"] for c in f["changes"]]
    for rule in report["rules"]:
        mine = [c for c in changes if c["rule_id"] == rule["rule_id"]]
        kinds = [c["kind"] for c in mine]
        for kind in ("new_fail", "new_unknown", "new_error", "resolved", "severity_raised"):
            assert rule[kind] == kinds.count(kind)
    assert {r["rule_id"] for r in report["rules"]} == {c["rule_id"] for c in changes}
    totals = [
        sum(r[k] for k in r if k not in ("rule_id", "title", "severity", "firms"))
        for r in report["rules"]
    ]
    assert totals == sorted(totals, reverse=True)
    ranked = [(-a["changes"], a["firm"]) for a in report["most_affected"]]
    assert ranked == sorted(ranked)
    assert [(a["firm"], a["changes"]) for a in report["most_affected"]] == [
        ("Listaria Sp. z o.o.", 8),
        ("Lumen People Data, Inc.", 8),
        ("Lanting Data Technology (Shenzhen) Co., Ltd.", 5),
        ("Beijing Example Risk Technology Co., Ltd.", 3),
        ("Zhejiang Example Credit Data Co., Ltd.", 3),
        ("Hangzhou Example Data Technology Co., Ltd.", 2),
    ]
    assert report["pack_changes"]["rules_added"] == 1


def test_json_follows_its_schema_and_the_schema_is_in_sync(report: dict[str, Any]) -> None:
    jsonschema.validate(report, SCHEMA)
    assert impact_schema() == SCHEMA, "regenerate schemas/impact.schema.json (docs/impact.md)"


def test_outputs_are_deterministic(old_pack: Path) -> None:
    for fmt in ("text", "json", "html"):
        runs = [
            run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--format", fmt)[1]
            for _ in range(2)
        ]
        assert runs[0] == runs[1]


def test_text_names_the_flip_and_the_changes(old_pack: Path) -> None:
    code, out, _ = run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "Impact of cn-credit-reporting 1.0.0 → cn-credit-reporting 1.1.0 on 7 firms "
        "(as of 2026-01-15)"
    )
    assert (
        "  ready → not ready    Zhejiang Example Credit Data Co., Ltd. "
        f"({EXAMPLES / 'state-backed-data-co.yaml'})  score 96 → 93"
    ) in lines
    assert any(
        line.strip().startswith("+ new fail         CR-CON-001 [critical]") for line in lines
    )


def test_fail_on_decides_the_exit_status(old_pack: Path) -> None:
    # new gaps: CR-CON-001 (critical, fail), CR-CON-005 (high, unknown); raised to critical
    assert run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--fail-on", "none")[0] == 0
    assert (
        run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--fail-on", "critical")[0] == 1
    )
    # the other way round, gaps resolve or go down, and the only new gaps are CR-OLD-001's (low)
    back = ("impact", PACK, old_pack, EXAMPLES, "--as-of", AS_OF, "--fail-on")
    assert run(*back, "medium")[0] == 0
    assert run(*back, "low")[0] == 1
    data = json.loads(
        run("impact", PACK, old_pack, EXAMPLES, "--as-of", AS_OF, "--format", "json")[1]
    )
    assert data["summary"]["became_ready"] == 1
    assert data["summary"]["became_not_ready"] == 0


# ---------------------------------------------------------------------------- HTML


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_one_inert_page(old_pack: Path, tmp_path: Path) -> None:
    folder = tmp_path / "firms"
    folder.mkdir()
    shutil.copy(EXAMPLES / "state-backed-data-co.yaml", folder / "a.yaml")
    evil = (EXAMPLES / "demo-credit-scoring.yaml").read_text(encoding="utf-8")
    evil = evil.replace(
        "name: Lanting Data Technology (Shenzhen) Co., Ltd.",
        'name: "<script>alert(1)</script> & Co"',
        1,
    )
    assert "<script>" in evil
    (folder / "b.yaml").write_text(evil, encoding="utf-8")
    target = tmp_path / "impact.html"
    code, out, _ = run(
        "impact", old_pack, PACK, folder, "--as-of", AS_OF, "--format", "html", "-o", target
    )
    assert (code, out) == (1, "")
    html = target.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert "script" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    text = " ".join(page.text)
    assert "ready → not ready" in text
    assert 'id="became-not-ready">1<' in html
    dom = dump_dom(target)
    if dom is not None:  # in a real browser: the firm's name is text, not an element
        assert "<script" not in dom.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in dom
        assert dom.count('<tr class="flip">') == 1


# ---------------------------------------------------------------------------- inputs


def test_declarations_given_as_bytes_give_the_same_report(old_pack: Path) -> None:
    """A workspace hands over stored bytes: same report as the files, named by their source."""
    old, new = prepare_pack(old_pack), prepare_pack(PACK)
    files = inputs_from_paths([EXAMPLES], schema_pack=new)
    stored = [ImpactInput(i.firm, i.source, Path(i.source).read_bytes()) for i in files]
    day = dt.date.fromisoformat(AS_OF)
    one = measure_impact(old, new, files, as_of=day, fail_on="high")
    two = measure_impact(old, new, stored, as_of=day, fail_on="high")
    assert one == two
    broken = [ImpactInput("Broken", "clients/broken.yaml", b"company: [\n")]
    three = measure_impact(old, new, broken, as_of=day, fail_on="high")
    (firm,) = three.firms
    assert {e.file for e in firm.errors} == {"clients/broken.yaml"}
    assert (firm.old, firm.new, three.summary.errors) == ("error", "error", 1)
    assert isinstance(three, ImpactReport)


def test_a_non_declaration_is_reported_and_the_rest_assessed(
    old_pack: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "firms"
    folder.mkdir()
    shutil.copy(EXAMPLES / "state-backed-data-co.yaml", folder / "a.yaml")
    (folder / "notes.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    code, out, err = run("impact", old_pack, PACK, folder, "--as-of", AS_OF, "--format", "json")
    assert code == 2
    assert err.count(f"{folder / 'notes.yaml'}:1:1: error:") == 1  # once, not once per version
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    outcomes = {Path(f["declaration"]).name: (f["old"], f["new"]) for f in data["firms"]}
    assert outcomes == {"a.yaml": ("ready", "not_ready"), "notes.yaml": ("error", "error")}
    assert data["summary"]["errors"] == 1
    (notes,) = [f for f in data["firms"] if f["errors"]]
    assert [(e["line"], e["column"]) for e in notes["errors"]] == [(1, 1)]


def test_a_missing_pack_is_a_usage_error() -> None:
    code, out, err = run("impact", "no-such-pack", PACK, EXAMPLES)
    assert (code, out) == (2, "")
    assert "no pack 'no-such-pack'" in err


def test_a_broken_rules_file_in_old_is_a_positioned_error(old_pack: Path, tmp_path: Path) -> None:
    broken = tmp_path / PACK
    shutil.copytree(old_pack, broken)
    rules = broken / "security.rules"
    lines = rules.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("    require:"))
    lines[line] = "    require: company.name ==== 1"
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run("impact", broken, PACK, EXAMPLES, "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert f"security.rules:{line + 1}:" in err


def test_portfolio_needs_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("impact", PACK, PACK, "--portfolio")
    assert (code, out) == (2, "")
    assert "no workspace here" in err
    assert run("impact", PACK, PACK)[0] == 2
    assert run("impact", PACK, PACK, EXAMPLES, "--portfolio")[0] == 2


def test_a_report_kept_beside_the_declarations_is_not_read_back(
    old_pack: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "firms"
    shutil.copytree(EXAMPLES, folder)
    target = folder / "impact.json"
    args = ("impact", old_pack, PACK, folder, "--as-of", AS_OF, "--format", "json", "-o", target)
    assert run(*args)[0] == 1
    first = target.read_text(encoding="utf-8")
    assert run(*args)[0] == 1
    assert target.read_text(encoding="utf-8") == first
    assert json.loads(first)["summary"]["firms"] == 7


def test_jobs_give_the_same_report(old_pack: Path) -> None:
    serial = run("impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--format", "json")
    parallel = run(
        "impact", old_pack, PACK, EXAMPLES, "--as-of", AS_OF, "--format", "json", "-j", "2"
    )
    assert parallel == serial


# ---------------------------------------------------------------------------- stored packs


def test_a_stored_pack_version_rebuilt_in_a_folder_is_the_same_pack(old_pack: Path) -> None:
    files = {
        f"{PACK}/{p.relative_to(old_pack).as_posix()}": p.read_bytes()
        for p in old_pack.rglob("*")
        if p.is_file()
    }
    with pack_folder(PACK, files) as folder:
        assert folder.name == PACK
        rebuilt = prepare_pack(folder).checked
    assert diff_packs(prepare_pack(old_pack).checked, rebuilt).identical
    assert not folder.exists()


@pytest.mark.parametrize("name", ["/etc/passwd", "../escape.rules", "a/../../b.rules"])
def test_a_stored_pack_cannot_write_outside_its_folder(name: str) -> None:
    with pytest.raises(UsageError, match="unsafe file name"), pack_folder(PACK, {name: b"x"}):
        pass


def test_id_at_version_names_a_stored_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert split_pack_version("cn-credit-reporting@1.0.0") == ("cn-credit-reporting", "1.0.0")
    assert split_pack_version("cn-credit-reporting") == ("cn-credit-reporting", None)
    assert split_pack_version("@1.0.0") == ("@1.0.0", None)
    monkeypatch.chdir(tmp_path)
    code, out, err = run("impact", f"{PACK}@1.0.0", PACK, EXAMPLES)
    assert (code, out) == (2, "")
    assert "no workspace here" in err


def test_the_schema_command_prints_the_shipped_impact_schema(report: dict[str, Any]) -> None:
    code, out, err = run("schema", "impact")
    assert (code, err) == (0, "")
    assert out == (REPO / "schemas" / "impact.schema.json").read_text(encoding="utf-8")
    jsonschema.Draft202012Validator(json.loads(out)).validate(report)
