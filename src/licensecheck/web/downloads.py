"""What the web app hands back: the declaration as a commented YAML file, and a draft's
assessments recorded in the workspace.

Input: a draft, its questionnaire and its validated declaration. Output: YAML text that
``licensecheck check`` reads to the same statuses as the page (with the schema modeline and,
above each answered field, what it is and the rules that use it, as ``init`` writes them);
or the firm's key after recording.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from ..authoring.skeleton import first_sentence, format_read
from ..declaration.loader import Declaration
from ..engine.gate import DEFAULT_FAIL_ON
from ..workspace.drafts import Draft
from ..workspace.identity import firm_key
from ..workspace.record import Recording, pack_files_of, record
from ..workspace.store import Workspace
from .live import Live, dump, plain
from .questions import Question, Section, all_questions

#: Where editors find the schema: ``licensecheck schema declaration -o declaration.schema.json``
MODELINE = "# yaml-language-server: $schema=declaration.schema.json"


def declaration_yaml(draft: Draft, sections: Sequence[Section], declaration: Declaration) -> str:
    """The declaration of ``draft`` as a commented YAML file."""
    by_read = {format_read(q.path): q for q in all_questions(sections)}
    lines = [
        MODELINE,
        f"# The declaration of {_one_line(draft.firm)}, answered in licensecheck's web app",
        f"# for the packs {', '.join(draft.packs)}. Check it: licensecheck check FILE "
        f"--pack {draft.packs[0]}",
        "# (write the schema beside it with: licensecheck schema declaration "
        "-o declaration.schema.json)",
    ]
    lines.extend(_mapping(plain(declaration.data), (), 0, by_read))
    return "\n".join(lines) + "\n"


def _mapping(
    data: Mapping[str, Any], path: tuple[str, ...], indent: int, by_read: dict[str, Question]
) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        here = (*path, key)
        lines.extend(_comment(by_read.get(format_read(here)), indent))
        lines.extend(_entry(_key(key), value, here, indent, by_read))
    return lines


def _entry(
    head: str, value: Any, path: tuple[str, ...], indent: int, by_read: dict[str, Question]
) -> list[str]:
    pad = " " * indent
    if isinstance(value, Mapping) and value:
        return [f"{pad}{head}:", *_mapping(value, path, indent + 2, by_read)]
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        lines = [f"{pad}{head}:"]
        for element in value:
            body = _mapping(element, (*path, "[]"), indent + 4, by_read)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            body[first] = " " * (indent + 2) + "- " + body[first].lstrip()
            lines.extend(
                " " * (indent + 2) + line.lstrip() if i < first else line
                for i, line in enumerate(body)
            )
        return lines
    return [f"{pad}{head}: {_scalar(value)}"]


def _comment(question: Question | None, indent: int) -> list[str]:
    if question is None:
        return []
    description = _one_line(first_sentence(question.description)) if question.description else ""
    parts = [p for p in (description, value_words_of(question)) if p]
    if question.rules:
        parts.append("used by " + ", ".join(question.rules))
    text = "; ".join(parts)
    lines = textwrap.wrap(text, 96, break_on_hyphens=False)
    return [" " * indent + "# " + line for line in lines]


def value_words_of(question: Question) -> str:
    """What the field takes, in the words ``init`` uses."""
    if question.choices:
        inner = "one of " + ", ".join(question.choices)
        return f"a list of {inner.removeprefix('one of ')}" if question.kind == "choices" else inner
    return _KIND_WORDS.get(question.kind, "")


_KIND_WORDS = {
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "date": "a date YYYY-MM-DD",
    "text": "text",
    "lines": "a list",
}


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _key(key: str) -> str:
    return key if key.isidentifier() else json.dumps(key, ensure_ascii=False)


def _scalar(value: Any) -> str:
    """A YAML scalar: JSON's spelling is YAML's (strings quoted, so "no" stays text)."""
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, Mapping) and not value:
        return "{}"
    return json.dumps(value, ensure_ascii=False)


def record_draft(workspace: Workspace, draft: Draft, live: Live) -> str:
    """Record each pack's assessment of the draft; returns the firm's key."""
    assert live.declaration is not None
    company = live.declaration.data.get("company") or {}
    text = dump(live.declaration.data).encode("utf-8")
    for result in live.results:
        item = Recording(
            result.assessment, company, text, pack_files_of(result.pack), DEFAULT_FAIL_ON
        )
        record(workspace, item)
    return firm_key(company)
