"""docs/impact.md tells the truth: each ``$ licensecheck …`` command of its console blocks,
run in the walk-through's folder (the examples as clients/, the OLD pack of
helpers/old_pack.py in old/), prints exactly the output shown, and its Python example runs."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.old_pack import build_old_pack
from helpers.paths import REPO

DOC = REPO / "docs" / "impact.md"


def console_commands() -> list[tuple[list[str], str]]:
    """Each command of the page's console blocks and the output shown under it."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((shlex.split(command), output))
    return found


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("consultant")
    shutil.copytree(REPO / "examples", folder / "clients")
    (folder / "old").mkdir()
    build_old_pack(folder / "old")
    return folder


def test_the_page_shows_every_command() -> None:
    commands = [" ".join(c[:2]) for c, _ in console_commands()]
    assert commands.count("licensecheck packs") == 1
    assert commands.count("licensecheck impact") == 3


@pytest.mark.parametrize(("command", "shown"), console_commands(), ids=lambda v: str(v)[:60])
def test_each_command_prints_what_the_page_shows(
    command: list[str], shown: str, walkthrough: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(walkthrough)
    assert command[0] == "licensecheck"
    _, out, err = run(*command[1:])
    assert out == shown, err


def test_the_python_example_runs(walkthrough: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(walkthrough)
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    exec(compile(code, str(DOC), "exec"), {})
