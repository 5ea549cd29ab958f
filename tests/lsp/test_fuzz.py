"""A broken file never crashes the server: truncated and garbled edits, straight into the
handlers under hypothesis, then a smaller run through the real client."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from helpers.paths import REPO
from licensecheck.lsp import features
from licensecheck.lsp.language import Cursor
from licensecheck.lsp.project import Project
from licensecheck.lsp.server import check

from .conftest import diagnostics_for, edit, open_file

ORIGINAL = (REPO / "policies/starter/licensing.rules").read_text(encoding="utf-8")
PIECES = [*'{}[]()":.,#@=<>!?\\\n\t é中\x00\u202e', "rule ", "all x in ", "when:", "require:"]
GARBAGE = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@st.composite
def broken(draw: st.DrawFn) -> str:
    """The starter's licensing.rules cut short and with garbage spliced in."""
    text = ORIGINAL[: draw(st.integers(0, len(ORIGINAL)))]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(GARBAGE) + text[at + draw(st.integers(0, 5)) :]
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    root = tmp_path_factory.mktemp("fuzz") / "starter"
    shutil.copytree(REPO / "policies/starter", root)
    return Project(), root / "licensing.rules"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=broken(), line=st.integers(0, 40), character=st.integers(0, 120))
def test_every_handler_survives_a_broken_file(
    project: tuple[Project, Path], text: str, line: int, character: int
) -> None:
    state, path = project
    state.texts[str(path.resolve())] = text
    published = check(state, str(path))
    assert str(path.resolve()) in published  # the broken file gets its diagnostics
    diagnostics = [features.to_lsp(d) for d in published[str(path.resolve())]]
    cursor = Cursor(text, line, character)
    features.hover(state, str(path), cursor, "rules")
    features.completion(state, str(path), cursor)
    features.definition(state, str(path), cursor.word())
    features.symbols(text)
    features.folding(text)
    features.formatting(text, str(path))
    features.code_actions(path.as_uri(), text, diagnostics)


@pytest.mark.asyncio
async def test_the_server_survives_garbled_typing(client: LanguageClient, folder: Path) -> None:
    path = folder / "packs/starter/licensing.rules"
    uri = open_file(client, path)
    await diagnostics_for(client, uri)
    chance = random.Random(16)
    for version in range(2, 22):
        cut = ORIGINAL[: chance.randrange(len(ORIGINAL))]
        at = chance.randrange(len(cut) + 1)
        edit(
            client,
            uri,
            cut[:at] + chance.choice(['{"', "}}", "\x00", "中", "rule"]) + cut[at:],
            version,
        )
        await client.text_document_hover_async(
            t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(chance.randrange(30), 7))
        )
    edit(client, uri, ORIGINAL, 99)
    found = await diagnostics_for(
        client, uri, until=lambda ds: not any(d.severity == t.DiagnosticSeverity.Error for d in ds)
    )
    assert not [d for d in found if d.severity == t.DiagnosticSeverity.Error]
