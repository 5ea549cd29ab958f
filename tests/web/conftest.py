"""The web app under test: a fresh SQLite workspace and the ASGI test client, CSRF ready."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.web import Web, make_client


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    client = make_client(tmp_path)
    with client:
        yield Web(client, tmp_path)
    client.app.state.lc.workspace.close()  # type: ignore[attr-defined]
