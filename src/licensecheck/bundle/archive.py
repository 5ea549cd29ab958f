"""The zip container of a submission bundle: written reproducibly, read defensively.

Input (writing): members in a fixed order, each bytes or a file streamed in. Output: a zip
whose bytes depend only on the members — fixed timestamps (1980-01-01), permissions (0644),
no extra fields or comments, deflate at zlib's default level (6). Input (reading): a file that claims to
be a bundle, from anyone. Output: its member list, checked before anything is read — no name
that could leave a folder (``..``, absolute, ``\\``, drive letters), no links, duplicates,
encryption or unknown compression, and sizes, ratios and the member count within
:class:`BundleLimits` — and members read into memory or hashed as a stream, never extracted.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from .. import codes
from ..errors import Diagnostic, Span, TrustError
from ..trust.digest import CHUNK_BYTES

#: Every member's modification time: the earliest a zip can say, so that time never enters.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: ``-rw-r--r--`` regular file, as Unix zip tools record it in the high 16 bits.
MEMBER_MODE = (stat.S_IFREG | 0o644) << 16
_UNIX = 3


@dataclass(frozen=True)
class BundleLimits:
    """What a bundle may hold before it is refused unread (the zip-bomb bounds)."""

    members: int = 10_000
    member_bytes: int = 8 << 30
    total_bytes: int = 16 << 30
    #: uncompressed / compressed, checked for members above ``ratio_floor`` bytes (small
    #: JSON compresses well and harms nobody)
    ratio: int = 200
    ratio_floor: int = 1 << 20
    #: members read into memory (manifest, signature, pack.json, declaration, report.json)
    document_bytes: int = 64 << 20


@dataclass(frozen=True)
class Member:
    """A member to write: its name and its bytes, or the file they are streamed from."""

    name: str
    data: bytes | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Written:
    name: str
    sha256: str
    size: int


class ReproducibleZip:
    """A zip being written to ``stream``: members are added in the caller's order, each hashed
    while it is written, so a manifest of the earlier members can follow them."""

    def __init__(self, stream: BinaryIO) -> None:
        self._archive = zipfile.ZipFile(stream, "w")

    def __enter__(self) -> ReproducibleZip:
        return self

    def __exit__(self, *_: object) -> None:
        self._archive.close()

    def add(self, member: Member) -> Written:
        info = zipfile.ZipInfo(member.name, FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = _UNIX
        info.external_attr = MEMBER_MODE
        large = member.path is not None and member.path.stat().st_size >= zipfile.ZIP64_LIMIT
        with self._archive.open(info, "w", force_zip64=large) as target:
            hashing = _HashingWriter(target)
            if member.data is not None:
                hashing.write(member.data)
            elif member.path is not None:
                with member.path.open("rb") as source:
                    shutil.copyfileobj(source, hashing, CHUNK_BYTES)
        return Written(member.name, hashing.digest.hexdigest(), hashing.size)


class _HashingWriter:
    """Pass bytes on to ``target``, hashing and counting them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


# ---------------------------------------------------------------- reading


