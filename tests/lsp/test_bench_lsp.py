"""The language server's benchmark still runs: ``python bench/lsp.py --quick`` exits 0 and
prints its figures (timings belong in bench/README.md, never in a test)."""

from __future__ import annotations

from helpers.bench import run_bench


def test_bench_lsp_quick_run() -> None:
    out = run_bench("lsp.py", "--quick", timeout=120)
    assert "keystroke -> diagnostics (20 rules, 4 keystrokes" in out
    assert "ratio keystroke / lint:" in out
