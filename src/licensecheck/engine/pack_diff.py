"""The semantic difference between two versions of a pack: what a pack update changes.

Input: two checked packs (:class:`~licensecheck.engine.rules.CheckedPack`, composed with their
lineage). Output: a :class:`PackDiff` — rules added and removed; for each rule present in both,
the fields that changed; consts and predicates whose value changed; and the pack's own
changes (version, parents, ``extends``, ``disable``, domains).

Conditions (``require``, ``when``, predicate bodies) are compared as syntax trees, whose
equality ignores source positions, so a reformatted file, a moved comment or ``50_000_000``
spelt ``50000000`` is no change; consts are compared by their folded value. A rule whose own
text is unchanged but which reads a changed const or predicate (directly or through other
predicates) is reported as changed *via* those names: its requirement or applicability moved
even though its lines did not. The model is the source of ``schemas/pack-diff.schema.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..lang import nodes as n
from ..lang.printer import expression_text, literal_text
from ..packs.loader import extends_entries
from ..sources.validation import empty_list
from .rules import CheckedPack, Rule

Change = Literal["added", "removed", "changed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldChange(_Model):
    """One field with a different value in the two versions (null: absent on that side)."""

    field: str = Field(description="The field: require, when, severity, title@zh, version, …")
    old: str | None
    new: str | None


class NameChange(_Model):
    """A const or predicate of the lineage added, removed or given another value."""

    name: str
    kind: Literal["const", "predicate"]
    change: Change
    old: str | None = Field(description="The const's value or the predicate's body before.")
    new: str | None = Field(description="The const's value or the predicate's body after.")
    rules: list[str] = Field(
        description="Rules of either version that read the name, directly or through predicates."
    )


class RuleChange(_Model):
    """A rule added, removed, or present in both with something different."""

    rule_id: str
    change: Change
    title: str = Field(description="The rule's title (the new one unless removed).")
    severity: str = Field(description="The rule's severity (the new one unless removed).")
    fields: list[FieldChange] = Field(
        default_factory=empty_list, description="For a changed rule: each field that differs."
    )
    require_via: list[str] = Field(
        default_factory=empty_list,
        description="Changed consts and predicates the rule's require reads: its requirement "
        "changed although its own text may not have.",
    )
    when_via: list[str] = Field(
        default_factory=empty_list,
        description="Changed consts and predicates the rule's when reads: its applicability "
        "changed although its own text may not have.",
    )

    @property
    def requirement_changed(self) -> bool:
        return bool(self.require_via) or any(f.field == "require" for f in self.fields)

    @property
    def applicability_changed(self) -> bool:
        return bool(self.when_via) or any(f.field == "when" for f in self.fields)


class PackSide(_Model):
    id: str
    version: str
    title: str
    rules: int = Field(description="Rules of the composed pack.")


class PackDiffSummary(_Model):
    rules_added: int
    rules_removed: int
    rules_changed: int
    requirement_changed: int = Field(description="Changed rules whose require changed (or via).")
    applicability_changed: int = Field(description="Changed rules whose when changed (or via).")
    severity_changed: int
    names_changed: int = Field(description="Consts and predicates added, removed or changed.")


class PackDiff(_Model):
    """``licensecheck packs diff OLD NEW --format json``: what changed between two pack versions."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck pack diff")

    old: PackSide
    new: PackSide
    identical: bool = Field(description="No rule, name or pack field differs.")
    summary: PackDiffSummary
    pack: list[FieldChange] = Field(
        description="Pack-level changes: version, title, parents (id and version of each ancestor), extends, disable, domains."
    )
    names: list[NameChange]
    rules: list[RuleChange] = Field(description="Changed, added and removed rules, by rule id.")


# ---------------------------------------------------------------------------- comparison


