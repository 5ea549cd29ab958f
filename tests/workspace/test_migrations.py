"""The schema's migrations: up, down to nothing, up again, on SQLite and PostgreSQL; and the
tables the code uses are exactly the ones the migrations build."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from helpers.cli import run
from helpers.workspace import Target
from licensecheck.workspace.db import migrate
from licensecheck.workspace.models import METADATA, TABLES


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_up_down_and_up_again(workspace: Target) -> None:
    engine = workspace.engine()
    try:
        assert set(TABLES) | {"watchlist_entries", "drafts", "alembic_version"} == _tables(engine)
        migrate(engine, "base")
        assert _tables(engine) <= {"alembic_version"}
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 0
        migrate(engine, "head")
        assert set(TABLES) <= _tables(engine)
    finally:
        engine.dispose()
    code, out, err = run("workspace", "info", *workspace.args)
    assert code == 0, err
    assert "schema revision: 0003" in out


def test_the_migrations_build_the_tables_the_code_uses(workspace: Target) -> None:
    engine = workspace.engine()
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), METADATA)
    finally:
        engine.dispose()
    assert differences == []


def test_an_older_workspace_is_brought_up_to_date_when_opened(workspace: Target) -> None:
    engine = workspace.engine()
    migrate(engine, "base")
    engine.dispose()
    # a workspace at "base" holds an empty version table: opened, it is migrated to the head
    code, out, err = run("workspace", "info", *workspace.args)
    assert code == 0, err
    assert "schema revision: 0003" in out
