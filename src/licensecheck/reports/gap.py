"""Build a gap report: an assessment turned into something a reader can act on.

Input: an :class:`~licensecheck.engine.models.Assessment`, the compiled pack and the declaration it
came from (and optionally an earlier JSON report as the baseline). Output: a
:class:`GapReport` — the executive summary (ready or not, the score and its range, blocking
gaps, counts), each domain's gaps with what was declared, what the rule requires (generated
from its expression), the citation, the remediation and the smallest declaration change, the
``unknown`` findings as a questionnaire, and what changed since the baseline. The model is
the single source of ``schemas/gap-report.schema.json``; rendering it to Markdown or HTML is
:mod:`licensecheck.reports.documents`' job.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from ..declaration.loader import Declaration
from ..declaration.schema import DeclarationSchema, SchemaNode
from ..engine.baseline import DiffReport, diff_assessments
from ..engine.compile import CompiledPack
from ..engine.evaluate import run_rule, summarize
from ..engine.gate import (
    DEFAULT_FAIL_ON,
    blocks_readiness,
    exit_code_for,
    gap_blocks,
    severity_rank,
)
from ..engine.models import (
    STATUSES,
    Assessment,
    BaselineInfo,
    Counts,
    Finding,
    PackInfo,
    ToolInfo,
    Witness,
    schema_uri_field,
    schema_version_field,
    unset,
)
from ..engine.pipeline import (
    DeclarationRef,
    PackRef,
    assess,
    load_baseline,
    load_declaration,
    prepare_pack,
)
from ..engine.rules import Rule
from ..i18n import PHRASES, phrase
from ..lang.values import UNKNOWN
from ..packs.loader import PackSource
from ..sources.paths import format_path, parse_path
from ..sources.validation import empty_list
from .evidence import EvidenceSection, evidence_section
from .fix_words import bound_words, edit_sentences, fact_sentences, place_of, value_text
from .fixes import Edit, Fix, smallest_fix
from .requirements import requirement_text

if TYPE_CHECKING:
    from ..declaration.evidence import EvidenceStatus
    from ..engine.baseline import Baseline
    from ..engine.waivers import WaiverSet

GAP_STATUSES = ("fail", "error")
#: Rule texts a translation can be missing for (``--lang zh``).
TRANSLATABLE = ("title", "message", "remediation")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreRange(_Model):
    """The score if every ``unknown`` finding failed (worst) or passed (best)."""

    worst: int = Field(ge=0, le=100)
    best: int = Field(ge=0, le=100)


class Change(_Model):
    """One edit of the declaration."""

    action: str = Field(description="set, raise, lower, change, declare, remove, add_item, …")
    path: str = Field(description="Declaration path, e.g. data_sources[2].consent.separate.")
    element: str | None = Field(description="Id of the list entry the path is in, if any.")
    current: str | None = Field(description="What is declared now; null when not declared.")
    target: str | None = Field(
        description="What the rule needs, e.g. '>= 50000000'; null when not determined."
    )
    value: Any = Field(
        default=None, description="A value that satisfies the rule, if the rule determines one."
    )


class SmallestChange(_Model):
    """The cheapest declaration change that makes the rule pass."""

    steps: list[str] = Field(description="The change in words, one sentence per step.")
    changes: list[Change]
    verified: bool = Field(
        description="The rule was re-evaluated with the change applied and passes."
    )
    alternatives: list[list[str]] = Field(
        default_factory=empty_list, description="Other changes that would do, in words."
    )
    facts: list[str] = Field(
        default_factory=empty_list,
        description=(
            "Facts about the firm (fields marked x-licensecheck-kind: fact) that only a"
            " re-declaration would change, in words: never offered as a change. With no"
            " steps, only a change of facts would make the rule pass."
        ),
    )


class Gap(_Model):
    """A failing (or unevaluable) rule, with everything needed to act on it."""

    rule_id: str
    title: str
    domain: str
    severity: str
    status: str
    in_grace: bool
    message: str
    requirement: str = Field(description="What the rule requires, generated from its expression.")
    applies_when: str | None = Field(description="When the rule applies, generated likewise.")
    declared: list[Witness] = Field(description="What the declaration holds, and where.")
    cite: list[str]
    remediation: str | None
    effort_days: float | None
    smallest_change: SmallestChange | None
    untranslated: list[str] = Field(
        default_factory=empty_list,
        description="Rule texts shown in English because the pack has no translation.",
    )


class DomainReport(_Model):
    id: str
    title: str
    score: int | None = Field(description="The domain's readiness score; null if nothing applies.")
    counts: dict[str, int] = Field(description="Status -> number of rules.")
    gaps: list[Gap]


class BlockingGap(_Model):
    rule_id: str
    title: str
    severity: str
    status: str
    domain: str


class FieldToDeclare(_Model):
    """One field the declaration should fill in: a line of the questionnaire."""

    path: str
    field: str = Field(description="The path inside its list entry (or the whole path).")
    element: str | None
    line: int | None = Field(description="Line of the nearest declared parent.")
    column: int | None
    kind: str = Field(description="What to write: true/false, a number, a date, text, …")
    allowed: list[str] = Field(
        default_factory=empty_list, description="The allowed values, if listed."
    )
    description: str = ""
    needed: list[str] = Field(
        default_factory=empty_list, description="What the rules need it to be, where they say."
    )
    rules: list[str]


class SectionToDeclare(_Model):
    section: str
    fields: list[FieldToDeclare]


class UnknownRule(_Model):
    rule_id: str
    title: str
    severity: str
    domain: str
    decides: Literal["applicability", "requirement"]
    fields: list[str]


class GapReport(_Model):
    """A gap report: one declaration against one pack on one date, for people to act on."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck gap report")

    schema_uri: str = schema_uri_field("gap-report")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo
    pack_reviewed_on: dt.date | None = Field(
        default=None,
        description="When the pack's legal content was last checked (pack.yaml reviewed_on).",
    )
    pack_sources: list[PackSource] = Field(
        default_factory=empty_list, description="The legal texts the pack's rules are drawn from."
    )
    company: str = Field(
        description="company.name from the declaration (company.name_zh in Chinese, if declared)."
    )
    declaration: str
    as_of: dt.date
    lang: str
    ready: bool
    score: int = Field(ge=0, le=100)
    score_range: ScoreRange
    blocking: list[BlockingGap] = Field(
        description="Critical and high gaps (fail, unknown, error) that stand between the "
        "firm and readiness."
    )
    counts: Counts
    domains: list[DomainReport]
    unknown_rules: list[UnknownRule]
    to_declare: list[SectionToDeclare] = Field(
        description="The information to declare, grouped by section: a questionnaire."
    )
    baseline: BaselineInfo | None = Field(
        default=None, description="The earlier report compared with (--baseline), if any."
    )
    changes: DiffReport | None = Field(
        default=None,
        description="What changed since the baseline: gaps new, worsened, improved, unchanged "
        "and fixed (null without a baseline, or when it holds no report of this declaration).",
    )
    evidence: EvidenceSection | None = Field(
        default=None,
        exclude_if=unset,  # reports without evidence read as they did before evidence existed
        description="Evidence: each finding's assurance, the evidence requests, the evidenced "
        "score, the entries' states and drift. Absent when the declaration has no evidence "
        "and the pack no rule demanding it.",
    )

    def exit_code(self, fail_on: str = DEFAULT_FAIL_ON) -> int:
        """1 when a gap (fail, unknown, error; not in its grace period) is at or above
        ``fail_on`` — with a baseline, only new or worsened gaps count — else 0."""
        changed = None
        if self.changes is not None:
            changed = {e.rule_id: e.change for e in (*self.changes.new, *self.changes.worsened)}

        def baseline(rule_id: str) -> str | None:  # a gap neither new nor worse does not count
            return None if changed is None else changed.get(rule_id, "unchanged")

        gaps = (
            gap_blocks(
                g, fail_on, status=g.status, in_grace=g.in_grace, baseline=baseline(g.rule_id)
            )
            for d in self.domains
            for g in d.gaps
        )
        unknown = (
            gap_blocks(u, fail_on, status="unknown", baseline=baseline(u.rule_id))
            for u in self.unknown_rules
        )
        return exit_code_for(itertools.chain(gaps, unknown), fail_on)


