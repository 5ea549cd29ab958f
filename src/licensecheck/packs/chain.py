"""The check every pack load goes through while a command runs (:func:`~.loader.guarding_packs`):
:class:`PackChain`, against the lock's digests and, under ``--require-signed``, for a trusted
signature (bundled packs excepted).

Apart from ``packs/lock.py`` (the lock file read and written) so that a command run where no
lock exists imports neither the lock's reader nor its types (issue #12, cold start).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..config_files import LOCK_FILE
from ..resources import is_bundled

if TYPE_CHECKING:
    from ..trust.keys import PublicKey
    from .lock import Lock


def find_lock(start: Path, config_file: Path | None) -> Path | None:
    """The lock that applies: ``licensecheck.lock`` in ``start`` (the working directory),
    else beside the configuration file."""
    for folder in (start, config_file.parent if config_file is not None else None):
        if folder is not None and (folder / LOCK_FILE).is_file():
            return folder / LOCK_FILE
    return None


class PackChain:
    """What every pack loaded during a command must satisfy: the lock's digests and, with
    ``require_signed``, a trusted signature (bundled packs excepted). Each folder is checked
    once per command. (A plain class: a dataclass cost ~0.3 ms of every cold start to build,
    issue #12.)"""

    def __init__(
        self,
        lock: Lock | None = None,
        require_signed: bool = False,
        trusted: tuple[PublicKey, ...] = (),
    ) -> None:
        self.lock = lock
        self.require_signed = require_signed
        self.trusted = trusted
        self._checked: set[Path] = set()

    def __call__(self, pack_id: str, root: Path) -> None:
        if root in self._checked:
            return
        if self.lock is not None:
            self.lock.check(pack_id, root)
        if self.require_signed and not is_bundled(root):
            from .signing import require_signature

            require_signature(root, pack_id, self.trusted)
        self._checked.add(root)
