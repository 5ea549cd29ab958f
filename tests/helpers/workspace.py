"""Workspaces for the tests: a fresh SQLite one in a temporary folder, or a fresh schema on the
real PostgreSQL server named by ``LICENSECHECK_TEST_DATABASE_URL`` (``.ci/run`` starts one)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "LICENSECHECK_TEST_DATABASE_URL"


@dataclass(frozen=True)
class Target:
    """A workspace the CLI can be pointed at: ``args`` select it (--workspace or --db)."""

    kind: str  # "sqlite" or "postgresql"
    url: str
    args: tuple[str, ...]
    folder: Path | None = None

    def engine(self) -> sa.Engine:
        url = self.url
        if self.kind == "sqlite":
            url = f"sqlite:///{self.folder}/.licensecheck/workspace.db"
        return sa.create_engine(url)


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def require_postgres() -> str:
    """The test server's URL; without one, a skip on a developer's machine and a failure
    under ``CI=true`` (CI must test the database teams deploy)."""
    url = postgres_url()
    if url is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {POSTGRES_ENV} is not set: the PostgreSQL tests must run")
        pytest.skip(f"{POSTGRES_ENV} is not set (no PostgreSQL server to test against)")
    return url


def empty_postgres(url: str) -> None:
    """Drop everything in the test database: each test starts from an empty server."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def sqlite_target(folder: Path) -> Target:
    return Target(
        "sqlite",
        f"sqlite:///{folder}/.licensecheck/workspace.db",
        ("--workspace", str(folder)),
        folder,
    )


def postgres_target(url: str) -> Target:
    return Target("postgresql", url, ("--db", url))
