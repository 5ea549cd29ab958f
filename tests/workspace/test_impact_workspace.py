"""``impact --portfolio`` and ``id@version`` packs: the impact and the pack diff read from a
workspace, on SQLite and on the real PostgreSQL.

The bundled examples are recorded under the OLD cn-credit-reporting (built in the test,
helpers/old_pack.py) and under the bundled NEW one; the store must then give what the folders
give: the same flips and changes from the recorded declarations, the same diff from the
recorded pack version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.cli import run
from helpers.old_pack import PACK, build_old_pack
from helpers.paths import REPO
from helpers.workspace import Target

AS_OF = "2026-01-15"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def old_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_old_pack(tmp_path_factory.mktemp("old"))


def _record(target: Target, pack: str | Path, as_of: str = AS_OF) -> None:
    code, _, err = run(
        "check", EXAMPLES, "--pack", pack, "--as-of", as_of, "--record", *target.args
    )
    assert code in (0, 1), err


def _impact(*args: str | Path) -> dict[str, Any]:
    code, out, err = run("impact", *args, "--as-of", AS_OF, "--format", "json")
    assert code == 1, err
    data: dict[str, Any] = json.loads(out)
    return data


def _by_firm(report: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """What a firm's result is, whatever file it was read from."""
    return {
        f["firm"]: (
            f["old"],
            f["new"],
            f["flip"],
            f["old_score"],
            f["new_score"],
            json.dumps(f["changes"], sort_keys=True),
        )
        for f in report["firms"]
    }


def test_portfolio_impact_is_the_impact_over_the_folder(workspace: Target, old_pack: Path) -> None:
    _record(workspace, PACK)
    over_folder = _impact(old_pack, PACK, EXAMPLES)
    from_store = _impact(old_pack, PACK, "--portfolio", *workspace.args)
    assert _by_firm(from_store) == _by_firm(over_folder)
    assert [f["firm"] for f in from_store["firms"] if f["flip"]] == [
        "Zhejiang Example Credit Data Co., Ltd."
    ]
    assert from_store["rules"] == over_folder["rules"]
    assert from_store["summary"] == over_folder["summary"]
    assert len(from_store["firms"]) == len(list(EXAMPLES.glob("*.yaml")))


def test_portfolio_impact_reads_the_bytes_recorded_not_the_file_now(
    workspace: Target, old_pack: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "firms"
    folder.mkdir()
    declaration = folder / "state-backed.yaml"
    declaration.write_bytes((EXAMPLES / "state-backed-data-co.yaml").read_bytes())
    args = ("--pack", PACK, "--as-of", AS_OF, "--record", *workspace.args)
    code, _, err = run("check", declaration, *args)
    assert code == 1, err  # not ready under NEW
    declaration.write_text("company: {name: edited after the run}\n", encoding="utf-8")
    report = _impact(old_pack, PACK, "--portfolio", *workspace.args)
    assert [(f["firm"], f["flip"]) for f in report["firms"]] == [
        ("Zhejiang Example Credit Data Co., Ltd.", "became_not_ready")
    ]


def test_a_portfolio_of_another_pack_is_empty(workspace: Target) -> None:
    _record(workspace, PACK)
    code, out, err = run(
        "impact",
        "us-data-broker",
        "us-data-broker",
        "--portfolio",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        *workspace.args,
    )
    assert code == 0, err
    assert json.loads(out)["firms"] == []


def test_a_pack_version_recorded_in_the_workspace_is_a_pack(
    workspace: Target, old_pack: Path
) -> None:
    _record(workspace, old_pack, "2025-12-01")
    _record(workspace, PACK)
    stored = f"{PACK}@1.0.0"
    code, out, err = run("packs", "diff", stored, PACK, "--format", "json", *workspace.args)
    code_folder, out_folder, _ = run("packs", "diff", old_pack, PACK, "--format", "json")
    assert (code, code_folder) == (1, 1), err
    assert json.loads(out) == json.loads(out_folder)
    from_store = _impact(stored, f"{PACK}@1.1.0", "--portfolio", *workspace.args)
    over_folder = _impact(old_pack, PACK, EXAMPLES)
    assert _by_firm(from_store) == _by_firm(over_folder)
    assert from_store["old"] == over_folder["old"]


def test_a_version_never_recorded_is_named(workspace: Target) -> None:
    code, out, err = run("packs", "diff", f"{PACK}@0.9.0", PACK, *workspace.args)
    assert (code, out) == (2, "")
    assert f"{PACK}@0.9.0: the workspace has no recorded assessment made with" in err
    code, out, err = run("impact", f"{PACK}@0.9.0", PACK, "--portfolio", *workspace.args)
    assert (code, out) == (2, "")
    assert "0.9.0" in err
