"""The pygls wiring: each LSP method to its answer in :mod:`.features`.

Input: LSP over stdio. Output: the answers, and diagnostics pushed after each change. Checks
run in a worker thread after a short pause in typing, so the event loop always answers, and
a check that fails for any reason is logged, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from .. import __version__, api
from . import features
from .language import Cursor
from .project import Project, kind_of

#: Seconds of quiet after a keystroke before the file is checked
DEBOUNCE = 0.05
T = TypeVar("T")
log = logging.getLogger(__name__)


class RulesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("licensecheck", __version__)
        self.project = Project()
        self.pending: dict[str, asyncio.Task[None]] = {}


def path_of(uri: str) -> str:
    return unquote(urlparse(uri).path)


def build_server() -> RulesServer:
    server = RulesServer()
    project = server.project

    @server.feature(t.INITIALIZE)
    def initialize(ls: RulesServer, params: t.InitializeParams) -> None:
        project.lang = "zh" if (params.locale or "").lower().startswith("zh") else "en"
        folder = params.root_uri and path_of(params.root_uri)
        if params.workspace_folders:
            folder = path_of(params.workspace_folders[0].uri)
        project.configure(folder or None)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: RulesServer, params: t.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: RulesServer, params: t.DidChangeTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: RulesServer, params: t.DidSaveTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RulesServer, params: t.DidCloseTextDocumentParams) -> None:
        project.texts.pop(os.path.realpath(path_of(params.text_document.uri)), None)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def hover(ls: RulesServer, params: t.HoverParams) -> t.Hover | None:
        path, cursor = here(ls, params.text_document.uri, params.position)
        kind = kind_of(path, cursor.text)
        if kind is None:
            return None
        text = await off_loop(lambda: features.hover(project, path, cursor, kind))
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text)) if text else None

    @server.feature(
        t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[".", '"', " "])
    )
    async def completion(ls: RulesServer, params: t.CompletionParams) -> t.CompletionList:
        path, cursor = here(ls, params.text_document.uri, params.position)
        items = await off_loop(lambda: features.completion(project, path, cursor))
        return t.CompletionList(is_incomplete=False, items=items or [])

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: RulesServer, params: t.DefinitionParams) -> list[t.Location]:
        path, cursor = here(ls, params.text_document.uri, params.position)
        return await off_loop(lambda: features.definition(project, path, cursor.word())) or []

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: RulesServer, params: t.ReferenceParams) -> list[t.Location]:
        path, cursor = here(ls, params.text_document.uri, params.position)
        return await off_loop(lambda: features.references(project, path, cursor.word())) or []

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: RulesServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        return features.symbols(ls.workspace.get_text_document(params.text_document.uri).source)

    @server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(ls: RulesServer, params: t.FoldingRangeParams) -> list[t.FoldingRange]:
        return features.folding(ls.workspace.get_text_document(params.text_document.uri).source)

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: RulesServer, params: t.DocumentFormattingParams) -> list[t.TextEdit]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if kind_of(document.path, document.source) != "rules":
            return []
        return features.formatting(document.source, document.path)

    @server.feature(
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]),
    )
    def code_action(ls: RulesServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        return features.code_actions(document.uri, document.source, params.context.diagnostics)

    @server.feature(t.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: RulesServer, params: t.CodeLensParams) -> list[t.CodeLens]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if kind_of(document.path, document.source) != "rules":
            return []
        path, text = document.path, document.source
        return await off_loop(lambda: features.lenses(project, path, text)) or []

    return server


def here(ls: RulesServer, uri: str, position: t.Position) -> tuple[str, Cursor]:
    document = ls.workspace.get_text_document(uri)
    return document.path, Cursor(document.source, position.line, position.character)


async def off_loop(work: Callable[[], T]) -> T | None:
    """Run ``work`` in a worker thread; a failure is logged and answered with nothing."""
    try:
        return await asyncio.get_running_loop().run_in_executor(None, work)
    except Exception:  # a broken file must never take the server down
        log.exception("licensecheck lsp: request failed")
        return None


def changed(ls: RulesServer, uri: str) -> None:
    """Record the new text and check it after a pause (a newer change cancels the wait)."""
    document = ls.workspace.get_text_document(uri)
    if kind_of(document.path, document.source) is None:
        return
    path = os.path.realpath(document.path)
    ls.project.texts[path] = document.source
    waiting = ls.pending.pop(path, None)
    if waiting is not None:
        waiting.cancel()
    ls.pending[path] = asyncio.ensure_future(check_later(ls, path))


async def check_later(ls: RulesServer, path: str) -> None:
    await asyncio.sleep(DEBOUNCE)
    found = await off_loop(lambda: check(ls.project, path))
    for file, diagnostics in (found or {}).items():
        ls.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(
                uri=_uri(file), diagnostics=[features.to_lsp(d) for d in diagnostics]
            )
        )


def check(project: Project, path: str) -> dict[str, list[api.Diagnostic]]:
    """The diagnostics of every file the change can affect."""
    if kind_of(path, project.texts.get(path, "")) == "declaration":
        return {path: project.check_declaration(path)}
    published: dict[str, list[api.Diagnostic]] = {}
    for root in project.packs_to_check(path):
        published.update(project.check_pack(root).diagnostics)
    return published


def _uri(path: str) -> str:
    from pathlib import Path

    return Path(path).as_uri()
