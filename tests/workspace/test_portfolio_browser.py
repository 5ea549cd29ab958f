"""The portfolio page in a real browser (headless Chromium): its one script runs under the
page's Content-Security-Policy and sorts the table; nothing else could run.

Skipped when Chromium is missing, except under ``CI=true`` (``.ci/run`` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import sqlite_target

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--dump-dom"]
SCORE_COLUMN = 3


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed on CI (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _scores_shown(page: Path, fragment: str, tmp_path: Path) -> list[int]:
    """The score column, top to bottom, of the page as the browser built it."""
    done = subprocess.run(
        [
            _chromium(),
            *FLAGS,
            f"--user-data-dir={tmp_path / fragment[1:]}",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    body = done.stdout.split("<tbody>", 1)[1]
    return [
        int(s)
        for s in re.findall(
            r'<td class="num" data-sort="(\d+)">\d+</td>\s*<td class="num" data-sort="\d+">\d+–',
            body,
        )
    ]


def test_the_table_sorts_in_a_browser(tmp_path: Path) -> None:
    target = sqlite_target(tmp_path / "ws")
    assert run("workspace", "init", target.folder)[0] == 0  # type: ignore[arg-type]
    examples = REPO / "examples"
    assert (
        run(
            "check",
            "--pack",
            "starter",
            examples,
            "--as-of",
            "2026-01-15",
            "--record",
            *target.args,
        )[0]
        == 1
    )
    page = tmp_path / "portfolio.html"
    assert run("portfolio", "--format", "html", "-o", page, *target.args)[0] == 0
    as_written = _scores_shown(page, "", tmp_path)
    assert len(as_written) == len(list(examples.glob("*.yaml")))
    assert as_written != sorted(as_written)  # by firm, not by score, before the script runs
    assert _scores_shown(page, f"#sort={SCORE_COLUMN}", tmp_path) == sorted(as_written)
    assert _scores_shown(page, f"#sort=-{SCORE_COLUMN}", tmp_path) == sorted(
        as_written, reverse=True
    )
