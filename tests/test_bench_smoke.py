"""The benchmark still runs: ``python bench/run.py --quick`` exits 0 and prints its ratios.

Only a smoke test: timings on a shared CI machine are too noisy to assert targets here. The
quick run also checks, before timing anything, that the engine and the hand-written rules in
``bench/handwritten.py`` give the same status for every generated declaration.
"""

from __future__ import annotations

import re
import subprocess
import sys

from helpers.paths import REPO


def test_bench_quick_run() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,  # four more fresh processes for the batch section
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "statuses verified: engine == hand-written" in out
    ratios = re.findall(r"^ +ratio (.+?): .*?(\d+\.\d\d)x", out, re.MULTILINE)
    names = [name for name, _ in ratios]
    assert "evaluate_rules / hand-written" in names, out
    assert any(name.startswith("200 / ") for name in names), out
    assert "check / baseline" in names, out
    assert any(name.startswith("jobs 2 / jobs 1 at ") for name in names), out
    assert any(name.startswith("peak RSS 6 / 3 files") for name in names), out
    assert re.search(r"assess vs evaluation: with witnesses \d+\.\d\dx .*statuses only", out), out
    assert "\ntargets\n" in out
    assert len(re.findall(r"^ +\[(met|NOT met)\] ", out, re.MULTILINE)) == 5, out
