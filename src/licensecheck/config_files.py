"""Where the configuration is (see :mod:`licensecheck.config`): the file names and the upward
search, without reading a configuration.

Apart from ``config.py`` so that a command run where there is no configuration file, as most
are, imports neither the configuration's model nor the TOML reader (~2 ms, issue #12); the
pack chain takes the lock's file name from here too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError
from .sources.text import FileKind, read_source_text

CONFIG_FILE = "licensecheck.toml"
#: The pack lock (``licensecheck packs lock``), found beside the configuration file or in the
#: working directory
LOCK_FILE = "licensecheck.lock"
PYPROJECT = "pyproject.toml"
#: Absolute folders (separated by os.pathsep) that the upward searches for a configuration
#: and a workspace stop below: what is in one of them or above is not found
CEILING_ENV = "LICENSECHECK_CEILING_DIRECTORIES"
#: The configuration, for the one file reader's messages
CONFIGURATION = FileKind("configuration file", ConfigError)


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the working directory)."""
    for candidate in folders_upward(start):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def folders_upward(start: Path | None = None) -> Iterator[Path]:
    """``start`` (default: the working directory) and each folder above it, up to a ceiling
    (:data:`CEILING_ENV`: empty entries and relative paths are ignored, as Git ignores them)."""
    named = os.environ.get(CEILING_ENV, "").split(os.pathsep)
    ceilings = {Path(entry).resolve() for entry in named if entry and os.path.isabs(entry)}
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder in ceilings:
            return
        yield folder


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = read_source_text(pyproject, CONFIGURATION)
    except ConfigError:
        return False  # not ours to complain about: it has no licensecheck table we can see
    return re.search(r"^\s*\[\s*tool\s*\.\s*licensecheck\s*\]", text, re.MULTILINE) is not None
