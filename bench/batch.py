"""Batch throughput and memory: ``licensecheck check DIR --format json`` over generated files.

For each size N (500 and 2,000 in a full run), N declarations from ``bench/declarations.py``
are written as YAML into a folder and checked in a fresh process with ``--jobs 1`` and
``--jobs 2``, the batch JSON going to a file. Printed: declarations per second, the speed-up
of two jobs over one, and the peak resident set of the largest process (the parent or a
worker), whose ratio between the largest and the smallest N shows whether memory grows with
the number of files (1.00x: flat).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

import declarations

PACK = "cn-credit-reporting"


@dataclass(frozen=True)
class BatchFigures:
    rate: dict[tuple[int, int], float]  # (N, jobs) -> declarations per second
    rss: dict[tuple[int, int], float]  # (N, jobs) -> peak RSS, MiB


def write_folder(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(declarations.generate(n)):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"firm-{i:05d}.yaml").write_text(text, encoding="utf-8")
    return folder


def bench_batch(
    sizes: Sequence[int],
    tmp: Path,
    run_once: Callable[[Sequence[str]], tuple[float, float, int]],
) -> BatchFigures:
    """Measure every size at one and two jobs; ``run_once`` runs a command in a fresh process
    and gives its wall time (s), peak RSS (MiB) and exit code."""
    print(f"\n4. Batch: licensecheck check DIR --pack {PACK} --format json=FILE (fresh process)")
    print(f"   {'files':>7} {'jobs':>5} {'wall':>10} {'decl/s':>9} {'peak RSS':>11}")
    rate: dict[tuple[int, int], float] = {}
    rss: dict[tuple[int, int], float] = {}
    for n in sizes:
        folder = write_folder(tmp / f"batch-{n}", n)
        out = tmp / f"batch-{n}.json"
        for jobs in (1, 2):
            argv = [
                sys.executable,
                "-m",
                "licensecheck",
                "check",
                str(folder),
                "--pack",
                PACK,
                "--as-of",
                declarations.AS_OF.isoformat(),
                "--jobs",
                str(jobs),
                "--format",
                f"json={out}",
            ]
            wall, peak, code = run_once(argv)
            if code not in (0, 1):
                raise SystemExit(f"batch of {n} failed with exit code {code}")
            rate[n, jobs] = n / wall
            rss[n, jobs] = peak
            print(f"   {n:>7} {jobs:>5} {wall:>8.1f} s {n / wall:>9.1f} {peak:>8.1f} MB")
        out.unlink(missing_ok=True)
    small, large = min(sizes), max(sizes)
    for n in sizes:
        print(
            f"   ratio jobs 2 / jobs 1 at {n} files: {rate[n, 2] / rate[n, 1]:.2f}x (declarations/s)"
        )
    for jobs in (1, 2):
        print(
            f"   ratio peak RSS {large} / {small} files, jobs {jobs}: "
            f"{rss[large, jobs] / rss[small, jobs]:.2f}x"
        )
    return BatchFigures(rate, rss)
