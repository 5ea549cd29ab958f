"""docs/suppliers.md, run as a reader would, from the repository's root: each ```sh block's
``$ `` commands must print exactly the output the page shows (stdout and stderr together) and
exit 0, or the status a trailing ``# exit N`` gives. ```text blocks are prose, not run."""

from __future__ import annotations

import re
import shlex

import pytest

from helpers.cli import run_process
from helpers.paths import REPO

DOC = REPO / "docs" / "suppliers.md"
_BLOCK = re.compile(r"```sh\n(.*?)\n```", re.S)


def _steps() -> list[tuple[str, int, list[str]]]:
    steps: list[tuple[str, int, list[str]]] = []
    for block in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        for line in block.split("\n"):
            if line.startswith("$ "):
                command, _, status = line[2:].partition("  # exit ")
                steps.append((command, int(status or 0), []))
            else:
                steps[-1][2].append(line)
    return steps


@pytest.mark.parametrize(("command", "status", "expected"), _steps(), ids=lambda v: str(v)[:60])
def test_the_page_shows_what_the_command_prints(
    command: str, status: int, expected: list[str]
) -> None:
    program, *args = shlex.split(command)
    assert program == "licensecheck"
    result = run_process(*args, cwd=REPO)
    assert result.returncode == status, result.stderr
    assert (result.stdout + result.stderr).rstrip("\n").split("\n") == expected


def test_the_page_runs_every_command_it_shows() -> None:
    assert len(_steps()) == 3
