"""Render a pack as a Markdown rule catalogue (``licensecheck packs doc``).

Input: a compiled pack. Output: Markdown. Each rule's requirement is generated from its
expression (:func:`licensecheck.reports.requirements.requirement_text`), so the catalogue always says
what is evaluated. The layout lives in ``templates/pack-catalogue.md.j2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine.compile import CompiledPack
from ..engine.evaluate import text
from ..engine.gate import severity_rank
from ..engine.models import SEVERITIES
from ..engine.rules import Rule
from ..lang import nodes as n
from ..packs.loader import extends_entries
from ..reports.requirements import requirement_text
from ..reports.templates import template_environment


def _rule_view(
    rule: Rule, consts: dict[str, Any], predicates: Mapping[str, n.Expr]
) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title.get("en", ""),
        "title_zh": rule.title.get("zh"),
        "severity": rule.severity,
        "cite": list(rule.cite),
        "when": (
            requirement_text(rule.when, consts, predicates=predicates)
            if rule.when is not None
            else None
        ),
        "requirement": requirement_text(rule.require, consts, predicates=predicates),
        "remediation": rule.remediation.get("en"),
        "remediation_zh": rule.remediation.get("zh"),
        "effort": str(rule.effort) if rule.effort else None,
        "after": list(rule.after),
        "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
        "grace_until": rule.grace_until.isoformat() if rule.grace_until else None,
    }


def _inherited_view(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title.get("en", ""),
        "severity": rule.severity,
        "pack": rule.pack_id,
        "overrides": [f"{o.key}: {o.before} → {o.after} (`{o.pack_id}`)" for o in rule.overrides],
    }


def render_catalogue(pack: CompiledPack) -> str:
    checked = pack.checked
    consts = dict(checked.consts)
    own = [r for r in checked.rules if r.pack_id == checked.id]
    inherited = [r for r in checked.rules if r.pack_id != checked.id]
    order = {key: i for i, key in enumerate(checked.domains)}
    domains = []
    for key in sorted({r.domain for r in own}, key=lambda d: (order.get(d, len(order)), d)):
        rules = sorted(
            (r for r in own if r.domain == key), key=lambda r: (severity_rank(r.severity), r.id)
        )
        titles = checked.domains.get(key, {})
        domains.append(
            {
                "key": key,
                "title": text(titles, "en") or key,
                "title_zh": titles.get("zh"),
                "rules": [_rule_view(r, consts, checked.predicates) for r in rules],
            }
        )
    manifest = checked.loaded.manifest
    context = {
        "pack": {
            "id": checked.id,
            "version": checked.version,
            "title": checked.title,
            "title_zh": manifest.title_zh,
            "description": manifest.description,
            "jurisdiction": manifest.jurisdiction,
            "extends": ", ".join(extends_entries(manifest)) or None,
            "reviewed_on": manifest.reviewed_on,
            "sources": manifest.sources,
        },
        "counts": {s: sum(1 for r in own if r.severity == s) for s in SEVERITIES},
        "total": len(own),
        "domains": domains,
        "inherited": sorted((_inherited_view(r) for r in inherited), key=lambda r: r["id"]),
        # a disabled rule is not evaluated: say so rather than leave the reader to wonder
        "disabled": [{"id": rule_id, "by": by} for rule_id, by in sorted(checked.disabled.items())],
    }
    return (
        template_environment(markdown=True).get_template("pack-catalogue.md.j2").render(**context)
    )
