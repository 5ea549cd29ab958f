"""The store's reads the other workspace modules build on: each firm's latest assessment with
its declaration and statuses, a stored pack version rebuilt from its files, watchlist rows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import licensecheck
from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target
from licensecheck.api import open_workspace
from licensecheck.workspace.record import pack_files_of
from licensecheck.workspace.store import Workspace

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"


def _open(target: Target) -> Workspace:
    if target.folder is not None:
        return open_workspace(target.folder)
    return open_workspace(database_url=target.url)


def test_latest_assessments_carry_the_declaration_and_every_status(
    workspace: Target, tmp_path: Path
) -> None:
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    assert run("check", declaration, "--as-of", "2026-01-15", "--record", *workspace.args)[0] == 1
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(text.replace("30_000_000", "60_000_000"), encoding="utf-8")
    _, out, _ = run(
        "check",
        declaration,
        "--as-of",
        "2026-02-01",
        "--format",
        "json",
        "--record",
        *workspace.args,
    )
    report = json.loads(out)
    with _open(workspace) as ws:
        (latest,) = ws.latest_assessments()
        assert ws.latest_assessments("no-such-pack") == []
    assert latest.as_of == dt.date(2026, 2, 1)
    assert latest.declaration == declaration.read_bytes()
    assert latest.declaration_path == str(declaration)
    assert (latest.pack_id, latest.firm_key) == ("starter", "91440300MA5FK7Q2X1")
    by_rule: dict[str, set[str]] = {}
    for (rule_id, _element), status in latest.statuses.items():
        by_rule.setdefault(rule_id, set()).add(status)
    assert by_rule == {f["rule_id"]: {f["status"]} for f in report["findings"]}
    assert latest.statuses[("ST-COL-001", "ds-gjj")] == "fail"


def test_a_stored_pack_version_rebuilds_into_the_same_pack(
    workspace: Target, tmp_path: Path
) -> None:
    assert run("check", DEMO, "--as-of", "2026-01-15", "--record", *workspace.args)[0] == 1
    with _open(workspace) as ws:
        (latest,) = ws.latest_assessments("starter")
        files = ws.pack_files("starter", latest.pack_version)
        assert ws.pack_files("starter", "0.0.0-never") is None
    assert files is not None
    folder = tmp_path / "packs"
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    rebuilt = licensecheck.prepare_pack(folder / "starter")
    assert pack_files_of(rebuilt).digest == latest.pack_digest
    again = licensecheck.assess(DEMO, rebuilt, as_of="2026-01-15")
    original = licensecheck.assess(DEMO, "starter", as_of="2026-01-15")
    assert [(f.rule_id, f.status) for f in again.findings] == [
        (f.rule_id, f.status) for f in original.findings
    ]


def test_watchlist_entries_round_trip(workspace: Target) -> None:
    rows = [
        {
            "name": "Example Crawler Co., Ltd.",
            "aliases": ["示例爬虫有限公司", "Example Crawler"],
            "registration_id": "91330100EXAMPLE01X",
            "source": "2019 enforcement list",
            "listed_on": dt.date(2019, 9, 6),
            "reason": "crawling personal data",
        },
        {"name": "Nameless Data", "source": "press"},
    ]
    with _open(workspace) as ws:
        assert ws.add_watchlist_entries(rows) == 2
        stored = ws.watchlist_entries()
    assert stored[0] == {**rows[0], "origin": None, "list_file": ""}
    assert stored[1] == {
        "name": "Nameless Data",
        "aliases": [],
        "registration_id": None,
        "source": "press",
        "listed_on": None,
        "reason": "",
        "origin": None,
        "list_file": "",
    }
