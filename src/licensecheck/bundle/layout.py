"""What a submission bundle holds: member names, ``pack.json`` and ``manifest.json``.

Input: the facts of one assessment (pack, digest, date, language) and the members written.
Output: the two JSON documents as bytes (sorted keys, two-space indent, one trailing newline:
the same facts always give the same bytes), and, read back from a bundle, the same facts —
anything malformed a :class:`~licensecheck.errors.TrustError` at the member's line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import codes
from ..errors import Diagnostic, Span, TrustError
from .archive import Written

FORMAT = "licensecheck-bundle/1"
MANIFEST_FORMAT = "licensecheck-bundle-manifest/1"
PACK_INFO = "pack.json"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
REPORT_HTML = "report/report.html"
REPORT_JSON = "report/report.json"
DECLARATION_FOLDER = "declaration/"
EVIDENCE_FOLDER = "evidence/"
#: What ``manifest.sig`` signs (trust.signature subjects keep a bundle's signature from
#: being passed off as a pack's).
SIGNATURE_SUBJECT = "licensecheck bundle manifest"
#: The two members the manifest cannot list: itself and the signature over it.
UNLISTED = (MANIFEST, SIGNATURE)

_SHA256 = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class BundleFacts:
    """``pack.json``: what was assessed, with what, when and in which language."""

    declaration: str  # the member name, declaration/<file name>
    pack_id: str
    pack_version: str
    pack_digest: str
    tool_version: str
    as_of: str
    lang: str


def document_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def pack_info_bytes(facts: BundleFacts) -> bytes:
    return document_bytes(
        {
            "format": FORMAT,
            "declaration": facts.declaration,
            "pack": {"id": facts.pack_id, "version": facts.pack_version},
            "pack_digest": facts.pack_digest,
            "tool": {"name": "licensecheck", "version": facts.tool_version},
            "as_of": facts.as_of,
            "lang": facts.lang,
        }
    )


def manifest_bytes(written: Sequence[Written]) -> bytes:
    members = [
        {"path": w.name, "sha256": w.sha256, "size": w.size}
        for w in sorted(written, key=lambda w: w.name)
    ]
    return document_bytes({"format": MANIFEST_FORMAT, "members": members})


def read_pack_info(data: bytes, where: str) -> BundleFacts:
    document = _json_object(data, where)
    pack, tool = document.get("pack"), document.get("tool")
    if document.get("format") != FORMAT or not isinstance(pack, dict) or not isinstance(tool, dict):
        raise _malformed(where, f"not a {FORMAT} pack.json")
    fields = (
        document.get("declaration"),
        pack.get("id"),
        pack.get("version"),
        document.get("pack_digest"),
        tool.get("version"),
        document.get("as_of"),
        document.get("lang"),
    )
    if not all(isinstance(value, str) for value in fields):
        raise _malformed(where, "declaration, pack, pack_digest, tool, as_of and lang are text")
    facts = BundleFacts(*fields)  # type: ignore[arg-type]
    if not facts.declaration.startswith(DECLARATION_FOLDER):
        raise _malformed(where, f"the declaration is not under {DECLARATION_FOLDER}")
    return facts


def read_manifest(data: bytes, where: str) -> dict[str, tuple[str, int]]:
    """``{member: (sha256, size)}`` from ``manifest.json``."""
    document = _json_object(data, where)
    members = document.get("members")
    if document.get("format") != MANIFEST_FORMAT or not isinstance(members, list):
        raise _malformed(where, f"not a {MANIFEST_FORMAT} manifest")
    listed: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(members):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"])
            and type(entry.get("size")) is int
        ):
            raise _malformed(where, f"members[{index}] is not a path, sha256 and size")
        if entry["path"] in listed or entry["path"] in UNLISTED:
            raise _malformed(where, f"members[{index}]: {entry['path']} cannot be listed here")
        listed[entry["path"]] = (entry["sha256"], entry["size"])
    return listed


def _json_object(data: bytes, where: str) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _malformed(where, f"not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise _malformed(where, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    if not isinstance(document, dict):
        raise _malformed(where, "not a JSON object")
    return document


def _malformed(where: str, message: str, line: int = 1, column: int = 1) -> TrustError:
    return TrustError(Diagnostic(codes.BUNDLE, message, Span(where, line, column)))
