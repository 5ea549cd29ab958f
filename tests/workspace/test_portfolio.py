"""``portfolio``: the bundled examples' latest assessments, filtered, in every format."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target

EXAMPLES = REPO / "examples"
AS_OF = "2026-01-15"


def _reports(target: Target, folder: Path, as_of: str = AS_OF) -> dict[str, dict[str, object]]:
    """Record every declaration in ``folder``; the JSON report of each, by file."""
    code, out, err = run(
        "check",
        "--pack",
        "starter",
        folder,
        "--as-of",
        as_of,
        "--format",
        "json",
        "--record",
        *target.args,
    )
    assert code == 1, err
    data = json.loads(out)
    if "results" not in data:  # a single file gives its report itself
        return {data["declaration"]: data}
    return {r["declaration"]: r["report"] for r in data["results"]}


def _portfolio(target: Target, *options: str) -> list[dict[str, object]]:
    code, out, err = run("portfolio", "--format", "json", *options, *target.args)
    assert code == 0, err
    return json.loads(out)["entries"]  # type: ignore[no-any-return]


def test_the_portfolio_of_the_bundled_examples(workspace: Target) -> None:
    reports = _reports(workspace, EXAMPLES)
    entries = _portfolio(workspace)
    assert len(entries) == len(reports) == len(list(EXAMPLES.glob("*.yaml")))
    by_score = sorted((r["summary"]["score"], r["summary"]["ready"]) for r in reports.values())  # type: ignore[index]
    assert sorted((e["score"], e["ready"]) for e in entries) == by_score
    assert {e["pack"] for e in entries} == {"starter"}
    assert all(e["trend"] is None and e["last_assessed"] == AS_OF for e in entries)
    # blocking gaps by domain: the gate's gaps at --fail-on high, per domain
    for entry in entries:
        report = reports[entry["declaration"]]  # type: ignore[index]
        expected: dict[str, int] = {}
        for f in report["findings"]:  # type: ignore[attr-defined]
            gap = f["status"] in ("fail", "unknown", "error") and not f["in_grace"]
            if gap and f["severity"] in ("critical", "high"):
                expected[f["domain"]] = expected.get(f["domain"], 0) + 1
        assert entry["blocking_by_domain"] == expected


def test_trend_filters_and_the_latest_run(workspace: Target, tmp_path: Path) -> None:
    folder = tmp_path / "firms"
    folder.mkdir()
    shutil.copy(EXAMPLES / "demo-credit-scoring.yaml", folder / "demo.yaml")
    shutil.copy(EXAMPLES / "eu-data-broker.yaml", folder / "eu.yaml")
    first = _reports(workspace, folder, "2026-01-15")
    demo = folder / "demo.yaml"
    demo.write_text(
        demo.read_text(encoding="utf-8").replace(
            "registered_capital_cny: 30_000_000", "registered_capital_cny: 60_000_000"
        ),
        encoding="utf-8",
    )
    code, _, err = run(
        "check", "--pack", "starter", demo, "--as-of", "2026-02-01", "--record", *workspace.args
    )
    assert code == 1, err
    entries = {e["firm"]: e for e in _portfolio(workspace)}
    lanting = entries["Lanting Data Technology (Shenzhen) Co., Ltd."]
    old_score = first[str(demo)]["summary"]["score"]  # type: ignore[index]
    assert lanting["last_assessed"] == "2026-02-01"
    assert lanting["previous_assessed"] == "2026-01-15"
    assert lanting["trend"] == lanting["score"] - old_score
    assert lanting["trend"] > 0
    assert [e["firm"] for e in _portfolio(workspace, "--since", "2026-02-01")] == [lanting["firm"]]
    assert _portfolio(workspace, "--pack", "no-such-pack") == []
    not_ready = _portfolio(workspace, "--not-ready")
    assert {e["firm"] for e in not_ready} == {e for e, v in entries.items() if not v["ready"]}
    domain = next(iter(lanting["blocking_by_domain"]))
    with_domain = _portfolio(workspace, "--domain", domain)
    assert all(e["blocking_by_domain"].get(domain) for e in with_domain)
    assert lanting["firm"] in {e["firm"] for e in with_domain}
    # none blocks at --fail-on none; everything that blocks at high also blocks at low
    assert all(e["blocking"] == 0 for e in _portfolio(workspace, "--fail-on", "none"))
    low = {e["firm"]: e["blocking"] for e in _portfolio(workspace, "--fail-on", "low")}
    assert all(low[f] >= e["blocking"] for f, e in entries.items())


def test_csv_cells_cannot_run_as_formulas(workspace: Target, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = (EXAMPLES / "demo-credit-scoring.yaml").read_text(encoding="utf-8")
    hostile.write_text(
        text.replace(
            "  name: Lanting Data Technology (Shenzhen) Co., Ltd.",
            '  name: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"',
        ),
        encoding="utf-8",
    )
    _reports(workspace, hostile)
    table = tmp_path / "portfolio.csv"
    code, _, _ = run("portfolio", "--format", "csv", "-o", table, *workspace.args)
    assert code == 0
    out = table.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][:3] == ["firm", "firm_key", "registration_id"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert out.endswith("\r\n")


def test_the_html_page_is_sortable_by_its_one_allowed_script(
    workspace: Target, tmp_path: Path
) -> None:
    _reports(workspace, EXAMPLES)
    page = tmp_path / "portfolio.html"
    code, _, err = run("portfolio", "--format", "html", "-o", page, *workspace.args)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert "default-src 'none'" in html
    assert html.count("<tr>") == 1 + len(list(EXAMPLES.glob("*.yaml")))
    assert "@media print" in html
    assert "<script src" not in html and "http" not in scripts[0]


def test_an_empty_workspace_has_an_empty_portfolio(workspace: Target) -> None:
    code, out, _ = run("portfolio", *workspace.args)
    assert code == 0
    assert out == "no assessment matches\n"


def test_a_bad_since_date_names_the_option(workspace: Target) -> None:
    code, _, err = run("portfolio", "--since", "2026-02-30", *workspace.args)
    assert code == 2
    assert "--since: '2026-02-30' does not exist" in err


def test_text_outputs_keep_names_inert_on_a_terminal(workspace: Target, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = (EXAMPLES / "demo-credit-scoring.yaml").read_text(encoding="utf-8")
    hostile.write_text(
        text.replace(
            "  name: Lanting Data Technology (Shenzhen) Co., Ltd.",
            '  name: "Evil\\e]0;owned\\a Co"',
        ),
        encoding="utf-8",
    )
    _reports(workspace, hostile)
    for args in (("portfolio",), ("history", "91440300MA5FK7Q2X1")):
        code, out, _ = run(*args, *workspace.args)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out
        assert "Evil\\x1b]0;owned\\x07 Co" in out
