"""Cold start and pack loading (issue #12 item 6), section 5 of ``bench/run.py``.

a. Pack load + check + compile of generated packs of 10, 100 and 1,000 rules (``bench/genpack.py``)
   in this process, cold (``--no-cache``: every file parsed and checked; the Lark parser and the
   declaration schema already built, as section 2) and cached (the pack cache warm, the
   in-process memo of trees emptied, so every tree and the checked pack are read from disk).
b. Diagnostics at scale: a pack with one warning per rule (no ``cite``) at 250 and 1,000 rules
   (50 and 200 in a quick run),
   checked; linear scaling is 4.00x (the snippet under each warning indexes its file once).
   Then where a cached prepare of the largest pack goes: loading the pack (manifests, the
   files read and hashed for the key), the checked pack read from the cache (verified,
   decoded), compiling it.
c. A fresh ``licensecheck check`` process with the pack cache warm and with ``--no-cache``,
   against the *dependency-import floor*: a fresh ``python -c "import …"`` of the third-party
   modules ``check`` needs and nothing of licensecheck (:data:`FLOOR_MODULES`). All cold
   processes use cached bytecode, as an installed wheel does.

``python bench/coldstart.py [--quick]`` runs this section alone and ends with both of its
targets as ratios of the same run: the 1,000-rule cached prepare against its target and
against the cold one, and the cold check against the floor. With ``--baseline PYTHON`` (the
interpreter of a virtual environment holding another licensecheck, e.g. the commit before a
change) it then runs both versions turn about, in fresh processes: a cached prepare of the
1,000-rule pack (wall and CPU time, the CPU time being what a loaded machine distorts least)
and a cold check, each as a ratio of this version to the baseline.
"""

from __future__ import annotations

import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import genpack
from licensecheck.declaration.schema import load_declaration_schema
from licensecheck.engine.compile import compile_pack
from licensecheck.engine.pack_cache import checked_pack
from licensecheck.engine.pipeline import prepare_pack
from licensecheck.lang import parser
from licensecheck.packs import cache
from licensecheck.packs.loader import load_pack

#: What ``check`` of a YAML declaration imports from outside licensecheck and the standard
#: library: the CLI (click), the YAML reader (PyYAML), the report and manifest models
#: (pydantic, with a model built, as licensecheck's modules build theirs), the compiled
#: declaration validator (jsonschema-rs) and the configuration reader (tomllib).
FLOOR_MODULES = ("click", "yaml", "pydantic", "jsonschema_rs", "tomllib")
FLOOR = (
    "import click, yaml, jsonschema_rs, tomllib, pydantic\n"
    "class M(pydantic.BaseModel):\n    x: int = 0\n"
)

RunChild = Callable[[Sequence[str], dict[str, str]], tuple[float, float, int]]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _prepare_time(folder: Path, *, cached: bool) -> float:
    cache.parse_module.cache_clear()
    parser._lark()  # built once per process: section 2 reports its cost
    load_declaration_schema()
    gc.collect()
    with cache.caching(cached):
        start = time.perf_counter()
        prepare_pack(folder)
        return time.perf_counter() - start


def bench_pack_cache(sizes: Sequence[int], reps: int, tmp: Path) -> dict[int, tuple[float, float]]:
    print("\n5a. Pack load + check + compile, cold (--no-cache) and cached (pack cache warm)")
    print(f"   {'rules':>6}{'cold':>13}{'cached':>13}{'cold/cached':>13}{'cached/rule':>14}")
    results = {}
    for n in sizes:
        folder = genpack.write_pack(tmp / f"cache-bench-{n}" / f"generated-{n}", n)
        _prepare_time(folder, cached=True)  # fill the cache
        cold, warm = [], []
        for _ in range(reps):  # interleaved: the machine's load hits both alike
            cold.append(_prepare_time(folder, cached=False))
            warm.append(_prepare_time(folder, cached=True))
        c, w = statistics.median(cold), statistics.median(warm)
        results[n] = (c, w)
        print(f"   {n:>6}{_ms(c):>13}{_ms(w):>13}{c / w:>12.1f}x{w / n * 1e6:>11.0f} us")
    bench_cached_phases(tmp / f"cache-bench-{max(sizes)}" / f"generated-{max(sizes)}", reps)
    return results


