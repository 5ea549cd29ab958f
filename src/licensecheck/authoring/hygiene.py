"""Source hygiene of a pack: text a reviewer cannot see or cannot tell apart.

Input: a loaded pack. Output: warnings for ``packs lint``. A bidirectional control (U+202E and
its kin, "Trojan Source") makes a rules file display in another order than it parses; a
zero-width character hides inside a string or a comment; an id with non-ASCII letters (a
Cyrillic ``а`` in ``dаta``) passes for another id. None of them changes what the engine
does, so they are warnings, each at the character's own line and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .. import codes
from ..errors import Diagnostic, Span, source_snippet
from ..lang import nodes as n
from ..packs.loader import LoadedPack

# Bidirectional embeddings, overrides, isolates and marks; zero-width space, joiners, word
# joiner and a byte-order mark anywhere but at the very start of a file.
_HIDDEN = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")


def hygiene_checks(loaded: LoadedPack) -> list[Diagnostic]:
    texts = dict(loaded.texts)
    if loaded.manifest_file is not None:
        texts[loaded.manifest_file.shown] = loaded.manifest_file.text
    found = [d for shown, text in sorted(texts.items()) for d in _hidden_characters(shown, text)]
    found.extend(_confusable_ids(loaded))
    return found


def _hidden_characters(shown: str, text: str) -> Iterator[Diagnostic]:
    for match in _HIDDEN.finditer(text):
        if match.start() == 0 and match[0] == "\ufeff":
            continue  # a byte-order mark that opens the file is only an encoding marker
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        name = unicodedata.name(match[0], "")
        yield Diagnostic(
            codes.HIDDEN_CHARACTER,
            f"invisible character U+{ord(match[0]):04X} {name}: the text reads differently "
            "than it looks",
            Span(shown, line, column),
            "warning",
            snippet=source_snippet(text, line, column),
            hint="delete it, or write it as an escape such as \\u202e inside a string",
        )


def _confusable_ids(loaded: LoadedPack) -> Iterator[Diagnostic]:
    source = loaded.manifest_file
    manifest_ids: list[tuple[str, str, tuple[str | int, ...]]] = [
        ("pack id", loaded.manifest.id, ("id",))
    ]
    manifest_ids += [("domain id", d, ("domains", d)) for d in loaded.manifest.domains]
    manifest_ids += [("rule id", r, ("overrides", r)) for r in loaded.manifest.overrides]
    manifest_ids += [("id", item, ("disable", i)) for i, item in enumerate(loaded.manifest.disable)]
    for what, value, path in manifest_ids:
        if source is not None and not value.isascii():
            span = source.span(*path)
            yield _confusable(what, value, span, source.snippet(span))
    for module in loaded.modules:
        for definition in module.definitions:
            field = definition.field("domain") if isinstance(definition, n.RuleDef) else None
            domain = field.value if field is not None else None
            if (
                isinstance(domain, n.Literal_)
                and isinstance(domain.value, str)
                and not domain.value.isascii()
            ):
                text = loaded.texts.get(domain.span.file, "")
                snippet = source_snippet(text, domain.span.line, domain.span.column)
                yield _confusable("domain id", domain.value, domain.span, snippet)


def _confusable(what: str, value: str, span: Span, snippet: str | None) -> Diagnostic:
    letters = ", ".join(
        f"{ch} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"
        for ch in dict.fromkeys(value)
        if not ch.isascii()
    )
    return Diagnostic(
        codes.CONFUSABLE_ID,
        f"{what} '{value}' holds non-ASCII letters that can pass for ASCII ones: {letters}",
        span,
        "warning",
        snippet=snippet or None,
        hint="ids are ASCII: letters a-z, digits, '-' and '_'",
    )
