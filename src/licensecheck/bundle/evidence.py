"""The evidence files a bundle carries: ``evidence/<id>/<file name>`` for each entry of the
declaration's ``evidence[]`` with a local file.

Input: the loaded declaration, its folder, ``--evidence-root`` and the date. Output: the
members to write, each streamed from its file.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..declaration.loader import Declaration
from .archive import Member


def evidence_members(
    declaration: Declaration,
    folder: Path,
    evidence_root: str | os.PathLike[str] | None,
    as_of: dt.date,
) -> list[Member]:
    # Filled in from declaration/evidence.py (issue #15, branch evidence) once it is merged.
    return []
