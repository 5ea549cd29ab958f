"""Compose a pack from its ancestors: inherited rules, ``overrides`` and ``disable``.

Input: a :class:`~licensecheck.packs.loader.LoadedPack` graph and the checked rules of every pack in
it. Output: a :class:`Composition`, the rule set of the top pack, built bottom-up: each
pack takes the composed rules of its parents (an ancestor reached through two parents, a
diamond, counts once; parents that disagree about a rule are an error unless the pack
settles the difference with an override), adds its own rules, applies its ``overrides`` and
removes what it ``disable``-s. Problems are diagnostics at the ``pack.yaml`` line and column
that causes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import codes
from ..errors import Diagnostic, Span, did_you_mean
from ..lang import nodes as n
from ..lang.values import Duration
from ..packs.loader import RULE_ID_PATTERN, LoadedPack, RuleOverride
from .rules import AppliedOverride, Rule

#: The rule fields an override may change (pack.yaml keys)
OVERRIDABLE = (
    "title",
    "title@zh",
    "severity",
    "effort",
    "remediation",
    "remediation@zh",
    "message",
    "message@zh",
    "after",
)


@dataclass
class Composition:
    rules: dict[str, Rule]
    #: rule id -> id of the pack whose ``disable`` removed it
    disabled: dict[str, str] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)


def compose(pack: LoadedPack, own_rules: Mapping[Path, list[Rule]]) -> Composition:
    """The composed rules of ``pack``; ``own_rules`` holds each pack's checked rules by root."""
    return _Composer(own_rules).compose(pack)


