"""What every request of the web app shares: how it was started, the open workspace, and the
packs and questionnaires compiled once (pages and API routes take it from the request)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from .. import api
from ..engine.compile import CompiledPack
from ..workspace.store import Workspace
from . import security
from .questions import Section, questionnaire
from .views import Views


@dataclass
class Settings:
    """How the app was started (``licensecheck serve``'s options)."""

    workspace: Workspace
    token: str | None = None
    #: the assessment date; None: today (tests pass one so that outputs are fixed)
    as_of: str | None = None


@dataclass
class State:
    """What every request shares: the settings, the compiled packs and questionnaires."""

    settings: Settings
    views: Views
    _packs: dict[str, CompiledPack] = field(default_factory=dict)
    _questions: dict[tuple[tuple[str, ...], str], list[Section]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def workspace(self) -> Workspace:
        return self.settings.workspace

    def pack(self, pack_id: str) -> CompiledPack:
        """A bundled pack by id, compiled once (a bad id is a UsageError naming it)."""
        security.pack_id(pack_id)
        with self._lock:
            if pack_id not in self._packs:
                self._packs[pack_id] = api.prepare_pack(pack_id)
            return self._packs[pack_id]

    def questions(self, pack_ids: Sequence[str], lang: str) -> list[Section]:
        key = (tuple(pack_ids), lang)
        packs = [self.pack(p) for p in pack_ids]
        with self._lock:
            if key not in self._questions:
                self._questions[key] = questionnaire(packs, lang)
            return self._questions[key]


def state_of(request: Request) -> State:
    found: Any = request.app.state.lc
    assert isinstance(found, State)
    return found