class BundleReader:
    """An opened bundle whose member list passed every structural check."""

    def __init__(self, path: Path, limits: BundleLimits) -> None:
        self.shown = os.fsdecode(path)
        self.limits = limits
        self._archive = _open_zip(path, self.shown)
        try:
            self.infos = _checked_infos(self._archive, self.shown, limits)
        except BaseException:
            self._archive.close()
            raise

    def __enter__(self) -> BundleReader:
        return self

    def __exit__(self, *_: object) -> None:
        self._archive.close()

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, name: str) -> bytes:
        """A member's bytes, for the small documents only (manifest, pack.json, …): refused
        above ``document_bytes``; a damaged member is a :class:`MemberDamaged`."""
        info = self.infos[name]
        if info.file_size > self.limits.document_bytes:
            raise self.refusal(
                f"member {name} is {info.file_size} bytes: more than "
                f"{self.limits.document_bytes} for a document",
                name,
            )
        return b"".join(self.chunks(name))

    def hash(self, name: str) -> tuple[str, int]:
        """A member's sha256 and size, read as a stream."""
        digest = hashlib.sha256()
        size = 0
        for chunk in self.chunks(name):
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    def chunks(self, name: str) -> Iterator[bytes]:
        """A member's bytes in chunks, stopped (as damaged) past the size it declares."""
        info = self.infos[name]
        size = 0
        try:
            with self._archive.open(info) as source:
                while chunk := source.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > info.file_size:
                        raise MemberDamaged(name, "holds more bytes than its header declares")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise MemberDamaged(name, f"cannot be read back: {exc}") from None

    def refusal(self, message: str, member: str | None = None) -> TrustError:
        where = self.shown if member is None else f"{self.shown}:{member}"
        return TrustError(Diagnostic(codes.BUNDLE, message, Span(where, 1, 1)))


class MemberDamaged(Exception):
    """A member whose compressed bytes do not decompress to what its header says (a flipped
    byte fails the CRC): a failed check naming the member, not an unreadable bundle."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name} {reason}")
        self.name = name
        self.reason = reason


def _open_zip(path: Path, shown: str) -> zipfile.ZipFile:
    def refuse(message: str) -> TrustError:
        return TrustError(Diagnostic(codes.BUNDLE, message, Span(shown, 1, 1)))

    try:
        info = path.stat()
    except OSError as exc:
        raise refuse(f"cannot read bundle {shown}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(f"cannot read bundle {shown}: not a regular file")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise refuse(f"{shown} is not a zip file: a submission bundle is one") from None
    except (OSError, ValueError, EOFError) as exc:
        raise refuse(f"cannot read bundle {shown}: {exc}") from None


# ``C:`` and friends: a Windows drive, which some unzip tools honour.
_DRIVE = re.compile(r"^[A-Za-z]:")


def _checked_infos(
    archive: zipfile.ZipFile, shown: str, limits: BundleLimits
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()

    def refuse(message: str) -> TrustError:
        return TrustError(Diagnostic(codes.BUNDLE, message, Span(shown, 1, 1)))

    if len(infos) > limits.members:
        raise refuse(f"{len(infos)} members: more than the {limits.members} a bundle may hold")
    checked: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.orig_filename
        problem = unsafe_name(name) or _unsafe_entry(info, limits)
        if problem:
            raise refuse(f"member {name!r}: {problem}")
        if name in checked:
            raise refuse(f"member {name!r} appears twice: which copy counts would be ambiguous")
        total += info.file_size
        if total > limits.total_bytes:
            raise refuse(f"the members add up to more than {limits.total_bytes} bytes uncompressed")
        checked[name] = info
    return checked


def unsafe_name(name: str) -> str | None:
    """Why ``name`` could write outside a folder it were extracted to, if it could."""
    if not name:
        return "an empty name"
    if name.endswith("/"):
        return "a folder entry (a bundle holds files only)"
    if "\\" in name:
        return "a backslash in the name (a Windows path separator)"
    if name.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(name):
        return "a drive letter"
    if any(ord(ch) < 32 for ch in name):
        return "a control character in the name"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "a '..', '.' or empty path segment"
    return None


def _unsafe_entry(info: zipfile.ZipInfo, limits: BundleLimits) -> str | None:
    mode = info.external_attr >> 16
    if info.create_system == _UNIX and stat.S_ISLNK(mode):
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"compression method {info.compress_type} (only stored and deflate are read)"
    if info.file_size > limits.member_bytes:
        return f"{info.file_size} bytes uncompressed: more than {limits.member_bytes}"
    if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size // max(info.compress_size, 1)
        return f"compressed {ratio}:1, more than {limits.ratio}:1 (a zip bomb)"
    return None