# ---------------------------------------------------------------- building


def score_range(findings: list[Finding]) -> ScoreRange:
    """Recompute the score with every unknown failing, then passing (summary semantics)."""
    as_fail = [_with_status(f, "fail") if f.status == "unknown" else f for f in findings]
    as_pass = [_with_status(f, "pass") if f.status == "unknown" else f for f in findings]
    return ScoreRange(worst=summarize(as_fail).score, best=summarize(as_pass).score)


def _with_status(finding: Finding, status: str) -> Finding:
    return finding.model_copy(update={"status": status, "in_grace": False})


def gap_report(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    baseline: str | os.PathLike[str] | Baseline | None = None,
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
    evidence: Sequence[EvidenceStatus] | None = None,
) -> GapReport:
    """Assess ``declaration`` (with ``waivers``; marked against ``baseline``; its evidence
    files also looked for under ``evidence_root``, or its ``evidence`` states as already
    checked) and build its gap report, with what changed since the baseline's report of the
    same file."""
    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    base = load_baseline(baseline) if baseline is not None else None
    result = assess(
        loaded,
        compiled,
        as_of=as_of,
        lang=lang,
        baseline=base,
        waivers=waivers,
        evidence_root=evidence_root,
        evidence=evidence,
    )
    old = base.for_declaration(loaded.source) if base is not None else None
    changes = diff_assessments(old, result) if old is not None else None
    return build_gap_report(result, compiled, loaded, changes=changes)


