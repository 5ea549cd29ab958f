"""The house follows the pipeline: layer contracts kept, no cycles, modules of one responsibility.

docs/architecture.md draws the layers; pyproject.toml's ``[tool.importlinter]`` states them as
contracts. These tests make the same checks part of the test suite, so a change that imports
upward, closes an import loop or grows a module past the size a reader can hold fails here and
not only in CI's ``lint-imports`` step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.paths import REPO as ROOT

PACKAGE = ROOT / "src" / "licensecheck"
MAX_MODULE_LINES = 800
MAX_TOP_LEVEL_MODULES = 12


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {
        str(p.relative_to(PACKAGE)): _lines(p)
        for p in PACKAGE.rglob("*.py")
        if _lines(p) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_top_level_holds_only_the_facade_and_the_base() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


def test_nothing_inside_the_package_imports_the_public_facade() -> None:
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" or p.parent != PACKAGE
        if p.parent.name not in {"cli", "lsp", "web"}  # the front ends: commands, editors, web
        if any(
            line.lstrip().startswith(
                ("from .api import", "from ..api import", "from licensecheck.api")
            )
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers == []


def test_import_layers_and_no_cycles() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_architecture_page_lists_every_module() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
        if f"`{p.relative_to(PACKAGE)}`" not in page
    )
    assert missing == []
