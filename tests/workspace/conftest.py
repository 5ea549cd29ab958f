"""The ``workspace`` fixture: every workspace test runs on SQLite and on the real PostgreSQL.

PostgreSQL is the server ``LICENSECHECK_TEST_DATABASE_URL`` names (``.ci/run`` starts a
throwaway cluster). Without it the PostgreSQL runs are skipped on a developer's machine and
fail under ``CI=true``: CI must test the database teams deploy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.workspace import (
    Target,
    empty_postgres,
    postgres_target,
    require_postgres,
    sqlite_target,
)


@pytest.fixture
def postgres() -> Iterator[Target]:
    """An initialised, empty workspace on the PostgreSQL server."""
    url = require_postgres()
    empty_postgres(url)
    code, _, err = run("workspace", "init", "--db", url)
    assert code == 0, err
    yield postgres_target(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """An initialised, empty workspace."""
    if request.param == "sqlite":
        target = sqlite_target(tmp_path / "ws")
        code, _, err = run("workspace", "init", target.folder)  # type: ignore[arg-type]
    else:
        url = require_postgres()
        empty_postgres(url)
        target = postgres_target(url)
        code, _, err = run("workspace", "init", "--db", url)
    assert code == 0, err
    yield target