def build_gap_report(
    assessment: Assessment,
    pack: CompiledPack,
    declaration: Declaration,
    *,
    changes: DiffReport | None = None,
) -> GapReport:
    """The gap report of ``assessment``; ``changes`` compares it with a baseline report."""
    lang = assessment.lang
    checked = pack.checked
    consts = dict(checked.consts)
    fixes = _Fixes(pack, declaration, assessment.as_of)
    rules = {r.id: r for r in checked.rules}
    summary = assessment.summary
    return GapReport(
        tool=assessment.tool,
        pack=assessment.pack.model_copy(update={"title": pack_title(pack, lang)}),
        pack_reviewed_on=checked.loaded.manifest.reviewed_on,
        pack_sources=checked.loaded.manifest.sources,
        company=company_name(declaration, lang),
        declaration=assessment.declaration,
        as_of=assessment.as_of,
        lang=lang,
        ready=summary.ready,
        score=summary.score,
        score_range=score_range(assessment.findings),
        blocking=[
            BlockingGap(
                rule_id=f.rule_id,
                title=f.title,
                severity=f.severity,
                status=f.status,
                domain=f.domain,
            )
            for f in sorted(assessment.findings, key=_gap_order)
            if blocks_readiness(f)
        ],
        counts=summary.counts,
        domains=_domains(assessment, rules, consts, fixes),
        unknown_rules=_unknown_rules(assessment, pack, declaration),
        to_declare=_questionnaire(assessment, checked.schema, fixes, lang),
        baseline=assessment.baseline,
        changes=changes,
        evidence=evidence_section(assessment, pack),
    )


def _gap_order(f: Finding) -> tuple[int, int, str]:
    return (severity_rank(f.severity), STATUSES.index(f.status), f.rule_id)


def company_name(declaration: Declaration, lang: str) -> str:
    """The company's name for a title in ``lang``: ``company.name_zh`` in Chinese when the
    declaration has one, else ``company.name``."""
    company = declaration.data.get("company", {})
    if not isinstance(company, dict):
        return ""
    if lang == "zh" and company.get("name_zh"):
        return str(company["name_zh"])
    return str(company.get("name", ""))


