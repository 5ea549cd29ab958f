"""The assurance benchmark still runs: ``python bench/evidence.py --quick`` prints its ratios.

A smoke test only: the figures belong to the benchmark (bench/README.md), never to a test.
"""

from __future__ import annotations

import re

from helpers.bench import run_bench


def test_bench_evidence_quick_run() -> None:
    out = run_bench("evidence.py", "--quick", timeout=240)
    ratios = re.findall(r"^ +ratio (.+?): (\d+\.\d\d)x$", out, re.MULTILINE)
    assert [name for name, _ in ratios] == [
        "evidence entries / no evidence",
        "pack demanding evidence / no evidence",
        "evaluate demanding / plain",
    ], out
