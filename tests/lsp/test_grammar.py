"""The VS Code TextMate grammar (editors/vscode/syntaxes/rules.tmLanguage.json) on every bundled
pack: every token class it defines is used, and no visible character is left unscoped.

vscode-tmgrammar-test would need node in CI for one test; instead this file runs the grammar
with a small TextMate tokenizer: the patterns of a scope are tried at each position and the
earliest match wins (ties go to the first pattern), ``begin``/``end`` regions nest their own
patterns, as in TextMate. The grammar keeps to regular expressions that Oniguruma and Python's
``re`` read alike, which the test also checks by compiling every one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from helpers.paths import REPO
from licensecheck import api

GRAMMAR: dict[str, Any] = json.loads(
    (REPO / "editors/vscode/syntaxes/rules.tmLanguage.json").read_text(encoding="utf-8")
)
RULES_FILES = sorted((REPO / "policies").glob("*/*.rules"))


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    scope: str


def leaves(patterns: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The patterns of a list with every ``include`` of the repository expanded."""
    for pattern in patterns:
        if "include" in pattern:
            included = GRAMMAR["repository"][pattern["include"].removeprefix("#")]
            is_rule = "match" in included or "begin" in included
            yield from leaves([included] if is_rule else included["patterns"])
        else:
            yield pattern


def first_match(
    patterns: list[dict[str, Any]], line: str, pos: int
) -> tuple[re.Match[str], dict[str, Any]] | None:
    best: tuple[re.Match[str], dict[str, Any]] | None = None
    for pattern in leaves(patterns):
        found = re.compile(pattern.get("match") or pattern["begin"]).search(line, pos)
        if (
            found
            and found.end() > found.start()
            and (best is None or found.start() < best[0].start())
        ):
            best = (found, pattern)
    return best


def tokenize(line: str, patterns: list[dict[str, Any]], pos: int = 0) -> Iterator[Token]:
    """The scoped tokens of one line (every rules construct fits on a line but a rule)."""
    while pos < len(line):
        hit = first_match(patterns, line, pos)
        if hit is None:
            return
        found, pattern = hit
        if "match" in pattern:
            if "name" in pattern:
                yield Token(found.start(), found.end(), pattern["name"])
            for group, capture in pattern.get("captures", {}).items():
                if found.group(int(group)) is not None:
                    yield Token(found.start(int(group)), found.end(int(group)), capture["name"])
            pos = found.end()
            continue
        end = re.compile(pattern["end"])
        inner = pattern.get("patterns", [])
        pos = found.end()
        while True:  # inside the region: its own patterns until its end
            closing = end.search(line, pos)
            nested = first_match(inner, line, pos)
            if nested and (closing is None or nested[0].start() < closing.start()):
                yield Token(nested[0].start(), nested[0].end(), nested[1]["name"])
                pos = nested[0].end()
                continue
            stop = closing.end() if closing else len(line)
            yield Token(found.start(), stop, pattern["name"])
            pos = stop
            break


def scopes_defined() -> set[str]:
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and (
                "match" in node or "begin" in node or node.keys() == {"name"}
            ):
                names.add(node["name"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(GRAMMAR["repository"])
    return names


def test_every_regular_expression_compiles() -> None:
    for pattern in leaves(GRAMMAR["patterns"]):
        for key in ("match", "begin", "end"):
            if key in pattern:
                re.compile(pattern[key])


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_visible_character_is_left_unscoped(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for number, line in enumerate(text.split("\n"), 1):
        covered = [False] * len(line)
        for token in tokenize(line, GRAMMAR["patterns"]):
            for i in range(token.start, token.end):
                covered[i] = True
        loose = [ch for ch, ok in zip(line, covered, strict=True) if not ok and not ch.isspace()]
        assert not loose, f"{path}:{number}: unscoped {''.join(loose)!r} in {line!r}"


def test_every_token_class_is_used_by_the_bundled_packs() -> None:
    used: set[str] = set()
    for path in RULES_FILES:
        for line in path.read_text(encoding="utf-8").split("\n"):
            used.update(token.scope for token in tokenize(line, GRAMMAR["patterns"]))
    assert scopes_defined() - used == set()


def test_rule_ids_strings_and_comments_are_what_the_parser_says() -> None:
    """Cross-check with the real parser: each rule's id is scoped as a definition name where it
    is defined; the text of each comment line is one comment token."""
    path = REPO / "policies/starter/licensing.rules"
    text = path.read_text(encoding="utf-8")
    checked = api.prepare_pack(REPO / "policies/starter").checked
    lines = text.split("\n")
    for rule in checked.rules:
        if rule.span.file.endswith("licensing.rules"):
            line = next(x for x in lines if x.startswith(f"rule {rule.id} "))
            tokens = {line[t.start : t.end]: t.scope for t in tokenize(line, GRAMMAR["patterns"])}
            assert tokens[rule.id].startswith("entity.name.function")
    comment = '    # a comment with "quotes" and rule ST-X-1'
    (token,) = tokenize(comment, GRAMMAR["patterns"])
    assert token.scope.startswith("comment.line") and token.start == 4