def diff_packs(old: CheckedPack, new: CheckedPack) -> PackDiff:
    """Compare two checked packs (see the module docstring for what counts as a change)."""
    names = _name_changes(old, new)
    changed_names = {c.name for c in names}
    rules = _rule_changes(old, new, changed_names)
    pack = _pack_changes(old, new)
    return PackDiff(
        old=_side(old),
        new=_side(new),
        identical=not (names or rules or pack),
        summary=_summary(rules, names),
        pack=pack,
        names=names,
        rules=rules,
    )


def _side(pack: CheckedPack) -> PackSide:
    return PackSide(id=pack.id, version=pack.version, title=pack.title, rules=len(pack.rules))


def _summary(rules: list[RuleChange], names: list[NameChange]) -> PackDiffSummary:
    changed = [r for r in rules if r.change == "changed"]
    return PackDiffSummary(
        rules_added=sum(r.change == "added" for r in rules),
        rules_removed=sum(r.change == "removed" for r in rules),
        rules_changed=len(changed),
        requirement_changed=sum(r.requirement_changed for r in changed),
        applicability_changed=sum(r.applicability_changed for r in changed),
        severity_changed=sum(any(f.field == "severity" for f in r.fields) for r in changed),
        names_changed=len(names),
    )


# ---------------------------------------------------------------- pack-level fields


def _pack_changes(old: CheckedPack, new: CheckedPack) -> list[FieldChange]:
    before, after = _pack_fields(old), _pack_fields(new)
    return [
        FieldChange(field=key, old=before.get(key), new=after.get(key))
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    ]


def _pack_fields(pack: CheckedPack) -> dict[str, str]:
    manifest = pack.loaded.manifest
    fields = {
        "id": pack.id,
        "version": pack.version,
        "title": pack.title,
        "parents": ", ".join(
            f"{p.manifest.id} {p.manifest.version}"
            for p in pack.loaded.lineage()
            if p is not pack.loaded
        ),
        "extends": ", ".join(extends_entries(manifest)),
        "disable": ", ".join(sorted(manifest.disable)),
    }
    for key, titles in sorted(pack.domains.items()):
        fields[f"domain {key}"] = titles.get("en", "")
    return {k: v for k, v in fields.items() if v}


# ---------------------------------------------------------------- consts and predicates


def _name_changes(old: CheckedPack, new: CheckedPack) -> list[NameChange]:
    readers = _readers(old) | _readers(new)
    changes: list[NameChange] = []
    for kind, before, after in (
        ("const", _const_texts(old), _const_texts(new)),
        ("predicate", _predicate_texts(old), _predicate_texts(new)),
    ):
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            changes.append(
                NameChange(
                    name=name,
                    kind=kind,  # type: ignore[arg-type]
                    change=_change(name in before, name in after),
                    old=before.get(name),
                    new=after.get(name),
                    rules=sorted(readers.get(name, ())),
                )
            )
    return changes


def _const_texts(pack: CheckedPack) -> dict[str, str]:
    # the folded value's canonical spelling keeps 5 and 5.0, or 1 and true, apart
    return {name: literal_text(value) for name, value in pack.consts.items()}


def _predicate_texts(pack: CheckedPack) -> dict[str, str]:
    # the printer round-trips (parse(expression_text(e)) == e): equal texts, equal trees
    return {name: expression_text(body) for name, body in pack.predicates.items()}


def _change(before: bool, after: bool) -> Change:
    if before and after:
        return "changed"
    return "added" if after else "removed"


def _readers(pack: CheckedPack) -> dict[str, set[str]]:
    """Name -> the rules that read it, directly or through predicates."""
    result: dict[str, set[str]] = {}
    for rule in pack.rules:
        for expr in (rule.require, rule.when):
            for name in _reads(expr, pack):
                result.setdefault(name, set()).add(rule.id)
    return result


def _reads(expr: n.Expr | None, pack: CheckedPack) -> set[str]:
    """The consts and predicates ``expr`` reads, following predicates to what they read."""
    found: set[str] = set()
    pending = list(_free_names(expr)) if expr is not None else []
    while pending:
        name = pending.pop()
        if name in found or (name not in pack.consts and name not in pack.predicates):
            continue
        found.add(name)
        if name in pack.predicates:
            pending.extend(_free_names(pack.predicates[name]))
    return found


