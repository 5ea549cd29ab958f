"""The benchmark still runs: ``python bench/run.py --quick`` exits 0 and prints its ratios.

Only a smoke test: timings on a shared CI machine are too noisy to assert targets here. The
quick run also checks, before timing anything, that the engine and the hand-written rules in
``bench/handwritten.py`` give the same status for every generated declaration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers.bench import run_bench


def test_bench_quick_run() -> None:
    out = run_bench(
        "run.py", "--quick", timeout=360
    )  # four more fresh processes for the batch section, seven for section 5
    assert "statuses verified: engine == hand-written" in out
    ratios = re.findall(r"^ +ratio (.+?): .*?(\d+\.\d\d)x", out, re.MULTILINE)
    names = [name for name, _ in ratios]
    assert "evaluate_rules / hand-written" in names, out
    assert any(name.startswith("200 / ") for name in names), out
    assert "check / baseline" in names, out
    assert any(name.startswith("jobs 2 / jobs 1 at ") for name in names), out
    assert re.search(r"^ +6 +2x1 .*\(halves side by side\)$", out, re.MULTILINE), out
    assert re.search(r"the two-CPU ceiling\): \d+\.\d\dx, of which jobs 2 reaches \d+%", out), out
    assert any(name.startswith("peak RSS 6 / 3 files") for name in names), out
    assert re.search(r"assess vs evaluation: with witnesses \d+\.\d\dx .*statuses only", out), out
    assert re.search(r"generated explanations .*cn-credit-reporting \d+ in [\d,.]+ ms", out), out
    assert "\ntargets\n" in out
    assert "200 / 50 rules with warnings" in names, out
    assert "check (cache warm) / floor" in names, out
    assert "cold/cached" in out
    # the five targets of sections 1-4, and section 5's three
    assert len(re.findall(r"^ +\[(met|NOT met)\] ", out, re.MULTILINE)) == 8, out


def test_bench_large_run_in_small(tmp_path: Path) -> None:
    """``bench/batch.py --large`` (the 10,000-declaration run) on a handful of ~5 KB files:
    the folder is generated once and reused, and every output is measured against the
    ``--jobs 1`` baseline."""
    args = ["--large", "--files", "4", "--size", "small", "--cache", str(tmp_path)]
    outs = [run_bench("batch.py", *args, timeout=300) for _ in range(2)]
    assert "generating 4 small declarations" in outs[0]
    assert "generating" not in outs[1]  # cached
    rows = re.findall(r"^ +(json|jsonl|quiet) +([12]) +4 .* (\d+\.\d\d)x", outs[1], re.MULTILINE)
    assert [(label, jobs) for label, jobs, _ in rows] == [
        ("json", "1"),
        ("json", "2"),
        ("jsonl", "2"),
        ("quiet", "2"),
    ], outs[1]
    assert rows[0][2] == "1.00"
    assert sorted(os.listdir(tmp_path / "declarations-small-4")) == [
        ".complete",
        *(f"firm-{i:05d}.yaml" for i in range(4)),
    ]
