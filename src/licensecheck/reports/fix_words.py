"""Say declaration edits in words: :class:`~licensecheck.reports.fixes.Edit` s → sentences (en or zh).

Input: the edits of one fix, the declaration data (for list entries' ids) and the pack's
constants. Output: one sentence per group of similar edits, such as "set
`consent.separate: true` on data_sources ds-crawl, ds-panel" or "raise
`company.registered_capital_cny` from 10,000,000 to at least 50,000,000". Paths and values
stay in the declaration's own syntax (in backticks), so the sentence can be followed
literally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.runtime import PathKey
from ..i18n import phrase
from ..lang.values import UNKNOWN, display
from ..sources.paths import format_path, value_at
from .fixes import Edit
from .requirements import requirement_text


def value_text(value: Any) -> str:
    """A value as the declaration writes it; big whole numbers get thousands separators."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}"
    return display(value)


@dataclass(frozen=True)
class Place:
    """Where an edit lands: a list entry (collection + entry label) and the field in it."""

    collection: str | None
    element: str | None
    field: str


def place_of(data: Mapping[str, Any], path: PathKey) -> Place:
    """Split ``path`` at the last list entry that is an object (a data source, a licence)."""
    value: Any = data
    split: tuple[int, str] | None = None
    for i, key in enumerate(path):
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
            if isinstance(value, dict) and i < len(path) - 1:
                label = value.get("id") or value.get("name")
                split = (i, str(label) if label is not None else f"[{key}]")
        else:
            break
    if split is None:
        return Place(None, None, format_path(path))
    i, label = split
    return Place(format_path(path[:i]), label, format_path(path[i + 1 :]))


# ---------------------------------------------------------------- sentences

# Edits of these kinds read well merged over several list entries ("… on data_sources a, b").
_MERGEABLE = ("set", "declare", "remove", "add_item", "remove_item")


def edit_sentences(
    edits: Sequence[Edit],
    data: Mapping[str, Any],
    consts: Mapping[str, object],
    lang: str = "en",
) -> list[str]:
    """One sentence per group of similar edits, in the order the edits come."""
    groups: dict[tuple[Any, ...], list[tuple[Edit, Place]]] = {}
    for edit in edits:
        place = _edit_place(edit, data)
        groups.setdefault(_group_key(edit, place), []).append((edit, place))
    return [_sentence(group, consts, lang) for group in groups.values()]


def _edit_place(edit: Edit, data: Mapping[str, Any]) -> Place:
    if edit.action == "remove_item" and isinstance(edit.path[-1], int):
        return Place(None, None, format_path(edit.path[:-1]))  # the list, not its item
    if edit.action in ("add_item", "remove_item", "add_element"):
        return Place(None, None, format_path(edit.path))
    return place_of(data, edit.path)


def _group_key(edit: Edit, place: Place) -> tuple[Any, ...]:
    if edit.action in ("add_item", "remove_item"):
        return (edit.action, place.field)
    if edit.action in _MERGEABLE:
        return (edit.action, place.collection, place.field, edit.op, repr(edit.target))
    return (id(edit),)


def _sentence(
    group: list[tuple[Edit, Place]],
    consts: Mapping[str, object],
    lang: str,
) -> str:
    edit, place = group[0]
    if edit.action in ("add_item", "remove_item"):
        items = _say("join", lang).join(value_text(e.target) for e, _ in group)
        return _say(edit.action, lang, field=place.field, items=items)
    if edit.action in _MERGEABLE:
        return _merged(group, place.field, lang)
    field = f"`{format_path(edit.path)}`"  # the whole path, then which entry it is in
    if place.element:
        field += f" ({place.element})"
    current = (
        value_text(edit.current) if edit.current is not UNKNOWN else _say("not_declared", lang)
    )
    if edit.action in ("raise", "lower"):
        verb = edit.action if _is_number(edit.target) else "move"
        return _say(verb, lang, field=field, current=current, bound=bound_words(edit, lang))
    if edit.action == "change":
        if edit.op == "in":
            choices = _say("join", lang).join(value_text(c) for c in edit.choices)
            return _say("change_in", lang, field=field, current=current, choices=choices)
        if edit.op == "not in":
            choices = _say("join", lang).join(value_text(c) for c in edit.choices)
            return _say("change_not_in", lang, field=field, current=current, choices=choices)
        if edit.op == "!=":
            return _say("change_ne", lang, field=field, current=current)
        return _say("change", lang, field=field, current=current, value=value_text(edit.target))
    condition = "…"
    if edit.condition is not None:
        bound = (edit.var,) if edit.var else ()
        condition = requirement_text(edit.condition, consts, lang, bound)
    return _say(edit.action, lang, field=field, current=current, condition=condition)


def _merged(group: list[tuple[Edit, Place]], field: str, lang: str) -> str:
    edit, place = group[0]
    undeclared = all(e.current is UNKNOWN for e, _ in group)
    declares_value = edit.action == "declare" and edit.has_target and edit.op == "=="
    if edit.action == "set" and not undeclared:
        sentence = _say("set", lang, field=field, value=value_text(edit.target))
    elif edit.action == "set" or declares_value:
        sentence = _say("declare_value", lang, field=field, value=value_text(edit.target))
    else:
        sentence = _say(edit.action, lang, field=field)
    if place.collection:
        elements = _say("join", lang).join(p.element or "?" for _, p in group)
        sentence += _say("on", lang, collection=place.collection, elements=elements)
    if edit.action == "declare" and edit.op in (">=", ">", "<=", "<"):
        sentence = _say("bounded", lang, sentence=sentence, bound=bound_words(edit, lang).strip())
    return sentence


def fact_sentences(facts: Sequence[Edit], data: Mapping[str, Any], lang: str = "en") -> list[str]:
    """One sentence per fact a fix does not offer to change (one per path): what it is, and
    that it is a fact about the firm rather than a setting."""
    sentences: dict[str, str] = {}
    for edit in facts:
        path = edit.path[:-1] if edit.action == "remove_item" else edit.path
        field = f"`{format_path(path)}`"
        place = place_of(data, path)
        if place.element:
            field += f" ({place.element})"
        current = _current_of(data, path, lang)
        sentences.setdefault(field, _say("fact", lang, field=field, current=current))
    return list(sentences.values())


def _current_of(data: Mapping[str, Any], path: PathKey, lang: str) -> str:
    """The declared value at ``path``, as the declaration writes it."""
    value = value_at(data, path)
    if value is None:
        return _say("not_declared", lang)
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return value_text(value)


def bound_words(edit: Edit, lang: str) -> str:
    """What an edit's bound asks of the value: "at least 50,000,000", "2025-01-01 or later"."""
    key = ("date" if isinstance(edit.target, dt.date) else "") + edit.op
    return _say(f"bound.{key}", lang, t=value_text(edit.target))


def _say(key: str, lang: str, **fields: object) -> str:
    return phrase(f"edit.{key}", lang, **fields)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
