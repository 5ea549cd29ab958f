"""The store: a workspace opened on its database, and what the other workspace modules and
commands ask of it.

Input: a location (:func:`~.db.find_location`). Output: a :class:`Workspace` (a context
manager) with typed reads (the latest assessments, a stored pack version's files, watchlist
entries, firms) and the upkeep commands (info, verify, forget, backup). Recording lives in
:mod:`.record`, the history and the portfolio in their own modules; all of them go through a
:class:`Workspace`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from .. import codes
from ..trust.digest import pack_digest, sha256_hex
from .db import (
    Location,
    create,
    find_location,
    open_schema,
    translated_errors,
    workspace_error,
    writer,
)
from .identity import firm_key
from .models import (
    assessments,
    blobs,
    findings,
    firms,
    pack_files,
    pack_versions,
    watchlist_entries,
)

T = TypeVar("T")
#: Attempts at a write that SQLite reports as locked past its busy timeout.
WRITE_ATTEMPTS = 8


@dataclass(frozen=True)
class Firm:
    id: int
    key: str
    name: str
    registration_id: str | None


@dataclass(frozen=True)
class LatestAssessment:
    """A firm's latest recorded assessment under one pack, with what it read."""

    firm_key: str
    firm_name: str
    registration_id: str | None
    declaration_path: str
    declaration: bytes
    pack_id: str
    pack_version: str
    pack_digest: str
    as_of: dt.date
    #: (rule id, element) -> status; element "" for the rule as a whole
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)
    ready: bool = False
    score: int = 0
    #: rule id -> its domain, for every rule the assessment has a finding of
    domains: dict[str, str] = field(default_factory=dict)
    #: rule id -> the declaration path of its first witness (where a finding points)
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Info:
    location: str
    revision: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Forgotten:
    firm: Firm
    assessments: int
    findings: int
    blobs: int


