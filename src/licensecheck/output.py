"""Write outputs safely: atomically, and never over an input file."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import codes
from .errors import Diagnostic, UsageError


def encodable(text: str) -> str:
    """``text`` with lone surrogates (possible in JSON input: ``"\\ud800"``) written as
    ``\\ud800`` escapes, so every output is valid UTF-8 (and JSON stays valid JSON)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def write_output(path: Path, text: str | Iterable[str], *, inputs: Iterable[Path] = ()) -> None:
    """Write ``text`` (or its chunks, e.g. a streamed batch) to ``path`` via a temporary file
    and a rename.

    A reader never sees a half-written report, and an interrupted run leaves the old file
    (or none). Refuses to write over any of ``inputs``.
    """
    target = path.resolve()
    for source in inputs:
        if source.exists() and source.resolve() == target:
            raise UsageError(
                Diagnostic(codes.USAGE, f"--output {path} would overwrite the input file {source}")
            )
    directory = target.parent
    if not directory.is_dir():
        raise UsageError(
            Diagnostic(codes.USAGE, f"--output {path}: folder {directory} does not exist")
        )
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in [text] if isinstance(text, str) else text:
                handle.write(encodable(chunk))
        os.chmod(temp, _mode_for(target))  # mkstemp makes 0600: a report is meant to be shared
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The permissions of the file being replaced, or of a new file under the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def repository_root() -> Path:
    """The root of the repository the working directory is in: the nearest folder upwards
    holding ``.git`` (a folder, or a file in a worktree or submodule); without one, the
    working directory itself. Code scanning and annotations name files from this root."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def relative_path(source: str) -> str | None:
    """``source`` relative to the repository root (:func:`repository_root`) with ``/``
    separators, or None when the file is not below it (CI annotations and SARIF name files
    relative to the checkout, wherever in it licensecheck runs)."""
    try:
        relative = os.path.relpath(Path(source).absolute(), repository_root())
    except ValueError:  # another drive (Windows)
        return None
    if relative == ".." or relative.startswith(("../", "..\\")):
        return None
    return Path(relative).as_posix()
