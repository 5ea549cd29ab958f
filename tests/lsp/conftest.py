"""A real LSP client (pytest-lsp) driving ``licensecheck lsp`` over stdio, on a workspace
holding a copy of the starter pack, a pack extending it, a declaration and a configuration
naming that declaration for the code lenses."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from helpers.paths import REPO as ROOT

SERVER = [sys.executable, "-m", "licensecheck", "lsp"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The workspace: ``packs/starter``, ``packs/child`` (extends starter), a declaration."""
    packs = tmp_path / "packs"
    shutil.copytree(ROOT / "policies" / "starter", packs / "starter")
    child = packs / "child"
    child.mkdir()
    (child / "pack.yaml").write_text(
        "id: child\nversion: 0.1.0\ntitle: Child\nextends: [starter]\n"
        "declaration_schema: [1]\ndomains:\n  extra: {title: Extra}\n",
        encoding="utf-8",
    )
    (child / "extra.rules").write_text(
        'rule CH-001 {\n    title: "Has a licence"\n    domain: extra\n    severity: low\n'
        '    cite: ["Test"]\n    require: company.registered_capital_cny >= MIN_PERSONAL_CREDIT_CAPITAL_CNY\n'
        '    remediation: "Get one."\n}\n',
        encoding="utf-8",
    )
    shutil.copy(ROOT / "examples" / "demo-credit-scoring.yaml", tmp_path / "firm.yaml")
    (tmp_path / "licensecheck.toml").write_text(
        'pack-path = ["packs"]\nlsp-declaration = "firm.yaml"\n', encoding="utf-8"
    )
    return tmp_path


async def start(client: LanguageClient, folder: Path, locale: str = "en") -> None:
    client.diagnostics = Published()
    await client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            root_uri=folder.as_uri(),
            workspace_folders=[t.WorkspaceFolder(folder.as_uri(), "work")],
            locale=locale,
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, folder: Path):  # type: ignore[no-untyped-def]
    await start(lsp_client, folder)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def zh_client(lsp_client: LanguageClient, folder: Path):  # type: ignore[no-untyped-def]
    await start(lsp_client, folder, locale="zh-CN")
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Open ``path`` in the client (with ``text`` instead of what is on disk); its URI."""
    uri = path.as_uri()
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            t.TextDocumentItem(
                uri=uri,
                language_id="licensecheck-rules" if path.suffix == ".rules" else "yaml",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def edit(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Replace the whole document, as an editor does on each keystroke (full sync)."""
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


class Published(dict[str, list[t.Diagnostic]]):
    """The client's diagnostics by URI, counting the publications for each."""

    def __init__(self) -> None:
        super().__init__()
        self.count: dict[str, int] = {}

    def __setitem__(self, uri: str, diagnostics: list[t.Diagnostic]) -> None:
        self.count[uri] = self.count.get(uri, 0) + 1
        super().__setitem__(uri, diagnostics)


async def diagnostics_for(
    client: LanguageClient, uri: str, *, until: object = None, timeout: float = 20
) -> list[t.Diagnostic]:
    """The diagnostics published for ``uri`` after this call for which ``until(diagnostics)``
    holds (default: the next publication; with ``until``, what is already there may do)."""
    published = client.diagnostics
    assert isinstance(published, Published)
    before = published.count.get(uri, 0) if not callable(until) else -1
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        found = published.get(uri)
        fresh = found is not None and published.count.get(uri, 0) > before
        if fresh and (not callable(until) or until(found)):
            return list(found or [])
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri}: {published.get(uri)}")
