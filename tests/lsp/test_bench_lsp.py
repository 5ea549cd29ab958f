"""The language server's benchmark still runs: ``python bench/lsp.py --quick`` exits 0 and
prints its figures (timings belong in bench/README.md, never in a test)."""

from __future__ import annotations

import subprocess
import sys

from helpers.paths import REPO


def test_bench_lsp_quick_run() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "lsp.py"), "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "keystroke -> diagnostics (20 rules, 4 keystrokes" in done.stdout
    assert "ratio keystroke / lint:" in done.stdout
