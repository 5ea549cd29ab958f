"""Two processes recording 200 assessments each at the same moment lose nothing: 100 of the
runs both record (stored once) and 100 each of its own, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
PER_WORKER, SHARED = 200, 100

# One worker: prepare one recording, say it is ready, wait for the go, then record it under
# 200 dates (the first 100 the same for both workers), each in its own transaction.
WORKER = """
import dataclasses, datetime as dt, sys, time
from pathlib import Path
from licensecheck.api import assess, load_declaration, open_workspace, prepare_pack
from licensecheck.workspace.record import pack_files_of, record, recording

where, declaration, worker, signals = sys.argv[1:5]
PER_WORKER, SHARED = int(sys.argv[5]), int(sys.argv[6])
pack = prepare_pack("starter")
result = assess(declaration, pack, as_of="2026-01-01")
item = recording(result, load_declaration(declaration, schema=pack.checked.schema),
                 pack_files_of(pack), "high")
options = {"database_url": where} if "://" in where else {"workspace": where}
with open_workspace(**options) as ws:
    Path(signals, f"ready-{worker}").touch()
    while not Path(signals, "go").exists():
        time.sleep(0.01)
    added = 0
    for i in range(PER_WORKER):
        day = i if i < SHARED else 1000 * (int(worker) + 1) + i
        when = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        added += record(ws, dataclasses.replace(
            item, assessment=result.model_copy(update={"as_of": when})))
print(added)
"""


def test_two_processes_recording_at_once_lose_nothing(workspace: Target, tmp_path: Path) -> None:
    where = str(workspace.folder) if workspace.folder is not None else workspace.url
    signals = tmp_path / "signals"
    signals.mkdir()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                where,
                str(DEMO),
                str(n),
                str(signals),
                str(PER_WORKER),
                str(SHARED),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    deadline = time.monotonic() + 120
    while not all((signals / f"ready-{n}").exists() for n in range(2)):
        assert time.monotonic() < deadline, [w.poll() for w in workers]
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
        time.sleep(0.05)
    (signals / "go").touch()
    outcomes = [w.communicate(timeout=600) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outcomes
    added = [int(out.strip()) for out, _ in outcomes]
    expected = SHARED + 2 * (PER_WORKER - SHARED)
    assert sum(added) == expected
    code, out, _ = run("workspace", "info", *workspace.args)
    assert code == 0
    assert f"assessments: {expected}\n" in out
    assert "firms: 1\n" in out
    code, out, _ = run("history", "91440300MA5FK7Q2X1", "--format", "json", *workspace.args)
    runs = json.loads(out)["packs"][0]["runs"]
    assert len(runs) == expected
    assert len({r["as_of"] for r in runs}) == expected
