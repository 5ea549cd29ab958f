"""Schema extensions: packs' ``schema.json`` fragments merged into the declaration schema.

Input: the declaration schema and a loaded pack whose lineage may hold ``schema.json``
files, each a JSON Schema of the pack's own section ``extensions.<pack-id>``. Output: one
:class:`~licensecheck.declaration.schema.DeclarationSchema` in which every such section is typed, so
declarations are validated against it and the static checker types rules' paths into it.
A fragment may use the declaration schema's ``$defs`` (``{"$ref": "#/$defs/date"}``) and
its own (``#/$defs/NAME`` of the fragment). A fragment that is not a valid JSON Schema is
an error at its line and column.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import codes
from ..declaration.schema import DeclarationSchema, build_schema
from ..errors import Diagnostic, LicenseCheckError, PackError
from ..lang.operations import compile_pattern
from ..sources.located import SourceFile
from ..sources.words import quote
from .loader import LoadedPack

#: Keys of a fragment that belong to a whole document, not to one section
_DOCUMENT_KEYS = ("$schema", "$id", "$defs")


def with_extensions(schema: DeclarationSchema, pack: LoadedPack) -> DeclarationSchema:
    """``schema`` with the extension sections of ``pack`` and its ancestors (unchanged when
    none of them has a ``schema.json``)."""
    fragments = [
        (p.manifest.id, p.schema_fragment, p.schema_file)
        for p in pack.lineage()
        if p.schema_fragment is not None and p.schema_file is not None
    ]
    if not fragments:
        return schema
    document = copy.deepcopy(schema.document)
    definitions = document.setdefault("$defs", {})
    extensions = document.setdefault("properties", {}).setdefault("extensions", {"type": "object"})
    sections = extensions.setdefault("properties", {})
    problems: list[Diagnostic] = []
    for pack_id, fragment, source in fragments:
        found = _fragment_problems(fragment, source)
        if found:
            problems.extend(found)
            continue
        own = fragment.get("$defs", {})
        renamed = {name: f"{pack_id}.{name}" for name in own}
        for name, definition in own.items():
            definitions[renamed[name]] = _rename_refs(definition, renamed)
        section = {k: v for k, v in fragment.items() if k not in _DOCUMENT_KEYS}
        sections[pack_id] = _rename_refs(section, renamed)
    if problems:
        raise PackError(problems)
    try:
        return build_schema(document)
    except LicenseCheckError as exc:  # e.g. a $ref to a definition that does not exist
        shown = ", ".join(source.shown for _, _, source in fragments)
        problems = []
        for diagnostic in exc.diagnostics:
            message = diagnostic.message
            for pack_id, _, _ in fragments:  # point inside the fragment, not the merged document
                message = message.replace(f"/properties/extensions/properties/{pack_id}", "")
            span = fragments[0][2].span()
            problems.append(Diagnostic(codes.SCHEMA_FRAGMENT, f"{shown}: {message}", span))
        raise PackError(problems) from None


def _fragment_problems(fragment: dict[str, Any], source: SourceFile) -> list[Diagnostic]:
    # imported here: only packs with a schema.json need jsonschema (a cold start saves ~0.1 s)
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    validator = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
    problems = []
    for error in validator.iter_errors(fragment):
        path = tuple(error.absolute_path)
        span = source.span(*path)
        where = "/".join(str(p) for p in path) or "the top"
        problems.append(
            Diagnostic(
                codes.SCHEMA_FRAGMENT,
                f"schema.json is not a valid JSON Schema at {where}: {error.message}",
                span,
                snippet=source.snippet(span),
            )
        )
    problems.extend(_pattern_problems(fragment, source))
    kind = fragment.get("type")
    if not problems and kind not in (None, "object"):
        span = source.span("type")
        problems.append(
            Diagnostic(
                codes.SCHEMA_FRAGMENT,
                f"schema.json describes the pack's section under 'extensions', an object, "
                f"not {kind!r}",
                span,
                snippet=source.snippet(span),
                hint='start with {"type": "object", "properties": {…}}',
            )
        )
    return problems


def _pattern_problems(fragment: dict[str, Any], source: SourceFile) -> list[Diagnostic]:
    """Every regular expression of the fragment must compile under RE2, which validation
    matches them with (linear time); ``unevaluatedProperties`` is refused because jsonschema
    would match ``patternProperties`` for it with Python's backtracking ``re``."""
    problems = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(fragment, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        found = []
        if isinstance(node.get("pattern"), str):
            found.append((node["pattern"], (*path, "pattern")))
        if isinstance(node.get("patternProperties"), dict):
            found.extend(
                (key, (*path, "patternProperties", key)) for key in node["patternProperties"]
            )
        for pattern, where in found:
            try:
                compile_pattern(pattern)
            except ValueError as exc:
                problems.append(
                    _problem(
                        source, where, f"the pattern {quote(pattern, 60)} cannot be used: {exc}"
                    )
                )
        if "unevaluatedProperties" in node:
            problems.append(
                _problem(
                    source,
                    (*path, "unevaluatedProperties"),
                    "'unevaluatedProperties' is not supported in schema.json: use 'additionalProperties'",
                )
            )
        stack.extend((value, (*path, key)) for key, value in node.items())
    return problems


def _problem(source: SourceFile, path: tuple[str | int, ...], message: str) -> Diagnostic:
    span = source.span(*path)
    return Diagnostic(codes.SCHEMA_FRAGMENT, message, span, snippet=source.snippet(span))


def _rename_refs(value: Any, renamed: dict[str, str]) -> Any:
    """A copy of ``value`` whose ``#/$defs/NAME`` references to the fragment's own
    definitions point at their new names."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith("#/$defs/"):
                name = item.removeprefix("#/$defs/")
                result[key] = f"#/$defs/{renamed[name]}" if name in renamed else item
            else:
                result[key] = _rename_refs(item, renamed)
        return result
    if isinstance(value, list):
        return [_rename_refs(item, renamed) for item in value]
    return value
