"""docs/authoring.md, run as a new user would: every command, in an empty folder, in order.

The page's fenced blocks are:

- ```` ```sh ```` commands, each on a line starting with ``$ ``, followed by the output the command
  must print (stdout and stderr together); a line ``…`` stands for any number of lines. A command
  ending in ``# exit N`` must exit with status N, any other with 0. ``cd DIR`` changes the folder
  the next commands run in;
- ```` ```LANG file=PATH ```` a file the reader writes (relative to the current folder);
- ```` ```text ```` prose, not run.

Any other block is an error, so no step can silently stop being tested.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.paths import REPO

DOC = REPO / "docs" / "authoring.md"
ELLIPSIS = "…"


@dataclass
class Step:
    line: int
    command: str | None = None  # a shell command, or None for a file to write
    expected: list[str] | None = None
    exit_code: int = 0
    path: str | None = None
    content: str = ""


_FENCE = re.compile(r"^```(\S*)\s*(.*)$")
_EXIT = re.compile(r"\s+# exit (\d+)$")


def steps(text: str) -> list[Step]:
    lines = text.splitlines()
    found: list[Step] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start, lang, attrs = i + 1, match.group(1), match.group(2)
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i] != "```":
            body.append(lines[i])
            i += 1
        assert i < len(lines), f"docs/authoring.md:{start}: unclosed block"
        i += 1
        where = f"docs/authoring.md:{start}"
        if lang == "sh":
            assert body and body[0].startswith("$ "), f"{where}: a sh block starts with '$ '"
            for offset, line in enumerate(body):
                if line.startswith("$ "):
                    command = line[2:]
                    exit_match = _EXIT.search(command)
                    code = int(exit_match.group(1)) if exit_match else 0
                    found.append(Step(start + offset + 1, command, [], code))
                else:
                    assert found[-1].expected is not None
                    found[-1].expected.append(line)
        elif attrs.startswith("file="):
            found.append(
                Step(start, path=attrs.removeprefix("file="), content="\n".join(body) + "\n")
            )
        else:
            assert lang == "text", f"{where}: only sh, file= and text blocks may appear"
    return found


STEPS = steps(DOC.read_text(encoding="utf-8"))


def matches(expected: list[str], actual: list[str]) -> bool:
    """``actual`` equals ``expected`` where each ``…`` line stands for any number of lines."""
    if not expected:
        return not actual
    head, *rest = expected
    if head == ELLIPSIS:
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and matches(rest, actual[1:])


def test_the_page_has_the_steps_the_issue_asks_for() -> None:
    commands = " ".join(s.command or "" for s in STEPS)
    files = {s.path for s in STEPS if s.path}
    for needed in (
        "packs new acme-credit --extends cn-credit-reporting",
        "packs lint",
        "packs fmt --check",
        "packs test",
        "--min-coverage",
        "init --pack",
        "check firm.yaml",
        "explain",
        "--pack-path",
        "LICENSECHECK_PACK_PATH",
    ):
        assert needed in commands, f"the tutorial does not run {needed!r}"
    assert {"acme-credit/pack.yaml", "acme-credit/schema.json", "firm.yaml"} <= files
    manifest = next(s.content for s in STEPS if s.path == "acme-credit/pack.yaml")
    assert "overrides:" in manifest and "disable: [onshore_storage]" in manifest
    rules = next(s.content for s in STEPS if s.path == "acme-credit/main.rules")
    assert 'extensions["acme-credit"]' in rules


def test_matches() -> None:
    assert matches(["a", ELLIPSIS, "d"], ["a", "b", "c", "d"])
    assert matches(["a", ELLIPSIS], ["a"])
    assert not matches(["a", ELLIPSIS, "d"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])


def test_the_tutorial_runs_from_an_empty_folder(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "licensecheck").exists(), "install the package: pip install -e ."
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    }
    cwd = tmp_path / "empty"
    cwd.mkdir()
    for step in STEPS:
        where = f"docs/authoring.md:{step.line}"
        if step.command is None:
            assert step.path is not None
            target = cwd / step.path
            assert target.parent.is_dir(), f"{where}: {target.parent} does not exist yet"
            target.write_text(step.content, encoding="utf-8")
            continue
        words = shlex.split(step.command, comments=True)
        if words[0] == "cd":
            cwd = cwd / words[1]
            assert cwd.is_dir(), f"{where}: no folder {words[1]}"
            continue
        done = subprocess.run(
            step.command,
            shell=True,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        output = done.stdout.splitlines()
        assert done.returncode == step.exit_code, (
            f"{where}: `{step.command}` exited {done.returncode}, not {step.exit_code}:\n"
            + done.stdout
        )
        assert step.expected is not None
        assert matches(step.expected, output), (
            f"{where}: `{step.command}` printed:\n{done.stdout}\n"
            f"which is not what the page shows:\n" + "\n".join(step.expected)
        )


@pytest.mark.parametrize("step", [s for s in STEPS if s.path and s.path.endswith(".rules")])
def test_rules_files_on_the_page_are_formatted(step: Step) -> None:
    from licensecheck.authoring.fmt import format_rules

    assert format_rules(step.content) == step.content
