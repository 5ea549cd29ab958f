"""``licensecheck.lock``: the packs a project assesses with, pinned by content.

Input: loaded packs (to write a lock), a lock file (to read one), a pack folder (to check it).
Output: the lock's TOML text, written the same way for the same packs (sorted, no dates); a
:class:`Lock`, which refuses a locked pack whose files differ from the lock naming the changed,
added and removed files (``packs/chain.py`` asks it for every pack loaded, and under
``--require-signed`` asks a pack outside the bundled ones for a valid signature by a trusted key).

A pack the lock does not name loads as before (``packs lock`` adds it). Bundled packs ship
inside licensecheck and are trusted as the tool is; a firm pins them with the lock.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import codes
from ..config import toml_position
from ..errors import Diagnostic, Span, TrustError
from ..resources import is_bundled
from ..sources.text import FileKind, read_source_text
from ..trust.digest import pack_digest
from .contents import folder_files
from .loader import LoadedPack, display_path

LOCK_VERSION = 1
LOCK_KIND = FileKind("lock file", TrustError, 16 * 1024 * 1024)
_HEADER = (
    "# licensecheck.lock: the packs this project assesses with, pinned by content.\n"
    "# Written by 'licensecheck packs lock'; every command that loads one of these packs\n"
    "# refuses it when its files differ. Commit this file.\n"
)


@dataclass(frozen=True)
class LockedPack:
    id: str
    version: str
    #: ``bundled``, ``path <folder>`` or ``distribution <name>==<version>``: where it was found
    source: str
    #: ``sha256:<hex>``, the pack digest of ``files``
    digest: str
    files: dict[str, str]
    line: int = 1  # of the entry in the lock file


@dataclass(frozen=True)
class Lock:
    path: Path
    packs: dict[str, LockedPack]

    def check(self, pack_id: str, root: Path) -> None:
        """Refuse the pack at ``root`` when the lock pins ``pack_id`` to other content."""
        locked = self.packs.get(pack_id)
        if locked is None:
            return
        files = folder_files(root)
        if "sha256:" + pack_digest(files) == locked.digest:
            return
        # signing and distributions are imported where used: a check against a lock that
        # holds (or with none) needs neither (issue #12, cold start)
        from .signing import describe_changes

        raise TrustError(
            Diagnostic(
                codes.PACK_LOCK,
                f"pack {pack_id} at {display_path(root)} differs from {self.path.name}: "
                f"{describe_changes(locked.files, files)}",
                Span(display_path(self.path), locked.line, 1),
                hint="review the change; then 'licensecheck packs lock "
                f"{pack_id}' pins the new content",
            )
        )


def pack_source(root: Path, base: Path) -> str:
    """Where a pack folder comes from, as the lock and ``packs list`` show it; a folder is
    shown relative to ``base`` (the lock's folder) when inside it."""
    if is_bundled(root):
        return "bundled"
    from .distributions import source_of

    distribution = source_of(root)
    if distribution is not None:
        return f"distribution {distribution}"
    resolved, anchor = root.resolve(), base.resolve()
    shown = resolved.relative_to(anchor).as_posix() if resolved.is_relative_to(anchor) else resolved
    return f"path {shown}"


def locked_packs(packs: Iterable[LoadedPack], base: Path) -> list[LockedPack]:
    """An entry for each pack and every pack it extends, each id once."""
    entries: dict[str, LockedPack] = {}
    for pack in packs:
        for member in pack.lineage():
            files = folder_files(member.root)
            entries[member.manifest.id] = LockedPack(
                id=member.manifest.id,
                version=member.manifest.version,
                source=pack_source(member.root, base),
                digest="sha256:" + pack_digest(files),
                files=files,
            )
    return sorted(entries.values(), key=lambda e: e.id)


def render_lock(entries: Sequence[LockedPack]) -> str:
    """The lock file's text: packs by id, files by path, so the same packs always give the
    same bytes."""
    parts = [_HEADER, f"lock-version = {LOCK_VERSION}\n"]
    for entry in sorted(entries, key=lambda e: e.id):
        parts.append("\n[[pack]]\n")
        for key in ("id", "version", "source", "digest"):
            parts.append(f"{key} = {_toml_string(getattr(entry, key))}\n")
        parts.append("\n[pack.files]\n")
        parts.extend(
            f"{_toml_string(path)} = {_toml_string(digest)}\n"
            for path, digest in sorted(entry.files.items())
        )
    return "".join(parts)


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as
    it is (a file name in any script reads as itself)."""
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F or c in '"\\' else c for c in text
    )
    return f'"{escaped}"'


def read_lock(path: Path, *, record: bool = True) -> Lock:
    """Read a lock file; anything malformed is a :class:`TrustError` at its line. ``record``
    false: ``packs lock`` reads the lock it is about to rewrite."""
    shown = display_path(path)
    text = read_source_text(path, LOCK_KIND, shown=shown, record=record)
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        line, column = toml_position(str(exc))
        raise _malformed(shown, f"invalid TOML: {exc}", line, column) from None
    if data.get("lock-version") != LOCK_VERSION:
        raise _malformed(
            shown, f"lock-version must be {LOCK_VERSION}", _line_of(text, "lock-version")
        )
    entries = data.get("pack", [])
    if not isinstance(entries, list):
        raise _malformed(shown, "'pack' must be an array of tables ([[pack]])")
    packs: dict[str, LockedPack] = {}
    for index, raw in enumerate(entries):
        entry = _entry(raw, shown, _table_line(text, index))
        if entry.id in packs:
            raise _malformed(shown, f"pack {entry.id} is locked twice", entry.line)
        packs[entry.id] = entry
    return Lock(path, packs)


def _entry(raw: Any, shown: str, line: int) -> LockedPack:
    fields = ("id", "version", "source", "digest")
    if not isinstance(raw, dict) or any(not isinstance(raw.get(k), str) for k in fields):
        raise _malformed(shown, f"a [[pack]] entry needs text values {', '.join(fields)}", line)
    files = raw.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise _malformed(shown, f"pack {raw['id']}: [pack.files] maps paths to sha256 text", line)
    if "sha256:" + pack_digest(files) != raw["digest"]:
        raise _malformed(shown, f"pack {raw['id']}: its digest is not that of its files", line)
    return LockedPack(raw["id"], raw["version"], raw["source"], raw["digest"], files, line)


def _table_line(text: str, index: int) -> int:
    """The line of the ``index``-th ``[[pack]]`` header."""
    headers = [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[pack]]"]
    return headers[index] if index < len(headers) else 1


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(key):
            return number
    return 1


def _malformed(shown: str, message: str, line: int = 1, column: int = 1) -> TrustError:
    return TrustError(
        Diagnostic(codes.PACK_LOCK, f"malformed lock file: {message}", Span(shown, line, column))
    )
