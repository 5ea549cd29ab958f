"""The pack supply chain benchmark still runs: ``python bench/packchain.py --quick`` exits 0
and prints its ratios (timings are not asserted: the CI machine is too noisy)."""

from __future__ import annotations

import re

from helpers.bench import run_bench


def test_packchain_bench_quick_run() -> None:
    out = run_bench("packchain.py", "--quick", timeout=300)
    ratios = re.findall(r"^ +ratio (\w+) / baseline: (\d+\.\d\d)x$", out, re.MULTILINE)
    assert [name for name, _ in ratios] == ["locked", "signed"], out
