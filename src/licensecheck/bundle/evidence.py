"""The evidence files a bundle carries: ``evidence/<id>/<file name>`` for each entry of the
declaration's ``evidence[]`` with a local file.

Input (create): the loaded declaration, its file, the date and ``--evidence-root``. Output:
a member for each entry whose file exists, streamed from that file (found, confined and
checked by :func:`~licensecheck.declaration.evidence.check_evidence`), and the entries that
are missing, altered or expired. Input (verify): the bundled declaration and the sha256 of each bundled member. Output: each
entry's state from its bundled file (by the one rule, ``evidence_state``), so the re-run
assessment judges assurance as ``create`` did, and the entries whose file the bundle lacks or
holds with another sha256 than the entry pins.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..declaration.evidence import (
    EvidenceEntry,
    EvidenceStatus,
    check_evidence,
    evidence_entries,
    evidence_state,
)
from ..declaration.loader import Declaration
from ..errors import Diagnostic, Span, TrustError
from .archive import Member, unsafe_name
from .layout import EVIDENCE_FOLDER


@dataclass(frozen=True)
class BundledEvidence:
    members: list[Member]
    #: each entry's state, as the report is made from them
    statuses: tuple[EvidenceStatus, ...]
    #: (entry id, state) of each local entry that is not as pinned: missing (not bundled),
    #: altered or expired (bundled as they are; the reviewer's verify names them too)
    warnings: list[tuple[str, str]]


def evidence_members(
    declaration: Declaration,
    source: Path,
    as_of: dt.date,
    evidence_root: str | os.PathLike[str] | None,
) -> BundledEvidence:
    """The members for the evidence files of ``declaration``, read from ``source``."""
    # The declaration is named as the bundle holds it; its evidence lies beside the file.
    on_disk = declaration.replaced(source=os.fspath(source))
    root = Path(evidence_root) if evidence_root is not None else None
    members: list[Member] = []
    warnings: list[tuple[str, str]] = []
    statuses = check_evidence(on_disk, as_of, root)
    for status in statuses:
        entry = status.entry
        if entry.path is None:
            continue  # a uri: licensecheck never fetches it
        if status.state in ("missing", "altered", "expired"):
            warnings.append((entry.id, status.state))
        if status.file is not None and status.state != "missing":
            members.append(Member(member_name(entry.id, entry.path, entry.span), path=status.file))
    return BundledEvidence(members, statuses, warnings)


def member_name(entry_id: str, path: str, span: Span) -> str:
    """``evidence/<id>/<file name>``, refused (at the entry) if a reader would refuse it."""
    name = f"{EVIDENCE_FOLDER}{entry_id}/{Path(path).name}"
    problem = unsafe_name(name)
    if problem:
        raise TrustError(
            Diagnostic(
                codes.EVIDENCE_ENTRY,
                f"evidence '{entry_id}' cannot be bundled as {name!r}: {problem}",
                span,
                hint="give the entry an id of letters, digits, '-' and '_'",
            )
        )
    return name


def bundled_statuses(
    declaration: Declaration, hashes: Mapping[str, str], as_of: dt.date
) -> tuple[EvidenceStatus, ...]:
    """Each evidence entry's state with its file as the bundle holds it (``hashes``: member
    → sha256): what ``bundle create`` found on disk, if the bundle is as it was made."""
    return tuple(
        EvidenceStatus(entry, evidence_state(entry, actual, as_of), None, actual)
        for entry in evidence_entries(declaration)
        for actual in [_bundled_hash(entry, hashes)]
    )


def _bundled_hash(entry: EvidenceEntry, hashes: Mapping[str, str]) -> str | None:
    if entry.path is None:
        return None
    return hashes.get(member_name(entry.id, entry.path, entry.span))


def evidence_differences(statuses: Sequence[EvidenceStatus]) -> list[tuple[str, str]]:
    """``(entry id, what is wrong)`` for each local evidence entry whose file the bundle lacks
    or holds with another sha256 than the entry pins."""
    found = []
    for status in statuses:
        entry = status.entry
        if status.state == "missing":
            found.append((entry.id, f"evidence '{entry.id}' ({entry.path}) is not in the bundle"))
        elif status.state == "altered" and entry.path is not None and entry.sha256 is not None:
            name = member_name(entry.id, entry.path, entry.span)
            found.append(
                (
                    entry.id,
                    f"evidence '{entry.id}': the bundled {name} has sha256 "
                    f"{status.actual_sha256}, the declaration pins {entry.sha256}",
                )
            )
    return found
