"""Shared fixtures: build throw-away packs from rule text, assess declarations with them, compare
with goldens. Plain helpers (paths, CLI runner, strategies) are in the ``helpers`` package."""

from __future__ import annotations

import copy
import datetime as dt
import os
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import licensecheck
from licensecheck.engine.models import Assessment

# Helpers imported below are plain modules: have pytest rewrite their asserts too.
pytest.register_assert_rewrite("helpers")

from helpers.paths import GOLDEN  # noqa: E402
from helpers.rules import AS_OF, Assess, MakePack  # noqa: E402
from licensecheck.config import CEILING_ENV  # noqa: E402
from licensecheck.packs.cache import CACHE_DIR_ENV  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _pack_cache_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """The pack cache of the whole run (and of the commands it starts) lives in a folder of
    its own, never in the user's ``~/.cache``."""
    before = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("pack-cache"))
    yield
    if before is None:
        del os.environ[CACHE_DIR_ENV]
    else:
        os.environ[CACHE_DIR_ENV] = before


@pytest.fixture(autouse=True, scope="session")
def _upward_searches_stay_in_the_temporary_folders(
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """A configuration or workspace above the run's temporary folders (a ``/tmp/.licensecheck``
    left by ``licensecheck serve`` run in /tmp) is never found by the commands tests run."""
    before = os.environ.get(CEILING_ENV)
    os.environ[CEILING_ENV] = str(tmp_path_factory.getbasetemp())
    yield
    if before is None:
        del os.environ[CEILING_ENV]
    else:
        os.environ[CEILING_ENV] = before


@pytest.fixture
def make_pack(tmp_path: Path) -> MakePack:
    """Write a pack folder holding ``rules`` (one file) and return its path."""
    counter = iter(range(1000))

    def make(
        rules: str,
        *,
        domains: Mapping[str, str] | None = None,
        extra: str = "",
        pack_id: str | None = None,
    ) -> Path:
        pid = pack_id or f"test-pack-{next(counter)}"
        folder = tmp_path / pid
        folder.mkdir()
        domain_lines = "".join(
            f"  {k}: {{title: {v!r}}}\n" for k, v in (domains or {"d": "Domain"}).items()
        )
        (folder / "pack.yaml").write_text(
            f"id: {pid}\nversion: 1.0.0\ntitle: Test pack\ndomains:\n{domain_lines}{extra}",
            encoding="utf-8",
        )
        (folder / "main.rules").write_text(textwrap.dedent(rules), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def assess(make_pack: MakePack) -> Assess:
    """Assess ``declaration`` (a mapping; schema_version and company.name are added) with ``rules``."""

    def run(rules: str, declaration: Mapping[str, Any], as_of: dt.date = AS_OF) -> Assessment:
        full: dict[str, Any] = copy.deepcopy({"schema_version": 1, **declaration})
        full.setdefault("company", {}).setdefault("name", "Test Co")  # type: ignore[union-attr]
        return licensecheck.assess(full, make_pack(rules), as_of=as_of)

    return run


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/* from the current output (review the diff).",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare ``text`` with tests/golden/NAME; ``--update-goldens`` rewrites it instead."""
    update = bool(request.config.getoption("--update-goldens"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), (
            f"missing golden file {path}: run pytest --update-goldens and review it"
        )
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file (pytest --update-goldens)"
        )

    return check
