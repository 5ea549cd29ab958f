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
from ..lang.describe import requirement_text
from ..lang.values import UNKNOWN, display
from ..sources.paths import format_path
from .fixes import Edit


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

_EN = {
    "not_declared": "not declared",
    "set": "set `{field}: {value}`",
    "on": " on {collection} {elements}",
    "declare": "declare `{field}`",
    "declare_value": "declare `{field}: {value}`",
    "remove": "remove `{field}`",
    "add_item": "add {items} to `{field}`",
    "remove_item": "remove {items} from `{field}`",
    "raise": "raise {field} from {current} to {bound}",
    "lower": "lower {field} from {current} to {bound}",
    "move": "change {field} from {current} to {bound}",
    "change": "change {field} from {current} to {value}",
    "change_in": "change {field} from {current} to one of {choices}",
    "change_ne": "change {field} from {current} to another value",
    "change_not_in": "change {field} from {current} to a value other than {choices}",
    "add_element": "add an entry to {field} where {condition}",
    "adjust": "change {field} (now {current}) so that {condition}",
    "join": ", ",
    ">=": "at least {t}",
    ">": "more than {t}",
    "<=": "at most {t}",
    "<": "less than {t}",
    "date>=": "{t} or later",
    "date>": "a date after {t}",
    "date<=": "{t} or earlier",
    "date<": "a date before {t}",
    "bounded": "{sentence} ({bound})",
}
_ZH = {
    "not_declared": "未申报",
    "set": "将 `{field}` 设为 `{value}`",
    "on": "（{collection}：{elements}）",
    "declare": "申报 `{field}`",
    "declare_value": "申报 `{field}` 为 `{value}`",
    "remove": "删除 `{field}`",
    "add_item": "在 `{field}` 中加入 {items}",
    "remove_item": "从 `{field}` 中移除 {items}",
    "raise": "将 {field} 从 {current} 提高到{bound}",
    "lower": "将 {field} 从 {current} 降低到{bound}",
    "move": "将 {field} 从 {current} 改为{bound}",
    "change": "将 {field} 从 {current} 改为 {value}",
    "change_in": "将 {field} 从 {current} 改为以下之一：{choices}",
    "change_ne": "将 {field} 从 {current} 改为其他值",
    "change_not_in": "将 {field} 从 {current} 改为 {choices} 以外的值",
    "add_element": "在 {field} 中新增一项，满足：{condition}",
    "adjust": "调整 {field}（当前为 {current}），使以下条件成立：{condition}",
    "join": "、",
    ">=": "不少于 {t}",
    ">": "大于 {t}",
    "<=": "不超过 {t}",
    "<": "小于 {t}",
    "date>=": " {t} 或之后",
    "date>": " {t} 之后的日期",
    "date<=": " {t} 或之前",
    "date<": " {t} 之前的日期",
    "bounded": "{sentence}（{bound}）",
}
WORDS: dict[str, dict[str, str]] = {"en": _EN, "zh": _ZH}

# Edits of these kinds read well merged over several list entries ("… on data_sources a, b").
_MERGEABLE = ("set", "declare", "remove", "add_item", "remove_item")


def edit_sentences(
    edits: Sequence[Edit],
    data: Mapping[str, Any],
    consts: Mapping[str, object],
    lang: str = "en",
) -> list[str]:
    """One sentence per group of similar edits, in the order the edits come."""
    words = WORDS.get(lang, _EN)
    groups: dict[tuple[Any, ...], list[tuple[Edit, Place]]] = {}
    for edit in edits:
        place = _edit_place(edit, data)
        groups.setdefault(_group_key(edit, place), []).append((edit, place))
    return [_sentence(group, consts, words, lang) for group in groups.values()]


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
    words: dict[str, str],
    lang: str,
) -> str:
    edit, place = group[0]
    if edit.action in ("add_item", "remove_item"):
        items = words["join"].join(value_text(e.target) for e, _ in group)
        return words[edit.action].format(field=place.field, items=items)
    if edit.action in _MERGEABLE:
        return _merged(group, place.field, words)
    field = f"`{format_path(edit.path)}`"  # the whole path, then which entry it is in
    if place.element:
        field += f" ({place.element})"
    current = value_text(edit.current) if edit.current is not UNKNOWN else words["not_declared"]
    if edit.action in ("raise", "lower"):
        verb = edit.action if _is_number(edit.target) else "move"
        return words[verb].format(field=field, current=current, bound=_bound(edit, words))
    if edit.action == "change":
        if edit.op == "in":
            choices = words["join"].join(value_text(c) for c in edit.choices)
            return words["change_in"].format(field=field, current=current, choices=choices)
        if edit.op == "not in":
            choices = words["join"].join(value_text(c) for c in edit.choices)
            return words["change_not_in"].format(field=field, current=current, choices=choices)
        if edit.op == "!=":
            return words["change_ne"].format(field=field, current=current)
        return words["change"].format(field=field, current=current, value=value_text(edit.target))
    condition = "…"
    if edit.condition is not None:
        bound = (edit.var,) if edit.var else ()
        condition = requirement_text(edit.condition, consts, lang, bound)
    return words[edit.action].format(field=field, current=current, condition=condition)


def _merged(group: list[tuple[Edit, Place]], field: str, words: dict[str, str]) -> str:
    edit, place = group[0]
    undeclared = all(e.current is UNKNOWN for e, _ in group)
    declares_value = edit.action == "declare" and edit.has_target and edit.op == "=="
    if edit.action == "set" and not undeclared:
        sentence = words["set"].format(field=field, value=value_text(edit.target))
    elif edit.action == "set" or declares_value:
        sentence = words["declare_value"].format(field=field, value=value_text(edit.target))
    else:
        sentence = words[edit.action].format(field=field)
    if place.collection:
        elements = words["join"].join(p.element or "?" for _, p in group)
        sentence += words["on"].format(collection=place.collection, elements=elements)
    if edit.action == "declare" and edit.op in (">=", ">", "<=", "<"):
        sentence = words["bounded"].format(sentence=sentence, bound=_bound(edit, words).strip())
    return sentence


def _bound(edit: Edit, words: dict[str, str]) -> str:
    key = ("date" if isinstance(edit.target, dt.date) else "") + edit.op
    return words[key].format(t=value_text(edit.target))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
