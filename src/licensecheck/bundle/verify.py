"""Verify a submission bundle: every hash, the signature, and the assessment re-run offline.

Input: a bundle (a zip from anyone), the public keys the reviewer trusts, optionally the pack
to re-run with (by default the id ``pack.json`` names, found on this machine). Output: a
:class:`BundleVerification` — each altered, missing, extra or damaged member named; the
signature valid, absent, not checked (no key given) or failing and why; whether the installed
pack's digest is the bundled one; and what differs when the assessment is re-run from the
bundled declaration. A bundle that cannot be read safely (not a zip, no manifest, a hostile
member) is a :class:`~licensecheck.errors.TrustError` instead: nothing is extracted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..declaration.loader import load_declaration_text
from ..engine.compile import CompiledPack
from ..engine.pipeline import PackRef, parse_as_of, prepare_pack
from ..errors import LicenseCheckError, TrustError
from ..packs.contents import pack_content_digest
from ..reports.gap import gap_report
from ..trust.digest import sha256_hex
from ..trust.keys import PublicKey, load_public_key
from ..trust.signature import document_text, read_signature, verify
from .archive import BundleLimits, BundleReader, MemberDamaged, Written
from .compare import report_differences
from .evidence import bundled_statuses, evidence_differences
from .layout import (
    MANIFEST,
    PACK_INFO,
    REPORT_JSON,
    SIGNATURE,
    SIGNATURE_SUBJECT,
    UNLISTED,
    BundleFacts,
    manifest_bytes,
    read_manifest,
    read_pack_info,
)


@dataclass(frozen=True)
class Problem:
    """One failed check: ``kind`` (altered, missing, extra, damaged, manifest, signature,
    pack, declaration, report), what it is about (a member, a rule, the score) and why."""

    kind: str
    subject: str
    message: str


@dataclass
class BundleVerification:
    bundle: str
    members: int = 0
    #: valid, absent, unchecked (signed, no --key given) or invalid
    signature: str = "absent"
    signer: str | None = None
    facts: BundleFacts | None = None
    installed_digest: str | None = None
    reassessed: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return 0 if self.verified else 1

    def fail(self, kind: str, subject: str, message: str) -> None:
        problem = Problem(kind, subject, message)
        if problem not in self.problems:  # a damaged member is met when hashed and when read
            self.problems.append(problem)


def verify_bundle(
    bundle: str | os.PathLike[str],
    *,
    keys: Sequence[str | os.PathLike[str]] = (),
    pack: PackRef | None = None,
    limits: BundleLimits | None = None,
) -> BundleVerification:
    """Check ``bundle`` against its manifest, ``keys`` and a re-run of its assessment."""
    trusted = [load_public_key(key) for key in keys]
    path = Path(bundle)
    result = BundleVerification(os.fsdecode(path))
    with BundleReader(path, limits or BundleLimits()) as reader:
        if MANIFEST not in reader.infos:
            raise reader.refusal(
                f"no {MANIFEST}: {result.bundle} is not a licensecheck submission bundle"
            )
        manifest = _read_member(reader, MANIFEST, result)
        if manifest is None:
            return result
        listed = _manifest(manifest, reader, result)
        if listed is None:
            return result
        hashes = _check_members(reader, listed, result)
        _check_signature(reader, manifest, trusted, result)
        facts = _pack_info(reader, result)
        if facts is not None:
            result.facts = facts
            _reassess(reader, facts, pack, hashes, result)
    return result


def _read_member(reader: BundleReader, name: str, result: BundleVerification) -> bytes | None:
    try:
        return reader.read(name)
    except MemberDamaged as damaged:
        result.fail("damaged", name, f"{name} {damaged.reason}")
        return None


def _manifest(
    data: bytes, reader: BundleReader, result: BundleVerification
) -> dict[str, tuple[str, int]] | None:
    try:
        listed = read_manifest(data, f"{reader.shown}:{MANIFEST}")
    except TrustError as error:
        result.fail("manifest", MANIFEST, _first(error))
        return None
    if data != manifest_bytes([Written(name, *entry) for name, entry in listed.items()]):
        # unsigned, an edit that keeps every hash would otherwise go unseen
        result.fail("manifest", MANIFEST, f"{MANIFEST} was edited: it is not as written")
    return listed


def _check_members(
    reader: BundleReader, listed: dict[str, tuple[str, int]], result: BundleVerification
) -> dict[str, str]:
    """Each listed member's sha256 as the bundle holds it (damaged ones left out)."""
    hashes: dict[str, str] = {}
    present = [name for name in reader.names if name not in UNLISTED]
    result.members = len(present)
    for name in present:
        if name not in listed:
            result.fail("extra", name, f"{name} is in the bundle but not in {MANIFEST}")
    for name, (sha256, size) in sorted(listed.items()):
        if name not in reader.infos:
            result.fail("missing", name, f"{name} is in {MANIFEST} but not in the bundle")
            continue
        try:
            actual, actual_size = reader.hash(name)
        except MemberDamaged as damaged:
            result.fail("damaged", name, f"{name} {damaged.reason}")
            continue
        hashes[name] = actual
        if (actual, actual_size) != (sha256, size):
            result.fail(
                "altered",
                name,
                f"{name} was altered: {MANIFEST} says sha256 {sha256} ({size} bytes), "
                f"the bundle holds {actual} ({actual_size} bytes)",
            )
    return hashes


