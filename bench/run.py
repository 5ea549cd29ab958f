"""licensecheck benchmarks: one command, figures with ratios against same-run baselines.

    python bench/run.py              # full run (about a minute)
    python bench/run.py --quick      # smoke run (a few seconds; tests/test_bench_smoke.py)
    python bench/run.py --profile    # also print cProfile summaries of each section

1. Rule evaluation: the 38 rules of ``bench/pack`` over generated declarations, timed
   through the engine's fast path (``licensecheck.engine.evaluate.evaluate_rules`` on
   declarations validated against the pack's schema, as a batch has them: the pack's
   schema-typed generated code), through the other generated variants (untyped, as a raw
   mapping gets; loops fused or not), through the closures (``closure_outcomes``) and through
   the same rules hand-written in ``bench/handwritten.py``; statuses are checked equal first.
   Full ``assess_compiled`` (messages, witnesses) is reported as a separate line; again with
   each witness given (taken from that run, not found afresh): what placing and building the
   witnesses costs, against what finding them costs; and again with every witness from a
   traced run (as before the direct way), checked to give the same assessments.
2. Pack load + check + compile of generated 200- and 1,000-rule packs, with the one-off
   per-process costs (Lark parser build, declaration schema load), the generated code's build
   (on a pack's first evaluation) and the generated explanations' (one per rule part a batch
   explains, in bench/pack and cn-credit-reporting) reported separately.
3. Cold-process ``licensecheck check … --format json`` against ``python -c pass``: wall time,
   peak RSS, and the slowest imports.
4. Batches (``bench/batch.py``): declarations/s at ``--jobs 1`` and ``--jobs 2`` and peak RSS
   over folders of generated declarations of two sizes (memory flat in N: ratio 1.00x).
5. Cold start and pack loading (``bench/coldstart.py``): pack load at 10/100/1,000 rules cold
   and from the pack cache, a check with a warning per rule at two sizes, and a cold ``check``
   process against the dependency-import floor.

Everything is deterministic (seeded generators, fixed ``--as-of``) and uses only the standard
library and licensecheck. Times are medians of several repetitions.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import gc
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import batch
import coldstart
import declarations
import genpack
import handwritten
import licensecheck
from licensecheck.declaration.loader import Declaration
from licensecheck.declaration.schema import load_declaration_schema
from licensecheck.engine import evaluate as evaluate_module
from licensecheck.engine.check import check_pack
from licensecheck.engine.codegen import FUSE_LOOPS, generate_pack
from licensecheck.engine.codegen_explain import generated_explainer
from licensecheck.engine.compile import CompiledPack, compile_pack
from licensecheck.engine.evaluate import (
    _GENERATED_OUTCOMES,
    assess_compiled,
    closure_outcomes,
    evaluate_rules,
    run_rule,
    validated,
)
from licensecheck.engine.pipeline import _no_garbage_collection as no_garbage_collection
from licensecheck.engine.rules import CheckedPack
from licensecheck.lang import parser
from licensecheck.packs import cache
from licensecheck.packs.loader import load_pack
from licensecheck.sources.limits import current_limits

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PACK_DIR = BENCH / "pack"
AS_OF = declarations.AS_OF
EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
FALLBACK_EXAMPLE = BENCH / "declaration.yaml"

TARGET_EVAL_RATIO = 1.5
TARGET_ASSESS_RATIO = 3.0  # assess with witnesses / evaluation (issue #12)
TARGET_PREPARE_200_S = 0.150
TARGET_CLI_WALL_S = 0.6
TARGET_CLI_RSS_MB = 120.0
TARGET_PACK_COLD_S = 0.300  # 1,000 rules (issue #12)
TARGET_PACK_CACHED_S = 0.050
TARGET_FLOOR_RATIO = 1.2


@dataclass(frozen=True)
class Settings:
    quick: bool
    declarations: int
    eval_reps: int
    assess_reps: int
    pack_sizes: tuple[int, ...]
    prepare_reps: int
    parser_reps: int
    cli_reps: int
    importtime_runs: int
    batch_sizes: tuple[int, ...]
    profile: bool


def settings(args: argparse.Namespace) -> Settings:
    if args.quick:
        return Settings(True, 20, 3, 1, (200,), 2, 1, 2, 1, (3, 6), args.profile)
    return Settings(False, 300, 9, 3, (200, 1000), 5, 3, 9, 3, (500, 2000), args.profile)


# ---------------------------------------------------------------- timing helpers


def median_time(fn: Callable[[], object], reps: int) -> float:
    """The median wall time of ``reps`` calls (a full collection before each, GC left on)."""
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(fns: dict[str, Callable[[], object]], reps: int) -> dict[str, float]:
    """Median times of several variants, run in turn each repetition so drift hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f} us"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "n/a"