def _free_names(expr: n.Expr, bound: frozenset[str] = frozenset()) -> Iterator[str]:
    """Names ``expr`` reads that no quantifier or aggregate inside it binds."""
    if isinstance(expr, n.Name):
        if expr.name not in bound:
            yield expr.name
        return
    if isinstance(expr, n.Quantifier | n.Aggregate):
        yield from _free_names(expr.collection, bound)
        inner = bound | {expr.var}
        for part in (expr.filter, expr.body):
            if part is not None:
                yield from _free_names(part, inner)
        return
    for child in expr.children():
        yield from _free_names(child, bound)


# ---------------------------------------------------------------- rules


def _rule_changes(old: CheckedPack, new: CheckedPack, changed_names: set[str]) -> list[RuleChange]:
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    changes: list[RuleChange] = []
    for rule_id in sorted(set(before) | set(after)):
        was, now = before.get(rule_id), after.get(rule_id)
        shown = now if now is not None else was
        assert shown is not None
        if was is None or now is None:
            change = _change(was is not None, now is not None)
            changes.append(_rule_entry(shown, change))
            continue
        fields = list(_field_changes(was, now))
        require_via = _via(was.require, now.require, old, new, changed_names)
        when_via = _via(was.when, now.when, old, new, changed_names)
        if fields or require_via or when_via:
            changes.append(_rule_entry(now, "changed", fields, require_via, when_via))
    return changes


def _rule_entry(
    rule: Rule,
    change: Change,
    fields: list[FieldChange] | None = None,
    require_via: list[str] | None = None,
    when_via: list[str] | None = None,
) -> RuleChange:
    return RuleChange(
        rule_id=rule.id,
        change=change,
        title=rule.title.get("en", ""),
        severity=rule.severity,
        fields=fields or [],
        require_via=require_via or [],
        when_via=when_via or [],
    )


def _via(
    was: n.Expr | None,
    now: n.Expr | None,
    old: CheckedPack,
    new: CheckedPack,
    changed_names: set[str],
) -> list[str]:
    return sorted((_reads(was, old) | _reads(now, new)) & changed_names)


def _field_changes(was: Rule, now: Rule) -> Iterator[FieldChange]:
    before, after = _rule_fields(was), _rule_fields(now)
    for key in dict.fromkeys([*before, *after]):
        if key in _TREES:
            same = getattr(was, key) == getattr(now, key)  # trees: positions ignored
        else:
            same = before.get(key) == after.get(key)
        if not same:
            yield FieldChange(field=key, old=before.get(key), new=after.get(key))


_TREES = ("require", "when")


def _rule_fields(rule: Rule) -> dict[str, str]:
    """The rule's fields as text, in the order the language documents them; absent ones left out."""
    fields: dict[str, str | None] = {
        **_texts("title", rule.title),
        "domain": rule.domain,
        "severity": rule.severity,
        "when": expression_text(rule.when) if rule.when is not None else None,
        "require": expression_text(rule.require),
        "cite": _listed(rule.cite),
        **_texts("message", rule.message),
        **_texts("remediation", rule.remediation),
        "effort": str(rule.effort) if rule.effort is not None else None,
        "after": _listed(rule.after),
        "evidence": _listed(rule.evidence),
        "tags": _listed(rule.tags),
        "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
        "grace_until": rule.grace_until.isoformat() if rule.grace_until else None,
    }
    return {k: v for k, v in fields.items() if v is not None}


def _texts(key: str, texts: Mapping[str, str]) -> dict[str, str | None]:
    return {
        (key if lang == "en" else f"{key}@{lang}"): text for lang, text in sorted(texts.items())
    }


def _listed(values: Iterable[Any]) -> str | None:
    items = list(values)
    return literal_text([str(v) for v in items]) if items else None
