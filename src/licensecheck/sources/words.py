"""Values in words, for messages: ``the string "yes"``, ``the number 3``, ``a list``."""

from __future__ import annotations

import datetime
import json

__all__ = ["describe", "literal", "quote"]


def quote(text: str, limit: int = 60) -> str:
    """A string as it would be written in the file, shortened when long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def describe(value: object) -> str:
    """A value in words: ``the string "yes"``, ``the number 3``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        shown = str(value)
        return f"the number {shown if len(shown) <= 40 else shown[:39] + '…'}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, dict):
        return "a mapping ('key: value' entries)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"a value of type {type(value).__name__}"


def literal(value: object) -> str:
    """A value as written in the file: strings quoted, the rest in words or digits."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool | int | float) or value is None:
        return describe(value).removeprefix("the number ")
    return describe(value)
