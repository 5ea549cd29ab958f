"""Pydantic's errors about a file read with positions → diagnostics at each value's place.

The tool's own small files (pack manifests, pack test cases, waiver files) are validated by
pydantic models; this turns every error into a plain-language diagnostic at the line and
column of the offending key, with "did you mean" for misspelt keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Diagnostic, did_you_mean
from .located import SourceFile
from .paths import PathKey

__all__ = ["empty_list", "validation_diagnostics"]


def empty_list() -> list[Any]:
    """A new empty list: the ``default_factory`` of the models' list fields, in place of
    ``list`` itself. Pydantic reads the signature of every factory, and the builtin ``list``'s
    is parsed from text by the tokenize module, whose large regular expression is compiled on
    first use: about 2 ms of every cold start for a factory that does the same (issue #12)."""
    return []


def validation_diagnostics(
    exc: ValidationError,
    data: Any,
    model: type[BaseModel],
    source: SourceFile,
    *,
    label: str,
    code: str,
    pack_wording: bool = False,
    pattern_words: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """One diagnostic per misplaced value (its messages joined with "or"), unknown keys first.

    ``label`` names the file in unknown-key messages (``unknown key 'x' in the waiver file``).
    Paths are written ``waivers[0].reason`` and a missing key is named at its parent
    (``waivers[0]: required key 'reason' is missing``). ``pack_wording`` keeps the words pack
    files have always had (tests and users know them): paths dotted throughout
    (``disable.0``), other messages led by the label, pydantic's own words for a missing key
    (``pack.yaml: title: field required``).
    ``pattern_words`` says in plain words what a field's regular expression wants.
    """
    words = pattern_words or {}
    dotted = _all_dots if pack_wording else _dotted
    messages: dict[PathKey, list[str]] = {}
    unknown: list[PathKey] = []
    for error in exc.errors():
        loc = _data_path(data, tuple(error["loc"]))
        if error["type"] == "extra_forbidden":
            unknown.append(loc)
            continue
        if error["type"] == "missing" and not pack_wording and loc:
            text = f"required key '{loc[-1]}' is missing"
            loc = loc[:-1]
        else:
            pattern = (error.get("ctx") or {}).get("pattern")
            text = words.get(str(pattern)) or error["msg"][0].lower() + error["msg"][1:]
            text += _suggestion(error)
        if text not in messages.setdefault(loc, []):
            messages[loc].append(text)
    diagnostics = []
    for loc in unknown:
        suggestion = did_you_mean(str(loc[-1]), _allowed_keys(model, loc[:-1]))
        message = f"unknown key '{dotted(loc)}' in {label}" + (
            f" (did you mean '{suggestion}'?)" if suggestion else ""
        )
        diagnostics.append(source.diagnostic(loc, code, message))
    for loc, texts in messages.items():
        where = f"{label}: {dotted(loc) or '(top)'}" if pack_wording else dotted(loc) or label
        diagnostics.append(source.diagnostic(loc, code, f"{where}: {' or '.join(texts)}"))
    return diagnostics


def _suggestion(error: Any) -> str:
    """ " (did you mean 'high'?)" for a misspelt choice (``hgh`` among a field's literals)."""
    expected = (error.get("ctx") or {}).get("expected")
    value = error.get("input")
    if error["type"] not in ("literal_error", "enum") or not isinstance(value, str) or not expected:
        return ""
    suggestion = did_you_mean(value, re.findall(r"'([^']*)'", str(expected)))
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


def _data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """``loc`` without pydantic's type tags (``str``, ``list[str]``): only real keys and indexes."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":  # pydantic's marker of a dict key's own error
            continue
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part == loc[-1]:
            pass  # a missing or unknown key: keep it in the message
        else:
            continue
        path.append(part)
    return tuple(path)


def _all_dots(loc: PathKey) -> str:
    return ".".join(str(part) for part in loc)


def _dotted(loc: PathKey) -> str:
    """``("waivers", 0, "reason")`` → ``waivers[0].reason``; keys are written as they are."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> list[str]:
    """The keys allowed at ``loc`` (for "did you mean"), following nested models; a key that
    names no field (an entry of a mapping such as ``overrides``) stays in the same model."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = next(
            (f for name, f in current.model_fields.items() if part in (name, f.alias)), None
        )
        if field is not None:
            current = _nested_model(field.annotation)
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _nested_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None