def pack_title(pack: CompiledPack, lang: str) -> str:
    """The pack's title in ``lang`` (the manifest's ``title@zh``), else its English title."""
    manifest = pack.checked.loaded.manifest
    zh = getattr(manifest, "title_zh", None)
    return zh if lang == "zh" and zh else pack.checked.title


class _Fixes:
    """Smallest fixes, computed once per rule (the report and the questionnaire share them)."""

    def __init__(self, pack: CompiledPack, declaration: Declaration, as_of: dt.date) -> None:
        self.pack = pack
        self.declaration = declaration
        self.as_of = as_of
        self._cache: dict[str, Fix | None] = {}

    def get(self, rule_id: str) -> Fix | None:
        if rule_id not in self._cache:
            self._cache[rule_id] = smallest_fix(self.pack, rule_id, self.declaration, self.as_of)
        return self._cache[rule_id]


def _domains(
    assessment: Assessment, rules: Mapping[str, Rule], consts: dict[str, Any], fixes: _Fixes
) -> list[DomainReport]:
    groups: dict[str, list[Finding]] = {}
    for f in assessment.findings:
        groups.setdefault(f.domain, []).append(f)
    reports = []
    for domain, findings in groups.items():
        summary = summarize(findings)
        applicable = any(f.status in ("pass", "fail", "unknown", "error") for f in findings)
        gaps = [
            _gap(f, rules[f.rule_id], consts, fixes, assessment.lang)
            for f in sorted(findings, key=_gap_order)
            if f.status in GAP_STATUSES
        ]
        reports.append(
            DomainReport(
                id=domain,
                title=assessment.pack.domains.get(domain, domain),
                score=summary.score if applicable else None,
                counts=summary.counts.by_status,
                gaps=gaps,
            )
        )
    # the weakest domains first; domains where nothing applies last
    return sorted(reports, key=lambda d: (d.score is None, d.score or 0, d.id))


def _gap(f: Finding, rule: Rule, consts: dict[str, Any], fixes: _Fixes, lang: str) -> Gap:
    fix = fixes.get(f.rule_id) if f.status == "fail" else None
    predicates = fixes.pack.checked.predicates
    return Gap(
        rule_id=f.rule_id,
        title=f.title,
        domain=f.domain,
        severity=f.severity,
        status=f.status,
        in_grace=f.in_grace,
        message=f.message,
        requirement=requirement_text(rule.require, consts, lang, predicates=predicates),
        applies_when=(
            requirement_text(rule.when, consts, lang, predicates=predicates)
            if rule.when is not None
            else None
        ),
        declared=f.witnesses,
        cite=f.cite,
        remediation=f.remediation,
        effort_days=f.effort_days,
        smallest_change=_smallest_change(fix, fixes.declaration, consts, lang),
        untranslated=untranslated(rule, lang, generated_message=f.status != "fail"),
    )


def untranslated(rule: Rule, lang: str, *, generated_message: bool = False) -> list[str]:
    """The rule texts shown in the fallback language because ``lang`` has none."""
    if lang == "en":
        return []
    missing = []
    for name in TRANSLATABLE:
        texts: Mapping[str, str] = getattr(rule, name)
        if name == "message" and (generated_message or not texts):
            missing.append(name)  # generated messages are in English
        elif texts and lang not in texts:
            missing.append(name)
    return missing


def _smallest_change(
    fix: Fix | None, declaration: Declaration, consts: dict[str, Any], lang: str
) -> SmallestChange | None:
    if fix is None:
        return None
    data = declaration.data
    return SmallestChange(
        steps=edit_sentences(fix.edits, data, consts, lang),
        changes=[_change(e, data) for e in fix.edits],
        verified=fix.verified,
        alternatives=[edit_sentences(alt, data, consts, lang) for alt in fix.alternatives],
        facts=fact_sentences(fix.facts, data, lang),
    )


