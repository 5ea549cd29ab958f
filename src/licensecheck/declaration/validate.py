"""Validation of a parsed declaration against the declaration JSON Schema.

Every violation at once, each a plain-language diagnostic at the file's line and column
(``company.name: expected a string, got the number 3``), with "did you mean" for misspelt
keys and enum values, plus the one rule JSON Schema cannot say: ids unique within a list.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import codes
from ..errors import DeclarationError, Diagnostic, did_you_mean
from ..sources.paths import PathKey, Positions, format_path
from ..sources.text import SourceText
from ..sources.words import describe, literal, quote
from ..sources.yaml_reader import YAML_WORD_BOOLEANS, ScalarError, resolve_number
from .convert import walk
from .schema import DeclarationSchema, SchemaNode, pattern_found

if TYPE_CHECKING:  # imported where used: valid declarations never need jsonschema
    import jsonschema.exceptions  # type: ignore[import-untyped, unused-ignore]

__all__ = ["MAX_DIAGNOSTICS", "NOUN", "validate"]

#: What a declaration is called in messages
NOUN = "declaration"
# Validation stops after this many problems: enough to fix a real file in one go, and a bound
# on the work a hostile one can cause.
MAX_DIAGNOSTICS = 1000


class _Where:
    """The values being validated, their positions and their source, to point at."""

    # not a frozen dataclass: nothing compares, prints or changes one, and building the
    # dataclass at import cost some 0.3 ms of every cold start (issue #12)
    __slots__ = ("data", "positions", "source")

    def __init__(
        self, data: dict[str, Any], positions: Positions | None, source: SourceText
    ) -> None:
        self.data = data
        self.positions = positions
        self.source = source


_TYPE_NAMES = {
    "object": "a mapping ('key: value' entries)",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def validate(
    data: dict[str, Any],
    positions: Positions | None,
    source: str,
    text: str,
    schema: DeclarationSchema,
) -> list[Diagnostic]:
    """Every schema violation in ``data``, as diagnostics sorted by position.

    ``data`` is parsed but not converted: dates are still strings.
    """
    where = _Where(data, positions, SourceText(source, text, NOUN, DeclarationError))
    problems = itertools.chain(_schema_problems(data, where, schema), _duplicate_ids(where, schema))
    # A hostile file could hold millions of errors: stop early, and say so.
    found = list(itertools.islice(_unique(problems), MAX_DIAGNOSTICS + 1))
    shown = sorted(found[:MAX_DIAGNOSTICS], key=Diagnostic.sort_key)
    return [*shown, _too_many()] if len(found) > MAX_DIAGNOSTICS else shown


def _schema_problems(
    data: dict[str, Any], where: _Where, schema: DeclarationSchema
) -> Iterator[Diagnostic]:
    if schema.accepts(data):  # valid documents skip jsonschema: only the wording needs it
        return
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

    for error in schema.validator().iter_errors(data):
        yield from _explain(best_match([error]), where, schema)


def _unique(diagnostics: Iterator[Diagnostic]) -> Iterator[Diagnostic]:
    """Each diagnostic once: jsonschema reports one ``required`` error per missing key, and
    each error names the whole list, so the same missing key would otherwise come once per
    missing sibling."""
    seen: set[Diagnostic] = set()
    for diagnostic in diagnostics:
        if diagnostic not in seen:
            seen.add(diagnostic)
            yield diagnostic


def _too_many() -> Diagnostic:
    return Diagnostic(
        code=codes.SCHEMA,
        message=f"more problems were found; only the first {MAX_DIAGNOSTICS} are shown",
    )


def _explain(
    error: jsonschema.exceptions.ValidationError, where: _Where, schema: DeclarationSchema
) -> Iterator[Diagnostic]:
    """One or more plain-language diagnostics for one jsonschema error."""
    path: PathKey = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_keys(error, path, where)
        return
    if keyword == "required":
        yield from _missing_keys(error, path, where)
        return
    message, hint = _message(error, path, schema)
    yield _at(where, path, message, hint=hint)


def _at(where: _Where, path: PathKey, message: str, *, hint: str | None = None) -> Diagnostic:
    """A schema diagnostic at ``path`` (or its nearest present parent), underlining the key."""
    positions = where.positions
    line, column = positions.locate(path) if positions is not None else (1, 1)
    found = positions is not None and positions.position(path) is not None
    width = len(path[-1]) if path and isinstance(path[-1], str) and found else 1
    return where.source.diagnostic(line, column, message, code=codes.SCHEMA, hint=hint, width=width)


def _place_name(path: PathKey) -> str:
    return format_path(path) or "the top level"


def _unknown_keys(
    error: jsonschema.exceptions.ValidationError, path: PathKey, where: _Where
) -> Iterator[Diagnostic]:
    instance = error.instance
    if not isinstance(instance, dict):
        return
    allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
    patterns = (
        list(error.schema.get("patternProperties", {})) if isinstance(error.schema, dict) else []
    )
    place = f"in {format_path(path)}" if path else "at the top level"
    for key in instance:
        if key in allowed or any(pattern_found(p, key) for p in patterns):
            continue
        suggestion = did_you_mean(key, allowed)
        shown = key if len(key) <= 60 else key[:59] + "…"  # a key may be any length
        message = f"unknown key '{shown}' {place}"
        hint = None
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        elif allowed:
            hint = "the keys allowed here are " + ", ".join(allowed)
        yield _at(where, (*path, key), message, hint=hint)


def _missing_keys(
    error: jsonschema.exceptions.ValidationError, path: PathKey, where: _Where
) -> Iterator[Diagnostic]:
    instance = error.instance
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for key in required:
        if isinstance(instance, dict) and key not in instance:
            hint = _id_hint(path) if key == "id" else None
            yield _at(where, path, f"{_place_name(path)}: missing required key '{key}'", hint=hint)


def _id_hint(path: PathKey) -> str | None:
    """Why a list entry needs an ``id``, and one to add. Ids are required on purpose: waivers
    (``element:``), baselines and diffs follow an entry by its id, so a derived one (from the
    position or a name) would change when the list is reordered or an entry renamed, and a
    waiver would silently stop applying."""
    if len(path) < 2 or not isinstance(path[-1], int) or not isinstance(path[-2], str):
        return None
    example = f"{path[-2].replace('_', '-')}-{path[-1] + 1}"
    return (
        f"give each entry a stable id, unique in its list (e.g. id: {example}): waivers, "
        "baselines and diffs follow the entry by it when the list is reordered"
    )


def _message(
    error: jsonschema.exceptions.ValidationError, path: PathKey, schema: DeclarationSchema
) -> tuple[str, str | None]:
    """The message and optional hint for a keyword that concerns one value."""
    place, value, expected = _place_name(path), error.instance, error.validator_value
    sub = error.schema if isinstance(error.schema, dict) else {}
    node = schema.node_at(path)
    described = node.description if node is not None and node.description else None
    keyword = error.validator
    if keyword == "type":
        return _type_message(place, value, expected, sub)
    if keyword == "enum":
        return _enum_message(place, value, expected), None
    if keyword == "const":
        return f"{place}: must be {literal(expected)}, got {literal(value)}", described
    if keyword == "format":
        if expected == "date":
            return f"{place}: {literal(value)} is not a valid date (YYYY-MM-DD)", None
        return f"{place}: {literal(value)} is not a valid {expected}", None
    if keyword in ("minimum", "exclusiveMinimum"):
        bound = "at least" if keyword == "minimum" else "more than"
        return f"{place}: must be {bound} {expected}, got {literal(value)}", described
    if keyword in ("maximum", "exclusiveMaximum"):
        bound = "at most" if keyword == "maximum" else "less than"
        return f"{place}: must be {bound} {expected}, got {literal(value)}", described
    if keyword == "minLength" and expected == 1:
        return f"{place}: must not be empty", described
    if keyword == "pattern":
        return (
            f"{place}: {literal(value)} is not in the expected form",
            sub.get("description") or described,
        )
    if keyword == "uniqueItems":
        return f"{place}: {_first_repeat(value)} appears more than once", None
    return f"{place}: {_shorten(error.message)}", described


def _type_message(
    place: str, value: object, expected: object, sub: dict[str, Any]
) -> tuple[str, str | None]:
    names = [expected] if isinstance(expected, str) else _strings(expected)
    got = describe(value)
    if names == ["string"] and sub.get("format") == "date":
        return f"{place}: expected a date (YYYY-MM-DD), got {got}", _DATE_HINT
    wanted = " or ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)
    hint = None
    if "boolean" in names and isinstance(value, str) and value.lower() in YAML_WORD_BOOLEANS:
        hint = f"write true or false: {quote(value)} is plain text in a declaration"
    elif "string" in names and isinstance(value, bool | int | float):
        hint = "put the value in quotes to keep it as text"
    elif {"integer", "number"} & set(names) and isinstance(value, str) and _is_number(value):
        hint = "write numbers without quotes"
    return f"{place}: expected {wanted}, got {got}", hint


def _strings(values: object) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


_DATE_HINT = "write dates as YYYY-MM-DD, for example 2024-01-31"


def _is_number(text: str) -> bool:
    try:
        return resolve_number(text, NOUN) is not None
    except ScalarError:
        return False


def _enum_message(place: str, value: object, allowed: object) -> str:
    choices = list(allowed) if isinstance(allowed, list) else []
    shown = ", ".join(str(c) for c in choices[:20]) + (", …" if len(choices) > 20 else "")
    message = f"{place}: {literal(value)} is not one of {shown}"
    if isinstance(value, str):
        suggestion = did_you_mean(value, [c for c in choices if isinstance(c, str)])
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
    return message


def _first_repeat(values: object) -> str:
    """The first repeated scalar of a list, in linear time (lists can be long)."""
    seen: set[tuple[type, object]] = set()
    for item in values if isinstance(values, list) else []:
        if isinstance(item, dict | list):
            continue  # unhashable; jsonschema has already said that something repeats
        key = (type(item), item)  # keeps true apart from 1, as JSON does
        if key in seen:
            return literal(item)
        seen.add(key)
    return "an item"


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _has_ids(node: SchemaNode) -> bool:
    return node.items is not None and "id" in node.items.properties


def _duplicate_ids(where: _Where, schema: DeclarationSchema) -> Iterator[Diagnostic]:
    """Two items of one list with the same ``id``: reports and references would be ambiguous."""
    for path, value, node, _ in walk(where.data, schema.root, schema.reaching("ids", _has_ids)):
        items = node.items
        if not isinstance(value, list) or items is None or "id" not in items.properties:
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = format_path((*path, seen[ident]))
                yield _at(
                    where,
                    (*path, index, "id"),
                    f"{format_path((*path, index, 'id'))}: the id {quote(ident)} is already "
                    f"used by {first}",
                )
            else:
                seen[ident] = index
