"""Create a submission bundle: one declaration, assessed, packed for a reviewer.

Input: a declaration file, a pack, the date and language of the assessment, optionally an
ed25519 signing key. Output: a zip written atomically (``output.write_output_bytes``) holding
``pack.json``, ``declaration/<file>``, ``evidence/<id>/<file>`` for each evidence entry with
a local file, ``report/report.html`` and ``report/report.json`` (the renderers ``licensecheck
report`` uses), ``manifest.json`` (sha256 and size of every member before it) and, when
signed, ``manifest.sig``. The same inputs and ``as_of`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import codes
from .._version import __version__
from ..declaration.loader import DECLARATION_FILE, load_declaration_text
from ..engine.pipeline import PackRef, check_lang, parse_as_of, prepare_pack
from ..errors import Diagnostic, Span, UsageError
from ..output import write_output_bytes
from ..packs.contents import pack_content_digest
from ..reports.documents import render_report
from ..reports.gap import GapReport, gap_report
from ..sources.text import read_source_text
from ..trust.digest import CHUNK_BYTES
from ..trust.keys import PrivateKey, load_private_key
from ..trust.signature import sign
from .archive import Member, ReproducibleZip, unsafe_name
from .evidence import evidence_members
from .layout import (
    DECLARATION_FOLDER,
    MANIFEST,
    PACK_INFO,
    REPORT_HTML,
    REPORT_JSON,
    SIGNATURE,
    SIGNATURE_SUBJECT,
    BundleFacts,
    manifest_bytes,
    pack_info_bytes,
)

#: Bundles up to this size are built in memory; larger ones (evidence) spill to a temporary file.
_IN_MEMORY_BYTES = 32 << 20


@dataclass(frozen=True)
class CreatedBundle:
    """What ``bundle create`` wrote: the members in order, the report, the signing key's id."""

    path: Path
    members: tuple[str, ...]
    report: GapReport
    key_id: str | None
    #: (evidence id, missing | altered | expired): a missing file is not in the bundle
    evidence_warnings: tuple[tuple[str, str], ...] = ()


def create_bundle(
    declaration: str | os.PathLike[str],
    pack: PackRef,
    output: str | os.PathLike[str],
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    signing_key: str | os.PathLike[str] | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
) -> CreatedBundle:
    """Assess ``declaration`` with ``pack`` and write the bundle to ``output``."""
    lang = check_lang(lang)
    date = parse_as_of(as_of)
    key = load_private_key(signing_key) if signing_key is not None else None  # fail early
    source = Path(declaration)
    member_name = DECLARATION_FOLDER + _member_file_name(source)
    text = read_source_text(source, DECLARATION_FILE)
    compiled = prepare_pack(pack)
    # Read from the text as it will be bundled, under its member name, so that the report a
    # reviewer re-runs from the bundle is this report byte for byte.
    loaded = load_declaration_text(text, member_name, schema=compiled.checked.schema)
    facts = BundleFacts(
        declaration=member_name,
        pack_id=compiled.checked.id,
        pack_version=compiled.checked.version,
        pack_digest=pack_content_digest(compiled.checked.loaded),
        tool_version=__version__,
        as_of=date.isoformat(),
        lang=lang,
    )
    evidence = evidence_members(loaded, source, date, evidence_root)
    # Judged from the files beside the declaration, as verify judges them from the bundle's.
    report = gap_report(loaded, compiled, as_of=date, lang=lang, evidence=evidence.statuses)
    members = [
        Member(PACK_INFO, pack_info_bytes(facts)),
        Member(member_name, text.encode("utf-8")),
        *evidence.members,
        Member(REPORT_HTML, render_report(report, "html").encode("utf-8")),
        Member(REPORT_JSON, render_report(report, "json").encode("utf-8")),
    ]
    target = Path(output)
    inputs = [source, *(m.path for m in evidence.members if m.path is not None)]
    with tempfile.SpooledTemporaryFile(_IN_MEMORY_BYTES) as spool:
        _write_zip(spool, members, key)  # type: ignore[arg-type]
        spool.seek(0)
        write_output_bytes(target, _chunks(spool), inputs=inputs)  # type: ignore[arg-type]
    names = (*(m.name for m in members), MANIFEST, *((SIGNATURE,) if key else ()))
    key_id = key.public.key_id if key else None
    return CreatedBundle(target, names, report, key_id, tuple(evidence.warnings))


def _write_zip(stream: BinaryIO, members: list[Member], key: PrivateKey | None) -> None:
    with ReproducibleZip(stream) as archive:
        written = [archive.add(member) for member in members]
        manifest = manifest_bytes(written)
        archive.add(Member(MANIFEST, manifest))
        if key is not None:
            archive.add(Member(SIGNATURE, sign(key, manifest, SIGNATURE_SUBJECT).encode()))


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _member_file_name(path: Path) -> str:
    """``path``'s file name, if a bundle reader will accept it as a member's last segment."""
    name = path.name
    problem = unsafe_name(name) if name else "no file name"
    if problem:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"cannot bundle {os.fsdecode(path)}: {problem}; rename the file",
                Span(os.fsdecode(path), 1, 1),
            )
        )
    return name
