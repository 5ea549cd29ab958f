"""``workspace info|verify|backup|forget``, and no password ever printed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target, sqlite_target
from licensecheck.config import CEILING_ENV

EXAMPLES = REPO / "examples"


def _record_examples(target: Target) -> None:
    code, _, err = run(
        "check", "--pack", "starter", EXAMPLES, "--as-of", "2026-01-15", "--record", *target.args
    )
    assert code == 1, err


def _counts(target: Target) -> dict[str, int]:
    code, out, _ = run("workspace", "info", *target.args)
    assert code == 0
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    return {k: int(v) for k, v in lines.items() if v.isdigit()}


def test_info_counts_what_was_recorded(workspace: Target) -> None:
    _record_examples(workspace)
    counts = _counts(workspace)
    examples = len(list(EXAMPLES.glob("*.yaml")))
    assert counts["firms"] == counts["assessments"] == examples
    assert counts["pack versions"] == 1
    _code, out, _ = run("workspace", "info", *workspace.args)
    assert "schema revision: 0003" in out


def test_verify_finds_a_changed_byte(workspace: Target) -> None:
    _record_examples(workspace)
    code, out, _ = run("workspace", "verify", *workspace.args)
    assert (code, out) == (0, "every stored file matches its hash\n")
    engine = workspace.engine()
    with engine.begin() as connection:
        digest, content = connection.execute(
            sa.text("SELECT digest, content FROM blobs ORDER BY digest LIMIT 1")
        ).one()
        connection.execute(
            sa.text("UPDATE blobs SET content = :c WHERE digest = :d"),
            {"c": bytes(content) + b"#", "d": digest},
        )
    engine.dispose()
    code, out, err = run("workspace", "verify", *workspace.args)
    assert code == 1
    assert out.startswith(f"blob {digest}: its bytes hash to ")
    assert "1 mismatches" in err


def test_forget_deletes_the_firm_and_its_declarations_only(workspace: Target) -> None:
    _record_examples(workspace)
    before = _counts(workspace)
    code, _, _ = run(
        "workspace", "forget", "Lanting Data Technology (Shenzhen) Co., Ltd.", *workspace.args
    )
    assert code == 1  # asked, and the runner's empty input says no
    assert _counts(workspace) == before
    code, out, err = run("workspace", "forget", "91440300MA5FK7Q2X1", "--yes", *workspace.args)
    assert code == 0, err
    assert out.startswith("forgot Lanting Data Technology (Shenzhen) Co., Ltd.: 1 assessments")
    after = _counts(workspace)
    assert after["firms"] == before["firms"] - 1
    assert after["assessments"] == before["assessments"] - 1
    assert after["blobs"] == before["blobs"] - 1  # its declaration; the pack stays
    code, out, _ = run("portfolio", "--format", "json", *workspace.args)
    assert "Lanting" not in out
    code, _, err = run("history", "91440300MA5FK7Q2X1", *workspace.args)
    assert code == 2
    assert "no firm '91440300MA5FK7Q2X1'" in err
    assert run("workspace", "verify", *workspace.args)[0] == 0


def test_backup_is_a_private_consistent_copy(workspace: Target, tmp_path: Path) -> None:
    _record_examples(workspace)
    copy = tmp_path / "copy" / ".licensecheck" / "workspace.db"
    code, _out, err = run("workspace", "backup", copy, *workspace.args)
    if workspace.kind == "postgresql":
        assert code == 2
        assert "pg_dump" in err
        assert not copy.exists()
        return
    assert code == 0, err
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    restored = sqlite_target(tmp_path / "copy")
    portfolio = [run("portfolio", "--format", "json", *t.args)[1] for t in (workspace, restored)]
    assert portfolio[0] == portfolio[1]
    assert json.loads(portfolio[1])["entries"]


def test_a_new_workspace_file_is_private(tmp_path: Path) -> None:
    code, _out, _ = run("workspace", "init", tmp_path)
    assert code == 0
    database = tmp_path / ".licensecheck" / "workspace.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    # a second init leaves it as it is
    assert run("workspace", "init", tmp_path)[0] == 0


def test_the_nearest_workspace_is_found_from_a_subfolder_up_to_a_ceiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("workspace", "init", tmp_path)[0] == 0
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    code, out, _ = run("workspace", "info")
    assert code == 0
    assert str(tmp_path / ".licensecheck" / "workspace.db") in out
    # a ceiling between the two hides it (empty entries and relative paths are ignored)
    monkeypatch.setenv(CEILING_ENV, os.pathsep.join(["", "relative/ignored", str(tmp_path / "a")]))
    code, _, err = run("workspace", "info")
    assert code == 2
    assert "no workspace here" in err


def test_a_password_in_the_database_url_is_never_printed(postgres: Target) -> None:
    # the test server trusts local connections, so the password is given and ignored
    url = sa.make_url(postgres.url).set(password="s3cret-Pa55")
    shown = url.render_as_string(hide_password=False)
    outputs = [run("workspace", "info", "--db", shown)]
    outputs.append(run("portfolio", "--db", shown))
    wrong = url.set(database="no_such_database").render_as_string(hide_password=False)
    outputs.append(run("workspace", "info", "--db", wrong))
    assert outputs[0][0] == 0 and outputs[2][0] == 2
    for _code, out, err in outputs:
        assert "s3cret-Pa55" not in out + err
    assert "***" in outputs[0][1]