def _check_signature(
    reader: BundleReader,
    manifest: bytes,
    trusted: Sequence[PublicKey],
    result: BundleVerification,
) -> None:
    if SIGNATURE not in reader.infos:
        if trusted:
            result.fail("signature", SIGNATURE, "the bundle is not signed, but --key was given")
        return
    data = _read_member(reader, SIGNATURE, result)
    if data is None:
        result.signature = "invalid"
        return
    text = data.decode("utf-8", "replace")
    try:
        signature = read_signature(text, f"{reader.shown}:{SIGNATURE}")
    except TrustError as error:
        result.signature = "invalid"
        result.fail("signature", SIGNATURE, _first(error))
        return
    result.signer = signature.key_id
    if text != document_text(signature):  # edited: the same meaning, other bytes
        result.signature = "invalid"
        result.fail("signature", SIGNATURE, f"{SIGNATURE} was edited after it was signed")
        return
    verdict = verify(signature, manifest, SIGNATURE_SUBJECT, trusted)
    if verdict.valid:
        result.signature = "valid"
        return
    # With no key to check against, a signature over this very manifest is reported as
    # unchecked; one over another subject or another manifest fails all the same.
    signs_this = signature.subject == SIGNATURE_SUBJECT and signature.digest == (
        "sha256:" + sha256_hex(manifest)
    )
    if not trusted and signs_this:
        result.signature = "unchecked"
        return
    result.signature = "invalid"
    result.fail("signature", SIGNATURE, f"{SIGNATURE} over {MANIFEST}: {verdict.reason}")


def _pack_info(reader: BundleReader, result: BundleVerification) -> BundleFacts | None:
    if PACK_INFO not in reader.infos:
        result.fail("missing", PACK_INFO, f"no {PACK_INFO}: the assessment cannot be re-run")
        return None
    data = _read_member(reader, PACK_INFO, result)
    if data is None:
        return None
    try:
        return read_pack_info(data, f"{reader.shown}:{PACK_INFO}")
    except TrustError as error:
        result.fail("pack", PACK_INFO, _first(error))
        return None


def _reassess(
    reader: BundleReader,
    facts: BundleFacts,
    pack: PackRef | None,
    hashes: dict[str, str],
    result: BundleVerification,
) -> None:
    """Re-run the assessment from the bundled declaration and compare the JSON reports; check
    the bundled evidence files against the hashes the declaration pins."""
    compiled = _installed_pack(facts, pack, result)
    if compiled is None:
        return
    if not (_has(reader, facts.declaration, result) and _has(reader, REPORT_JSON, result)):
        return
    declaration = _read_member(reader, facts.declaration, result)
    bundled_report = _read_member(reader, REPORT_JSON, result)
    if declaration is None or bundled_report is None:
        return
    try:
        loaded = load_declaration_text(
            declaration.decode("utf-8"), facts.declaration, schema=compiled.checked.schema
        )
        evidence = bundled_statuses(loaded, hashes, parse_as_of(facts.as_of))
        report = gap_report(loaded, compiled, as_of=facts.as_of, lang=facts.lang, evidence=evidence)
    except UnicodeDecodeError as exc:
        result.fail("declaration", facts.declaration, f"not UTF-8 text: {exc.reason}")
        return
    except LicenseCheckError as error:
        result.fail("declaration", facts.declaration, f"cannot be re-assessed: {_first(error)}")
        return
    result.reassessed = True
    for entry_id, message in evidence_differences(evidence):
        result.fail("evidence", entry_id, message)
    for subject, message in report_differences(bundled_report, report):
        result.fail("report", subject, f"{subject}: {message}")


