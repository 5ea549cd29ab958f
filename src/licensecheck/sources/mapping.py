"""An in-memory mapping → a plain copy, bounded by the same limits as a file.

What an API caller passes instead of a file: nulls are dropped, tuples become lists and
dates ISO strings (so the copy validates like a file's values), and the original is never
modified.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from .. import codes
from ..errors import Diagnostic, LicenseCheckError
from .limits import Limits
from .paths import PathKey, format_path
from .words import describe

__all__ = ["copy_mapping"]

_Container: TypeAlias = dict[str, Any] | list[Any]


class _NotPlain(ValueError):
    """A value that cannot be copied; the copier adds its path."""


def copy_mapping(
    source: Mapping[str, Any], limits: Limits, *, noun: str, error: type[LicenseCheckError]
) -> dict[str, Any]:
    """A plain copy of ``source``; ``noun`` names it in messages, ``error`` is raised."""
    root: dict[str, Any] = {}
    stack: list[tuple[Mapping[Any, Any] | Sequence[Any], _Container, PathKey]] = [
        (source, root, ())
    ]
    count = 1
    problems: list[Diagnostic] = []
    while stack:
        original, copy, path = stack.pop()
        entries: Iterable[tuple[Any, Any]]
        entries = original.items() if isinstance(original, Mapping) else enumerate(original)
        for key, value in entries:
            count += 2 if isinstance(copy, dict) else 1
            if count > limits.max_values:
                raise _limit(error, f"the {noun} holds more than {limits.max_values} values")
            if isinstance(copy, dict) and not isinstance(key, str):
                problems.append(_at(path, f"the key {key!r} is not a string"))
                continue
            child_path = (*path, key)
            if value is None and isinstance(copy, dict):
                continue  # an explicit null is the same as an absent key
            try:
                converted = _plain_value(value, noun)
            except _NotPlain as exc:
                problems.append(_at(child_path, str(exc)))
                continue
            if isinstance(converted, dict | list):
                if len(child_path) >= limits.max_depth:
                    raise _limit(
                        error,
                        f"{format_path(child_path)}: the {noun} is nested more than "
                        f"{limits.max_depth} levels deep",
                    )
                stack.append((value, converted, child_path))
            _store(copy, key, converted)
    if problems:
        raise error(problems)
    return root


def _plain_value(value: object, noun: str) -> object:
    """The JSON-like copy of one in-memory value; containers come back empty, to be filled."""
    if isinstance(value, Mapping):
        return {}
    if isinstance(value, list | tuple):
        return []
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotPlain(f"{value} is not allowed: a {noun} holds only finite numbers")
        return value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise _NotPlain(f"{describe(value)} cannot be part of a {noun}")


def _store(container: _Container, key: Any, value: object) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


def _at(path: PathKey, message: str) -> Diagnostic:
    where = format_path(path) or "the top level"
    return Diagnostic(code=codes.SCHEMA, message=f"{where}: {message}")


def _limit(error: type[LicenseCheckError], message: str) -> LicenseCheckError:
    return error(Diagnostic(code=codes.LIMIT, message=message))