def bench_cached_phases(folder: Path, reps: int) -> dict[str, float]:
    """A cached prepare of ``folder``'s pack, phase by phase (medians of ``reps``)."""
    schema = load_declaration_schema()
    runs: dict[str, list[float]] = {"load the pack": [], "read the checked pack": [], "compile": []}
    for _ in range(reps):
        cache.parse_module.cache_clear()
        gc.collect()
        gc.disable()  # as prepare_pack does
        try:
            start = time.perf_counter()
            loaded = load_pack(folder)
            loaded_at = time.perf_counter()
            checked = checked_pack(loaded, schema)
            checked_at = time.perf_counter()
            compile_pack(checked)
            compiled_at = time.perf_counter()
        finally:
            gc.enable()
        runs["load the pack"].append(loaded_at - start)
        runs["read the checked pack"].append(checked_at - loaded_at)
        runs["compile"].append(compiled_at - checked_at)
    phases = {name: statistics.median(times) for name, times in runs.items()}
    print(f"   where a cached prepare of {folder.name} goes (medians of {reps}):")
    for name, seconds in phases.items():
        print(f"      {name:<28}{_ms(seconds):>12}")
    return phases


def bench_warnings(small: int, reps: int, tmp: Path) -> float:
    """A check of ``small`` and 4 x ``small`` rules, each rule with a warning."""
    print("\n5b. Check of a pack with one warning per rule (missing-cite), linear is 4.00x")
    schema = load_declaration_schema()
    times = {}
    large = 4 * small
    for n in (small, large):
        folder = genpack.write_pack(tmp / f"warn-bench-{n}" / f"warnings-{n}", n)
        for path in folder.glob("*.rules"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"(?m)^\s*cite:.*\n", "", text), encoding="utf-8")
        cache.parse_module.cache_clear()
        with cache.caching(False):
            loaded = load_pack(folder)
            runs = []
            for _ in range(reps):
                gc.collect()
                start = time.perf_counter()
                checked = checked_pack(loaded, schema)
                runs.append(time.perf_counter() - start)
        times[n] = statistics.median(runs)
        print(f"   {n:>6} rules, {len(checked.warnings):>5} warnings: check {_ms(times[n])}")
    growth = times[large] / times[small]
    print(f"   ratio {large} / {small} rules with warnings: {growth:.2f}x (linear is 4.00x)")
    return growth


