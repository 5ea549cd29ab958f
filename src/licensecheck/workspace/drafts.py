"""Questionnaire drafts: the web app's answers, saved in the workspace as they are given.

Input: an open :class:`~.store.Workspace` and a :class:`Draft` (a firm's name, the packs chosen,
the answers as typed and how many elements each list shows). Output: the draft read back, or
every draft newest first. A draft is not an assessment: it is saved on every change and read
back on a refresh or after a restart; an assessment is recorded only when asked for.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .db import workspace_error
from .models import drafts
from .store import Workspace

#: A draft id: 16 lower-case hex digits, made by :func:`new_draft_id`, checked by :func:`draft_id`.
_DRAFT_ID = re.compile(r"[0-9a-f]{16}")

Answer = str | list[str]


@dataclass
class Draft:
    """One firm's questionnaire in progress."""

    id: str
    firm: str
    packs: list[str]
    base: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    updated_at: dt.datetime | None = None


def new_draft_id() -> str:
    return secrets.token_hex(8)


def draft_id(text: str) -> str:
    """``text`` if it is a draft id; otherwise a WorkspaceError (an id comes from a URL)."""
    if _DRAFT_ID.fullmatch(text) is None:
        raise workspace_error(f"'{text[:40]}' is not a draft id (16 hex digits)")
    return text


def save_draft(workspace: Workspace, draft: Draft) -> Draft:
    """Insert or replace ``draft``; returns it with its new ``updated_at``."""
    draft.updated_at = dt.datetime.now(dt.UTC)
    row = {
        "firm": draft.firm,
        "packs": list(draft.packs),
        "base": draft.base,
        "answers": dict(draft.answers),
        "lists": dict(draft.lists),
        "updated_at": draft.updated_at,
    }

    def write(connection: Connection) -> None:
        done = connection.execute(drafts.update().where(drafts.c.id == draft.id).values(**row))
        if done.rowcount == 0:
            connection.execute(drafts.insert().values(id=draft.id, **row))

    workspace.write(write)
    return draft


def load_draft(workspace: Workspace, identifier: str) -> Draft:
    """The draft ``identifier``, or a WorkspaceError saying there is none."""
    key = draft_id(identifier)
    row = workspace.read(
        lambda c: c.execute(sa.select(drafts).where(drafts.c.id == key)).one_or_none()
    )
    if row is None:
        raise workspace_error(f"there is no draft '{key}' in this workspace")
    return _draft(row)


def list_drafts(workspace: Workspace) -> list[Draft]:
    """Every draft, the one changed last first."""
    rows = workspace.read(
        lambda c: c.execute(
            sa.select(drafts).order_by(drafts.c.updated_at.desc(), drafts.c.id)
        ).all()
    )
    return [_draft(row) for row in rows]


def _draft(row: Any) -> Draft:
    return Draft(
        id=row.id,
        firm=row.firm,
        packs=list(row.packs),
        base=dict(row.base),
        answers=dict(row.answers),
        lists={str(k): int(v) for k, v in dict(row.lists).items()},
        updated_at=row.updated_at,
    )
