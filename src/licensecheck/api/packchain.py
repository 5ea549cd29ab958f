"""The public facade of the pack supply chain: packs from installed distributions, the lock
file, pack signatures, and the checks every pack load passes while a command runs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codes
from ..config_files import LOCK_FILE
from ..errors import Diagnostic, UsageError
from ..output import write_output
from ..packs.chain import PackChain, find_lock
from ..packs.loader import (
    LoadedPack,
    bundled_pack_ids,
    guarding_packs,
    load_pack,
    pack_search_path,
)
from ..resources import policies_dir

# Every command that loads a pack runs in pack_chain(): the lock, listing, signing and
# distribution modules the other functions use (and pack_chain where a lock exists) are
# imported by them (issue #12, cold start).
if TYPE_CHECKING:
    from ..packs.listing import PackSummary
    from ..packs.lock import Lock, LockedPack
    from ..packs.signing import SignatureState
    from ..trust.keys import PublicKey

PathLike = str | os.PathLike[str]


@contextlib.contextmanager
def pack_chain(
    *,
    lock: PathLike | None = None,
    use_lock: bool = True,
    require_signed: bool = False,
    trusted_keys: Sequence[PathLike] = (),
    config_file: Path | None = None,
) -> Iterator[PackChain]:
    """Within the block every pack loaded is checked: against the lock (``lock``, else
    ``licensecheck.lock`` in the working directory, else beside ``config_file``; none with
    ``use_lock=False``) and, with ``require_signed``, for a signature by one of
    ``trusted_keys`` (bundled packs excepted). A refused pack is a ``TrustError`` (exit 2)."""
    trusted = _public_keys(trusted_keys)
    if require_signed and not trusted:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                "--require-signed needs at least one --trusted-key (config: trusted-keys)",
            )
        )
    found = Path(lock) if lock is not None else find_lock(Path.cwd(), config_file)
    chain = PackChain(
        lock=_read_lock(found) if use_lock and found is not None else None,
        require_signed=require_signed,
        trusted=trusted,
    )
    with guarding_packs(chain):
        yield chain


def _read_lock(path: Path) -> Lock:
    from ..packs.lock import read_lock

    return read_lock(path)


def lock_packs(
    packs: Sequence[PathLike],
    *,
    all_packs: bool = False,
    lock: PathLike | None = None,
    config_file: Path | None = None,
) -> tuple[Path, list[LockedPack]]:
    """Write the lock: an entry (id, version, source, digest, files) for each of ``packs``
    (ids or folders; with ``all_packs``, every pack on the pack path, bundled or installed)
    and every pack they extend. Entries already in the lock for other packs are kept. The
    lock goes to ``lock``, else the one in force, else beside ``config_file``, else the
    working directory. Returns its path and the entries written for ``packs``."""
    from ..packs.lock import locked_packs, read_lock, render_lock

    target = Path(lock) if lock is not None else _lock_target(config_file)
    with guarding_packs(None):  # a lock is (re)written from the packs as they are now
        refs: list[PathLike] = [*packs, *(_every_pack_id() if all_packs else [])]
        if not refs:
            raise UsageError(
                Diagnostic(
                    codes.USAGE,
                    "no pack to lock: name packs, pass --all, or set 'pack' in the configuration",
                )
            )
        entries = locked_packs([load_pack(ref) for ref in refs], target.parent)
    kept = read_lock(target, record=False).packs if target.is_file() else {}
    merged = {**kept, **{entry.id: entry for entry in entries}}
    write_output(target, render_lock(list(merged.values())))
    return target, entries


def _lock_target(config_file: Path | None) -> Path:
    found = find_lock(Path.cwd(), config_file)
    if found is not None:
        return found
    return (config_file.parent if config_file is not None else Path.cwd()) / LOCK_FILE


def _every_pack_id() -> list[str]:
    from ..packs.distributions import distribution_packs

    on_path = {p.name for folder in pack_search_path() for p in _pack_dirs(folder)}
    installed = {p.id for p in distribution_packs()}
    return sorted({*bundled_pack_ids(), *on_path, *installed})


def _pack_dirs(folder: Path) -> list[Path]:
    return [child for child in sorted(folder.iterdir()) if (child / "pack.yaml").is_file()]


def sign_pack_folder(pack: PathLike, key_file: PathLike) -> tuple[Path, str]:
    """Sign a pack (an id or a folder) with the ed25519 private key in ``key_file``: write
    ``pack.sha256`` and ``pack.sig`` into its folder. Returns the signature's path and the
    signing key's id."""
    from ..packs.signing import sign_pack
    from ..trust.keys import load_private_key

    key = load_private_key(key_file)
    with guarding_packs(None):
        loaded = load_pack(pack)
    return sign_pack(loaded.root, loaded.manifest.id, key), key.public.key_id


def verify_pack(pack: PathLike, trusted_keys: Sequence[PathLike]) -> SignatureState:
    """The pack's valid signature by one of ``trusted_keys``; a ``TrustError`` naming what
    is wrong (unsigned, untrusted key, the files changed since signing) otherwise."""
    from ..packs.signing import require_signature

    trusted = _public_keys(trusted_keys)
    with guarding_packs(None):
        loaded = load_pack(pack)
    return require_signature(loaded.root, loaded.manifest.id, trusted, why="packs verify")


def list_pack_sources(trusted_keys: Sequence[PathLike] = ()) -> list[PackSummary]:
    """Every pack there is — bundled, on the pack path, from installed distributions — with
    its source, digest and signature state (valid only by one of ``trusted_keys``). A pack
    hidden by another of the same id earlier in the search order is listed too."""
    from ..packs.distributions import distribution_packs

    trusted = _public_keys(trusted_keys)
    with guarding_packs(None):
        roots = [
            *(policies_dir() / pack_id for pack_id in bundled_pack_ids()),
            *(d for folder in pack_search_path() for d in _pack_dirs(folder)),
            *(p.folder for p in distribution_packs() if p.folder is not None),
        ]
        summaries = [_summary(load_pack(root), trusted) for root in roots]
    return sorted(summaries, key=lambda s: (s.id, s.source or ""))


def _summary(loaded: LoadedPack, trusted: Sequence[PublicKey]) -> PackSummary:
    from ..packs.listing import summarize
    from ..packs.lock import pack_source
    from ..packs.signing import digest_of, signature_state

    state = signature_state(loaded.root, loaded.manifest.id, trusted)
    return summarize(
        loaded,
        source=pack_source(loaded.root, Path.cwd()),
        digest=digest_of(loaded.root),
        signature=state.status,
    )


def _public_keys(files: Sequence[PathLike]) -> tuple[PublicKey, ...]:
    if not files:  # every command passes through here: cryptography only when keys are given
        return ()
    from ..trust.keys import load_public_key

    return tuple(load_public_key(k) for k in files)
