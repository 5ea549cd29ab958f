"""The workspace benchmark still runs: ``python bench/workspace.py --quick`` exits 0 and prints
its figures (timings on a shared machine are too noisy to assert targets here)."""

from __future__ import annotations

import re

from helpers.bench import run_bench


def test_workspace_bench_quick_run() -> None:
    out = run_bench("workspace.py", "--quick", timeout=300)
    assert re.search(r"record / assess +\d+\.\d\d x", out), out
    assert re.search(r"portfolio \(500 firms x 5 packs, 2 runs each: 2,500 entries\)", out), out
    assert re.search(r"all entries +\d+\.\d ms", out), out
