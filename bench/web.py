"""Web app benchmark: one live update of the questionnaire (the htmx request an answer sends).

    python bench/web.py            # full run: 100 updates each way
    python bench/web.py --quick    # smoke run (a few seconds)

The draft is the demo firm (examples/demo-credit-scoring.yaml) against the full
cn-credit-reporting pack. One update saves the answer in the workspace, builds the declaration
from the answers, validates it, assesses it and renders the results panel. Timed two ways:
through the ASGI test client (the app alone) and through a real ``licensecheck serve``
(uvicorn, HTTP on 127.0.0.1). The baseline, measured in the same run, is assessing the same
declaration alone (a compiled pack, a loaded declaration). Target: an update in at most 100 ms.

Times are medians, with the 95th percentile beside them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from licensecheck.api import assess, load_declaration, open_workspace, prepare_pack
from licensecheck.web.app import create_app
from licensecheck.web.state import Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
PACK = "cn-credit-reporting"
AS_OF = "2026-06-01"
FIELD = "processing.publication.used"
TARGET_MS = 100.0


def timings(work: Callable[[int], object], repeats: int) -> list[float]:
    """Milliseconds of each call of ``work`` (after two warm-up calls)."""
    work(-2)
    work(-1)
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        work(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    return f"  {name:<34} {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms"


def start_draft(client: httpx.Client | TestClient) -> tuple[str, str]:
    client.get("/")
    csrf = client.cookies["lc_csrf"]
    done = client.post(
        "/drafts",
        data={"csrf": csrf, "packs": [PACK]},
        files={"upload": (EXAMPLE.name, EXAMPLE.read_bytes(), "application/yaml")},
        follow_redirects=True,
    )
    assert done.status_code == 200, done.text
    return str(done.url.path), csrf


def updates(client: httpx.Client | TestClient, repeats: int) -> list[float]:
    draft, csrf = start_draft(client)

    def answer(i: int) -> None:
        done = client.post(
            f"{draft}/answers",
            data={FIELD: ("yes", "no")[i % 2]},
            headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
        )
        assert done.status_code == 200 and 'data-testid="score"' in done.text

    return timings(answer, repeats)


def served(folder: Path, repeats: int) -> list[float]:
    with socket_port() as port:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "licensecheck",
                "serve",
                "--workspace",
                str(folder),
                "--port",
                str(port),
                "--as-of",
                AS_OF,
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/api/v1/packs", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with httpx.Client(base_url=url, timeout=60) as client:
            return updates(client, repeats)
    finally:
        process.terminate()
        process.communicate(timeout=30)


class socket_port:  # a context manager read as a phrase
    """A free TCP port on 127.0.0.1 (released on exit, for the server to take)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *_: object) -> None:
        self.sock.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    repeats = 10 if parser.parse_args().quick else 100
    compiled = prepare_pack(PACK)
    declaration = load_declaration(EXAMPLE, schema=compiled.checked.schema)
    baseline = timings(lambda _: assess(declaration, compiled, as_of=AS_OF), repeats)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = open_workspace(Path(tmp) / "asgi", initialise=True)
        with TestClient(create_app(Settings(workspace, as_of=AS_OF))) as client:
            asgi = updates(client, repeats)
        workspace.close()
        real = served(Path(tmp) / "served", repeats)
    rules = len(compiled.checked.rules)
    print(f"live update: the demo firm against {PACK} ({rules} rules), {repeats} updates each way")
    print(line("assess alone (baseline)", baseline))
    print(line("update through the ASGI client", asgi))
    print(line("update through uvicorn (HTTP)", real))
    ratio = statistics.median(real) / statistics.median(baseline)
    print(f"  ratio update (uvicorn) / assess: {ratio:.2f}x")
    worst = max(statistics.median(asgi), statistics.median(real))
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"  target <= {TARGET_MS:.0f} ms (median): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
