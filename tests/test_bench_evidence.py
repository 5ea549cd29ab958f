"""The assurance benchmark still runs: ``python bench/evidence.py --quick`` prints its ratios.

A smoke test only: the figures belong to the benchmark (bench/README.md), never to a test.
"""

from __future__ import annotations

import re
import subprocess
import sys

from helpers.paths import REPO


def test_bench_evidence_quick_run() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "evidence.py"), "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ratios = re.findall(r"^ +ratio (.+?): (\d+\.\d\d)x$", done.stdout, re.MULTILINE)
    assert [name for name, _ in ratios] == [
        "evidence entries / no evidence",
        "pack demanding evidence / no evidence",
        "evaluate demanding / plain",
    ], done.stdout
