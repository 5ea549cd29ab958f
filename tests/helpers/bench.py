"""The benchmarks as the smoke tests run them: a script of bench/ in a fresh process."""

from __future__ import annotations

import subprocess
import sys

from .paths import REPO


def run_bench(script: str, *args: str, timeout: int) -> str:
    """The output of ``python bench/SCRIPT ARGS`` run from the repository; a failed run
    fails the test with what it printed."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
