"""The live result of a draft: its answers as a declaration, checked and assessed.

Input: a draft, its questionnaire and the compiled packs. Output: a :class:`Live` — for each
pack the score, its range, the counts and the gaps; and the schema's messages (the CLI's,
word for word) beside the answers they are about. An answer the schema rejects is left out
of the assessment, so the score still moves while one field is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..declaration.loader import (
    Declaration,
    load_declaration,
    load_declaration_text,
    parse_declaration_text,
)
from ..engine.compile import CompiledPack
from ..engine.gate import counts_as_gap, severity_rank
from ..engine.models import Assessment, Finding
from ..engine.pipeline import assess
from ..errors import DeclarationError, Diagnostic
from ..reports.gap import score_range
from ..workspace.drafts import Draft
from .questions import Section, declaration_data

#: The name a draft's declaration is reported under (messages, the JSON report).
SOURCE = "questionnaire.yaml"


@dataclass
class PackResult:
    pack: CompiledPack
    assessment: Assessment
    worst: int
    best: int

    @property
    def gaps(self) -> list[Finding]:
        """Fails, unknowns and errors, most severe first."""
        found = [
            f for f in self.assessment.findings if counts_as_gap(f.status, in_grace=f.in_grace)
        ]
        return sorted(found, key=lambda f: (severity_rank(f.severity), f.status, f.rule_id))


@dataclass
class Live:
    declaration: Declaration | None
    results: list[PackResult] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)


def plain(value: Any) -> Any:
    """A declaration's values as JSON and YAML write them (dates as ``YYYY-MM-DD``)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(plain(data), allow_unicode=True, sort_keys=False, width=100)


def evaluate(
    draft: Draft,
    sections: Sequence[Section],
    packs: Sequence[CompiledPack],
    *,
    as_of: str | None,
    lang: str,
) -> Live:
    """Check and assess the draft's answers against every pack."""
    schema = packs[0].checked.schema
    data, placed = declaration_data(draft.firm, draft.base, sections, draft.answers, draft.lists)
    live = Live(declaration=None)
    try:
        # the mapping itself: no YAML written and read back while every answer is valid
        declaration = load_declaration(data, schema=schema)
    except DeclarationError:
        # now the text, for positions: each message goes beside the answer on its line
        try:
            load_declaration_text(dump(data), SOURCE, schema=schema)
        except DeclarationError as error:
            live.field_errors, live.errors = _by_field(data, placed, error.diagnostics)
        data, _ = declaration_data(
            draft.firm, draft.base, sections, draft.answers, draft.lists, skip=live.field_errors
        )
        try:
            declaration = load_declaration(data, schema=schema)
        except DeclarationError as again:
            live.errors = list(again.diagnostics)
            return live
    live.declaration = declaration
    for pack in packs:
        assessment = assess(declaration, pack, as_of=as_of, lang=lang)
        span = score_range(assessment.findings)
        live.results.append(PackResult(pack, assessment, span.worst, span.best))
    return live


def _by_field(
    data: dict[str, Any],
    placed: Mapping[str, tuple[str | int, ...]],
    diagnostics: Sequence[Diagnostic],
) -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """Each diagnostic beside the answer on its line; the others on their own."""
    text = dump(data)
    _, positions = parse_declaration_text(text, SOURCE)
    line_of: dict[int, str] = {}
    for key, path in placed.items():
        where = positions.position(path)
        if where is not None:
            line_of[where[0]] = key
    by_field: dict[str, list[str]] = {}
    others: list[Diagnostic] = []
    for diagnostic in diagnostics:
        found = line_of.get(diagnostic.span.line) if diagnostic.span else None
        if found is None:
            others.append(diagnostic)
        else:
            by_field.setdefault(found, []).append(diagnostic.message)
    return by_field, others
