"""The workspace's database: where it is, the engine that reaches it, its schema revision.

Input: a workspace folder, a database URL, or neither (then the nearest folder above the
working directory holding ``.licensecheck/workspace.db``, as far up as
:func:`~licensecheck.config_files.folders_upward` goes). Output: a :class:`Location` and an
SQLAlchemy engine whose schema is at the newest revision this tool knows (Alembic migrations,
run in code from ``migrations/``), or a :class:`~licensecheck.errors.WorkspaceError` that
names the database without its password.

SQLite (the default) runs in WAL mode with foreign keys on; writes take the write lock when
they begin (``BEGIN IMMEDIATE``) and wait for it, so concurrent recorders queue instead of
failing. PostgreSQL is reached with psycopg 3.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from .. import codes
from ..config_files import folders_upward
from ..errors import Diagnostic, WorkspaceError
from .models import TABLES

WORKSPACE_DIR = ".licensecheck"
DATABASE_FILE = "workspace.db"
#: How long a writer waits for another one's lock (SQLite busy timeout), in seconds.
LOCK_TIMEOUT = 60.0
_MIGRATIONS = Path(__file__).parent / "migrations"
_DIALECTS = ("sqlite", "postgresql")
BASE = "base"


@dataclass(frozen=True)
class Location:
    """Where a workspace's database is: its URL and, for SQLite, the workspace folder."""

    url: URL
    folder: Path | None = None

    @property
    def shown(self) -> str:
        """The URL as it may be printed: never with its password."""
        return self.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def database_file(self) -> Path | None:
        return Path(self.url.database) if self.is_sqlite and self.url.database else None


def workspace_error(
    message: str, code: str = codes.WORKSPACE, hint: str | None = None
) -> WorkspaceError:
    return WorkspaceError(Diagnostic(code, message, hint=hint))


def sqlite_location(folder: Path) -> Location:
    """The SQLite workspace kept in ``folder/.licensecheck/workspace.db``."""
    path = folder.resolve() / WORKSPACE_DIR / DATABASE_FILE
    return Location(sa.URL.create("sqlite+pysqlite", database=str(path)), folder.resolve())


def parse_database_url(text: str) -> Location:
    """A ``--db`` URL (``postgresql+psycopg://user:password@host/db`` or ``sqlite:///path``)."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        # the message of make_url repeats the text, and with it any password
        raise workspace_error(
            "--db: not a database URL; use postgresql+psycopg://USER@HOST/DATABASE "
            "or sqlite:///PATH"
        ) from None
    if url.get_backend_name() not in _DIALECTS:
        raise workspace_error(
            f"--db: the workspace runs on SQLite or PostgreSQL, not '{url.get_backend_name()}'"
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    folder = (
        Path(url.database).parent if url.get_backend_name() == "sqlite" and url.database else None
    )
    return Location(url, folder)


def find_location(
    workspace: Path | None = None, database_url: str | None = None, *, start: Path | None = None
) -> Location:
    """The workspace to use: ``workspace`` (a folder), else ``database_url``, else the nearest
    folder from ``start`` (default: the working directory) upwards holding one."""
    if workspace is not None:
        return sqlite_location(workspace)
    if database_url:
        return parse_database_url(database_url)
    for folder in folders_upward(start):
        if (folder / WORKSPACE_DIR / DATABASE_FILE).is_file():
            return sqlite_location(folder)
    raise workspace_error(
        "no workspace here: no .licensecheck/workspace.db in this folder or any above it",
        hint="create one with 'licensecheck workspace init', or name one with --workspace DIR "
        "or --db URL",
    )


# ---------------------------------------------------------------- engines


def create(location: Location, *, create_file: bool = False) -> Engine:
    """An engine for ``location``. An SQLite file must exist unless ``create_file`` (which
    makes it with mode 0600, inside a 0700 folder); PostgreSQL must be reachable."""
    if location.is_sqlite:
        return _sqlite_engine(location, create_file=create_file)
    engine = sa.create_engine(
        location.url, connect_args={"connect_timeout": 10}, pool_size=2, max_overflow=2
    )
    _check_reachable(engine, location)
    return engine


def _sqlite_engine(location: Location, *, create_file: bool) -> Engine:
    path = location.database_file
    if path is None:
        raise workspace_error("--db: an SQLite URL needs a file: sqlite:///PATH")
    if create_file:
        _create_private_file(path)
    elif not path.is_file():
        raise workspace_error(
            f"{path}: no workspace database there",
            hint="create it with 'licensecheck workspace init'",
        )
    # mode=rw: opening never creates a file, so a mistyped path is an error, not a new database
    url = sa.URL.create("sqlite+pysqlite", database=f"file:{path}?mode=rw", query={"uri": "true"})
    engine = sa.create_engine(url, connect_args={"timeout": LOCK_TIMEOUT})
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # the driver's own transaction handling is off: _sqlite_begin says BEGIN itself
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # in WAL mode NORMAL never corrupts the database; a power cut may lose the last commits
    # (an application crash loses nothing), and each recording is spared a disk flush
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT * 1000)}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """``BEGIN IMMEDIATE`` for writes (``execution_options(write=True)``): the lock is taken,
    or waited for, at the start, so two writers never deadlock upgrading a read lock."""
    write = connection.get_execution_options().get("write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The engine whose transactions write (SQLite: ``BEGIN IMMEDIATE``)."""
    return engine.execution_options(write=True)


