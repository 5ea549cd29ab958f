"""Bad workspaces: each a clear error, exit 2, no traceback, nothing written."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _every_command_fails(folder: Path, message: str, tmp_path: Path) -> None:
    """Every command that opens the workspace exits 2 with ``message`` and writes nothing."""
    before = _snapshot(folder)
    report = tmp_path / "report.html"
    for args in (
        ("workspace", "info"),
        ("workspace", "verify"),
        ("portfolio",),
        ("history", "anyone"),
        ("workspace", "forget", "anyone", "--yes"),
        ("check", "--pack", "starter", DEMO, "--as-of", "2026-01-15", "--record"),
        ("report", "--pack", "starter", DEMO, "--format", "html", "-o", report, "--record"),
    ):
        code, out, err = run(*args, "--workspace", folder)
        assert code == 2, (args, out, err)
        assert message in err, (args, err)
        assert "Traceback" not in err
        assert _snapshot(folder) == before, args
    assert not report.exists()


def test_a_file_that_is_no_database(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    (folder / ".licensecheck").mkdir(parents=True)
    (folder / ".licensecheck" / "workspace.db").write_bytes(b"this is not SQLite\n" * 200)
    _every_command_fails(folder, "not a licensecheck workspace database", tmp_path)


def test_a_truncated_database(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert run("workspace", "init", folder)[0] == 0
    database = folder / ".licensecheck" / "workspace.db"
    data = database.read_bytes()
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    database.write_bytes(data[:100] + b"\0" * 50)
    code, _, err = run("workspace", "info", "--workspace", folder)
    assert code == 2
    assert "workspace-database" not in err  # the message, not the code, is for people
    assert str(database) in err


def test_a_foreign_sqlite_database(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    (folder / ".licensecheck").mkdir(parents=True)
    connection = sqlite3.connect(folder / ".licensecheck" / "workspace.db")
    connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO customers (name) VALUES ('someone')")
    connection.commit()
    connection.close()
    _every_command_fails(
        folder, "is not a licensecheck workspace (it holds other tables)", tmp_path
    )
    # nor does init take it over
    before = _snapshot(folder)
    code, _, err = run("workspace", "init", folder)
    assert code == 2
    assert "holds other tables" in err
    assert _snapshot(folder) == before


def test_a_schema_newer_than_this_tool(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert run("workspace", "init", folder)[0] == 0
    database = folder / ".licensecheck" / "workspace.db"
    connection = sqlite3.connect(database)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _every_command_fails(
        folder, "schema revision '9999' is newer than this licensecheck knows", tmp_path
    )


def test_a_newer_schema_on_postgresql(workspace: Target) -> None:
    engine = workspace.engine()
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    code, _, err = run("portfolio", *workspace.args)
    assert code == 2
    assert "is newer than this licensecheck knows" in err


def test_no_workspace_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    declaration = tmp_path / "demo.yaml"
    shutil.copy(DEMO, declaration)
    out_file = tmp_path / "out.json"
    code, _, err = run(
        "check", "--pack", "starter", declaration, "--record", "-o", out_file, "--format", "json"
    )
    assert code == 2
    assert "no workspace here" in err
    assert not out_file.exists()
    assert not (tmp_path / ".licensecheck").exists()
    code, _, err = run("workspace", "info", "--workspace", tmp_path / "missing")
    assert code == 2
    assert "no workspace database there" in err
    assert not (tmp_path / "missing").exists()


def test_an_unreachable_postgresql_server(tmp_path: Path) -> None:
    url = "postgresql+psycopg://auditor:hunter2-secret@127.0.0.1:1/licensecheck"
    for args in (("workspace", "info", "--db", url), ("workspace", "init", "--db", url)):
        code, out, err = run(*args)
        assert code == 2
        assert "cannot reach the database" in err
        assert "hunter2-secret" not in out + err
        assert "postgresql+psycopg://auditor:***@127.0.0.1:1/licensecheck" in err


def test_a_malformed_or_unsupported_database_url(tmp_path: Path) -> None:
    for url, message in (
        ("not a url at all :: pass=hunter2", "not a database URL"),
        ("mysql://root:hunter2@localhost/db", "not 'mysql'"),
    ):
        code, out, err = run("portfolio", "--db", url)
        assert code == 2
        assert message in err
        assert "hunter2" not in out + err
