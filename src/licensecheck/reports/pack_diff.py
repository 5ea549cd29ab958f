"""Render a pack diff: a :class:`~licensecheck.engine.pack_diff.PackDiff` → text, JSON or Markdown.

Text is for a terminal and a review (one line per change, conditions shown old then new);
JSON is the model itself (``schemas/pack-diff.schema.json``); Markdown is for a pull request
or a client memo, with every value escaped so that a rule's text cannot break the page.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.pack_diff import FieldChange, NameChange, PackDiff, RuleChange
from .templates import markdown_code, markdown_escape

PACK_DIFF_FORMATS = ("text", "json", "markdown")
#: The sign before an entry in the text form, as in a unified diff (``~`` changed).
_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
#: Fields whose values are conditions: shown on lines of their own, old above new.
_CONDITIONS = ("require", "when")


def render_pack_diff(diff: PackDiff, fmt: str) -> str:
    if fmt == "json":
        return diff.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        return "\n".join(_markdown(diff)) + "\n"
    return "\n".join(_text(diff)) + "\n"


def headline(diff: PackDiff) -> str:
    """One line: the two versions and what changed between them."""
    versions = f"{diff.old.id} {diff.old.version} → {diff.new.id} {diff.new.version}"
    if diff.identical:
        return f"{versions}: no semantic difference ({diff.new.rules} rules)"
    s = diff.summary
    parts = [
        f"{s.rules_changed} rule{_s(s.rules_changed)} changed "
        f"({s.requirement_changed} requirement, {s.applicability_changed} applicability, "
        f"{s.severity_changed} severity)",
        f"{s.rules_added} added",
        f"{s.rules_removed} removed",
        f"{s.names_changed} const{_s(s.names_changed)}/predicate{_s(s.names_changed)} changed",
    ]
    return f"{versions}: " + ", ".join(parts)


def _s(count: int) -> str:
    return "" if count == 1 else "s"


# ---------------------------------------------------------------------------- text


def _text(diff: PackDiff) -> Iterator[str]:
    yield headline(diff)
    if diff.pack:
        yield ""
        yield "Pack"
        for change in diff.pack:
            yield f"  {change.field}: {_value(change.old)} → {_value(change.new)}"
    if diff.names:
        yield ""
        yield "Consts and predicates"
        for name in diff.names:
            yield from _name_text(name)
    if diff.rules:
        yield ""
        yield "Rules"
        for rule in diff.rules:
            yield from _rule_text(rule)


def _value(value: str | None) -> str:
    return "(none)" if value is None else value


def _name_text(name: NameChange) -> Iterator[str]:
    sign = _SIGNS[name.change]
    readers = f"  (read by {', '.join(name.rules)})" if name.rules else ""
    if name.change == "changed":
        yield f"  {sign} {name.kind} {name.name}: {name.old} → {name.new}{readers}"
    else:
        yield f"  {sign} {name.kind} {name.name} = {_value(name.new or name.old)}{readers}"


def _rule_text(rule: RuleChange) -> Iterator[str]:
    yield f"  {_SIGNS[rule.change]} {rule.rule_id} [{rule.severity}] {rule.title}"
    for label, names in (("requirement", rule.require_via), ("applicability", rule.when_via)):
        if names:
            yield f"      {label} changed via {', '.join(names)}"
    for change in rule.fields:
        yield from _field_text(change)


def _field_text(change: FieldChange) -> Iterator[str]:
    if change.field in _CONDITIONS:
        yield f"      {change.field}:"
        yield f"        - {_value(change.old)}"
        yield f"        + {_value(change.new)}"
    else:
        yield f"      {change.field}: {_value(change.old)} → {_value(change.new)}"


# ---------------------------------------------------------------------------- Markdown


def _markdown(diff: PackDiff) -> Iterator[str]:
    yield f"# Pack diff: {markdown_escape(diff.old.id)} {markdown_escape(diff.old.version)} → " + (
        f"{markdown_escape(diff.new.id)} {markdown_escape(diff.new.version)}"
    )
    yield ""
    yield markdown_escape(headline(diff))
    if diff.pack:
        yield from _table(
            "Pack", ("field", "old", "new"), ([c.field, c.old, c.new] for c in diff.pack), prose=()
        )
    if diff.names:
        yield from _table(
            "Consts and predicates",
            ("name", "kind", "change", "old", "new", "read by"),
            (
                [c.name, c.kind, c.change, c.old, c.new, ", ".join(c.rules) or None]
                for c in diff.names
            ),
            prose=(),
        )
    if diff.rules:
        yield from _table(
            "Rules",
            ("rule", "change", "severity", "title", "what changed"),
            (
                [r.rule_id, r.change, r.severity, r.title, _what_changed(r) or None]
                for r in diff.rules
            ),
            prose=(3, 4),
        )
        for rule in diff.rules:
            yield from _rule_markdown(rule)


def _table(
    title: str,
    header: tuple[str, ...],
    rows: Iterator[list[str | None]],
    *,
    prose: tuple[int, ...],
) -> Iterator[str]:
    """A Markdown table; the ``prose`` columns are escaped text, the others code spans."""
    yield ""
    yield f"## {title}"
    yield ""
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    for row in rows:
        yield "| " + " | ".join(_cell(v, i in prose) for i, v in enumerate(row)) + " |"


def _cell(value: str | None, prose: bool) -> str:
    if value is None:
        return "—"
    return markdown_escape(value) if prose else markdown_code(value)


def _what_changed(rule: RuleChange) -> str:
    parts = [f.field for f in rule.fields]
    parts += [f"require via {n}" for n in rule.require_via]
    parts += [f"when via {n}" for n in rule.when_via]
    return ", ".join(parts)


def _rule_markdown(rule: RuleChange) -> Iterator[str]:
    """A changed rule's fields, old and new (conditions and values as code, texts as prose)."""
    if not rule.fields:
        return
    yield ""
    yield f"### {markdown_escape(rule.rule_id)}"
    yield ""
    yield "| field | old | new |"
    yield "|---|---|---|"
    for change in rule.fields:
        prose = change.field.split("@")[0] in _PROSE_FIELDS
        cells = [markdown_code(change.field), _cell(change.old, prose), _cell(change.new, prose)]
        yield "| " + " | ".join(cells) + " |"


#: Rule fields written as sentences: escaped text in Markdown, not code spans.
_PROSE_FIELDS = ("title", "message", "remediation")
