"""The evidence files a bundle carries: ``evidence/<id>/<file name>`` for each entry of the
declaration's ``evidence[]`` with a local file.

Input (create): the loaded declaration, its file, the date and ``--evidence-root``. Output:
a member for each entry whose file exists, streamed from that file (found, confined and
checked by :func:`~licensecheck.declaration.evidence.check_evidence`), and the entries that
are missing, altered or expired. Input (verify): the bundled declaration and the sha256 of each bundled member.
Output: each entry whose pinned sha256 the bundled file does not have, or whose file the
bundle lacks — what the declaration claims as proof and the bundle does not deliver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..declaration.evidence import check_evidence, evidence_entries
from ..declaration.loader import Declaration
from ..errors import Diagnostic, Span, TrustError
from .archive import Member, unsafe_name
from .layout import EVIDENCE_FOLDER


@dataclass(frozen=True)
class BundledEvidence:
    members: list[Member]
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
    on_disk = dataclasses.replace(declaration, source=os.fspath(source))
    root = Path(evidence_root) if evidence_root is not None else None
    members: list[Member] = []
    warnings: list[tuple[str, str]] = []
    for status in check_evidence(on_disk, as_of, root):
        entry = status.entry
        if entry.path is None:
            continue  # a uri: licensecheck never fetches it
        if status.state in ("missing", "altered", "expired"):
            warnings.append((entry.id, status.state))
        if status.file is not None and status.state != "missing":
            members.append(Member(member_name(entry.id, entry.path, entry.span), path=status.file))
    return BundledEvidence(members, warnings)


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


def evidence_differences(
    declaration: Declaration, hashes: Mapping[str, str]
) -> list[tuple[str, str]]:
    """``(entry id, what is wrong)`` for each local evidence entry of the bundled declaration
    whose file the bundle lacks or holds with another sha256 than the entry pins."""
    found = []
    for entry in evidence_entries(declaration):
        if entry.path is None:
            continue
        name = member_name(entry.id, entry.path, entry.span)
        actual = hashes.get(name)
        if actual is None:
            found.append((entry.id, f"evidence '{entry.id}' ({entry.path}) is not in the bundle"))
        elif entry.sha256 is not None and entry.sha256.lower() != actual:
            found.append(
                (
                    entry.id,
                    f"evidence '{entry.id}': the bundled {name} has sha256 {actual}, the "
                    f"declaration pins {entry.sha256.lower()}",
                )
            )
    return found