def _has(reader: BundleReader, name: str, result: BundleVerification) -> bool:
    """Is ``name`` in the bundle? Its absence is reported once, by the member check or here."""
    if name in reader.infos:
        return True
    if not any(p.subject == name for p in result.problems):
        result.fail("missing", name, f"{name} is not in the bundle: the report cannot be confirmed")
    return False


def _installed_pack(
    facts: BundleFacts, pack: PackRef | None, result: BundleVerification
) -> CompiledPack | None:
    try:
        compiled = prepare_pack(pack if pack is not None else facts.pack_id)
    except LicenseCheckError as error:
        result.fail(
            "pack",
            facts.pack_id,
            f"pack {facts.pack_id} {facts.pack_version} is not available here, so the "
            f"assessment cannot be re-run: {_first(error)}",
        )
        return None
    result.installed_digest = pack_content_digest(compiled.checked.loaded)
    if result.installed_digest != facts.pack_digest:
        result.fail(
            "pack",
            facts.pack_id,
            f"the installed pack {compiled.checked.id} {compiled.checked.version} (digest "
            f"{result.installed_digest}) is not the bundled {facts.pack_id} "
            f"{facts.pack_version} (digest {facts.pack_digest})",
        )
    return compiled


def _first(error: LicenseCheckError) -> str:
    """The first of an error's diagnostics, with its place: enough to say why, in one line."""
    if not error.diagnostics:
        return str(error)
    diagnostic = error.diagnostics[0]
    where = f"{diagnostic.span.format()}: " if diagnostic.span else ""
    return where + diagnostic.message


# ---------------------------------------------------------------- output


def verification_json(result: BundleVerification) -> str:
    facts = result.facts
    document: dict[str, Any] = {
        "bundle": result.bundle,
        "verified": result.verified,
        "members": result.members,
        "signature": {"state": result.signature, "key_id": result.signer},
        "assessment": None
        if facts is None
        else {
            "declaration": facts.declaration,
            "pack": {"id": facts.pack_id, "version": facts.pack_version},
            "pack_digest": facts.pack_digest,
            "installed_pack_digest": result.installed_digest,
            "tool_version": facts.tool_version,
            "as_of": facts.as_of,
            "lang": facts.lang,
            "reassessed": result.reassessed,
        },
        "problems": [
            {"kind": p.kind, "subject": p.subject, "message": p.message} for p in result.problems
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_SIGNATURE_WORDS = {
    "valid": "signed by {signer}, checked against the given key",
    "absent": "not signed",
    "unchecked": "signed by {signer}, NOT checked: pass --key with the signer's public key",
    "invalid": "does not verify",
}


def verification_text(result: BundleVerification) -> str:
    verdict = "VERIFIED" if result.verified else "NOT VERIFIED"
    lines = [
        f"{result.bundle}: {verdict}",
        f"  members:   {result.members} checked against {MANIFEST}",
        f"  signature: {_SIGNATURE_WORDS[result.signature].format(signer=result.signer)}",
    ]
    facts = result.facts
    if facts is not None:
        lines.append(
            f"  pack:      {facts.pack_id} {facts.pack_version}, assessed on {facts.as_of} "
            f"({facts.lang}) with licensecheck {facts.tool_version}"
        )
        differs = any(p.kind == "report" for p in result.problems)
        outcome = "differs from the bundled report" if differs else "the bundled report confirmed"
        rerun = "re-run offline: " + outcome if result.reassessed else "not re-run"
        lines.append(f"  report:    {rerun}")
    if result.problems:
        lines.append(f"{len(result.problems)} problem(s):")
        lines.extend(f"  {p.kind}: {p.message}" for p in result.problems)
    return "\n".join(lines) + "\n"
