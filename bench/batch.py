"""Batch throughput and memory: ``licensecheck check DIR --format json`` over generated files.

For each size N (500 and 2,000 in a full run), N declarations from ``bench/declarations.py``
are written as YAML into a folder and checked in a fresh process with ``--jobs 1`` and
``--jobs 2`` (turn about: the median of three runs each at 500 files, one at 2,000), the
batch JSON going to a file. Printed: declarations per second, the speed-up of two jobs over
one, and the peak resident set of the largest process (the parent or a worker), whose ratio
between the largest and the smallest N shows whether memory grows with the number of files
(1.00x: flat). Beside them, in the same turns, the ceiling two CPUs give this machine: two
independent ``--jobs 1`` processes started together, each on half of the files (hard links
in two folders) writing its own report; their speed-up over one process for all the files
is what ``--jobs 2`` would reach if it cost nothing to share out the files and gather the
results (shared caches, memory bandwidth and the machine's other load limit both alike).

``python bench/batch.py --large`` (minutes; not part of ``bench/run.py``) is issue #12's
target row: 10,000 declarations at ``--jobs 2`` written as ``--format json``, ``jsonl`` and
``--quiet`` text, against a baseline from the same run (``--jobs 1``, ``json``, over the first
1,000 of the same files). The folder is generated once and kept under
``<tmp>/licensecheck-bench/`` (``--cache``); ``--size small`` uses ~5 KB declarations (the
issue's), the default ``large`` ~22 KB ones (the other benchmarks').
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

import declarations

PACK = "cn-credit-reporting"

#: Runs a command in a fresh process: its wall time (s), peak RSS (MiB) and exit code.
RunOnce = Callable[[Sequence[str]], tuple[float, float, int]]


@dataclass(frozen=True)
class BatchFigures:
    rate: dict[tuple[int, int], float]  # (N, jobs) -> declarations per second
    rss: dict[tuple[int, int], float]  # (N, jobs) -> peak RSS, MiB


def write_folder(folder: Path, n: int, size: str = "large") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(declarations.stream(n, size=size)):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"firm-{i:05d}.yaml").write_text(text, encoding="utf-8")
    return folder


def bench_batch(
    sizes: Sequence[int],
    tmp: Path,
    run_once: RunOnce,
) -> BatchFigures:
    """Measure every size at one and two jobs, and the two-CPU ceiling (two halves side by
    side), each command run by ``run_once``."""
    print(f"\n4. Batch: licensecheck check DIR --pack {PACK} --format json=FILE (fresh process)")
    print(f"   {'files':>7} {'jobs':>5} {'wall':>10} {'decl/s':>9} {'peak RSS':>11}")
    rate: dict[tuple[int, int], float] = {}
    rss: dict[tuple[int, int], float] = {}
    ceiling: dict[int, float] = {}  # N -> declarations/s of the halves side by side
    for n in sizes:
        folder = write_folder(tmp / f"batch-{n}", n)
        halves = split_folder(folder)
        out = tmp / f"batch-{n}.json"
        runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        together: list[float] = []
        for _ in range(rounds(n)):  # turn about: the machine's load hits all alike
            for jobs in (1, 2):
                wall, peak, code = run_once(check_command([str(folder)], jobs, f"json={out}"))
                check_code(code, n)
                runs[jobs].append((wall, peak))
            together.append(side_by_side(halves, tmp, run_once))
        for jobs in (1, 2):
            wall = statistics.median(w for w, _ in runs[jobs])
            rate[n, jobs] = n / wall
            rss[n, jobs] = peak = max(p for _, p in runs[jobs])
            print(f"   {n:>7} {jobs:>5} {wall:>8.1f} s {n / wall:>9.1f} {peak:>8.1f} MB")
        wall = statistics.median(together)
        ceiling[n] = n / wall
        print(f"   {n:>7} {'2x1':>5} {wall:>8.1f} s {n / wall:>9.1f}   (halves side by side)")
        out.unlink(missing_ok=True)
    small, large = min(sizes), max(sizes)
    for n in sizes:
        speedup, most = rate[n, 2] / rate[n, 1], ceiling[n] / rate[n, 1]
        print(
            f"   ratio jobs 2 / jobs 1 at {n} files: {speedup:.2f}x (declarations/s); "
            f"two halves side by side / jobs 1 (the two-CPU ceiling): {most:.2f}x, "
            f"of which jobs 2 reaches {speedup / most:.0%}"
        )
    for jobs in (1, 2):
        print(
            f"   ratio peak RSS {large} / {small} files, jobs {jobs}: "
            f"{rss[large, jobs] / rss[small, jobs]:.2f}x"
        )
    return BatchFigures(rate, rss)


def split_folder(folder: Path) -> tuple[Path, Path]:
    """The files of ``folder`` in two folders beside it, the first and the second half (hard
    links: the same files, and ``check`` reads no symbolic link that leads out of a folder)."""
    files = sorted(folder.iterdir())
    middle = len(files) // 2
    halves = (folder.with_name(folder.name + "-a"), folder.with_name(folder.name + "-b"))
    for half, part in zip(halves, (files[:middle], files[middle:]), strict=True):
        half.mkdir(exist_ok=True)
        for file in part:
            if not (half / file.name).exists():
                os.link(file, half / file.name)
    return halves


def side_by_side(
    halves: Sequence[Path],
    tmp: Path,
    run_once: RunOnce,
) -> float:
    """The wall time of one ``--jobs 1`` check per folder of ``halves``, started together,
    each writing its own report: until the last one ends."""
    commands = [
        check_command([str(half)], 1, f"json={tmp / (half.name + '.json')}") for half in halves
    ]
    with ThreadPoolExecutor(len(commands)) as pool:  # each thread waits on its process
        done = list(pool.map(run_once, commands))
    for _, _, code in done:
        check_code(code, sum(len(os.listdir(half)) for half in halves))
    return max(wall for wall, _, _ in done)


def check_code(code: int, n: int) -> None:
    if code not in (0, 1):
        raise SystemExit(f"batch of {n} failed with exit code {code}")


def rounds(n: int) -> int:
    """Runs of each job count over ``n`` files, their median taken: three for a short batch,
    whose few seconds a busy moment of the machine distorts most, one for a long one."""
    return min(3, max(1, 1500 // n))


def check_command(paths: Sequence[str], jobs: int, *output: str) -> list[str]:
    """``licensecheck check PATHS --pack PACK`` at ``jobs``, writing ``output`` (a
    ``--format`` value, or ``--quiet``)."""
    shown = ["--quiet"] if output == ("--quiet",) else ["--format", *output]
    return [
        sys.executable,
        "-m",
        "licensecheck",
        "check",
        *paths,
        "--pack",
        PACK,
        "--as-of",
        declarations.AS_OF.isoformat(),
        "--jobs",
        str(jobs),
        *shown,
    ]


# ---------------------------------------------------------------- the 10,000 run (--large)


def cached_folder(cache: Path, n: int, size: str) -> Path:
    """``n`` generated declarations of ``size`` under ``cache``, written once: a folder is
    reused only when it was finished (the hidden ``.complete`` marker, which a scan skips)."""
    folder = cache / f"declarations-{size}-{n}"
    done = folder / ".complete"
    if not done.exists():
        print(f"   generating {n} {size} declarations in {folder} (once) ...", flush=True)
        write_folder(folder, n, size)
        done.touch()
    return folder


def bench_large(
    n: int,
    size: str,
    cache: Path,
    run_once: RunOnce,
    baseline_files: int = 1000,
) -> None:
    """Issue #12's target row: ``n`` declarations at ``--jobs 2`` as json, jsonl and
    ``--quiet``, each against the same run's ``--jobs 1`` json over ``baseline_files``."""
    folder = cached_folder(cache, n, size)
    files = sorted(str(folder / name) for name in os.listdir(folder) if name.endswith(".yaml"))
    kb = sum(os.path.getsize(f) for f in files) / len(files) / 1024
    print(f"\n4b. {n} declarations ({size}, {kb:.1f} KB of YAML each) x {PACK} (fresh processes)")
    print(
        f"   {'output':<8} {'jobs':>5} {'files':>7} {'wall':>10} {'decl/s':>8} {'peak RSS':>11}"
        f" {'output size':>12}  decl/s vs baseline"
    )
    out = cache / "large-output"
    run_once(check_command(files[:1], 1, "--quiet"))  # a warm-up: bytecode compiled, files cached
    rows = [  # output, jobs, the files, how many, the --format value (or --quiet)
        ("json", 1, files[:baseline_files], min(n, baseline_files), f"json={out}"),
        ("json", 2, [str(folder)], n, f"json={out}"),
        ("jsonl", 2, [str(folder)], n, f"jsonl={out}"),
        ("quiet", 2, [str(folder)], n, "--quiet"),
    ]
    base_rate = base_rss = 0.0
    for label, jobs, paths, count, shown in rows:
        out.unlink(missing_ok=True)
        wall, peak, code = run_once(check_command(paths, jobs, shown))
        if code not in (0, 1):
            raise SystemExit(f"{label} at --jobs {jobs} failed with exit code {code}")
        rate = count / wall
        if not base_rate:
            base_rate, base_rss = rate, peak
        written = f"{out.stat().st_size / 2**20:>9.0f} MB" if out.exists() else f"{'-':>12}"
        print(
            f"   {label:<8} {jobs:>5} {count:>7} {wall:>8.1f} s {rate:>8.1f} {peak:>8.1f} MB"
            f" {written}  {rate / base_rate:.2f}x   (peak RSS {peak / base_rss:.2f}x)"
        )
    out.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="the 10,000-declaration run")
    parser.add_argument("--files", type=int, default=10_000, help="declarations (--large)")
    parser.add_argument("--size", choices=sorted(declarations.SIZES), default="large")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "licensecheck-bench",
        help="where the generated folder is kept between runs",
    )
    args = parser.parse_args(argv)
    if not args.large:
        parser.error("run the batch section through bench/run.py, or pass --large")
    import run  # the measured-child launcher (wall time, peak RSS of the largest process)

    env = run.child_env(cached=True)

    def run_once(command: Sequence[str]) -> tuple[float, float, int]:
        child = run.run_child(command, env)
        return child.wall, child.rss, child.code

    load = os.getloadavg()[0]
    bench_large(args.files, args.size, args.cache, run_once, min(1000, args.files))
    print(f"   load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
