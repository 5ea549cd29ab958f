"""The packs there are: the default pack and a summary line of each bundled pack."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ..lang import nodes as n
from .loader import bundled_pack_ids, extends_entries, load_pack

#: The pack used when none is named (``--pack``, a waiver file's ``pack:``).
DEFAULT_PACK = "starter"


@dataclass(frozen=True)
class PackSummary:
    id: str
    version: str
    title: str
    extends: str | None  # the ``extends`` entries, comma-separated
    rules: int  # rules the pack itself defines (not those it inherits)


def list_packs() -> list[PackSummary]:
    """The bundled packs, by id."""
    summaries = []
    for pack_id in bundled_pack_ids():
        loaded = load_pack(pack_id)
        manifest = loaded.manifest
        summaries.append(
            PackSummary(
                id=manifest.id,
                version=manifest.version,
                title=manifest.title,
                extends=", ".join(extends_entries(manifest)) or None,
                rules=sum(
                    1 for m in loaded.modules for d in m.definitions if isinstance(d, n.RuleDef)
                ),
            )
        )
    return summaries


def render_pack_list(packs: list[PackSummary], fmt: str = "text") -> str:
    """``packs list``: a JSON array, or one aligned line a pack."""
    if fmt == "json":
        return (
            json.dumps([dataclasses.asdict(p) for p in packs], indent=2, ensure_ascii=False) + "\n"
        )
    width = max((len(p.id) for p in packs), default=10)
    lines = []
    for p in packs:
        extends = f"  (extends {p.extends})" if p.extends else ""
        lines.append(f"{p.id:<{width}}  {p.version:<7} {p.rules:>3} rules  {p.title}{extends}\n")
    return "".join(lines)