class _Composer:
    def __init__(self, own_rules: Mapping[Path, list[Rule]]) -> None:
        self.own_rules = own_rules
        #: every rule as its own pack defines it, before any override
        self.original = {rule.id: rule for rules in own_rules.values() for rule in rules}
        self.done: dict[Path, Composition] = {}
        self.errors: list[Diagnostic] = []
        self.disabled: dict[str, str] = {}

    def compose(self, pack: LoadedPack) -> Composition:
        result = self._compose(pack)
        return Composition(result, dict(self.disabled), self.errors)

    def _compose(self, pack: LoadedPack) -> dict[str, Rule]:
        if pack.root in self.done:
            return self.done[pack.root].rules
        inherited: dict[str, list[tuple[str, Rule]]] = {}  # rule id -> (parent id, its version)
        for parent in pack.parents:
            for rule_id, rule in self._compose(parent).items():
                inherited.setdefault(rule_id, []).append((parent.manifest.id, rule))
        rules: dict[str, Rule] = {}
        conflicts: dict[str, tuple[list[str], list[str]]] = {}  # rule id -> (parents, fields)
        for rule_id, versions in inherited.items():
            rules[rule_id], differ = self._merge(rule_id, versions)
            if differ:
                conflicts[rule_id] = (sorted({p for p, _ in versions}), differ)
        for rule in self.own_rules.get(pack.root, []):
            rules.setdefault(rule.id, rule)  # a second definition is reported by the checker
        manifest = pack.manifest
        for rule_id, override in manifest.overrides.items():
            if rule_id not in rules:
                self._unknown_override(pack, rule_id, rules)
                continue
            rules[rule_id] = self._override(pack, rules[rule_id], override, rules)
            if rule_id in conflicts:
                parents, differ = conflicts[rule_id]
                settled = set(override.changes())
                conflicts[rule_id] = (parents, [k for k in differ if k not in settled])
        for rule_id, (parents, differ) in sorted(conflicts.items()):
            if differ:
                self._parent_conflict(pack, rule_id, parents, differ)
        self._disable(pack, rules)
        self.done[pack.root] = Composition(rules)
        return rules

    def _merge(self, rule_id: str, versions: list[tuple[str, Rule]]) -> tuple[Rule, list[str]]:
        """One rule inherited through several parents, merged field by field like a three-way
        merge: a field one parent's lineage overrode and the others left alone takes the
        override; fields overridden to different values are returned as conflicts."""
        first = versions[0][1]
        if all(rule == first for _, rule in versions[1:]):
            return first, []
        original = self.original.get(rule_id, first)
        changes: dict[str, Any] = {}
        differ: list[str] = []
        for key in OVERRIDABLE:
            before = _get(original, key)
            changed = []
            for _, rule in versions:
                value = _get(rule, key)
                if value != before and value not in changed:
                    changed.append(value)
            if len(changed) > 1:
                differ.append(key)
            elif changed:
                changes[key] = changed[0]
        applied = list(dict.fromkeys(a for _, rule in versions for a in rule.overrides))
        merged = original
        for key, value in changes.items():
            merged = _set(merged, key, value)
        return merged._replace(overrides=tuple(applied)), differ

    # -- overrides
    def _override(
        self, pack: LoadedPack, rule: Rule, override: RuleOverride, rules: Mapping[str, Rule]
    ) -> Rule:
        result = rule
        applied: list[AppliedOverride] = []
        for key, value in override.changes().items():
            if key == "after":
                for index, ref in enumerate(value):
                    if ref not in rules:
                        suggestion = did_you_mean(ref, rules)
                        self._error(
                            pack,
                            codes.UNKNOWN_RULE,
                            f"'after' names unknown rule {ref}"
                            + (f" (did you mean {suggestion}?)" if suggestion else ""),
                            _span(pack, "overrides", rule.id, "after", index),
                        )
                value = tuple(value)
            elif key == "effort":
                value = _duration(value)
            before = _get(result, key)
            result = _set(result, key, value)
            span = _span(pack, "overrides", rule.id, key)
            applied.append(
                AppliedOverride(pack.manifest.id, key, _show(before), _show(value), span)
            )
        return result._replace(overrides=(*rule.overrides, *applied))

    def _unknown_override(self, pack: LoadedPack, rule_id: str, rules: Mapping[str, Rule]) -> None:
        span = _span(pack, "overrides", rule_id)
        if rule_id in self.disabled:
            message = f"override of rule {rule_id}, which {self.disabled[rule_id]} disables"
        else:
            suggestion = did_you_mean(rule_id, rules)
            message = f"override of unknown rule {rule_id}" + (
                f" (did you mean {suggestion}?)" if suggestion else ""
            )
        self._error(pack, codes.UNKNOWN_OVERRIDE, message, span)

    def _parent_conflict(
        self, pack: LoadedPack, rule_id: str, parents: list[str], differ: list[str]
    ) -> None:
        fields = ", ".join(differ)
        self._error(
            pack,
            codes.PARENT_CONFLICT,
            f"parents {' and '.join(parents)} override {fields} of rule {rule_id} differently",
            _span(pack, "extends"),
            hint=f"settle it here: overrides: {{{rule_id}: {{{differ[0]}: …}}}}",
        )

    # -- disable
    def _disable(self, pack: LoadedPack, rules: dict[str, Rule]) -> None:
        domains = {r.domain for r in rules.values()} | {
            key for p in pack.lineage() for key in p.manifest.domains
        }
        for index, item in enumerate(pack.manifest.disable):
            is_rule = re.match(RULE_ID_PATTERN, item) is not None
            matching = [i for i, r in rules.items() if (i == item if is_rule else r.domain == item)]
            for rule_id in matching:
                del rules[rule_id]
                self.disabled[rule_id] = pack.manifest.id
            if matching or (not is_rule and item in domains):
                continue
            what, known = ("rule", set(rules)) if is_rule else ("domain", domains)
            suggestion = did_you_mean(item, known)
            self._error(
                pack,
                codes.UNKNOWN_DISABLE,
                f"'disable' names unknown {what} '{item}'"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                _span(pack, "disable", index),
            )

    def _error(
        self, pack: LoadedPack, code: str, message: str, span: Span, hint: str | None = None
    ) -> None:
        snippet = pack.manifest_file.snippet(span) if pack.manifest_file else None
        self.errors.append(Diagnostic(code, message, span, snippet=snippet, hint=hint))


def _span(pack: LoadedPack, *path: str | int) -> Span:
    if pack.manifest_file is None:
        return Span(str(pack.root / "pack.yaml"), 1, 1)
    return pack.manifest_file.span(*path)


def _set(rule: Rule, key: str, value: Any) -> Rule:
    """``rule`` with one overridable field (by its pack.yaml key) set to ``value``."""
    base, _, lang = key.partition("@")
    updates: dict[str, Any] = {
        base: {**getattr(rule, base), lang or "en": value} if base in _TEXTS else value
    }
    return rule._replace(**updates)


_TEXTS = ("title", "remediation", "message")


def _get(rule: Rule, key: str) -> Any:
    """A rule's value of an overridable field, by its pack.yaml key."""
    base, _, lang = key.partition("@")
    value = getattr(rule, base)
    if base in _TEXTS:
        return value.get(lang or "en")
    return value


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _duration(text: str) -> Duration:
    """An override's ``effort`` (its pattern is checked with the manifest) as a duration."""
    # imported here: only packs that override an effort need the parser (and Lark) when
    # their rules files come from the pack cache
    from ..lang.parser import parse_expression

    literal = parse_expression(text, "pack.yaml")
    assert isinstance(literal, n.Literal_) and isinstance(literal.value, Duration)
    return literal.value
