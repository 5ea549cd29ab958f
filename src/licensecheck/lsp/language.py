"""Reading the text around a cursor: the word, the declaration path, the variables in scope.

Input: a document's text and a 0-based line and character. Output: plain strings and
tuples. Text, not the syntax tree, because the file being typed rarely parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[A-Za-z_][\w-]*")
#: A declaration path as written in a rule: ``s.consent.separate``, ``firm["x"].y``
PATH = re.compile(r"[A-Za-z_]\w*(?:\[[^\]\n]*\])*(?:\.[A-Za-z_]\w*(?:\[[^\]\n]*\])*)*\.?$")
#: ``all s in data_sources`` / ``count r in recipients``: a quantifier binding a variable
BINDING = re.compile(
    r"\b(?:all|any|none|count|sum|min|max|avg)\s+([A-Za-z_]\w*)\s+in\s+([\w.\[\]]+)"
)
RULE_START = re.compile(r"^[ \t]*rule\s+([A-Za-z][\w-]*)\s*\{", re.MULTILINE)
DEFINITION = re.compile(r"^[ \t]*(const|predicate|rule)\s+([A-Za-z_][\w-]*)", re.MULTILINE)


@dataclass(frozen=True)
class Cursor:
    text: str
    line: int
    character: int

    @property
    def line_text(self) -> str:
        lines = self.text.split("\n")
        return lines[self.line] if self.line < len(lines) else ""

    @property
    def before(self) -> str:
        """The line up to the cursor."""
        return self.line_text[: self.character]

    @property
    def offset(self) -> int:
        lines = self.text.split("\n")
        return sum(len(x) + 1 for x in lines[: self.line]) + min(
            self.character, len(self.line_text)
        )

    def word(self) -> str:
        """The identifier (rule ids with dashes included) under the cursor."""
        for match in WORD.finditer(self.line_text):
            if match.start() <= self.character <= match.end():
                return match.group()
        return ""

    def path(self) -> list[str]:
        """The declaration path ending at the end of the word under the cursor, as keys
        (a variable bound by a quantifier is replaced by its collection, then ``[]``)."""
        line = self.line_text
        end = self.character
        while end < len(line) and (line[end].isalnum() or line[end] == "_"):
            end += 1
        match = PATH.search(line[:end])
        if match is None:
            return []
        return self.expand(match.group().rstrip("."))

    def expand(self, written: str) -> list[str]:
        keys = [k for k in re.split(r"\.|\[[^\]]*\]", written) if k]
        if not keys:
            return []
        bound = self.bindings()
        seen: set[str] = set()
        while keys and keys[0] in bound and keys[0] not in seen:
            seen.add(keys[0])
            keys = [*self.expand(bound[keys[0]]), "[]", *keys[1:]]
        return keys

    def bindings(self) -> dict[str, str]:
        """Quantifier variables bound in the current definition before the cursor."""
        start = max(
            (m.start() for m in DEFINITION.finditer(self.text) if m.start() <= self.offset),
            default=0,
        )
        return {m.group(1): m.group(2) for m in BINDING.finditer(self.text[start : self.offset])}

    def enclosing_rule(self) -> str | None:
        """The id of the rule whose block holds the cursor."""
        rules = [m for m in RULE_START.finditer(self.text) if m.start() <= self.offset]
        if not rules:
            return None
        last = rules[-1]
        closed = self.text.find("\n}", last.end())
        return last.group(1) if closed == -1 or closed >= self.offset else None


def yaml_path(text: str, line: int) -> list[str]:
    """The key path of the YAML line ``line`` (list items as ``[]``), by indentation."""
    stack: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n")[: line + 1]):
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(stripped)
        keys: list[tuple[int, str]] = []
        while stripped.startswith("- "):
            keys.append((indent, "[]"))
            indent += 2
            stripped = stripped[2:].lstrip(" ")
        match = re.match(r"([^:#\s][^:#]*?)\s*:(\s|$)", stripped)
        if match:
            keys.append((indent, match.group(1).strip("'\"")))
        if not keys:
            continue
        first = keys[0]
        # a list written at its key's own indent ("sources:" then "- name: x") stays under it
        stack = [
            e
            for e in stack
            if e[0] < first[0] or (first[1] == "[]" and e[0] == first[0] and e[1] != "[]")
        ]
        stack.extend(keys)
        if number == line:
            break
    return [key for _, key in stack]