def _change(edit: Edit, data: Mapping[str, Any]) -> Change:
    target: str | None = None
    if edit.choices:
        target = f"{edit.op} [{', '.join(value_text(c) for c in edit.choices)}]"
    elif edit.has_target:
        target = f"{edit.op} {value_text(edit.target)}"
    return Change(
        action=edit.action,
        path=format_path(edit.path),
        element=place_of(data, edit.path).element,
        current=None if edit.current is UNKNOWN else value_text(edit.current),
        target=target,
        value=_json_value(edit.value) if edit.has_value else None,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- the questionnaire


def _unknown_rules(
    assessment: Assessment, pack: CompiledPack, declaration: Declaration
) -> list[UnknownRule]:
    compiled = {c.rule.id: c for c in pack.rules}
    result = []
    for f in sorted(assessment.findings, key=_gap_order):
        if f.status != "unknown":
            continue
        outcome = run_rule(compiled[f.rule_id], declaration.data, assessment.as_of)
        result.append(
            UnknownRule(
                rule_id=f.rule_id,
                title=f.title,
                severity=f.severity,
                domain=f.domain,
                decides="applicability" if outcome.decided_by == "when" else "requirement",
                fields=[w.path for w in f.witnesses if w.actual is None],
            )
        )
    return result


def _questionnaire(
    assessment: Assessment, schema: DeclarationSchema, fixes: _Fixes, lang: str
) -> list[SectionToDeclare]:
    fields: dict[str, dict[str, Any]] = {}
    for f in assessment.findings:
        if f.status != "unknown":
            continue
        needs = _needs(fixes.get(f.rule_id), lang)
        for w in f.witnesses:
            if w.actual is not None:
                continue
            entry = fields.setdefault(w.path, {"witness": w, "rules": [], "needed": []})
            entry["rules"].append(f.rule_id)
            if w.path in needs:
                entry["needed"].append(f"{needs[w.path]} ({f.rule_id})")
    sections: dict[str, list[FieldToDeclare]] = {}
    data = fixes.declaration.data
    for path_text, entry in sorted(fields.items(), key=lambda kv: _field_order(kv[1]["witness"])):
        path = parse_path(path_text)
        node = schema.node_at(path)
        place = place_of(data, path)
        sections.setdefault(str(path[0]), []).append(
            FieldToDeclare(
                path=path_text,
                field=place.field,
                element=place.element,
                line=entry["witness"].line,
                column=entry["witness"].column,
                kind=kind_words(node, lang),
                allowed=[value_text(v) for v in (node.enum or ())] if node else [],
                description=node.description if node else "",
                needed=_unique(entry["needed"]),
                rules=_unique(entry["rules"]),
            )
        )
    return [SectionToDeclare(section=s, fields=fs) for s, fs in sections.items()]


def _field_order(w: Witness) -> tuple[int, int, str]:
    return (w.line if w.line is not None else 10**9, w.column or 0, w.path)


def _needs(fix: Fix | None, lang: str) -> dict[str, str]:
    """Path -> what a rule needs a declared value to be (from its fix's bounds)."""
    if fix is None:
        return {}
    result = {}
    for edit in fix.edits:
        if not edit.has_target:
            continue
        if edit.op in (">=", ">", "<=", "<"):
            result[format_path(edit.path)] = bound_words(edit, lang).strip()
        elif edit.op == "==":
            result[format_path(edit.path)] = value_text(edit.target)
    return result


def kind_words(node: SchemaNode | None, lang: str = "en") -> str:
    """What a declared value is, in words: "a whole number", "one of the allowed values"."""
    if node is None:
        kind = "any"
    elif node.enum:
        kind = "enum"
    else:
        kind = node.kind if f"kind.{node.kind}" in PHRASES else "any"
    return phrase(f"kind.{kind}", lang)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = [
    "BlockingGap",
    "Change",
    "DomainReport",
    "FieldToDeclare",
    "Gap",
    "GapReport",
    "ScoreRange",
    "SectionToDeclare",
    "SmallestChange",
    "UnknownRule",
    "build_gap_report",
    "score_range",
    "untranslated",
]
