"""Explain a rule: what it says in full, and how it came out on a declaration.

Input: a compiled pack and a rule id, and optionally a declaration and a date. Output: text.
:func:`explain_rule` shows the rule in full: where it is defined, which pack it is inherited
from and which fields an ``overrides`` entry changed (with the old value), its citation, its
condition and requirement (as source and in words), its time phasing, the rules it comes
after and those that come after it, the predicates and constants it uses and the declaration
fields it reads. :func:`explain_evaluation` shows the evaluation trace, like OPA's
``--explain``: every sub-expression with its value (true, false, unknown or the value
computed), the declaration path it read with its ``file:line:col``, and each list element a
quantifier visited, so a consultant can see why the rule came out as it did.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from typing import Any

from .. import codes
from ..declaration.loader import Declaration
from ..engine.compile import CompiledPack
from ..engine.evaluate import run_rule, text
from ..engine.models import Finding
from ..engine.pipeline import (
    DeclarationRef,
    PackRef,
    assess,
    load_declaration,
    parse_as_of,
    prepare_pack,
)
from ..engine.rules import CheckedPack, Rule
from ..engine.runtime import Trace, TraceNode
from ..errors import Diagnostic, UsageError, did_you_mean
from ..lang import nodes as n
from ..lang.values import UNKNOWN, display
from ..reports.requirements import requirement_text
from ..sources.paths import format_path
from .fmt import expression_flat, expression_lines
from .skeleton import format_read, rule_reads, schema_at, value_words

#: Elements of one quantifier shown in a trace; the rest are counted
MAX_ELEMENTS = 20
EXPRESSION_WIDTH = 80
LABEL = 16  # width of the labels of explain_rule


def find_rule(pack: CompiledPack, rule_id: str) -> Rule:
    """The rule, or a :class:`UsageError` saying it is unknown (or which pack disabled it)."""
    checked = pack.checked
    rule = checked.rule(rule_id)
    if rule is not None:
        return rule
    if rule_id in checked.disabled:
        message = f"rule {rule_id} is disabled by {checked.disabled[rule_id]} (pack.yaml 'disable')"
    else:
        suggestion = did_you_mean(rule_id, [r.id for r in checked.rules])
        message = f"pack {checked.id} has no rule {rule_id}" + (
            f" (did you mean {suggestion}?)" if suggestion else ""
        )
    raise UsageError(Diagnostic(codes.UNKNOWN_RULE, message))


# ---------------------------------------------------------------- the rule in full


def explain_rule(pack: CompiledPack, rule_id: str, lang: str = "en") -> str:
    checked = pack.checked
    rule = find_rule(pack, rule_id)
    overridden = {o.key: o for o in rule.overrides}
    lines = [f"{rule.id}  {text(rule.title, lang)}"]

    def row(label: str, value: str, key: str | None = None) -> None:
        note = _override_note(overridden.get(key or label))
        first, *rest = value.splitlines() or [""]
        lines.append(f"  {label:<{LABEL}}{first}{note}")
        lines.extend(f"  {'':<{LABEL}}{line}" for line in rest)

    for lang_key, title in sorted(rule.title.items()):
        if lang_key != lang:
            row(f"title@{lang_key}", title, f"title@{lang_key}")
    row("pack", _origin(checked, rule))
    row("source", rule.span.format())
    domain_title = text(checked.domains.get(rule.domain, {}), lang)
    row("domain", rule.domain + (f"  ({domain_title})" if domain_title else ""))
    row("severity", rule.severity)
    for index, cite in enumerate(rule.cite):
        row("cite" if index == 0 else "", cite)
    if rule.effective_from or rule.grace_until:
        phases = []
        if rule.effective_from:
            phases.append(f"in force from {rule.effective_from.isoformat()}")
        if rule.grace_until:
            phases.append(f"failures do not count until {rule.grace_until.isoformat()} (grace)")
        row("time", "; ".join(phases))
    if rule.when is not None:
        row("when", "\n".join(expression_lines(rule.when, indent="")))
        row(
            "",
            "in words: "
            + requirement_text(
                rule.when, dict(checked.consts), lang, predicates=checked.predicates
            ),
        )
    row("require", "\n".join(expression_lines(rule.require, indent="")))
    row(
        "",
        "in words: "
        + requirement_text(rule.require, dict(checked.consts), lang, predicates=checked.predicates),
    )
    for key in ("message", "remediation"):
        texts = getattr(rule, key)
        for lang_key in sorted(texts, key=lambda k: (k != lang, k)):
            label = key if lang_key == "en" else f"{key}@{lang_key}"
            row(label, texts[lang_key], label)
    if rule.effort is not None:
        row("effort", str(rule.effort))
    if rule.after or "after" in overridden:
        row("after", _rule_list(checked, rule.after, lang) or "(none)")
    needed_by = tuple(r.id for r in checked.rules if rule.id in r.after)
    if needed_by:
        row("comes before", _rule_list(checked, needed_by, lang))
    if rule.evidence:
        row("evidence", ", ".join(rule.evidence))
    if rule.tags:
        row("tags", ", ".join(rule.tags))
    used = list(_definitions_used(rule, checked))
    if used:
        lines.append("  uses")
        for kind, name, body in used:
            if kind == "const":
                lines.append(f"    const {name} = {display(checked.consts[name])}")
            else:
                assert body is not None
                lines.extend(
                    "    " + line
                    for line in expression_lines(body, f"predicate {name} = ", indent="")
                )
    reads = sorted(rule_reads(rule, checked))
    if reads:
        lines.append("  reads")
        width = max(len(format_read(p)) for p in reads)
        for path in reads:
            lines.append(f"    {format_read(path):<{width}}  {_kind(checked, path)}".rstrip())
    return "\n".join(lines) + "\n"


def _override_note(applied: Any) -> str:
    if applied is None:
        return ""
    return f"   [overridden by {applied.pack_id} at {applied.span.format()}; was {applied.before}]"


def _origin(checked: CheckedPack, rule: Rule) -> str:
    own = next((p for p in checked.loaded.lineage() if p.manifest.id == rule.pack_id), None)
    version = f" {own.manifest.version}" if own is not None else ""
    if rule.pack_id == checked.id:
        return f"{rule.pack_id}{version}"
    return f"{rule.pack_id}{version}  (inherited by {checked.id})"


def _rule_list(checked: CheckedPack, ids: tuple[str, ...], lang: str) -> str:
    lines = []
    for rule_id in ids:
        other = checked.rule(rule_id)
        lines.append(f"{rule_id}  {text(other.title, lang)}" if other else rule_id)
    return "\n".join(lines)


def _definitions_used(rule: Rule, checked: CheckedPack) -> Iterator[tuple[str, str, n.Expr | None]]:
    """Consts and predicates the rule uses, directly or through predicates, each once."""
    seen: set[str] = set()
    stack = [e for e in (rule.when, rule.require) if e is not None]
    found: list[tuple[str, str, n.Expr | None]] = []
    while stack:
        expr = stack.pop()
        for node in n.walk(expr):
            if not isinstance(node, n.Name) or node.name in seen:
                continue
            if node.name in checked.predicates:
                seen.add(node.name)
                body = checked.predicates[node.name]
                found.append(("predicate", node.name, body))
                stack.append(body)
            elif node.name in checked.consts:
                seen.add(node.name)
                found.append(("const", node.name, None))
    yield from sorted(found, key=lambda item: (item[0] != "predicate", item[1]))


def _kind(checked: CheckedPack, path: tuple[str, ...]) -> str:
    words = value_words(schema_at(checked, path))
    return words if len(words) <= 90 else words[:89] + "…"


# ---------------------------------------------------------------- the evaluation trace


def explain_evaluation(
    pack: CompiledPack,
    rule_id: str,
    declaration: Declaration,
    finding: Finding,
    as_of: dt.date,
    lang: str = "en",
) -> str:
    """The evaluation trace of one rule on one declaration; ``finding`` is the rule's finding
    in the assessment (its status, message and witnesses, exactly as reports give them)."""
    rule = find_rule(pack, rule_id)
    outcome = run_rule(pack.traced_rule(rule_id), declaration.data, as_of, Trace(lazy=False))
    lines = [
        f"{rule.id}  {text(rule.title, lang)}",
        f"  pack {pack.checked.id} {pack.checked.version} · {declaration.source} · "
        f"as of {as_of.isoformat()}",
        f"  status {finding.status.upper()}{' (in grace period)' if finding.in_grace else ''}: "
        f"{finding.message}",
    ]
    if rule.effective_from is not None and as_of < rule.effective_from:
        lines.append("  (the rule is not in force on this date; its evaluation is shown below)")
    lines.append("")
    renderer = _TraceRenderer(declaration)
    assert outcome.trace is not None
    parts = outcome.trace.root.children
    labels = ["when", "require"] if rule.when is not None else ["require"]
    for label, node in zip(labels, parts, strict=False):
        lines.append(f"{label}:")
        lines.extend(renderer.node(node, 1))
    if rule.when is not None and len(parts) < 2:
        lines.append("require: not evaluated (the rule applies only when 'when' is true)")
    if finding.witnesses:
        lines.append("")
        lines.append("witnesses (as reports show them):")
        for w in finding.witnesses:
            where = f"{declaration.source}:{w.line}:{w.column}  " if w.line else ""
            element = f" [{w.element}]" if w.element else ""
            actual = f" = {w.actual}" if w.actual is not None else " (not declared)"
            expected = f"  (expected {w.expected})" if w.expected else ""
            lines.append(f"  {where}{w.path}{element}{actual}{expected}")
    return "\n".join(lines) + "\n"


def explain_declaration(
    rule_id: str,
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> str:
    """:func:`explain_evaluation` from a pack and a declaration as given; an unknown rule is
    a usage error before the declaration is read."""
    compiled = prepare_pack(pack, pack_path=pack_path)
    find_rule(compiled, rule_id)
    day = parse_as_of(as_of)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    # the pipeline's assessment, so a rule demanding evidence reads as check reports it
    finding = assess(loaded, compiled, as_of=day, lang=lang).finding(rule_id)
    assert finding is not None
    return explain_evaluation(compiled, rule_id, loaded, finding, day, lang)


class _TraceRenderer:
    def __init__(self, declaration: Declaration) -> None:
        self.declaration = declaration

    def node(self, node: TraceNode, depth: int) -> list[str]:
        expr = node.expr
        if expr is None or isinstance(expr, n.Literal_):
            return []  # a literal says its own value
        pad = "  " * depth
        source = _shorten(expression_flat(expr))
        line = f"{pad}{source}  => {self.value(node)}{self.where(node, source)}"
        lines = [line]
        if isinstance(expr, n.Quantifier | n.Aggregate):
            lines.extend(self.quantifier(node, depth + 1))
            return lines
        for child in node.children:
            lines.extend(self.node(child, depth + 1))
        return lines

    def quantifier(self, node: TraceNode, depth: int) -> Iterator[str]:
        pad = "  " * depth
        shown = 0
        skipped = 0
        current_group: list[TraceNode] = []
        marks: list[tuple[TraceNode, list[TraceNode]]] = []
        for child in node.children:
            if child.element is not None:
                current_group = []
                marks.append((child, current_group))
            elif marks:
                current_group.append(child)
            else:
                yield from self.node(child, depth)  # the collection
        expr = node.expr
        assert isinstance(expr, n.Quantifier | n.Aggregate)
        for mark, group in marks:
            if shown >= MAX_ELEMENTS:
                skipped += 1
                continue
            shown += 1
            path = mark.path
            label = self._label(mark.value)
            where = self._position(path)
            name = format_path(path) if path is not None else "an element"
            yield f"{pad}for {expr.var} = {name}{label}{where}"
            for child in group:
                yield from self.node(child, depth + 1)
        if skipped:
            yield f"{pad}… {skipped} more element{'s' if skipped != 1 else ''} not shown"

    def value(self, node: TraceNode) -> str:
        value = node.value
        if value is UNKNOWN:
            return "unknown (not declared)" if node.path is not None else "unknown"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return f"{len(value)} element{'s' if len(value) != 1 else ''}"
        if isinstance(value, dict):
            label = value.get("id") or value.get("name")
            return f"{{{label}}}" if label is not None else "{…}"
        return display(value)

    def where(self, node: TraceNode, source: str) -> str:
        if node.path is None:
            return ""
        path = format_path(node.path)
        shown = "" if path == source else f"{path} "
        position = self.declaration.locate(node.path)
        exact = self.declaration.position(node.path) is not None
        if position is None:
            return f"   [{path}]" if shown else ""
        at = f"{self.declaration.source}:{position[0]}:{position[1]}"
        return f"   [{shown}{'at' if exact else 'absent; nearest at'} {at}]"

    def _position(self, path: Any) -> str:
        if path is None:
            return ""
        position = self.declaration.position(path)
        return f"   [at {self.declaration.source}:{position[0]}:{position[1]}]" if position else ""

    @staticmethod
    def _label(value: Any) -> str:
        if isinstance(value, dict):
            label = value.get("id") or value.get("name")
            return f" [{label}]" if label is not None else ""
        return f" ({display(value)})"


def _shorten(source: str) -> str:
    return source if len(source) <= EXPRESSION_WIDTH else source[: EXPRESSION_WIDTH - 1] + "…"