def _check_reachable(engine: Engine, location: Location) -> None:
    try:
        with engine.connect():
            pass
    except (DBAPIError, NoSuchModuleError) as exc:
        engine.dispose()
        raise workspace_error(
            f"{location.shown}: cannot reach the database ({_reason(exc)})",
            codes.WORKSPACE_DATABASE,
        ) from None


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's reason, first line only and without anything URL-like in it."""
    original = getattr(exc, "orig", None) or exc
    first = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    return first.split(": ", 1)[-1] if "://" in first else first


# ---------------------------------------------------------------- schema revisions


def _alembic_config(connection: Connection | None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> tuple[str, set[str]]:
    """The newest revision this tool knows, and all of them."""
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    script = ScriptDirectory.from_config(config)
    return script.get_current_head() or "", {r.revision for r in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at: ``None`` for a database without a workspace, "?" for
    one holding some of our tables but no version, :data:`BASE` for one migrated down."""
    tables = set(sa.inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        if tables & set(TABLES):
            return "?"
        return None
    value = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    # an empty version table: a workspace migrated down to nothing, to be built up again
    return str(value) if value is not None else BASE


def open_schema(engine: Engine, location: Location, *, initialise: bool = False) -> str:
    """Check the database is a workspace this tool can use and bring it to the newest
    revision; ``initialise`` makes one in an empty database. Returns the revision."""
    head, known = known_revisions()
    try:
        with writer(engine).begin() as connection:
            revision = current_revision(connection)
            if revision == "?" or (revision is None and _has_tables(connection)):
                raise _not_a_workspace(location, empty=False)
            if revision is None and not initialise:
                raise _not_a_workspace(location, empty=True)
            if revision not in (None, BASE) and revision not in known:
                raise workspace_error(
                    f"{location.shown}: the workspace's schema revision '{revision}' is newer "
                    "than this licensecheck knows; upgrade licensecheck to use it",
                    codes.WORKSPACE_VERSION,
                )
            if revision != head:
                from alembic import command

                command.upgrade(_alembic_config(connection), "head")
    except DBAPIError as exc:
        raise workspace_error(
            f"{location.shown}: not a licensecheck workspace database ({_reason(exc)})",
            codes.WORKSPACE_DATABASE,
        ) from None
    return head


def _has_tables(connection: Connection) -> bool:
    return bool(sa.inspect(connection).get_table_names())


def _not_a_workspace(location: Location, *, empty: bool) -> WorkspaceError:
    what = (
        "holds no workspace" if empty else "is not a licensecheck workspace (it holds other tables)"
    )
    return workspace_error(
        f"{location.shown}: the database {what}",
        codes.WORKSPACE_DATABASE,
        hint="create a workspace with 'licensecheck workspace init'" if empty else None,
    )


def migrate(engine: Engine, target: str) -> None:
    """Upgrade (``head``, a revision) or downgrade (``-1``, ``base``) the schema: for tests
    and for the operator who rolls a release back."""
    from alembic import command

    with writer(engine).begin() as connection:
        config = _alembic_config(connection)
        if target == "head":
            command.upgrade(config, target)
        else:
            command.downgrade(config, target)


@contextlib.contextmanager
def translated_errors(location: Location) -> Iterator[None]:
    """Database errors during a command → a :class:`WorkspaceError` naming the database."""
    try:
        yield
    except DBAPIError as exc:
        raise workspace_error(
            f"{location.shown}: database error ({_reason(exc)})", codes.WORKSPACE_DATABASE
        ) from None
