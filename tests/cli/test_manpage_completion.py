"""The manual page (docs/licensecheck.1) and shell completion, as README documents them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO
from licensecheck.cli import main
from licensecheck.cli.manpage import manpage

SCRIPT = Path(sys.executable).parent / "licensecheck"


def test_the_man_page_is_in_sync_with_the_commands() -> None:
    page = (REPO / "docs" / "licensecheck.1").read_text(encoding="utf-8")
    assert page == manpage(main), "run: python -m licensecheck.cli.manpage > docs/licensecheck.1"


def test_the_man_page_lists_every_command_and_renders() -> None:
    page = manpage(main)
    for command in ("check", "validate", "diff", "report", "plan", "init", "packs lint"):
        assert f'.SS "licensecheck {command}"' in page
    for option in (r"\-f, \-\-format FORMAT[=FILE]", r"\-\-skip\-rule ID", r"\-q, \-\-quiet"):
        assert option in page
    if shutil.which("groff") is None:
        pytest.skip("groff is not installed")
    done = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww"],
        input=page,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    problems = [line for line in done.stderr.splitlines() if "cannot adjust line" not in line]
    assert problems == []
    shown = re.sub(".\x08", "", done.stdout).replace("\u2010", "-")  # no overstrike, ASCII hyphens
    assert "licensecheck - Check a data company" in " ".join(shown.split())


def _complete(shell: str, words: str, cword: int) -> str:
    if not SCRIPT.exists():
        pytest.skip("the licensecheck script is not installed beside this Python")
    env = {
        **os.environ,
        "_LICENSECHECK_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, check=False, timeout=60
    )
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_generated(shell: str) -> None:
    if not SCRIPT.exists():
        pytest.skip("the licensecheck script is not installed beside this Python")
    env = {**os.environ, "_LICENSECHECK_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0
    assert "_LICENSECHECK_COMPLETE" in done.stdout


def test_bash_completes_commands_options_and_choices() -> None:
    assert _complete("bash", "licensecheck ch", 1).splitlines() == ["plain,check"]
    assert "plain,--skip-rule" in _complete("bash", "licensecheck check x --sk", 3).splitlines()
    assert _complete("bash", "licensecheck check x --fail-on ", 4).splitlines() == [
        f"plain,{s}" for s in ("critical", "high", "medium", "low", "none")
    ]


def test_the_man_page_does_not_depend_on_what_ran_before() -> None:
    """click caches each command's help option: the page must not depend on who made it."""
    from click.testing import CliRunner

    before = manpage(main)
    for args in (["check", "-h"], ["packs", "lint", "--help"], ["--help"]):
        CliRunner().invoke(main, args)
    assert manpage(main) == before
    assert before.count(r"\fB\-h, \-\-help\fR") == before.count(".SS ") + 1
