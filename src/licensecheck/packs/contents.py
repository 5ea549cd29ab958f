"""The files a pack is made of, and their digests: the one rule for which files count.

Input: a pack folder, or a loaded pack and the packs it extends. Output: ``{path relative to
the folder: sha256}`` of one folder (what a lock pins and a signature signs), and the files of a
whole lineage named ``<pack folder>/<path>`` with their digest (what the workspace stores a
pack version under and a submission bundle pins).

A pack is every regular file under its folder (pack.yaml, the .rules files, schema.json,
tests, documents), except hidden files and folders, ``__pycache__`` and the two files signing
writes (``pack.sig``, ``pack.sha256``). A whole folder rather than only what an assessment
reads: a reviewer signs off the folder, and a test case changed to hide a rule's failure
matters too. A link leading out of the folder is never followed: it counts as the link itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..trust.digest import pack_digest, sha256_file, sha256_hex
from .loader import LoadedPack

SIGNATURE_FILE = "pack.sig"
LISTING_FILE = "pack.sha256"
_SIGNING_FILES = frozenset({SIGNATURE_FILE, LISTING_FILE})


def _members(root: Path) -> Iterator[tuple[str, Path, bool]]:
    """``(relative path, path, leads out of the folder)`` of each file that counts, sorted."""
    inside = root.resolve()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        if hidden or relative.as_posix() in _SIGNING_FILES:
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            yield relative.as_posix(), path, True
        elif path.is_file():  # not folders, devices or FIFOs
            yield relative.as_posix(), path, False


def folder_files(root: Path) -> dict[str, str]:
    """``{path relative to root, with / separators: sha256 of its bytes}`` of one pack folder;
    a link out of the folder is hashed as its target's name, never read."""
    return {
        name: sha256_hex(b"symlink:" + os.fsencode(os.readlink(path))) if outside
        else sha256_file(path)
        for name, path, outside in _members(root)
    }  # fmt: skip


def pack_content_files(pack: LoadedPack) -> Iterator[tuple[str, Path]]:
    """``(<folder>/<path>, file)`` for each file of ``pack``'s lineage, sorted per pack; links
    leading out of a pack folder are left out (their bytes are not the pack's)."""
    for loaded in pack.lineage():
        for name, path, outside in _members(loaded.root):
            if not outside:
                yield f"{loaded.root.name}/{name}", path


def pack_content_digest(pack: LoadedPack) -> str:
    """The pack digest of ``pack``'s lineage (each file hashed as a stream)."""
    return pack_digest({name: sha256_file(path) for name, path in pack_content_files(pack)})
