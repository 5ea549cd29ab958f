"""What assurance costs: ``assess`` of one declaration with and without evidence.

    python bench/evidence.py            # full run
    python bench/evidence.py --quick    # smoke run (tests/test_bench_evidence.py)

The 38 rules of ``bench/pack`` over ``bench/declaration.yaml`` (copied to a temporary folder),
timed four ways in the same run, medians of several repetitions:

- *no evidence*: the declaration as it is (the baseline: nothing is traced for assurance);
- *evidence entries*: the same with evidence covering its top-level sections, each file
  hashed (every passing rule is traced once more to find the values that decided it);
- *pack demanding evidence*: every rule of the pack given ``evidence: required``, the
  declaration without evidence (only the passing rules are traced);
- *evaluate, demanding*: ``licensecheck.evaluate`` with that pack (the fast API traces only the
  demanding rules that pass) against ``evaluate`` of the plain pack.

Ratios are against the baseline measured in the same run, so a busy machine shifts all four.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import licensecheck
from licensecheck.engine.pipeline import prepare_pack

BENCH = Path(__file__).resolve().parent
AS_OF = "2026-01-15"
SECTIONS = ("company", "data_sources", "recipients", "security", "governance", "processing")


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _with_evidence(folder: Path) -> Path:
    text = (BENCH / "declaration.yaml").read_text(encoding="utf-8")
    entries = []
    for number, section in enumerate(SECTIONS):
        body = f"evidence for {section}\n".encode()
        (folder / f"ev-{number}.txt").write_bytes(body)
        entries.append(
            f"  - id: ev-{number}\n    kind: other\n    path: ev-{number}.txt\n"
            f'    sha256: "{hashlib.sha256(body).hexdigest()}"\n    covers: [{section}]\n'
        )
    target = folder / "with-evidence.yaml"
    target.write_text(text + "evidence:\n" + "".join(entries), encoding="utf-8")
    return target


def _demanding_pack(folder: Path) -> Path:
    pack = folder / "bench-demanding"  # a pack's folder is named by its id
    shutil.copytree(BENCH / "pack", pack)
    for rules in pack.glob("*.rules"):
        text = rules.read_text(encoding="utf-8")
        # every rule demands evidence: the field goes right after each rule's severity
        text = re.sub(r"(\n\s*severity: *\w+)", r"\1\n    evidence: required", text)
        rules.write_text(text, encoding="utf-8")
    manifest = pack / "pack.yaml"
    manifest.write_text(
        re.sub(r"(?m)^id: .*$", "id: bench-demanding", manifest.read_text("utf-8")), "utf-8"
    )
    return pack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    repeat = 3 if parser.parse_args().quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = folder / "declaration.yaml"
        shutil.copy(BENCH / "declaration.yaml", plain)
        evidenced = _with_evidence(folder)
        pack = prepare_pack(BENCH / "pack")
        demanding = prepare_pack(_demanding_pack(folder))
        cases = {
            "no evidence (baseline)": lambda: licensecheck.assess(plain, pack, as_of=AS_OF),
            "evidence entries": lambda: licensecheck.assess(evidenced, pack, as_of=AS_OF),
            "pack demanding evidence": lambda: licensecheck.assess(plain, demanding, as_of=AS_OF),
            "evaluate, plain pack": lambda: licensecheck.evaluate(pack, plain, AS_OF),
            "evaluate, demanding": lambda: licensecheck.evaluate(demanding, plain, AS_OF),
        }
        for run in cases.values():  # warm: traced rules compiled once, caches filled
            run()
        figures = {name: _median_ms(run, repeat) for name, run in cases.items()}
    print(f"assurance cost (38 rules, {repeat} repetitions, load {os.getloadavg()[0]:.2f})")
    for name, ms in figures.items():
        print(f"  {name:<28} {ms:8.2f} ms")
    base = figures["no evidence (baseline)"]
    for name in ("evidence entries", "pack demanding evidence"):
        print(f"  ratio {name} / no evidence: {figures[name] / base:.2f}x")
    ratio = figures["evaluate, demanding"] / figures["evaluate, plain pack"]
    print(f"  ratio evaluate demanding / plain: {ratio:.2f}x")


if __name__ == "__main__":
    main()