def profile_summary(fn: Callable[[], object], title: str, rows: int = 15) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(rows)
    print(f"\n   --- cProfile: {title} (top {rows} by own time) ---")
    body = out.getvalue()
    start = body.find("   ncalls")
    for line in body[start:].rstrip().splitlines():
        print("   " + line.replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


# ---------------------------------------------------------------- 1. evaluation


def load_generated(n: int, folder: Path, pack: CompiledPack) -> list[Declaration]:
    """Generate ``n`` declarations, write them as JSON files and load them, validated against
    the pack's schema (as ``check`` loads a batch's files)."""
    loaded = []
    for i, data in enumerate(declarations.generate(n)):
        path = folder / f"declaration-{i:04d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        loaded.append(licensecheck.load_declaration(path, schema=pack.checked.schema))
    return loaded


def verify_statuses(pack: CompiledPack, decls: Sequence[Declaration]) -> collections.Counter[str]:
    """Fail loudly unless the engine and the hand-written rules agree everywhere."""
    ids = {compiled.rule.id for compiled in pack.rules}
    if ids != set(handwritten.RULES):
        raise SystemExit(
            f"bench/pack and bench/handwritten.py differ: {ids ^ set(handwritten.RULES)}"
        )
    counts: collections.Counter[str] = collections.Counter()
    mismatches = []
    for index, decl in enumerate(decls):
        # the timed path: shared predicate results, typed code for a validated declaration
        batch = evaluate_rules(pack, decl.data, AS_OF, validated=validated(pack, decl))
        for compiled, outcome in zip(pack.rules, batch, strict=True):
            engine = run_rule(compiled, decl.data, AS_OF).status  # each rule on its own
            if outcome.status != engine:
                mismatches.append(
                    f"declaration {index}, {compiled.rule.id}: batch {outcome.status}, alone {engine}"
                )
            hand = handwritten.RULES[compiled.rule.id](decl.data, AS_OF)
            counts[engine] += 1
            if engine != hand:
                mismatches.append(
                    f"declaration {index}, {compiled.rule.id}: engine {engine}, hand {hand}"
                )
    if mismatches:
        raise SystemExit(
            "engine and hand-written statuses differ:\n  " + "\n  ".join(mismatches[:20])
        )
    return counts


def bench_evaluation(s: Settings, tmp: Path) -> tuple[float, float]:
    pack = licensecheck.prepare_pack(PACK_DIR)
    decls = load_generated(s.declarations, tmp, pack)
    if not all(validated(pack, d) for d in decls):
        raise SystemExit("the declarations were not validated against bench/pack's schema")
    pack.generated(_GENERATED_OUTCOMES, True)  # verify the generated code, not the closures
    counts = verify_statuses(pack, decls)
    n_rules, n_decls = len(pack.rules), len(decls)
    evaluations = n_rules * n_decls
    print(
        f"\n1. Rule evaluation: bench/pack ({n_rules} rules) x {n_decls} generated declarations "
        f"= {evaluations:,} rule evaluations"
    )
    shown = ", ".join(f"{k} {counts[k]:,}" for k in ("pass", "fail", "unknown", "not_applicable"))
    print(f"   statuses verified: engine == hand-written for all {evaluations:,} ({shown})")

    rules = pack.rules
    datas = [d.data for d in decls]
    fns = [handwritten.RULES[compiled.rule.id] for compiled in rules]

    def hand() -> None:
        for data in datas:
            for fn in fns:
                fn(data, AS_OF)

    def engine() -> None:
        for data in datas:
            evaluate_rules(pack, data, AS_OF, validated=True)  # as assess_compiled runs it

    def untyped() -> None:
        for data in datas:
            evaluate_rules(pack, data, AS_OF)  # a raw mapping: the untyped code

    checked = pack.checked
    other_loops = generate_pack(
        checked, checked.rules, _GENERATED_OUTCOMES, typed=True, fuse=not FUSE_LOOPS
    ).run
    before = generate_pack(checked, checked.rules, _GENERATED_OUTCOMES, typed=False, fuse=False).run
    limit = current_limits().max_rule_steps
    for data in datas:  # the variants timed beside the engine give its outcomes too
        expected = closure_outcomes(pack, data, AS_OF)
        if other_loops(data, AS_OF, limit) != expected or before(data, AS_OF, limit) != expected:
            raise SystemExit("a generated variant differs from the closures")

    def typed_other_loops() -> None:
        for data in datas:
            other_loops(data, AS_OF, limit)

    def untyped_unfused() -> None:
        for data in datas:
            before(data, AS_OF, limit)

    def closures() -> None:
        for data in datas:
            closure_outcomes(pack, data, AS_OF)

    def assess() -> None:
        for decl in decls:
            assess_compiled(pack, decl, AS_OF)

    def assess_bare() -> None:
        for decl in decls:
            assess_compiled(pack, decl, AS_OF, witnesses=False)

    def assess_given() -> None:
        with given_witnesses(found):
            assess()

    def assess_traced() -> None:
        with traced_witnesses():
            assess()

    pack.generated(_GENERATED_OUTCOMES, True)  # as a batch has it after its first declarations
    pack.generated(_GENERATED_OUTCOMES, False)
    assess()  # build the traced rules once, as a long-running process would have them
    found = found_witnesses(assess)
    with given_witnesses(found):
        given = [assess_compiled(pack, decl, AS_OF) for decl in decls]
    if given != [assess_compiled(pack, decl, AS_OF) for decl in decls]:
        raise SystemExit("the assessments with their witnesses given differ from the found")
    with traced_witnesses():
        traced = [assess_compiled(pack, decl, AS_OF) for decl in decls]
    if traced != given:
        raise SystemExit("the assessments with witnesses from traced runs differ from the direct")
    variants = {
        "hand": hand,
        "engine": engine,
        "other_loops": typed_other_loops,
        "untyped": untyped,
        "before": untyped_unfused,
        "closures": closures,
    }
    times = interleaved(variants, s.eval_reps)
    times["assess"] = median_time(assess, s.assess_reps)
    times["bare"] = median_time(assess_bare, s.assess_reps)
    times["given"] = median_time(assess_given, s.assess_reps)
    times["traced"] = median_time(assess_traced, s.assess_reps)
    print(f"   {'variant':<42}{'total':>11}{'per decl':>13}{'per rule eval':>15}{'vs hand':>9}")
    loops, other = ("fused", "unfused") if FUSE_LOOPS else ("unfused", "fused")
    rows = (
        ("hand-written Python (baseline)", "hand"),
        (f"engine: evaluate_rules (typed, {loops})", "engine"),
        (f"  generated: typed, loops {other}", "other_loops"),
        (f"  generated: untyped, {loops} (raw map)", "untyped"),
        ("  generated: untyped, unfused (before)", "before"),
        ("engine: the closures (untraced)", "closures"),
        ("engine: assess_compiled, statuses only", "bare"),
        ("engine: assess_compiled (+ witnesses)", "assess"),
        ("  the same, each witness given", "given"),
        ("  the same, witnesses from traced runs", "traced"),
    )
    for label, key in rows:
        t = times[key]
        print(
            f"   {label:<42}{ms(t):>11}{us(t / n_decls):>13}{us(t / evaluations):>15}"
            f"{ratio(t, times['hand']):>9}"
        )
    eval_ratio = times["engine"] / times["hand"]
    print(
        f"   ratio evaluate_rules / hand-written: {eval_ratio:.2f}x (target <= {TARGET_EVAL_RATIO}x)"
    )
    print(
        f"   ratio generated code / closures: {ratio(times['engine'], times['closures'])} "
        f"(closures / hand-written: {ratio(times['closures'], times['hand'])})"
    )
    print(
        f"   ratio typed / untyped code: {ratio(times['engine'], times['untyped'])}; "
        f"loops {loops} / {other}: {ratio(times['engine'], times['other_loops'])}; "
        f"evaluate_rules / before (untyped, unfused): {ratio(times['engine'], times['before'])}"
    )
    print(
        f"   ratio assess_compiled / hand-written: {ratio(times['assess'], times['hand'])} "
        f"(assess_compiled / evaluate_rules: {ratio(times['assess'], times['engine'])})"
    )
    assess_ratio = times["assess"] / times["engine"]
    print(
        f"   assess vs evaluation: with witnesses {assess_ratio:.2f}x "
        f"(target <= {TARGET_ASSESS_RATIO:.0f}x), statuses only (check --quiet) "
        f"{ratio(times['bare'], times['engine'])}"
    )
    print(
        f"   where assess with witnesses ({ratio(times['assess'], times['engine'])} evaluation) "
        f"goes: {ratio(times['bare'], times['engine'])} without witnesses, "
        f"{ratio(times['given'], times['engine'])} with each witness given (placing and building "
        "them), the rest in explaining the gaps to find them; witnesses from traced runs "
        f"instead: {ratio(times['traced'], times['engine'])} "
        f"(direct / traced: {ratio(times['assess'], times['traced'])})"
    )
    bench_batch_assess(s, decls)
    if s.profile:
        profile_summary(engine, "evaluate_rules over all declarations")
        profile_summary(assess, "assess_compiled over all declarations")
    return eval_ratio, assess_ratio


def bench_batch_assess(s: Settings, decls: Sequence[Declaration]) -> None:
    """What a batch pays per declaration: cn-credit-reporting (its fail and unknown findings
    with their witnesses) over the generated declarations, against its own evaluate_rules;
    with the witnesses from traced runs (before they were explained directly) for reference."""
    pack = licensecheck.prepare_pack(batch.PACK)
    pack.generated(_GENERATED_OUTCOMES)

    def engine() -> None:
        for decl in decls:
            evaluate_rules(pack, decl.data, AS_OF)

    def assess() -> None:
        for decl in decls:
            assess_compiled(pack, decl, AS_OF)

    def assess_bare() -> None:
        for decl in decls:
            assess_compiled(pack, decl, AS_OF, witnesses=False)

    def assess_traced() -> None:
        with traced_witnesses():
            assess()

    assess_traced()  # the traced rules built once
    reps = s.assess_reps
    times = interleaved(
        {"engine": engine, "bare": assess_bare, "direct": assess, "traced": assess_traced}, reps
    )
    findings = collections.Counter(
        f.status for decl in decls for f in assess_compiled(pack, decl, AS_OF).findings
    )
    print(
        f"   batch-shaped: cn-credit-reporting ({len(pack.rules)} rules, "
        f"{findings['fail'] + findings['unknown']:,} fail/unknown findings) x {len(decls)}: "
        f"evaluate_rules {us(times['engine'] / len(decls))}/declaration; assess_compiled "
        f"statuses only {ratio(times['bare'], times['engine'])}, with witnesses "
        f"{ratio(times['direct'], times['engine'])} (from traced runs "
        f"{ratio(times['traced'], times['engine'])})"
    )


WitnessKey = tuple[int, str, str]  # the declaration's id, the rule and its deciding part


def found_witnesses(assess: Callable[[], object]) -> dict[WitnessKey, object]:
    """The raw witnesses (before they are placed in their file) of every explanation
    ``assess`` makes (found or remembered), by declaration, rule and deciding part."""
    found: dict[WitnessKey, object] = {}
    original = evaluate_module._raw_witnesses

    def recording(
        pack: CompiledPack, rule: Any, outcome: Any, decl: Declaration, as_of: Any
    ) -> Any:
        key = (id(decl), rule.id, outcome.decided_by)
        found[key] = raw = original(pack, rule, outcome, decl, as_of)
        return raw

    with mock.patch.object(evaluate_module, "_raw_witnesses", recording):
        assess()
    return found


def given_witnesses(found: dict[WitnessKey, object]) -> contextlib.AbstractContextManager[Any]:
    """Each explanation's raw witnesses taken from ``found`` instead of found afresh: what is
    left of assess with witnesses is placing them in the file and building the findings."""

    def given(pack: CompiledPack, rule: Any, outcome: Any, decl: Declaration, as_of: Any) -> Any:
        return found[id(decl), rule.id, outcome.decided_by]

    return mock.patch.object(evaluate_module, "_raw_witnesses", given)


def traced_witnesses() -> contextlib.AbstractContextManager[Any]:
    """Every witness found from a traced run, as before the direct way (which gives the same)."""
    return mock.patch.object(evaluate_module, "direct_witnesses", lambda *_, **__: None)


# ---------------------------------------------------------------- 2. pack load


PER_PROCESS_CACHES = ("_lark", "load_declaration_schema")  # timed on their own


def clear_caches() -> None:
    """Empty licensecheck's functools caches (compiled patterns, …) except the per-process
    parser and schema, so each repetition starts cold-ish, as a fresh process would."""
    for name, module in list(sys.modules.items()):
        if name == "licensecheck" or name.startswith("licensecheck."):
            for attr, value in list(vars(module).items()):
                if attr not in PER_PROCESS_CACHES and callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def prepare_phases(folder: Path) -> tuple[float, float, float, int]:
    """Load, check and compile ``folder`` as ``licensecheck.prepare_pack`` does, timing each."""
    clear_caches()
    schema = load_declaration_schema()
    parser._lark()  # "parser already built": its one-off cost is reported on its own line
    # without the pack cache, so that every file is parsed and checked (section 5 has both)
    with cache.caching(False), no_garbage_collection():  # as prepare_pack does
        t0 = time.perf_counter()
        loaded = load_pack(folder)
        t1 = time.perf_counter()
        checked = check_pack(loaded, schema)
        t2 = time.perf_counter()
        compiled = compile_pack(checked)
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, len(compiled.rules)


ONE_OFF = """
import time
from licensecheck.lang import parser
from licensecheck.packs import cache
from licensecheck.declaration import schema
start = time.perf_counter()
parser._lark()
middle = time.perf_counter()
schema.load_declaration_schema()
print(middle - start, time.perf_counter() - middle)
"""


def explained_parts(checked: CheckedPack) -> list[tuple[Any, bool]]:
    """Each deciding part of ``checked``'s rules (``when``, ``require``), false and unknown."""
    return [
        (part, unknown)
        for rule in checked.rules
        for part in (rule.when, rule.require)
        if part is not None
        for unknown in (False, True)
    ]


def build_explanations(checked: CheckedPack, parts: Sequence[tuple[Any, bool]]) -> None:
    """The typed generated explanation of each of ``parts``, as a batch builds them."""
    for part, unknown in parts:
        if generated_explainer(checked, part, unknown, typed=True) is None:
            raise SystemExit("a bundled rule part is not written out as a generated explanation")


def one_off_costs() -> tuple[float, float]:
    """Parser build and schema load, each the first of a fresh process (later builds in the
    same process are faster: Lark and interegular keep caches of their own)."""
    done = subprocess.run(
        [sys.executable, "-c", ONE_OFF],
        cwd=REPO,
        env=child_env(cached=True),
        capture_output=True,
        text=True,
        check=True,
    )
    parser_s, schema_s = done.stdout.split()
    return float(parser_s), float(schema_s)


def bench_pack_load(s: Settings, tmp: Path) -> float:
    print(
        "\n2. Pack load + check + compile (what prepare_pack does; parser and schema already built)"
    )

    one_offs = [one_off_costs() for _ in range(s.parser_reps)]
    parser_s = statistics.median(r[0] for r in one_offs)
    schema_s = statistics.median(r[1] for r in one_offs)
    folders = [("bench/pack", PACK_DIR)]
    folders += [
        (f"generated {n}", genpack.write_pack(tmp / f"generated-{n}", n)) for n in s.pack_sizes
    ]
    print(
        f"   {'pack':<18}{'rules':>6}{'load+parse':>13}{'check':>11}{'compile':>11}"
        f"{'total':>11}{'per rule':>12}"
    )
    totals: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for label, folder in folders:
        runs = []
        for _ in range(s.prepare_reps):
            gc.collect()
            runs.append(prepare_phases(folder))
        load_s, check_s, compile_s = (statistics.median(r[i] for r in runs) for i in range(3))
        total = statistics.median(sum(r[:3]) for r in runs)
        n = runs[0][3]
        totals[label], sizes[label] = total, n
        print(
            f"   {label:<18}{n:>6}{ms(load_s):>13}{ms(check_s):>11}{ms(compile_s):>11}"
            f"{ms(total):>11}{us(total / n):>12}"
        )
    generation = []
    for label, folder in folders:
        checked = compile_pack(check_pack(load_pack(folder), load_declaration_schema())).checked
        generate_s = median_time(  # the typed variant: what a batch of files builds
            lambda c=checked: generate_pack(c, c.rules, _GENERATED_OUTCOMES, typed=True),
            s.prepare_reps,
        )
        generation.append(f"{label} {ms(generate_s)} ({us(generate_s / len(checked.rules))}/rule)")
    print(
        "   generated code (built on a pack's first evaluation, not in prepare_pack): "
        + ", ".join(generation)
    )
    explanations = []
    for label, pack_ref in (("bench/pack", PACK_DIR), ("cn-credit-reporting", batch.PACK)):
        checked = licensecheck.prepare_pack(pack_ref).checked
        parts = explained_parts(checked)
        build_s = median_time(lambda c=checked, p=parts: build_explanations(c, p), s.parser_reps)
        explanations.append(
            f"{label} {len(parts)} in {ms(build_s)} ({ms(build_s / len(parts))} each)"
        )
    print(
        "   generated explanations (a batch builds one for each rule part it explains, false or "
        "unknown, in each process): " + ", ".join(explanations)
    )
    collisions = (
        "; interegular is installed, so Lark also checks terminals for collisions"
        if importlib.util.find_spec("interegular")
        else ""
    )
    print(
        f"   parser build (Lark LALR grammar, once per fresh process): {ms(parser_s)}{collisions}"
    )
    print(f"   schema load (declaration JSON Schema, once per fresh process): {ms(schema_s)}")
    small, large = "bench/pack", "generated 200"
    if large in totals:
        cold = parser_s + schema_s + totals[large]
        print(f"   cold first pack of 200 rules (parser + schema + prepare): {ms(cold)}")
        print(
            f"   ratio 200 / {sizes[small]} rules (bench/pack): {ratio(totals[large], totals[small])}"
            f" (linear scaling is {sizes[large] / sizes[small]:.2f}x)"
        )
    if large in totals and "generated 1000" in totals:
        print(
            f"   ratio 1000 / 200 rules: {ratio(totals['generated 1000'], totals[large])}"
            " (linear scaling is 5.00x)"
        )
    if s.profile:
        folder = tmp / "generated-200"
        profile_summary(lambda: prepare_phases(folder), "prepare 200-rule pack")
    return totals.get(large, float("nan"))


# ---------------------------------------------------------------- 3. CLI cold start


# A tiny launcher runs each measured command. Linux charges a child with its parent's peak
# RSS (the memory image it was spawned from), so spawning straight from this process would
# make even `python -c pass` look as large as the benchmark itself. The launcher is about as
# small as that baseline (~9 MB), reports the child's wall time (excluding its own start-up)
# and getrusage(RUSAGE_CHILDREN).ru_maxrss, and is used for the baseline and the command alike.
LAUNCHER = """
import os, resource, sys, time
null = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                     file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
_, status = os.waitpid(pid, 0)
wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, os.waitstatus_to_exitcode(status))
"""


# The same work as `licensecheck check --format json`, stage by stage, in one fresh process.
PHASES = """
import json, sys, time
clock = [time.perf_counter()]
phases = {}
def done(name):
    now = time.perf_counter()
    phases[name] = now - clock[0]
    clock[0] = now
import datetime
import licensecheck, licensecheck.cli
from licensecheck.engine.check import check_pack
from licensecheck.engine.compile import compile_pack
from licensecheck.engine.evaluate import assess_compiled
from licensecheck.packs.loader import load_pack
from licensecheck.sources.limits import current_limits
from licensecheck.formats.dispatch import render_json
from licensecheck.declaration.schema import load_declaration_schema
done("import")
from licensecheck.lang.parser import _lark
_lark()
done("parser build")
schema = load_declaration_schema()
done("schema load")
loaded = load_pack("starter")
done("pack load (parse)")
compiled = compile_pack(check_pack(loaded, schema))
done("check+compile")
declaration = licensecheck.load_declaration(sys.argv[1], schema=schema)
done("declaration load")
result = assess_compiled(compiled, declaration, datetime.date.fromisoformat(sys.argv[2]))
done("assess")
render_json(result)
done("JSON")
print(json.dumps(phases))
"""


@dataclass(frozen=True)
class Child:
    wall: float  # seconds
    rss: float  # peak resident set, MiB
    code: int


def run_child(argv: Sequence[str], env: dict[str, str]) -> Child:
    """Run ``argv`` once in a fresh process (through the launcher) and measure it."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, rss, code = done.stdout.split()
    scale = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss: bytes on macOS, KiB on Linux
    return Child(float(wall), int(rss) / scale, int(code))


def measure(argv: Sequence[str], env: dict[str, str], reps: int) -> tuple[float, float, set[int]]:
    runs = [run_child(argv, env) for _ in range(reps)]
    return (
        statistics.median(r.wall for r in runs),
        max(r.rss for r in runs),
        {r.code for r in runs},
    )


def import_times(argv: Sequence[str], env: dict[str, str]) -> dict[str, tuple[float, str]]:
    """Cumulative import time (s) of each module imported *by* licensecheck code, and by whom."""
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    entries = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            entries.append((int(match[2]) / 1e6, len(match[3]) // 2, match[4]))
    # -X importtime prints a module after everything it imported: its importer is the next
    # entry one level up. Packages count with the submodules they load lazily later on.
    result: dict[str, tuple[float, str]] = {}
    for i, (cumulative, depth, name) in enumerate(entries):
        parent = next((e[2] for e in entries[i + 1 :] if e[1] < depth), "")
        if parent.startswith("licensecheck") and not name.startswith("licensecheck"):
            package = name.partition(".")[0]
            before, by = result.get(package, (0.0, parent))
            result[package] = (before + cumulative, by)
        elif name == "licensecheck" and depth <= 1:
            result["<licensecheck, all>"] = (cumulative, "")
    return result


def child_env(cached: bool) -> dict[str, str]:
    """The environment of measured processes.

    ``cached``: compiled bytecode is kept (under bench/results/pycache, never in src/), as
    for an installed wheel. Otherwise nothing is written, as in a checkout run with
    PYTHONDONTWRITEBYTECODE=1, where an editable install recompiles licensecheck every start.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if cached:
        env["PYTHONPYCACHEPREFIX"] = str(BENCH / "results" / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cold_check_command() -> list[str]:
    """``licensecheck check`` of the README example, as sections 3 and 5 run it."""
    example = EXAMPLE if EXAMPLE.is_file() else FALLBACK_EXAMPLE
    shown = os.path.relpath(example, REPO)
    return [
        sys.executable,
        "-m",
        "licensecheck",
        "check",
        shown,
        "--pack",
        "starter",
        "--format",
        "json",
        "--as-of",
        AS_OF.isoformat(),
    ]


def bench_cli(s: Settings) -> tuple[float, float]:
    command = cold_check_command()
    shown, py = command[4], command[0]
    baseline = [py, "-c", "pass"]
    print(f"\n3. Cold process: python -m licensecheck check {shown} --pack starter --format json")
    cached = child_env(cached=True)
    run_child(command, cached)  # fill the bytecode cache and the OS file cache
    base_wall, base_rss, _ = measure(baseline, cached, s.cli_reps)
    wall, rss, codes = measure(command, cached, s.cli_reps)
    if not codes <= {0, 1}:
        raise SystemExit(f"licensecheck check failed with exit code(s) {sorted(codes)}")
    print(f"   {'command':<52}{'wall (median)':>14}{'peak RSS (max)':>16}")
    print(f"   {'python -c pass (baseline)':<52}{ms(base_wall):>14}{base_rss:>13.1f} MB")
    print(
        f"   {'licensecheck check (bytecode cached, as installed)':<52}{ms(wall):>14}{rss:>13.1f} MB"
    )
    if not s.quick:
        raw_wall, raw_rss, _ = measure(command, child_env(cached=False), s.cli_reps)
        label = "licensecheck check (no bytecode cache written)"
        print(f"   {label:<52}{ms(raw_wall):>14}{raw_rss:>13.1f} MB")
    print(
        f"   ratio check / baseline: wall {ratio(wall, base_wall)} (+{ms(wall - base_wall)}), "
        f"peak RSS {ratio(rss, base_rss)} (+{rss - base_rss:.1f} MB)"
    )
    runs = [
        json.loads(
            subprocess.run(
                [py, "-c", PHASES, shown, AS_OF.isoformat()],
                cwd=REPO,
                env=cached,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(s.importtime_runs)
    ]
    phases = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
    shown_phases = ", ".join(f"{name} {value * 1000:.0f}" for name, value in phases.items())
    print(
        f"   where the time goes (the same work through the API in one fresh process, ms, "
        f"median of {len(runs)}):\n     {shown_phases}; total {ms(sum(phases.values()))}"
    )

    samples: dict[str, list[float]] = collections.defaultdict(list)
    importers: dict[str, str] = {}
    for _ in range(s.importtime_runs):
        found = import_times([py, "-X", "importtime", *command[1:]], cached)
        for name, (cumulative, parent) in found.items():
            samples[name].append(cumulative)
            importers.setdefault(name, parent)
    total = statistics.median(samples.pop("<licensecheck, all>", [0.0]))
    top = sorted(samples, key=lambda k: -statistics.median(samples[k]))[:5]
    print(
        f"   python -X importtime (median of {s.importtime_runs}): importing licensecheck takes "
        f"{ms(total)}; the 5 slowest packages licensecheck modules import:"
    )
    for name in top:
        print(
            f"     {name:<40}{ms(statistics.median(samples[name])):>10}   "
            f"imported by {importers[name]}"
        )
    if s.profile:
        profile_cli(command, cached)
    return wall, rss


def profile_cli(command: Sequence[str], env: dict[str, str]) -> None:
    argv = [command[0], "-m", "cProfile", "-s", "tottime", *command[1:]]
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    lines = done.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print("\n   --- cProfile: licensecheck check in a fresh process (top 15 by own time) ---")
    for line in lines[start : start + 16]:
        print("   " + line.replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--profile", action="store_true", help="print cProfile summaries")
    s = settings(parser.parse_args(argv))
    mode = "quick smoke run" if s.quick else "full run"
    print(
        f"licensecheck {licensecheck.__version__} benchmark, {mode}: Python "
        f"{platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; as of {AS_OF}"
    )
    print("times are medians of repeated runs; every ratio is against a baseline from this run")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-") as name:
        tmp = Path(name)
        eval_ratio, assess_ratio = bench_evaluation(s, tmp)
        prepare_200 = bench_pack_load(s, tmp)
    cli_wall, cli_rss = bench_cli(s)
    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-") as name:
        env = child_env(cached=True)

        def run_once(argv: Sequence[str]) -> tuple[float, float, int]:
            child = run_child(argv, env)
            return child.wall, child.rss, child.code

        batch.bench_batch(s.batch_sizes, Path(name), run_once)

    with tempfile.TemporaryDirectory(prefix="licensecheck-bench-") as name:
        cache_sizes = (10, 100) if s.quick else (10, 100, 1000)
        pack_loads = coldstart.bench_pack_cache(cache_sizes, s.prepare_reps, Path(name))
        coldstart.bench_warnings(50 if s.quick else 250, s.prepare_reps, Path(name))

    def measure_child(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, int]:
        child = run_child(argv, env)
        return child.wall, child.rss, child.code

    floor, warm_check, _ = coldstart.bench_cold_check(
        cold_check_command(), s.cli_reps, measure_child, child_env(cached=True)
    )

    targets = [
        (
            f"evaluation: evaluate_rules / hand-written <= {TARGET_EVAL_RATIO}x",
            eval_ratio <= TARGET_EVAL_RATIO,
            f"{eval_ratio:.2f}x",
        ),
        (
            f"assess with witnesses / evaluate_rules <= {TARGET_ASSESS_RATIO:.0f}x",
            assess_ratio <= TARGET_ASSESS_RATIO,
            f"{assess_ratio:.2f}x",
        ),
        (
            f"pack load+check+compile, 200 rules < {TARGET_PREPARE_200_S * 1000:.0f} ms",
            prepare_200 < TARGET_PREPARE_200_S,
            ms(prepare_200),
        ),
        (
            f"cold 'licensecheck check' wall < {TARGET_CLI_WALL_S} s",
            cli_wall < TARGET_CLI_WALL_S,
            f"{cli_wall:.3f} s",
        ),
        (
            f"cold 'licensecheck check' peak RSS < {TARGET_CLI_RSS_MB:.0f} MB",
            cli_rss < TARGET_CLI_RSS_MB,
            f"{cli_rss:.1f} MB",
        ),
    ]
    largest = max(pack_loads)
    targets += [
        (
            f"{largest}-rule pack load+check+compile, cold <= {TARGET_PACK_COLD_S * 1000:.0f} ms",
            pack_loads[largest][0] <= TARGET_PACK_COLD_S,
            ms(pack_loads[largest][0]),
        ),
        (
            f"{largest}-rule pack, cached <= {TARGET_PACK_CACHED_S * 1000:.0f} ms",
            pack_loads[largest][1] <= TARGET_PACK_CACHED_S,
            ms(pack_loads[largest][1]),
        ),
        (
            f"cold check (cache warm) / import floor <= {TARGET_FLOOR_RATIO}x",
            warm_check / floor <= TARGET_FLOOR_RATIO,
            f"{warm_check / floor:.2f}x",
        ),
    ]
    print("\ntargets")
    for label, met, value in targets:
        print(f"   {'[met]    ' if met else '[NOT met]'} {label:<52} {value:>10}")
    print(f"\n(benchmark took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