class Workspace:
    """An open workspace. Use it as a context manager (:func:`open_workspace`)."""

    def __init__(self, location: Location, engine: Engine, revision: str) -> None:
        self.location = location
        self.engine = engine
        self.revision = revision

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ transactions

    def read(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one read transaction; database errors become a WorkspaceError."""
        with translated_errors(self.location), self.engine.connect() as connection:
            return work(connection)

    def write(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one write transaction, tried again while SQLite says another writer
        holds the lock past the busy timeout (two CI jobs recording at once)."""
        with translated_errors(self.location):
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    with writer(self.engine).begin() as connection:
                        return work(connection)
                except OperationalError as exc:
                    if "locked" not in str(exc.orig) or attempt == WRITE_ATTEMPTS - 1:
                        raise
                    time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------ firms

    def firm(self, text: str) -> Firm:
        """The firm ``text`` names: its key, its registration id or its name."""
        return self.read(lambda c: find_firm(c, text))

    def firms(self) -> list[Firm]:
        rows = self.read(lambda c: c.execute(sa.select(firms).order_by(firms.c.key)).all())
        return [Firm(r.id, r.key, r.name, r.registration_id) for r in rows]

    # ------------------------------------------------------------ reads for the other modules

    def latest_assessments(self, pack_id: str | None = None) -> list[LatestAssessment]:
        """Each firm's latest assessment per pack (``pack_id``: that pack only), in firm-key
        and pack order, with its declaration's bytes and its statuses."""
        return self.read(lambda c: _latest_assessments(c, pack_id))

    def pack_files(self, pack_id: str, version: str) -> dict[str, bytes] | None:
        """The files of the pack version last recorded as ``pack_id`` ``version``, by
        ``<pack folder>/<path>`` (the pack and the packs it extends): written under a folder,
        that folder is a pack path holding the pack. ``None`` when it was never recorded."""
        return self.read(lambda c: _pack_files(c, pack_id, version))

    def add_watchlist_entries(self, rows: Sequence[Mapping[str, object]]) -> int:
        """Store watchlist entries (name, aliases, registration_id, source, listed_on,
        reason, origin); returns how many were added."""
        values = _watchlist_values(rows, "")
        if values:
            self.write(lambda c: c.execute(watchlist_entries.insert(), values))
        return len(values)

    def replace_watchlist(self, list_file: str, rows: Sequence[Mapping[str, object]]) -> int:
        """Store the entries of the watchlist file named ``list_file`` in place of those it
        gave before (in one transaction, so importing a file again never doubles it); returns
        how many entries it had before."""
        values = _watchlist_values(rows, list_file)

        def replace(connection: Connection) -> int:
            same_file = watchlist_entries.c.list_file == list_file
            removed = connection.execute(sa.delete(watchlist_entries).where(same_file)).rowcount
            if values:
                connection.execute(watchlist_entries.insert(), values)
            return int(removed)

        return self.write(replace)

    def watchlist_entries(self) -> list[dict[str, Any]]:
        """Every watchlist entry, in the order they were added."""
        columns = WATCHLIST_COLUMNS
        rows = self.read(
            lambda c: c.execute(sa.select(watchlist_entries).order_by(watchlist_entries.c.id)).all()
        )
        return [{name: getattr(row, name) for name in columns} for row in rows]

    # ------------------------------------------------------------ upkeep

    def info(self) -> Info:
        tables = {
            "firms": firms,
            "assessments": assessments,
            "findings": findings,
            "pack versions": pack_versions,
            "blobs": blobs,
            "watchlist entries": watchlist_entries,
        }

        def count(c: Connection) -> dict[str, int]:
            return {
                name: int(c.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for name, t in tables.items()
            }

        return Info(self.location.shown, self.revision, self.read(count))

    def verify(self) -> list[str]:
        """Recompute every stored blob's sha256 and every pack version's digest; the
        problems found, one line each (none: all is as recorded)."""
        return self.read(_verify)

    def forget(self, text: str) -> Forgotten:
        """Delete a firm, its assessments and findings, and the stored files no other
        record refers to (a data-protection request)."""
        return self.write(lambda c: _forget(c, find_firm(c, text)))

    def backup(self, destination: Path) -> None:
        """Copy an SQLite workspace with SQLite's online backup (consistent while others
        write), atomically to ``destination`` with mode 0600."""
        source = self.location.database_file
        if source is None:
            raise workspace_error(
                "workspace backup copies SQLite workspaces; back a PostgreSQL workspace up "
                "with pg_dump (for example: pg_dump --format=custom --file=workspace.dump DBNAME)"
            )
        if destination.exists() and destination.resolve() == source.resolve():
            raise workspace_error(f"{destination}: that is the workspace database itself")
        _sqlite_backup(source, destination)


def open_workspace(
    location: Location | Path | str | None = None, *, initialise: bool = False
) -> Workspace:
    """Open the workspace at ``location`` (a :class:`Location`, a folder, a database URL or
    ``None``: the nearest one upwards), checking and migrating its schema; ``initialise``
    creates it when it does not exist."""
    if not isinstance(location, Location):
        if isinstance(location, str) and "://" in location:
            location = find_location(database_url=location)
        else:
            location = find_location(Path(location) if location is not None else None)
    engine = create(location, create_file=initialise)
    try:
        revision = open_schema(engine, location, initialise=initialise)
        if initialise and location.is_sqlite:
            _enable_wal(engine, location)  # only once the file is known to be a workspace
    except BaseException:
        engine.dispose()
        raise
    return Workspace(location, engine, revision)


def _enable_wal(engine: Engine, location: Location) -> None:
    """WAL: readers never wait for the writer (the mode stays with the file)."""
    with translated_errors(location):
        raw = engine.raw_connection()  # outside a transaction, where SQLite allows the switch
        try:
            raw.cursor().execute("PRAGMA journal_mode = WAL")
        finally:
            raw.close()


# ---------------------------------------------------------------- queries


#: A stored watchlist entry's fields, as :meth:`Workspace.watchlist_entries` gives them.
WATCHLIST_COLUMNS = (
    "name",
    "aliases",
    "registration_id",
    "source",
    "listed_on",
    "reason",
    "origin",
    "list_file",
)


def _watchlist_values(rows: Sequence[Mapping[str, Any]], list_file: str) -> list[dict[str, Any]]:
    return [
        {
            "name": str(row["name"]),
            "aliases": list(row.get("aliases") or []),
            "registration_id": row.get("registration_id"),
            "source": str(row.get("source") or ""),
            "listed_on": row.get("listed_on"),
            "reason": str(row.get("reason") or ""),
            "origin": row.get("origin"),
            "list_file": list_file,
        }
        for row in rows
    ]


def find_firm(connection: Connection, text: str) -> Firm:
    """The one firm whose key, registration id or name (as the identity normalises it) is
    ``text``; a WorkspaceError naming the candidates when there are none or several."""
    wanted = text.strip()
    normalised = firm_key({"name": wanted})
    query = sa.select(firms).where(
        sa.or_(
            firms.c.key == wanted,
            firms.c.key == normalised,
            firms.c.registration_id == wanted,
            sa.func.lower(firms.c.name) == wanted.lower(),
        )
    )
    rows = connection.execute(query).all()
    if len(rows) == 1:
        row = rows[0]
        return Firm(row.id, row.key, row.name, row.registration_id)
    if not rows:
        raise workspace_error(
            f"no firm '{wanted}' in the workspace",
            codes.WORKSPACE,
            hint="'licensecheck portfolio' lists the firms recorded",
        )
    names = ", ".join(sorted(f"{r.name} ({r.key})" for r in rows))
    raise workspace_error(f"'{wanted}' names several firms: {names}; give the key")


def _latest_ids(pack_id: str | None) -> sa.Subquery:
    """The id of each firm's latest assessment under each pack."""
    rank = (
        sa.func.row_number()
        .over(
            partition_by=(assessments.c.firm_id, assessments.c.pack_id),
            order_by=(assessments.c.as_of.desc(), assessments.c.id.desc()),
        )
        .label("rank")
    )
    query = sa.select(assessments.c.id, rank)
    if pack_id is not None:
        query = query.where(assessments.c.pack_id == pack_id)
    ranked = query.subquery("ranked")
    return sa.select(ranked.c.id, ranked.c.rank).where(ranked.c.rank == 1).subquery("latest")


def _latest_assessments(connection: Connection, pack_id: str | None) -> list[LatestAssessment]:
    latest = _latest_ids(pack_id)
    query = (
        sa.select(
            assessments.c.id,
            firms.c.key,
            firms.c.name,
            firms.c.registration_id,
            assessments.c.declaration_path,
            blobs.c.content,
            pack_versions.c.pack_id,
            pack_versions.c.version,
            pack_versions.c.digest,
            assessments.c.as_of,
            assessments.c.ready,
            assessments.c.score,
        )
        .join(latest, latest.c.id == assessments.c.id)
        .join(firms, firms.c.id == assessments.c.firm_id)
        .join(pack_versions, pack_versions.c.id == assessments.c.pack_version_id)
        .join(blobs, blobs.c.digest == assessments.c.declaration_blob)
        .order_by(firms.c.key, pack_versions.c.pack_id)
    )
    rows = connection.execute(query).all()
    statuses: dict[int, dict[tuple[str, str], str]] = {row.id: {} for row in rows}
    domains: dict[int, dict[str, str]] = {row.id: {} for row in rows}
    evidence: dict[int, dict[str, str]] = {row.id: {} for row in rows}
    finding_rows = connection.execute(
        sa.select(
            findings.c.assessment_id,
            findings.c.rule_id,
            findings.c.element,
            findings.c.status,
            findings.c.domain,
            findings.c.witnesses,
        )
        .join(latest, latest.c.id == findings.c.assessment_id)
        .order_by(findings.c.assessment_id, findings.c.rule_id, findings.c.element)
    )
    for f in finding_rows:
        statuses[f.assessment_id][(f.rule_id, f.element)] = f.status
        domains[f.assessment_id][f.rule_id] = f.domain
        if f.witnesses:
            evidence[f.assessment_id].setdefault(f.rule_id, str(f.witnesses[0].get("path", "")))
    return [
        LatestAssessment(
            firm_key=row.key,
            firm_name=row.name,
            registration_id=row.registration_id,
            declaration_path=row.declaration_path,
            declaration=bytes(row.content),
            pack_id=row.pack_id,
            pack_version=row.version,
            pack_digest=row.digest,
            as_of=row.as_of,
            statuses=statuses[row.id],
            ready=bool(row.ready),
            score=row.score,
            domains=domains[row.id],
            evidence=evidence[row.id],
        )
        for row in rows
    ]


def _pack_files(connection: Connection, pack_id: str, version: str) -> dict[str, bytes] | None:
    version_id = connection.execute(
        sa.select(pack_versions.c.id)
        .where(pack_versions.c.pack_id == pack_id, pack_versions.c.version == version)
        .order_by(pack_versions.c.id.desc())
        .limit(1)
    ).scalar()
    if version_id is None:
        return None
    rows = connection.execute(
        sa.select(pack_files.c.path, blobs.c.content)
        .join(blobs, blobs.c.digest == pack_files.c.blob)
        .where(pack_files.c.pack_version_id == version_id)
        .order_by(pack_files.c.path)
    )
    return {row.path: bytes(row.content) for row in rows}


def _verify(connection: Connection) -> list[str]:
    problems = []
    rows = connection.execution_options(yield_per=200).execute(
        sa.select(blobs.c.digest, blobs.c.size, blobs.c.content).order_by(blobs.c.digest)
    )
    for row in rows:
        content = bytes(row.content)
        if sha256_hex(content) != row.digest:
            problems.append(f"blob {row.digest}: its bytes hash to {sha256_hex(content)}")
        elif len(content) != row.size:
            problems.append(f"blob {row.digest}: {len(content)} bytes, recorded as {row.size}")
    files: dict[int, dict[str, str]] = {}
    for row in connection.execute(sa.select(pack_files)):
        files.setdefault(row.pack_version_id, {})[row.path] = row.blob
    for version in connection.execute(sa.select(pack_versions).order_by(pack_versions.c.id)):
        actual = pack_digest(files.get(version.id, {}))
        if actual != version.digest:
            problems.append(
                f"pack {version.pack_id} {version.version}: its files hash to {actual}, "
                f"recorded as {version.digest}"
            )
    return problems


def _forget(connection: Connection, firm: Firm) -> Forgotten:
    ids = sa.select(assessments.c.id).where(assessments.c.firm_id == firm.id)
    gone_findings = connection.execute(
        sa.delete(findings).where(findings.c.assessment_id.in_(ids))
    ).rowcount
    gone_assessments = connection.execute(
        sa.delete(assessments).where(assessments.c.firm_id == firm.id)
    ).rowcount
    connection.execute(sa.delete(firms).where(firms.c.id == firm.id))
    referenced = sa.union(
        sa.select(assessments.c.declaration_blob), sa.select(pack_files.c.blob)
    ).subquery()
    gone_blobs = connection.execute(
        sa.delete(blobs).where(blobs.c.digest.not_in(sa.select(referenced.c[0])))
    ).rowcount
    return Forgotten(firm, gone_assessments, gone_findings, gone_blobs)


def _sqlite_backup(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    os.close(handle)
    os.chmod(temporary, 0o600)
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        copy = sqlite3.connect(temporary)
        try:
            reader.backup(copy)
        finally:
            copy.close()
            reader.close()
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