def bench_cold_check(
    command: Sequence[str], reps: int, run_child: RunChild, env: dict[str, str]
) -> tuple[float, float, float]:
    py = command[0]
    print(f"\n5c. Cold 'licensecheck check' against the dependency-import floor ({reps} runs each)")
    print(f"   floor: python -c 'import {', '.join(FLOOR_MODULES)}' (and one pydantic model)")
    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-cache-") as folder:
        warm_env = {**env, cache.CACHE_DIR_ENV: folder}
        run_child(command, warm_env)  # fill the pack cache and the bytecode cache
        run_child([py, "-c", FLOOR], warm_env)
        rows: dict[str, list[float]] = {"floor": [], "warm": [], "off": []}
        for _ in range(reps):  # interleaved: the machine's load hits all three alike
            rows["floor"].append(run_child([py, "-c", FLOOR], warm_env)[0])
            rows["warm"].append(run_child(command, warm_env)[0])
            rows["off"].append(run_child([*command, "--no-cache"], warm_env)[0])
    floor, warm, off = (statistics.median(rows[k]) for k in ("floor", "warm", "off"))
    print(f"   {'dependency-import floor':<44}{_ms(floor):>12}")
    print(f"   {'check, pack cache warm':<44}{_ms(warm):>12}   {warm / floor:.2f}x the floor")
    print(
        f"   {'check --no-cache (parse and check the pack)':<44}{_ms(off):>12}   {off / floor:.2f}x the floor"
    )
    print(f"   ratio check (cache warm) / floor: {warm / floor:.2f}x")
    print(f"   load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return floor, warm, off


# A cached prepare in a fresh process of either version: the pack folder and the repetitions
# in argv, the medians of wall and CPU seconds out (the first prepare fills the cache)
PREPARE_CHILD = """
import gc, json, statistics, sys, time
from licensecheck.engine.pipeline import prepare_pack
from licensecheck.packs import cache
prepare_pack(sys.argv[1])
walls, cpus = [], []
for _ in range(int(sys.argv[2])):
    cache.parse_module.cache_clear()
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    prepare_pack(sys.argv[1])
    walls.append(time.perf_counter() - wall)
    cpus.append(time.process_time() - cpu)
print(json.dumps([statistics.median(walls), statistics.median(cpus)]))
"""


def bench_against(
    baseline: str,
    folder: Path,
    rounds: int,
    command: Sequence[str],
    run_child: RunChild,
    env: dict[str, str],
) -> None:
    """This version against ``baseline`` (another interpreter), turn about in fresh processes:
    a cached prepare of ``folder`` and ``command`` (a cold check)."""
    print(f"\n5d. This version against the baseline {baseline} ({rounds} rounds, turn about)")
    pythons = {"this": sys.executable, "baseline": baseline}
    prepares: dict[str, list[tuple[float, float]]] = {"this": [], "baseline": []}
    checks: dict[str, list[float]] = {"this": [], "baseline": [], "floor": []}
    command = command[1:]  # run by each version's interpreter
    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-cache-") as cache_root:
        envs = {k: {**env, cache.CACHE_DIR_ENV: f"{cache_root}/{k}"} for k in pythons}
        for k, py in pythons.items():  # fill each version's pack cache and bytecode
            run_child([py, *command], envs[k])
        for _ in range(rounds):
            for k, py in pythons.items():
                done = subprocess.run(
                    [py, "-c", PREPARE_CHILD, str(folder), "5"],
                    env=envs[k],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                wall, cpu = json.loads(done.stdout)
                prepares[k].append((wall, cpu))
                checks[k].append(run_child([py, *command], envs[k])[0])
            checks["floor"].append(run_child([sys.executable, "-c", FLOOR], env)[0])
    for what, index in (("wall", 0), ("CPU", 1)):
        this, base = (statistics.median(p[index] for p in prepares[k]) for k in pythons)
        print(
            f"   cached prepare of {folder.name}, {what:<4}: this {_ms(this):>10}, "
            f"baseline {_ms(base):>10}, ratio {this / base:.2f}x"
        )
    this, base, floor = (statistics.median(checks[k]) for k in ("this", "baseline", "floor"))
    print(
        f"   cold check, pack cache warm: this {_ms(this)} ({this / floor:.2f}x the floor), "
        f"baseline {_ms(base)} ({base / floor:.2f}x), ratio {this / base:.2f}x"
    )
    print(f"   load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(argv: Sequence[str] | None = None) -> int:
    """This section alone, with its two targets as ratios of the same run."""
    import argparse

    import run  # the cold-process launcher and environment of bench/run.py

    parser = argparse.ArgumentParser(description="Cold start and pack loading (section 5)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--baseline", metavar="PYTHON", help="compare with this interpreter's")
    args = parser.parse_args(argv)
    quick = args.quick
    reps = 3 if quick else 9
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def measure(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, int]:
        child = run.run_child(argv, env)
        return child.wall, child.rss, child.code

    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-") as name:
        sizes = (10, 100) if quick else (10, 100, 1000)
        loads = bench_pack_cache(sizes, reps, Path(name))
        bench_warnings(50 if quick else 250, reps, Path(name))
        floor, warm, _ = bench_cold_check(
            run.cold_check_command(), 5 if quick else 15, measure, run.child_env(cached=True)
        )
        if args.baseline:
            largest_pack = Path(name) / f"cache-bench-{max(sizes)}" / f"generated-{max(sizes)}"
            rounds = 3 if quick else 9
            bench_against(
                args.baseline,
                largest_pack,
                rounds,
                run.cold_check_command(),
                measure,
                run.child_env(cached=True),
            )
    largest = max(loads)
    cold, cached = loads[largest]
    target = run.TARGET_PACK_CACHED_S
    print("\ntargets (ratios of this run)")
    print(
        f"   {largest}-rule pack from the cache: {_ms(cached)} = {cached / target:.2f}x the "
        f"{_ms(target)} target, {cached / cold:.2f}x its cold load"
    )
    print(
        f"   cold check (cache warm) / floor: {warm / floor:.2f}x "
        f"(target {run.TARGET_FLOOR_RATIO}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
