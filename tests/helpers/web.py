"""The web app as the tests drive it: a browser's view through the ASGI test client."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from licensecheck.api import open_workspace
from licensecheck.web.app import create_app
from licensecheck.web.state import Settings

AS_OF = "2026-06-01"
PACK = "cn-credit-reporting"


class Web:
    """A browser's view of the app: the client, its CSRF token, and helpers for drafts."""

    def __init__(self, client: TestClient, folder: Path) -> None:
        self.client = client
        self.folder = folder
        client.get("/")
        self.csrf = client.cookies.get("lc_csrf") or ""

    def start(self, firm: str = "Acme Data", packs: tuple[str, ...] = (PACK,)) -> str:
        done = self.client.post(
            "/drafts",
            data={"csrf": self.csrf, "packs": list(packs), "firm": firm},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        return str(done.headers["location"])

    def answer(self, draft: str, **answers: str | list[str]) -> str:
        done = self.client.post(
            f"{draft}/answers",
            data=answers,
            headers={"X-CSRF-Token": self.csrf, "HX-Request": "true"},
        )
        assert done.status_code == 200, done.text
        return done.text


def score(html: str) -> int:
    return int(re.findall(r'data-testid="score">(\d+)<', html)[0])


def counts(html: str) -> dict[str, int]:
    """The panel's counts by status (the first pack's)."""
    found: dict[str, int] = {}
    for status, n in re.findall(r'<span data-status="(\w+)">(\d+)</span>', html):
        found.setdefault(status, int(n))
    return found


def make_client(folder: Path, **settings: object) -> TestClient:
    workspace = open_workspace(folder, initialise=True)
    app = create_app(Settings(workspace, as_of=AS_OF, **settings))  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(folder: Path, *extra: str) -> Iterator[str]:
    """``licensecheck serve`` on a free port as a real process (uvicorn); yields its URL."""
    port = free_port()
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
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.communicate()[1][-2000:]}")
        try:
            if httpx.get(f"{url}/api/v1/packs", timeout=5).status_code in (200, 401):
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer within 60 s")
