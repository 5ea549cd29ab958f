"""Recording: an assessment, the declaration it read and the pack it used → rows of the store.

Input: an :class:`~licensecheck.engine.models.Assessment`, the declaration it read (loaded, or
its text), the compiled pack. Output: the firm (by
:func:`~.identity.firm_key`), the declaration and every file of the pack's lineage as
content-addressed blobs, the pack version, the assessment (score and range, readiness, counts,
gaps by domain and severity) and one finding row per rule and list element, with its status,
severity, witnesses and waiver state. Identical inputs (firm, declaration, pack version,
as-of date, tool version, waivers) are recorded once, however many recorders run at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..declaration.loader import Declaration
from ..engine.compile import CompiledPack
from ..engine.gate import counts_as_gap
from ..engine.models import Assessment, Finding
from ..packs.contents import pack_content_files
from ..reports.gap import score_range
from ..trust.digest import pack_digest, sha256_hex
from .identity import firm_key
from .models import assessments, blobs, findings, firms, pack_files, pack_versions
from .store import Workspace
from .suppliers import declaration_from_text


@dataclass(frozen=True)
class PackFiles:
    """A pack version as stored: its id, version, files (by ``<folder>/<path>``) and digest."""

    pack_id: str
    version: str
    files: Mapping[str, bytes]

    @property
    def digests(self) -> dict[str, str]:
        return {path: sha256_hex(data) for path, data in self.files.items()}

    @property
    def digest(self) -> str:
        return pack_digest(self.digests)


def pack_files_of(pack: CompiledPack) -> PackFiles:
    """Every file of the pack and of the packs it extends, as packs/contents.py counts them."""
    files = {name: path.read_bytes() for name, path in pack_content_files(pack.checked.loaded)}
    return PackFiles(pack.checked.id, pack.checked.version, files)


@dataclass(frozen=True)
class Recording:
    """One assessment with everything needed to store it."""

    assessment: Assessment
    company: Mapping[str, Any]
    declaration: bytes
    pack: PackFiles
    fail_on: str


def recording(
    assessment: Assessment, declaration: Declaration | str, pack: PackFiles, fail_on: str
) -> Recording:
    """The recording of ``assessment`` made from ``declaration`` (loaded, or its text): the
    text it read is stored, never the file as it is by now (edited since, the record would
    not be what was assessed); assessing the stored bytes gives the run again."""
    if isinstance(declaration, str):
        declaration = declaration_from_text(declaration, assessment.declaration)
    company = declaration.data.get("company") or {}
    return Recording(assessment, company, declaration.text.encode("utf-8"), pack, fail_on)


def record(workspace: Workspace, item: Recording) -> bool:
    """Store ``item``; ``False`` when the same inputs were recorded before."""
    return workspace.write(lambda connection: _record(connection, item))


def _record(connection: Connection, item: Recording) -> bool:
    insert = _insert_ignoring_duplicates(connection)
    declaration_digest = _store_blob(connection, item.declaration)
    pack_version_id = _pack_version(connection, item.pack)
    firm_id = _firm(connection, item.company)
    a = item.assessment
    rng = score_range(a.findings)
    row = {
        "firm_id": firm_id,
        "pack_version_id": pack_version_id,
        "pack_id": item.pack.pack_id,
        "declaration_blob": declaration_digest,
        "declaration_path": a.declaration,
        "as_of": a.as_of,
        "tool_version": a.tool.version,
        "waivers_digest": waivers_digest(a),
        "fail_on": item.fail_on,
        "lang": a.lang,
        "recorded_at": dt.datetime.now(dt.UTC),
        "score": a.summary.score,
        "score_worst": rng.worst,
        "score_best": rng.best,
        "ready": a.summary.ready,
        "counts": dict(a.summary.counts.by_status),
        "gaps": gaps_by_domain(a.findings),
    }
    new_id = connection.execute(
        insert(assessments).values(row).returning(assessments.c.id)
    ).scalar()
    if new_id is None:
        return False
    connection.execute(
        findings.insert(), [dict(r, assessment_id=new_id) for r in finding_rows(a.findings)]
    )
    return True


def waivers_digest(assessment: Assessment) -> str:
    """sha256 of the waivers as the run applied them; "" without waivers."""
    if not assessment.waivers:
        return ""
    text = json.dumps([w.model_dump(mode="json") for w in assessment.waivers], sort_keys=True)
    return sha256_hex(text.encode("utf-8"))


def gaps_by_domain(items: list[Finding]) -> dict[str, dict[str, int]]:
    """Domain → severity → number of gaps (the gate's ``counts_as_gap``)."""
    gaps: dict[str, dict[str, int]] = {}
    for f in items:
        if counts_as_gap(f.status, in_grace=f.in_grace):
            by_severity = gaps.setdefault(f.domain, {})
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return gaps


def finding_rows(items: list[Finding]) -> list[dict[str, Any]]:
    """One row per rule and list element its witnesses are in ("" for the rule as a whole)."""
    rows = []
    for f in items:
        elements = sorted({w.element for w in f.witnesses if w.element}) or [""]
        for element in elements:
            witnesses = [w for w in f.witnesses if not element or w.element in (element, None)]
            rows.append(
                {
                    "rule_id": f.rule_id,
                    "element": element,
                    "status": f.status,
                    "severity": f.severity,
                    "domain": f.domain,
                    "title": f.title,
                    "in_grace": f.in_grace,
                    "waiver_id": f.waiver.id if f.waiver else None,
                    "waiver_state": f.waiver.state if f.waiver else None,
                    "witnesses": [w.model_dump(mode="json") for w in witnesses],
                }
            )
    return rows


def _insert_ignoring_duplicates(connection: Connection) -> Any:
    """``insert(table).on_conflict_do_nothing()`` in the database's dialect."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return lambda table: pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return lambda table: sqlite_insert(table).on_conflict_do_nothing()


def _store_blob(connection: Connection, data: bytes) -> str:
    digest = sha256_hex(data)
    insert = _insert_ignoring_duplicates(connection)
    connection.execute(insert(blobs).values(digest=digest, size=len(data), content=data))
    return digest


def _pack_version(connection: Connection, pack: PackFiles) -> int:
    """The id of the stored pack version, storing it and its files the first time."""
    digests = pack.digests
    digest = pack_digest(digests)
    key = (
        pack_versions.c.pack_id == pack.pack_id,
        pack_versions.c.version == pack.version,
        pack_versions.c.digest == digest,
    )
    found = connection.execute(sa.select(pack_versions.c.id).where(*key)).scalar()
    if found is not None:
        return int(found)
    insert = _insert_ignoring_duplicates(connection)
    connection.execute(
        insert(pack_versions).values(pack_id=pack.pack_id, version=pack.version, digest=digest)
    )
    version_id = int(connection.execute(sa.select(pack_versions.c.id).where(*key)).scalar_one())
    for path, data in sorted(pack.files.items()):
        _store_blob(connection, data)
        connection.execute(
            insert(pack_files).values(pack_version_id=version_id, path=path, blob=digests[path])
        )
    return version_id


def _firm(connection: Connection, company: Mapping[str, Any]) -> int:
    """The firm's id, added the first time; its name and register id kept current."""
    key = firm_key(company)
    name = str(company.get("name") or key)
    registration = company.get("registration_id") or company.get("uscc")
    insert = _insert_ignoring_duplicates(connection)
    connection.execute(insert(firms).values(key=key, name=name, registration_id=registration))
    row = connection.execute(sa.select(firms).where(firms.c.key == key)).one()
    if row.name != name or row.registration_id != registration:
        connection.execute(
            sa.update(firms)
            .where(firms.c.id == row.id)
            .values(name=name, registration_id=registration)
        )
    return int(row.id)
