"""docs/workspace.md's lender and consultant walk-throughs tell the truth: the ``$ licensecheck``
commands of each part's console blocks, run in order in a fresh folder laid out as the part
says (the lender's declarations in suppliers/; the examples in clients/ and the OLD pack of
helpers/old_pack.py in old/), print what the page shows (stdout, then stderr; a last line
``…`` shows the beginning only) and exit 0, or the status a trailing ``# exit N`` gives. The
folder's path is shown as /tmp/lender or /tmp/consultant."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.old_pack import build_old_pack
from helpers.paths import REPO

DOC = REPO / "docs" / "workspace.md"


def _lender(folder: Path) -> None:
    shutil.copytree(REPO / "docs" / "suppliers", folder / "suppliers")


def _consultant(folder: Path) -> None:
    shutil.copytree(REPO / "examples", folder / "clients")
    (folder / "old").mkdir()
    build_old_pack(folder / "old")


PARTS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "## A lender screening ten suppliers with a watchlist": ("/tmp/lender", _lender),
    "## A consultant measuring the impact of a pack update": ("/tmp/consultant", _consultant),
}


def _steps(heading: str) -> list[tuple[list[str], int, list[str]]]:
    text = DOC.read_text(encoding="utf-8")
    part = text[text.index(heading) + len(heading) :]
    part = part.split("\n## ", 1)[0]
    steps: list[tuple[list[str], int, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", part, flags=re.S):
        for line in block.rstrip("\n").split("\n"):
            if line.startswith("$ "):
                command, _, status = line[2:].partition("  # exit ")
                steps.append((shlex.split(command), int(status or 0), []))
            else:
                steps[-1][2].append(line)
    return steps


def test_each_part_has_its_commands() -> None:
    lender = [" ".join(c[:2]) for c, _, _ in _steps(next(iter(PARTS)))]
    assert lender.count("licensecheck suppliers") == 2
    assert "licensecheck watchlist" in lender
    consultant = [" ".join(c) for c, _, _ in _steps(list(PARTS)[1])]
    assert any("--portfolio" in c and "@1.0.0" in c for c in consultant)


@pytest.mark.parametrize("heading", list(PARTS))
def test_the_part_shows_what_each_command_prints(
    heading: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown_as, prepare = PARTS[heading]
    prepare(tmp_path)
    monkeypatch.chdir(tmp_path)
    for command, status, expected in _steps(heading):
        assert command[0] == "licensecheck"
        code, out, err = run(*command[1:])
        printed = (out + err).replace(str(tmp_path), shown_as).rstrip("\n").split("\n")
        assert code == status, (command, err)
        if expected and expected[-1] == "…":
            assert printed[: len(expected) - 1] == expected[:-1], command
        else:
            assert printed == (expected or [""]), command
