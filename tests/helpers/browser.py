"""A real browser for the HTML outputs: the DOM headless Chromium builds from a page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def dump_dom(html: Path) -> str | None:
    """The DOM headless Chromium builds from ``html``; None when no Chromium (outside CI)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs chromium (.ci/run installs it)")
        return None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={html.parent / 'chromium-profile'}",
    ]
    proc = subprocess.run(
        [browser, *flags, "--dump-dom", html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout
