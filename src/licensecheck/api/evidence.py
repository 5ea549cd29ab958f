"""The public facade of evidence: record a file as evidence in a declaration, and check what
a declaration's evidence still proves."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from ..declaration.evidence import EVIDENCE_KINDS, EvidenceEntry, EvidenceStatus, check_evidence
from ..declaration.evidence_add import NewEvidence, add_evidence_text
from ..declaration.schema import load_declaration_schema
from ..engine.pipeline import load_declaration, parse_as_of
from ..output import write_output
from ..reports.evidence import EVIDENCE_FORMATS, render_evidence_states

__all__ = [
    "EVIDENCE_FORMATS",
    "EVIDENCE_KINDS",
    "NewEvidence",
    "add_evidence",
    "evidence_exit_code",
    "render_evidence_states",
    "verify_evidence",
]


def add_evidence(
    declaration: str | os.PathLike[str],
    new: NewEvidence,
    *,
    evidence_root: str | os.PathLike[str] | None = None,
) -> EvidenceEntry:
    """Hash ``new.file`` (streamed) and append an evidence entry for it to the YAML
    ``declaration``, rewriting that one file atomically and leaving the rest of its text as it
    was. Returns the entry as the declaration now reads it.

    Raises :class:`~licensecheck.errors.UsageError` for a covers path the schema does not allow
    (naming the nearest one), :class:`~licensecheck.errors.TrustError` for a file outside the
    declaration's folder (or ``evidence_root``), and the loader's errors for the declaration.
    """
    schema = load_declaration_schema()
    loaded = load_declaration(declaration, schema=schema)
    root = Path(evidence_root) if evidence_root is not None else None
    text, entry = add_evidence_text(loaded, new, schema, root)
    write_output(Path(declaration), text, rewrite_input=True)
    return entry


def verify_evidence(
    declaration: str | os.PathLike[str],
    *,
    as_of: str | dt.date | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
) -> tuple[EvidenceStatus, ...]:
    """Each evidence entry's state on ``as_of`` (default today): valid, missing, altered,
    expired, unhashed or remote. Files are hashed as streams and never leave the declaration's
    folder (or ``evidence_root``); a ``uri`` is never fetched."""
    loaded = load_declaration(declaration)
    root = Path(evidence_root) if evidence_root is not None else None
    return check_evidence(loaded, parse_as_of(as_of), root)


def evidence_exit_code(statuses: Sequence[EvidenceStatus]) -> int:
    """1 when some evidence is missing, altered or expired (it contradicts the declaration),
    else 0."""
    return 1 if any(s.contradicts for s in statuses) else 0
