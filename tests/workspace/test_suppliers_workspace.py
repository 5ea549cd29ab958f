"""``watchlist import|list`` and ``suppliers`` without DIR: the lender of docs/suppliers/ and its
ten suppliers recorded in a workspace, on SQLite and on the real PostgreSQL. The graph from the
store must be the graph of the folder (the same contradictions, each citing both declarations
at file:line:col, and the same watchlist hits), with nothing assessed again."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target

FOLDER = REPO / "docs" / "suppliers"
WATCHLIST = FOLDER / "watchlist.csv"
AS_OF = "2026-06-30"
CITED = re.compile(r"^docs/suppliers/[a-z0-9-]+\.yaml:\d+:\d+$")


def _record(target: Target, folder: Path | str = "docs/suppliers") -> None:
    code, _, err = run("check", folder, "--as-of", AS_OF, "--record", *target.args)
    assert code == 1, err
    assert "recorded 11 assessments" in err


def _rows(target: Target) -> list[tuple[str, str]]:
    engine = target.engine()
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT name, list_file FROM watchlist_entries ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    return [(row.name, row.list_file) for row in rows]


def _graph(*args: str | Path) -> dict[str, Any]:
    code, out, err = run("suppliers", *args, "--format", "json")
    assert code == 1, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_recorded_firms_give_the_graph_of_the_folder(
    workspace: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the declarations are recorded and cited as docs/suppliers/…
    _record(workspace)
    code, _, err = run("watchlist", "import", WATCHLIST, *workspace.args)
    assert code == 0, err
    from_store = _graph(*workspace.args)
    from_folder = _graph("docs/suppliers", "--watchlist", WATCHLIST, "--as-of", AS_OF)
    assert from_store == from_folder
    contradictions = from_store["contradictions"]
    assert len(contradictions) == 3
    for found in contradictions:
        assert CITED.match(found["claim_at"]) and CITED.match(found["evidence_at"])
        assert found["claim_at"].split(":")[0] != found["evidence_at"].split(":")[0]
    licensed = next(c for c in contradictions if c["party"] == "91440300MA5QSDT02K")
    assert licensed["claim_at"] == "docs/suppliers/huaan-consumer-finance.yaml:31:7"
    assert licensed["evidence_at"] == "docs/suppliers/s02-qingshan-data.yaml:11:3"
    assert len(from_store["watchlist_hits"]) == 5


def test_the_graph_reads_the_recorded_bytes_and_the_recorded_verdicts(
    workspace: Target, tmp_path: Path
) -> None:
    folder = tmp_path / "suppliers"
    shutil.copytree(FOLDER, folder)
    _record(workspace, folder)
    before = _graph(*workspace.args)
    for declaration in folder.glob("*.yaml"):
        declaration.unlink()  # gone since: the store still has what was assessed
    assert _graph(*workspace.args) == before
    assert len(before["contradictions"]) == 3
    assert before["watchlist_hits"] == []  # no watchlist imported
    with_file = _graph(*workspace.args, "--watchlist", WATCHLIST)
    assert len(with_file["watchlist_hits"]) == 5


def test_the_tree_starts_at_a_recorded_firm(workspace: Target, tmp_path: Path) -> None:
    folder = tmp_path / "suppliers"
    shutil.copytree(FOLDER, folder)
    _record(workspace, folder)
    code, out, err = run("suppliers", "Qingshan Data Technology Co., Ltd.", *workspace.args)
    assert code == 1, err
    assert out.splitlines()[2].startswith("Qingshan Data Technology Co., Ltd.")
    code, out, err = run("suppliers", "No Such Firm", *workspace.args)
    assert (code, out) == (2, "")
    assert "no firm of the set is 'No Such Firm'" in err
    code, out, err = run("suppliers", "--as-of", AS_OF, *workspace.args)
    assert (code, out) == (2, "")
    assert "--as-of applies to DIR" in err


def test_importing_a_watchlist_again_replaces_its_entries(
    workspace: Target, tmp_path: Path
) -> None:
    code, out, err = run("watchlist", "import", WATCHLIST, *workspace.args)
    assert (code, err) == (0, "")
    assert out == f"{WATCHLIST}: imported 4 entries\n"
    code, out, _ = run("watchlist", "import", WATCHLIST, *workspace.args)
    assert out == f"{WATCHLIST}: imported 4 entries, replacing 4 from watchlist.csv\n"
    assert len(_rows(workspace)) == 4
    # an updated list of the same name replaces the old one; another file adds to it
    updated = tmp_path / "watchlist.csv"
    lines = WATCHLIST.read_text(encoding="utf-8").splitlines(keepends=True)
    updated.write_text("".join(lines[:3]), encoding="utf-8")
    other = tmp_path / "court-cases.yaml"
    other.write_text("- {name: Court Case Data Co., source: a court}\n", encoding="utf-8")
    assert run("watchlist", "import", updated, *workspace.args)[0] == 0
    assert run("watchlist", "import", other, *workspace.args)[0] == 0
    assert _rows(workspace) == [
        ("Hongtu Data Technology Co.,Ltd.", "watchlist.csv"),
        ("Sunrise Data Company Limited", "watchlist.csv"),
        ("Court Case Data Co.", "court-cases.yaml"),
    ]
    code, out, err = run("watchlist", "list", *workspace.args)
    assert code == 0, err
    assert out.splitlines() == [
        "3 entries",
        f"  {updated}:2:1  Hongtu Data Technology Co.,Ltd.  "
        "(Chongqing court judgment (2019) 渝0112刑初1234号, 2019-11-20)",
        f"  {updated}:3:1  Sunrise Data Company Limited  "
        "(PBOC Jiangsu enforcement notice 2020-17, 2020-06-03)",
        f"  {other}:1:3  Court Case Data Co.  (a court)",
    ]


def test_a_malformed_watchlist_is_refused_and_nothing_written(
    workspace: Target, tmp_path: Path
) -> None:
    assert run("watchlist", "import", WATCHLIST, *workspace.args)[0] == 0
    bad = tmp_path / "watchlist.csv"  # the name of the stored list: it must survive
    bad.write_text(
        "name,source,date\n" + "Fine Co.,a list,2020-01-01\n" + "Bad Co.,,2019-11-31\n",
        encoding="utf-8",
    )
    code, out, err = run("watchlist", "import", bad, *workspace.args)
    assert (code, out) == (2, "")
    assert f"{bad}:3:" in err and "2019-11-31" in err
    assert len(_rows(workspace)) == 4  # the stored list of that name is untouched
