"""sha256 of bytes, of a file read as a stream, and of a pack's files.

Input: bytes, a path, or a pack's ``{relative path: file sha256}``. Output: lower-case hex
digests. A file is hashed in fixed-size chunks, so an evidence file of several gigabytes costs
a megabyte of memory, not its size.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import BinaryIO

from .. import codes
from ..errors import Diagnostic, UsageError

#: Bytes read at a time when hashing a file.
CHUNK_BYTES = 1 << 20


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_stream(stream: BinaryIO) -> tuple[str, int]:
    """The sha256 of everything left in ``stream``, and how many bytes that was."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in chunks; a file that cannot be read is a
    :class:`UsageError` naming it."""
    try:
        with open(path, "rb") as stream:
            return sha256_stream(stream)[0]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(
            Diagnostic(codes.IO, f"cannot read {os.fsdecode(path)}: {reason}")
        ) from None


def pack_digest(files: Mapping[str, str]) -> str:
    """A pack version's digest: sha256 over its sorted ``path<TAB>file-sha256`` lines.

    ``files`` maps each file's path relative to the pack folder (``/`` separators) to the
    sha256 of its bytes. The workspace stores pack versions under this digest, lock files pin
    it and pack signatures sign it, so it never changes for the same files.
    """
    return sha256_hex(pack_listing(files).encode("utf-8"))


def pack_listing(files: Mapping[str, str]) -> str:
    """The text :func:`pack_digest` hashes: one ``path<TAB>file-sha256`` line a file, sorted.
    A signed pack ships it (``pack.sha256``), so a changed file can be named."""
    return "".join(f"{path}\t{digest}\n" for path, digest in sorted(files.items()))
