"""Locate the data that ships with licensecheck: bundled packs, schemas, templates, examples.

In a wheel they live under ``licensecheck/_data``; in a source checkout they are the
top-level folders of the repository. Callers never need to know which.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    installed = _PACKAGE_DIR / "_data"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent.parent


def policies_dir() -> Path:
    return data_root() / "policies"


def is_bundled(root: Path) -> bool:
    """Whether the pack folder ``root`` is one of those shipped with licensecheck."""
    return root.resolve().is_relative_to(policies_dir().resolve())


def schemas_dir() -> Path:
    return data_root() / "schemas"


def templates_dir() -> Path:
    return data_root() / "templates"


def examples_dir() -> Path:
    return data_root() / "examples"
