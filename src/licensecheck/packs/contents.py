"""The files a pack is made of, and their digest.

Input: a loaded pack. Output: every file of the pack and of the packs it extends, named
``<pack folder>/<path>`` (hidden files and ``__pycache__`` left out), and the pack digest
(:func:`~licensecheck.trust.digest.pack_digest`) over them. The workspace stores pack
versions under this digest and submission bundles pin it, so both name the same files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..trust.digest import pack_digest, sha256_file
from .loader import LoadedPack


def pack_content_files(pack: LoadedPack) -> Iterator[tuple[str, Path]]:
    """``(<folder>/<path>, file)`` for each file of ``pack``'s lineage, sorted per pack."""
    for loaded in pack.lineage():
        root = loaded.root
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and not any(
                part.startswith(".") or part == "__pycache__" for part in relative.parts
            ):
                yield f"{root.name}/{relative.as_posix()}", path


def pack_content_digest(pack: LoadedPack) -> str:
    """The pack digest of ``pack``'s files (each hashed as a stream)."""
    return pack_digest({name: sha256_file(path) for name, path in pack_content_files(pack)})
