"""The language server and the pack cache: text checked as typed is never cached."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import licensecheck
from helpers.paths import REPO


def test_checking_as_typed_writes_nothing_to_the_pack_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every keystroke is a new text: the language server keeps the user's pack cache out of
    it (a command line run of the same pack does use it)."""
    from licensecheck.lsp.project import Project
    from licensecheck.lsp.server import check
    from licensecheck.packs.cache import CACHE_DIR_ENV

    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(cache))
    root = tmp_path / "starter"
    shutil.copytree(REPO / "policies/starter", root)
    rules = root / "licensing.rules"
    project = Project()
    for typed in ("", "\n# a comment\n"):
        project.texts[str(rules.resolve())] = rules.read_text(encoding="utf-8") + typed
        assert str(rules.resolve()) in check(project, str(rules))
    assert not cache.exists() or not any(cache.rglob("*.*"))
    licensecheck.api.prepare_pack(str(root))
    assert any(cache.rglob("*.*"))
