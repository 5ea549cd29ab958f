"""Pack supply chain benchmark: what a lock and a required signature add to a cold ``check``.

    python bench/packchain.py            # full run: 15 processes per variant
    python bench/packchain.py --quick    # smoke run (3 per variant)

Each variant is ``licensecheck check`` of the demo declaration in a fresh process (start-up,
pack load, assessment, JSON output), run in turn so the machine's load falls on all alike:

- baseline: the bundled pack ``cn-credit-reporting``, no lock;
- locked: the same with ``licensecheck.lock`` pinning it and the pack it extends (every file of
  both hashed before they are parsed);
- signed: a copy of the pack on the pack path, signed, with ``--require-signed --trusted-key``
  (the signature checked: ``cryptography`` imported, the listing verified) and the lock.

Times are medians; the ratios against the baseline are the figures to read.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from licensecheck.resources import policies_dir

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
PACK = "cn-credit-reporting"


def licensecheck(*args: str | Path, cwd: Path) -> float:
    """Seconds one ``licensecheck ARGS`` process takes; it must exit 0 or 1 (gaps)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "licensecheck", "--no-config", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"licensecheck {' '.join(map(str, args))} failed:\n{done.stderr}")
    return elapsed


def prepare(folder: Path) -> dict[str, Path]:
    """Three working folders: no lock; a lock; a signed copy of the pack with a lock."""
    folders = {name: folder / name for name in ("baseline", "locked", "signed")}
    for path in folders.values():
        path.mkdir()
        shutil.copy(EXAMPLE, path / "firm.yaml")
    licensecheck("packs", "lock", PACK, cwd=folders["locked"])
    signed = folders["signed"]
    shutil.copytree(policies_dir() / PACK, signed / "packs" / PACK)
    licensecheck("keys", "generate", "release", cwd=signed)
    licensecheck("packs", "sign", f"packs/{PACK}", "--key", "release.key", cwd=signed)
    licensecheck("packs", "lock", PACK, "--pack-path", "packs", cwd=signed)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per variant")
    runs = 3 if parser.parse_args().quick else 15
    check = ("check", "firm.yaml", "--pack", PACK, "--as-of", "2026-01-15", "--format", "json")
    extra = {
        "baseline": (),
        "locked": (),
        "signed": ("--pack-path", "packs", "--require-signed", "--trusted-key", "release.pub"),
    }
    with tempfile.TemporaryDirectory() as scratch:
        folders = prepare(Path(scratch))
        times: dict[str, list[float]] = {name: [] for name in folders}
        for _ in range(runs):
            for name, cwd in folders.items():
                times[name].append(licensecheck(*check, *extra[name], cwd=cwd))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"cold check of {EXAMPLE.name} with {PACK}, median of {runs} processes")
    for name, value in medians.items():
        print(f"  {name:<10} {value * 1000:8.1f} ms")
    for name in ("locked", "signed"):
        print(f"  ratio {name} / baseline: {medians[name] / medians['baseline']:.2f}x")


if __name__ == "__main__":
    main()
