"""The questionnaire: the fields the chosen packs read, as questions, and answers back into a
declaration.

Input: compiled packs (what their rules read: :mod:`licensecheck.authoring.skeleton`, the
same walk as ``init``) and a draft's answers as typed. Output: :class:`Section` s of
:class:`Question` s grouped by the domain of the rules that read them, and the declaration
mapping the answers make (laid over the draft's base declaration). Answers are kept as typed;
a number that is not one goes into the declaration as text, so that the schema's own message
(the CLI's) says what is wrong with it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..authoring.skeleton import ELEMENT, ReadPath, leaves, read_fields, schema_at
from ..declaration.schema import SchemaNode, describe
from ..engine.compile import CompiledPack
from ..sources.paths import format_path

#: Answers of a draft: a declaration path (``data_sources[0].kind``) → the text typed, or the
#: values ticked for a list.
Answers = Mapping[str, str | list[str]]

#: Units read off a field's name: ``retention_days`` is a number of days.
_UNITS = {
    "days": ("days", "天"),
    "months": ("months", "个月"),
    "years": ("years", "年"),
    "hours": ("hours", "小时"),
    "percent": ("%", "%"),
    "pct": ("%", "%"),
    "cny": ("CNY", "元"),
    "rmb": ("CNY", "元"),
    "usd": ("USD", "美元"),
    "eur": ("EUR", "欧元"),
}


@dataclass(frozen=True)
class Question:
    """One field to answer. ``path`` has :data:`ELEMENT` steps for list elements."""

    path: ReadPath
    kind: str  # boolean, enum, date, integer, number, text, choices (list of enum), lines
    description: str
    choices: tuple[str, ...] = ()
    unit: tuple[str, str] | None = None
    rules: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def key(self, index: int | None = None) -> str:
        """The answer key: the path with ``index`` for its list element."""
        return format_path(concrete(self.path, index))

    @property
    def label(self) -> str:
        return format_path([k for k in self.path if k != ELEMENT])


@dataclass
class ListGroup:
    """A list of objects (``data_sources``): questions asked once per element."""

    path: ReadPath
    questions: list[Question] = field(default_factory=list)
    #: whether its elements have an ``id`` (required where the schema has one)
    has_id: bool = False

    @property
    def key(self) -> str:
        return format_path(self.path)


@dataclass
class Section:
    domain: str
    title: str
    questions: list[Question] = field(default_factory=list)
    lists: list[ListGroup] = field(default_factory=list)


def concrete(path: ReadPath, index: int | None) -> tuple[str | int, ...]:
    """``path`` with its (first) list step replaced by ``index``."""
    out: list[str | int] = []
    for key in path:
        out.append(index if key == ELEMENT and index is not None else key)
    return tuple(out)


def questionnaire(packs: Sequence[CompiledPack], lang: str) -> list[Section]:
    """The questions of every field the packs read, by domain, in the packs' domain order."""
    reads: dict[ReadPath, set[str]] = {}
    domain_of_rule: dict[str, str] = {}
    titles: dict[str, str] = {}
    schemas: dict[ReadPath, SchemaNode | None] = {}
    for pack in packs:
        checked = pack.checked
        for path, rules in read_fields(checked).items():
            reads.setdefault(path, set()).update(rules)
            schemas.setdefault(path, schema_at(checked, path))
        for rule in checked.rules:
            domain_of_rule[rule.id] = rule.domain
        for domain, text in checked.domains.items():
            titles.setdefault(domain, text.get(lang) or text.get("en") or domain)
    sections = {d: Section(d, t) for d, t in titles.items()}
    for path in sorted(leaves(reads), key=_path_order):
        question = _question(path, schemas.get(path), reads[path], lang)
        if question is None:
            continue
        domains = Counter(domain_of_rule.get(r, "") for r in question.rules)
        domain = sorted(domains, key=lambda d: (-domains[d], d))[0]
        section = sections.setdefault(domain, Section(domain, titles.get(domain, domain)))
        _place(section, question)
    for section in sections.values():
        for group in section.lists:
            items = schema_at(packs[0].checked, (*group.path, ELEMENT)) if packs else None
            group.has_id = items is not None and "id" in items.properties
    return [s for s in sections.values() if s.questions or s.lists]


def _path_order(path: ReadPath) -> tuple[str, ...]:
    return tuple("" if k == ELEMENT else k for k in path)


def _place(section: Section, question: Question) -> None:
    """Into the section's plain questions, or the list group its first list step names."""
    if ELEMENT not in question.path:
        section.questions.append(question)
        return
    list_path = question.path[: question.path.index(ELEMENT)]
    for group in section.lists:
        if group.path == list_path:
            group.questions.append(question)
            return
    section.lists.append(ListGroup(list_path, [question]))


def _question(
    path: ReadPath, schema: SchemaNode | None, rules: set[str], lang: str
) -> Question | None:
    """The question of one read field; ``None`` for what a form cannot ask (a whole object,
    a list inside a list element)."""
    if path.count(ELEMENT) > 1 or (path and path[-1] == ELEMENT):
        return None
    kind = _kind(schema)
    if kind is None:
        return None
    if kind == "list-of-objects":  # the list itself is read (its length): ask for its ids
        return _question((*path, ELEMENT, "id"), schema.items if schema else None, rules, lang)
    choices: tuple[str, ...] = ()
    if kind == "enum" and schema is not None and schema.enum:
        choices = tuple(str(v) for v in schema.enum)
    if kind == "choices" and schema is not None and schema.items is not None:
        choices = tuple(str(v) for v in schema.items.enum or ())
    unit = _UNITS.get(str(path[-1]).rsplit("_", 1)[-1]) if kind in ("integer", "number") else None
    return Question(
        path=path,
        kind=kind,
        description=describe(path, schema, lang),
        choices=choices,
        unit=unit,
        rules=tuple(sorted(rules)),
        minimum=schema.minimum if schema is not None else None,
        maximum=schema.maximum if schema is not None else None,
    )


