"""Workspace benchmark: recording assessments, and the portfolio query over a large workspace.

    python bench/workspace.py            # full run: 10,000 recordings; 10,000 firms x 5 packs
    python bench/workspace.py --quick    # smoke run (a few seconds)

1. Recording: the demo declaration's assessment recorded for N different firms, one
   transaction each (firm, declaration blob, pack version, assessment, finding rows), on
   SQLite in WAL mode. The baseline, measured in the same run, is assessing the declaration
   alone (``assess`` on a compiled pack and a loaded declaration): the ratio says what
   ``--record`` adds to a run.
2. Portfolio: F firms x 5 packs, two runs each (so every entry has a trend), inserted in bulk;
   then ``portfolio`` (latest run per firm and pack, the run before it, blocking gaps by
   domain) timed as the median of several queries, unfiltered and filtered. Target: under a
   second for 10,000 firms x 5 packs.

Deterministic inputs; times are medians. Only the standard library and licensecheck.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import licensecheck
from licensecheck.api import load_declaration, open_workspace, prepare_pack
from licensecheck.workspace.models import assessments, firms, pack_versions
from licensecheck.workspace.portfolio import Filters, portfolio, render_portfolio
from licensecheck.workspace.record import PackFiles, pack_files_of, record, recording

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"
PACKS = 5
TARGET_PORTFOLIO_S = 1.0


def median_time(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_recording(folder: Path, count: int) -> dict[str, float]:
    pack = prepare_pack("starter")
    declaration = load_declaration(EXAMPLE, schema=pack.checked.schema)
    assess_s = median_time(
        lambda: licensecheck.assess(declaration, pack, as_of=AS_OF), max(5, count // 50)
    )
    result = licensecheck.assess(declaration, pack, as_of=AS_OF)
    item = recording(result, declaration, pack_files_of(pack), "high")
    with open_workspace(folder, initialise=True) as ws:
        start = time.perf_counter()
        for i in range(count):
            firm = dataclasses.replace(
                item,
                company={"name": f"Bench Firm {i:05d}", "registration_id": f"BENCH-{i:05d}"},
                declaration=item.declaration + f"\n# firm {i}\n".encode(),
            )
            record(ws, firm)
        total = time.perf_counter() - start
    per_record = total / count
    return {
        "count": count,
        "total_s": total,
        "per_record_ms": per_record * 1000,
        "assess_ms": assess_s * 1000,
        "ratio": per_record / assess_s,
    }


def fill_portfolio(folder: Path, firm_count: int) -> None:
    """F firms x 5 packs x 2 runs, inserted in bulk (the recording path is timed above)."""
    pack = pack_files_of(prepare_pack("starter"))
    with open_workspace(folder, initialise=True) as ws:
        item_pack_ids = []
        for p in range(PACKS):
            bench_pack = PackFiles(f"bench-pack-{p}", pack.version, pack.files)
            item_pack_ids.append(bench_pack.pack_id)
            ws.write(
                lambda c, bp=bench_pack: c.execute(
                    pack_versions.insert().values(
                        pack_id=bp.pack_id, version=bp.version, digest=bp.digest
                    )
                )
            )
        demo = EXAMPLE.read_bytes()
        from licensecheck.workspace.record import _store_blob

        digest = ws.write(lambda c: _store_blob(c, demo))
        ws.write(
            lambda c: c.execute(
                firms.insert(),
                [
                    {
                        "key": f"BENCH-{i:05d}",
                        "name": f"Bench Firm {i:05d}",
                        "registration_id": f"BENCH-{i:05d}",
                    }
                    for i in range(firm_count)
                ],
            )
        )
        now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        rows = []
        for firm_id in range(1, firm_count + 1):
            for version_id in range(1, PACKS + 1):
                for run, day in enumerate((dt.date(2026, 1, 15), dt.date(2026, 3, 1))):
                    score = (firm_id * 7 + version_id * 13 + run * 11) % 101
                    rows.append(
                        {
                            "firm_id": firm_id,
                            "pack_version_id": version_id,
                            "pack_id": item_pack_ids[version_id - 1],
                            "declaration_blob": digest,
                            "declaration_path": f"firms/{firm_id}.yaml",
                            "as_of": day,
                            "tool_version": licensecheck.__version__,
                            "waivers_digest": "",
                            "fail_on": "high",
                            "lang": "en",
                            "recorded_at": now,
                            "score": score,
                            "score_worst": max(score - 10, 0),
                            "score_best": min(score + 10, 100),
                            "ready": score >= 80,
                            "counts": {"pass": 5, "fail": 7},
                            "gaps": {}
                            if score >= 80
                            else {
                                "licensing": {"critical": score % 4, "high": score % 3},
                                "consent": {"high": score % 5, "low": 1},
                            },
                        }
                    )
        for start in range(0, len(rows), 20_000):
            chunk = rows[start : start + 20_000]
            ws.write(lambda c, chunk=chunk: c.execute(assessments.insert(), chunk))


def bench_portfolio(folder: Path, firm_count: int, repeats: int) -> dict[str, float]:
    fill_portfolio(folder, firm_count)
    with open_workspace(folder) as ws:
        everything = portfolio(ws, Filters())
        assert len(everything.entries) == firm_count * PACKS
        assert all(e.trend is not None for e in everything.entries)
        return {
            "entries": len(everything.entries),
            "all_s": median_time(lambda: portfolio(ws, Filters()), repeats),
            "one_pack_s": median_time(
                lambda: portfolio(ws, Filters(pack_id="bench-pack-2")), repeats
            ),
            "not_ready_s": median_time(
                lambda: portfolio(ws, Filters(not_ready=True, domain="consent")), repeats
            ),
            "render_json_s": median_time(lambda: render_portfolio(everything, "json"), repeats),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args(argv)
    records, firm_count, repeats = (200, 500, 3) if args.quick else (10_000, 10_000, 5)
    with tempfile.TemporaryDirectory() as tmp:
        recorded = bench_recording(Path(tmp) / "record", records)
        screened = bench_portfolio(Path(tmp) / "portfolio", firm_count, repeats)
    print(f"recording ({records:,} assessments, SQLite WAL, one transaction each)")
    print(f"  total                  {recorded['total_s']:8.2f} s")
    print(f"  per recording          {recorded['per_record_ms']:8.2f} ms")
    print(f"  assess alone (baseline){recorded['assess_ms']:8.2f} ms")
    print(f"  record / assess        {recorded['ratio']:8.2f} x")
    print(
        f"portfolio ({firm_count:,} firms x {PACKS} packs, 2 runs each: {screened['entries']:,} entries)"
    )
    print(f"  all entries            {screened['all_s'] * 1000:8.1f} ms")
    print(f"  one pack               {screened['one_pack_s'] * 1000:8.1f} ms")
    print(f"  not ready in a domain  {screened['not_ready_s'] * 1000:8.1f} ms")
    print(f"  render as JSON         {screened['render_json_s'] * 1000:8.1f} ms")
    within = screened["all_s"] < TARGET_PORTFOLIO_S
    print(f"  target < {TARGET_PORTFOLIO_S:.0f} s: {'met' if within else 'MISSED'}")
    return 0 if within or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
