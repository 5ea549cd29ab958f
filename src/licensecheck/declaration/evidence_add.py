"""Adding an evidence entry: a declaration's text and a file in, the text with one more entry.

``licensecheck evidence add`` is the one command that edits a declaration, so it edits as
little as it can: the entry is appended to the ``evidence:`` list as text (or the list is added
at the end of the file), and every other byte of the user's file (comments, order, quoting,
line endings) stays as it was. The new text is read back through the declaration loader before
anyone writes it, so an edit never leaves a declaration that does not load.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, Span, TrustError, UsageError
from ..trust.digest import sha256_file
from .evidence import (
    EVIDENCE_KINDS,
    EvidenceEntry,
    cover_problem,
    declaration_dir,
    evidence_entries,
    evidence_file,
)
from .loader import Declaration, load_declaration_text
from .schema import DeclarationSchema

__all__ = ["NewEvidence", "add_evidence_text"]


@dataclass(frozen=True)
class NewEvidence:
    """What ``evidence add`` was asked to record (the file as given on the command line)."""

    file: Path
    covers: tuple[str, ...]
    kind: str = "other"
    id: str | None = None
    title: str | None = None
    issued_by: str | None = None
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None


def add_evidence_text(
    declaration: Declaration,
    new: NewEvidence,
    schema: DeclarationSchema,
    evidence_root: Path | None = None,
) -> tuple[str, EvidenceEntry]:
    """The declaration's text with ``new`` appended to its evidence, and the entry as read
    back from that text. The file is hashed as a stream; its path is written relative to the
    declaration's folder, and must stay there (or in ``evidence_root``).

    Raises :class:`UsageError` for a covers path the schema does not allow (with the nearest
    one it does), an unknown kind, an id already used, or a JSON declaration.
    """
    _check_request(new, schema)
    if declaration.source.lower().endswith(".json"):
        raise _usage(
            "evidence add edits YAML declarations; add the entry to a JSON declaration by hand "
            "(licensecheck evidence verify then checks it)"
        )
    existing = evidence_entries(declaration)
    entry_id = _entry_id(new, {e.id for e in existing})
    folder = declaration_dir(declaration)
    written = _relative_path(new.file, folder)
    _confine(declaration, entry_id, written, folder, evidence_root)  # before reading it
    fields = _fields(new, entry_id, written, sha256_file(new.file))
    text = _with_entry(declaration, fields, new.covers)
    added = load_declaration_text(text, declaration.source, schema=schema)
    return text, evidence_entries(added)[-1]


# --------------------------------------------------------------------------- the request


def _check_request(new: NewEvidence, schema: DeclarationSchema) -> None:
    if new.kind not in EVIDENCE_KINDS:
        raise _usage(f"--kind '{new.kind}' is not a kind; use one of {', '.join(EVIDENCE_KINDS)}")
    if not new.covers:
        raise _usage("give at least one --covers PATH: the declaration paths the file proves")
    for cover in new.covers:
        problem = cover_problem(cover, schema)
        if problem is not None:
            message, near = problem
            hint = f"did you mean '{near}'?" if near else None
            raise UsageError(Diagnostic(codes.EVIDENCE_ENTRY, f"--covers: {message}", hint=hint))
    if not new.file.is_file():
        raise _usage(f"{new.file}: no such file")


def _usage(message: str) -> UsageError:
    return UsageError(Diagnostic(codes.USAGE, message))


def _entry_id(new: NewEvidence, taken: set[str]) -> str:
    if new.id is not None:
        if new.id in taken:
            raise _usage(f"--id '{new.id}' is already an evidence id of this declaration")
        return new.id
    stem = re.sub(r"[^a-z0-9]+", "-", new.file.stem.lower()).strip("-") or "file"
    candidate, number = f"ev-{stem}", 2
    while candidate in taken:
        candidate, number = f"ev-{stem}-{number}", number + 1
    return candidate


def _relative_path(file: Path, folder: Path) -> str:
    # relative to the declaration's folder, with '/' so the declaration reads the same anywhere
    relative = os.path.relpath(os.path.abspath(file), os.path.abspath(folder))
    return Path(relative).as_posix()


def _fields(new: NewEvidence, entry_id: str, written: str, digest: str) -> dict[str, str]:
    fields = {"id": entry_id, "title": new.title, "kind": new.kind, "path": written}
    fields |= {"sha256": digest, "issued_by": new.issued_by}
    for name, day in (("issued_on", new.issued_on), ("expires_on", new.expires_on)):
        fields[name] = day.isoformat() if day is not None else None
    return {key: value for key, value in fields.items() if value is not None}


def _confine(
    declaration: Declaration, entry_id: str, written: str, folder: Path, root: Path | None
) -> None:
    """The confinement ``check`` will apply, applied now: never record a file it refuses."""
    probe = EvidenceEntry(
        id=entry_id,
        title=None,
        kind=None,
        path=written,
        uri=None,
        sha256=None,
        covers=(),
        issued_by=None,
        issued_on=None,
        expires_on=None,
        span=Span(declaration.source, 1, 1),
    )
    try:
        evidence_file(probe, folder, root)
    except TrustError as refused:  # about the FILE argument, not a place in the declaration
        (diagnostic,) = refused.diagnostics
        raise TrustError(diagnostic.replaced(span=None)) from None


# --------------------------------------------------------------------------- the text


def _with_entry(declaration: Declaration, fields: dict[str, str], covers: Sequence[str]) -> str:
    text = declaration.text
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    where = declaration.position(("evidence",))
    if where is None or not declaration.data.get("evidence"):
        if where is not None:  # an empty or null list: the items are written below the key
            lines[where[0] - 1] = _without_empty_flow(lines[where[0] - 1])
            block = _entry_block(fields, covers, dash_indent=2)
            return "".join(lines[: where[0]] + _ending(block, newline) + lines[where[0] :])
        block = ["evidence:", *_entry_block(fields, covers, dash_indent=2)]
        return "".join(lines) + "".join(_ending(block, newline))
    first = declaration.position(("evidence", 0))
    assert first is not None
    dash_indent = _dash_indent(lines[first[0] - 1], first[1])
    end = _list_end(lines, where[0], dash_indent)
    block = _entry_block(fields, covers, dash_indent)
    return "".join(lines[:end] + _ending(block, newline) + lines[end:])


def _without_empty_flow(line: str) -> str:
    # ``evidence: []``, ``evidence:`` or ``evidence: ~`` (null): no item yet
    match = re.match(r"^(\s*evidence\s*:)\s*(?:\[\s*\]|~|null)?\s*(#.*)?$", line.rstrip("\r\n"))
    if match is None:
        raise _usage(
            "the evidence list is written in flow style ([...]); write it as a block list "
            "to let evidence add append to it"
        )
    ending = line[len(line.rstrip("\r\n")) :]
    return match.group(1) + (" " + match.group(2) if match.group(2) else "") + ending


def _dash_indent(line: str, item_column: int) -> int:
    before = line[: item_column - 1]
    if not re.fullmatch(r"\s*-\s+", before):
        raise _usage(
            "the evidence list is written in flow style ([...]); write it as a block list "
            "to let evidence add append to it"
        )
    return len(before) - len(before.lstrip())


def _list_end(lines: list[str], key_line: int, dash_indent: int) -> int:
    """The index of the line after the evidence list's last line of content: the list ends
    where a line of content is indented no deeper than its key (and is not one of its
    items); comments and blank lines just before that belong to what follows."""
    last = key_line  # 1-based line of the key = 0-based index of the line after it
    for index in range(key_line, len(lines)):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[index]) - len(lines[index].lstrip())
        is_item = indent == dash_indent and stripped.startswith("-")
        if indent == 0 and not is_item:
            break
        last = index + 1
    return last


def _entry_block(fields: dict[str, str], covers: Sequence[str], dash_indent: int) -> list[str]:
    pad = " " * (dash_indent + 2)
    block = []
    for number, (key, value) in enumerate(fields.items()):
        lead = " " * dash_indent + "- " if number == 0 else pad
        block.append(f"{lead}{key}: {_scalar(value)}")
    block.append(f"{pad}covers:")
    block.extend(f"{pad}  - {_scalar(cover)}" for cover in covers)
    return block


def _ending(block: list[str], newline: str) -> list[str]:
    return [line + newline for line in block]


# plain YAML scalars that read back as the same string: no indicators, no numbers, no booleans
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(value: str) -> str:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value  # a date, as the schema wants it
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