def _kind(schema: SchemaNode | None) -> str | None:
    if schema is None or schema.kind == "any":
        return "text"
    if schema.enum:
        return "enum"
    if schema.kind == "array":
        items = schema.items
        if items is not None and items.kind == "object":
            return "list-of-objects"
        return "choices" if items is not None and items.enum else "lines"
    return {
        "boolean": "boolean",
        "date": "date",
        "integer": "integer",
        "number": "number",
        "string": "text",
    }.get(schema.kind)


def all_questions(sections: Iterable[Section]) -> Iterator[Question]:
    for section in sections:
        yield from section.questions
        for group in section.lists:
            yield from group.questions


# ------------------------------------------------------------------ answers → declaration


def declaration_data(
    firm: str,
    base: Mapping[str, Any],
    sections: Sequence[Section],
    answers: Answers,
    lists: Mapping[str, int],
    *,
    skip: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, tuple[str | int, ...]]]:
    """The declaration the answers make over ``base``, and where each answer went (answer
    key → path). Unanswered fields are left out: undeclared means unknown, never false.
    ``skip``: answer keys to leave out (those the schema rejected, for a partial score)."""
    data: dict[str, Any] = copy.deepcopy(dict(base))
    data.setdefault("schema_version", 1)
    company = data.setdefault("company", {})
    if isinstance(company, dict) and firm:
        company["name"] = firm
    placed: dict[str, tuple[str | int, ...]] = {}
    skipped = set(skip)
    for section in sections:
        for question in section.questions:
            _answer_into(data, question, None, answers, placed, skipped)
        for group in section.lists:
            for index in range(list_length(group, lists, base)):
                element = _element(data, group.path, index)
                if group.has_id:
                    element.setdefault("id", f"{group.path[-1]}-{index + 1}".replace("_", "-"))
                for question in group.questions:
                    _answer_into(data, question, index, answers, placed, skipped)
    return data, placed


def list_length(group: ListGroup, lists: Mapping[str, int], base: Mapping[str, Any]) -> int:
    """How many elements the questionnaire shows: as chosen, else as many as the base has."""
    if group.key in lists:
        return lists[group.key]
    found = _get(base, group.path)
    return len(found) if isinstance(found, list) else 0


def _element(data: dict[str, Any], list_path: ReadPath, index: int) -> dict[str, Any]:
    node: Any = data
    for key in list_path[:-1]:
        node = node.setdefault(key, {})
    items = node.setdefault(list_path[-1], [])
    while len(items) <= index:
        items.append({})
    element: dict[str, Any] = items[index]
    return element


def _answer_into(
    data: dict[str, Any],
    question: Question,
    index: int | None,
    answers: Answers,
    placed: dict[str, tuple[str | int, ...]],
    skipped: set[str],
) -> None:
    key = question.key(index)
    raw = answers.get(key)
    if raw is None or key in skipped:
        return
    value = _value(question, raw)
    if value is None:
        return
    path = concrete(question.path, index)
    node: Any = data
    for step in path[:-1]:
        node = node[step] if isinstance(step, int) else node.setdefault(step, {})
    node[path[-1]] = value
    placed[key] = path


def _value(question: Question, raw: str | list[str]) -> Any:
    """The declaration value of an answer; ``None`` for "not answered"."""
    if isinstance(raw, list):
        values = [v for v in raw if v.strip()]
        return values if values else None
    text = raw.strip()
    if text == "":
        return None
    if question.kind == "boolean":
        return {"yes": True, "no": False}.get(text, text)
    if question.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if question.kind in ("integer", "number"):
        return _number(text, question.kind)
    return text


def _number(text: str, kind: str) -> int | float | str:
    try:
        number = float(text) if kind == "number" or "." in text else int(text)
    except ValueError:
        return text  # the schema's message says what is wrong
    return int(number) if kind == "integer" and float(number).is_integer() else number


# ------------------------------------------------------------------ declaration → answers


def answers_of(
    sections: Sequence[Section], data: Mapping[str, Any]
) -> tuple[dict[str, str | list[str]], dict[str, int]]:
    """The answers and list lengths a declaration gives (an upload, a firm's last one)."""
    answers: dict[str, str | list[str]] = {}
    lengths: dict[str, int] = {}
    for section in sections:
        for question in section.questions:
            _take(answers, question, None, data)
        for group in section.lists:
            found = _get(data, group.path)
            count = len(found) if isinstance(found, list) else 0
            lengths[group.key] = count
            for index in range(count):
                for question in group.questions:
                    _take(answers, question, index, data)
    return answers, lengths


def _take(
    answers: dict[str, str | list[str]], question: Question, index: int | None, data: Any
) -> None:
    value = _get(data, concrete(question.path, index))
    if value is None:
        return
    if isinstance(value, bool):
        answers[question.key(index)] = "yes" if value else "no"
    elif isinstance(value, list):
        texts = [_text(v) for v in value]
        answers[question.key(index)] = texts if question.kind == "choices" else "\n".join(texts)
    else:
        answers[question.key(index)] = _text(value)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _get(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or key >= len(node):
                return None
        elif not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node
