"""Rules: each rule id defined once, and each rule's fields well-formed and typed.

Input: the :class:`~.state.CheckState` after names, consts and predicates. Output: the
state's ``rule_definitions`` (by id, with the pack that defines each) and ``own_rules``
(each pack's checked :class:`~licensecheck.engine.rules.Rule`-s), with an error for each
unknown, repeated, missing or ill-typed field, unknown severity or domain and ill-typed
``when``/``require``, and warnings for rules without ``cite`` or ``remediation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ... import codes
from ...declaration.evidence import EVIDENCE_KINDS
from ...errors import did_you_mean
from ...lang import nodes as n
from ...lang.values import Duration
from ...packs.loader import LoadedPack
from ..models import SEVERITIES
from ..rules import Rule
from .expressions import ExpressionChecker, Scope
from .state import CheckState

TEXT_FIELDS = ("title", "message", "remediation")
#: What a rule's ``evidence`` field may say: that evidence is required, or of which kinds.
EVIDENCE_VALUES = ("required", *EVIDENCE_KINDS)
RULE_FIELDS = (
    "title",
    "domain",
    "severity",
    "require",
    "when",
    "cite",
    "message",
    "remediation",
    "effort",
    "after",
    "evidence",
    "tags",
    "effective_from",
    "grace_until",
)


def collect_rule_definitions(state: CheckState) -> None:
    """Every rule definition by id, ancestors first; a second definition of an id is an error."""
    found = state.rule_definitions
    for loaded in state.pack.lineage():
        for module in loaded.modules:
            for definition in module.definitions:
                if not isinstance(definition, n.RuleDef):
                    continue
                if definition.rule_id in found:
                    first = found[definition.rule_id][0].span
                    state.error(
                        codes.DUPLICATE_RULE,
                        f"rule {definition.rule_id} is defined twice (first at {first.format()})",
                        definition.span,
                    )
                    continue
                found[definition.rule_id] = (definition, loaded)


def check_rules(state: CheckState) -> None:
    """Each rule definition checked; the well-formed ones kept by the root of their pack."""
    checker = _RuleChecker(state)
    for definition, loaded in state.rule_definitions.values():
        rule = checker.rule(definition, loaded)
        if rule is not None:
            state.own_rules.setdefault(loaded.root, []).append(rule)


#: The longest effort a rule may give its remediation (100 years): plans run on real calendars
MAX_EFFORT_DAYS = 100 * 365


class _RuleChecker:
    def __init__(self, state: CheckState) -> None:
        self.state = state
        self.expressions = ExpressionChecker(state)

    def rule(self, rule: n.RuleDef, loaded: LoadedPack) -> Rule | None:
        before = len(self.state.errors)
        fields: dict[str, n.RuleField] = {}
        for f in rule.fields:
            base, _, lang = f.key.partition("@")
            if base not in RULE_FIELDS:
                suggestion = did_you_mean(base, RULE_FIELDS)
                self.state.error(
                    codes.UNKNOWN_FIELD,
                    f"unknown rule field '{base}'"
                    + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                    f.span,
                )
                continue
            if lang and base not in TEXT_FIELDS:
                self.state.error(
                    codes.UNKNOWN_FIELD,
                    f"'{base}' has no language variants (only {', '.join(TEXT_FIELDS)} do)",
                    f.span,
                )
                continue
            if f.key in fields:
                self.state.error(
                    codes.DUPLICATE_FIELD,
                    f"'{f.key}' is given twice in rule {rule.rule_id}",
                    f.span,
                )
                continue
            fields[f.key] = f
        for required in ("title", "domain", "severity", "require"):
            if required not in fields:
                self.state.error(
                    codes.MISSING_FIELD, f"rule {rule.rule_id} has no '{required}'", rule.span
                )

        texts = {key: self._texts(fields, key) for key in TEXT_FIELDS}
        domain = self._identifier(fields["domain"], "domain") if "domain" in fields else None
        severity = (
            self._identifier(fields["severity"], "severity") if "severity" in fields else None
        )
        if severity is not None and severity not in SEVERITIES:
            suggestion = did_you_mean(severity, SEVERITIES)
            self.state.error(
                codes.UNKNOWN_SEVERITY,
                f"unknown severity '{severity}'; use one of {', '.join(SEVERITIES)}"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                fields["severity"].value.span,
            )
        if domain is not None:
            self._check_domain(domain, fields["domain"], loaded)
        when = fields["when"].value if "when" in fields else None
        require = fields["require"].value if "require" in fields else None
        for key, expr in (("when", when), ("require", require)):
            if expr is not None:
                self.expressions.expect_bool(
                    self.expressions.infer(expr, Scope()), expr, f"'{key}'"
                )
        cite = self._strings(fields.get("cite"), "cite")
        if "cite" not in fields:
            self.state.warn(
                codes.MISSING_CITE,
                f"rule {rule.rule_id} has no 'cite'",
                rule.span,
                "name the law and article it enforces",
            )
        if not texts["remediation"]:
            self.state.warn(
                codes.MISSING_REMEDIATION,
                f"rule {rule.rule_id} has no 'remediation'",
                rule.span,
                "say what to do first",
            )
        effort = self._literal(fields.get("effort"), Duration, "a duration such as 30 days")
        if effort is not None and effort.days > MAX_EFFORT_DAYS:
            # a plan schedules every task on a calendar that ends in the year 9999
            self.state.error(
                codes.LIMIT,
                f"'effort' {effort} is more than {MAX_EFFORT_DAYS // 365} years: "
                "no remediation plan could schedule it",
                fields["effort"].value.span,
            )
            effort = None
        effective_from = self._literal(fields.get("effective_from"), dt.date, "a date (YYYY-MM-DD)")
        grace_until = self._literal(fields.get("grace_until"), dt.date, "a date (YYYY-MM-DD)")
        if effective_from and grace_until and grace_until < effective_from:
            # a grace period that ends before the rule takes effect never applies: a typo
            self.state.error(
                codes.GRACE_ORDER,
                f"'grace_until' {grace_until.isoformat()} is before 'effective_from' "
                f"{effective_from.isoformat()}: the grace period would never apply",
                fields["grace_until"].value.span,
            )
        if len(self.state.errors) > before or domain is None or severity is None or require is None:
            return None
        return Rule(
            id=rule.rule_id,
            pack_id=loaded.manifest.id,
            title=texts["title"],
            domain=domain,
            severity=severity,
            require=require,
            when=when,
            cite=cite,
            message=texts["message"],
            remediation=texts["remediation"],
            effort=effort,
            after=tuple(ref.rule_id for ref in rule.after or ()),
            evidence=self._evidence(fields.get("evidence")),
            tags=self._strings(fields.get("tags"), "tags"),
            effective_from=effective_from,
            grace_until=grace_until,
            span=rule.span,
        )

    def _texts(self, fields: Mapping[str, n.RuleField], base: str) -> dict[str, str]:
        result: dict[str, str] = {}
        for key, f in fields.items():
            name, _, lang = key.partition("@")
            if name != base:
                continue
            if isinstance(f.value, n.Literal_) and isinstance(f.value.value, str):
                result[lang or "en"] = f.value.value
            else:
                self.state.error(codes.FIELD_TYPE, f"'{key}' must be a quoted string", f.value.span)
        return result

    def _identifier(self, f: n.RuleField, key: str) -> str | None:
        if isinstance(f.value, n.Name):
            return f.value.name
        if isinstance(f.value, n.Literal_) and isinstance(f.value.value, str):
            return f.value.value
        self.state.error(
            codes.FIELD_TYPE, f"'{key}' must be a name such as licensing", f.value.span
        )
        return None

    def _check_domain(self, domain: str, f: n.RuleField, loaded: LoadedPack) -> None:
        known = loaded.all_domains(keep_disabled=True)  # the domains its own pack knows
        if known and domain not in known:
            suggestion = did_you_mean(domain, known)
            self.state.error(
                codes.UNKNOWN_DOMAIN,
                f"domain '{domain}' is not listed in pack.yaml"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                f.value.span,
            )
        elif not known and loaded is self.state.pack:
            self.state.warn(
                codes.UNLISTED_DOMAINS,
                f"pack.yaml lists no domains, so '{domain}' is not checked",
                f.value.span,
            )

    def _strings(self, f: n.RuleField | None, key: str) -> tuple[str, ...]:
        if f is None:
            return ()
        value = f.value
        if isinstance(value, n.Literal_) and isinstance(value.value, str):
            return (value.value,)
        if isinstance(value, n.ListExpr) and all(
            isinstance(i, n.Literal_) and isinstance(i.value, str) for i in value.items
        ):
            return tuple(
                i.value
                for i in value.items
                if isinstance(i, n.Literal_) and isinstance(i.value, str)
            )
        self.state.error(
            codes.FIELD_TYPE, f"'{key}' must be a string or a list of strings", value.span
        )
        return ()

    def _evidence(self, f: n.RuleField | None) -> tuple[str, ...]:
        """``evidence: required`` or a list of evidence kinds (``[licence, contract]``), as
        bare words or quoted text: the rule passes only when evidenced (by those kinds)."""
        if f is None:
            return ()
        items = f.value.items if isinstance(f.value, n.ListExpr) else [f.value]
        words: list[str] = []
        for item in items:
            word = _word(item)
            if word is None:
                self.state.error(
                    codes.FIELD_TYPE,
                    "'evidence' must be required or evidence kinds, e.g. [licence, contract]",
                    item.span,
                )
            elif word not in EVIDENCE_VALUES:
                near = did_you_mean(word, EVIDENCE_VALUES)
                self.state.error(
                    codes.UNKNOWN_VALUE,
                    f"'evidence' value '{word}' is not required nor an evidence kind",
                    item.span,
                    f"did you mean '{near}'?"
                    if near
                    else "use required, or kinds among " + ", ".join(EVIDENCE_KINDS),
                )
            else:
                words.append(word)
        return tuple(words)

    def _literal(self, f: n.RuleField | None, kind: type, words: str) -> Any:
        if f is None:
            return None
        if isinstance(f.value, n.Literal_) and isinstance(f.value.value, kind):
            return f.value.value
        self.state.error(codes.FIELD_TYPE, f"'{f.key}' must be {words}", f.value.span)
        return None


def _word(value: n.Expr) -> str | None:
    """A bare word or a quoted text, as rule fields that name things are written."""
    if isinstance(value, n.Name):
        return value.name
    if isinstance(value, n.Literal_) and isinstance(value.value, str):
        return value.value
    return None
