"""Turn an assessment into a remediation plan: tasks, phases, a schedule and a ready date.

Input: an :class:`~licensecheck.engine.models.Assessment` and the compiled pack it came from, a start
date, a number of parallel workstreams and optionally rules to assume fixed. Output: a
:class:`Plan` (the single source of ``schemas/plan.schema.json``).

* **Tasks.** One per ``fail`` finding (the rule's remediation; its ``effort`` in working days,
  5 when the rule gives none) and one small "declare / evidence" task (1 day) per ``unknown``
  or ``error`` finding.
* **Phases** every plan shares, decided from the rule alone (first match wins):
  1. a ``phase:stop|structural|evidence|application`` tag on the rule;
  2. ``unknown`` / ``error`` findings → *documentation and evidence*;
  3. tags ``licence``, ``license``, ``certification``, ``application`` or ``registration`` →
     *certification and application*;
  4. tags ``prohibited-data`` or ``criminal-risk``, or an English remediation that starts
     with "Stop" / "First stop" → *stop prohibited activity immediately*;
  5. an English title about paperwork (publish, document, record, report, notify, disclose,
     policy, assess, audit, review, agreement, contract, train, …) → *documentation and
     evidence*;
  6. otherwise → *structural fixes*.
* **Order.** Dependencies from the rules' ``after`` (between tasks in the plan), then phase,
  then severity, then rule id — the priority of the list scheduler in :mod:`.schedule`.
* **Scores.** The score expected at a date assumes every task finished by then makes its rule
  pass (a declared unknown may still turn out to fail: the plan is the optimistic path).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import codes
from ..engine.compile import CompiledPack
from ..engine.evaluate import summarize, text
from ..engine.gate import (
    DEFAULT_FAIL_ON,
    blocks_readiness,
    exit_code_for,
    gap_blocks,
    severity_rank,
)
from ..engine.models import (
    Assessment,
    Finding,
    PackInfo,
    Summary,
    ToolInfo,
    schema_uri_field,
    schema_version_field,
)
from ..engine.pipeline import (
    DeclarationRef,
    PackRef,
    assess,
    load_declaration,
    parse_as_of,
    prepare_pack,
)
from ..engine.rules import Rule
from ..errors import Diagnostic, UsageError, did_you_mean
from ..i18n import phrase
from ..sources.validation import empty_list
from .gap import company_name, pack_title, untranslated
from .schedule import CALENDARS, DEFAULT_CALENDAR, Calendar, Job, WorkingDays, schedule

if TYPE_CHECKING:
    from ..engine.waivers import WaiverSet

Phase = Literal["stop", "structural", "evidence", "application"]
PHASES: tuple[Phase, ...] = ("stop", "structural", "evidence", "application")
DEFAULT_FIX_DAYS = 5
DECLARE_DAYS = 1
DEFAULT_CAPACITY = 2

_APPLICATION_TAGS = {"licence", "license", "certification", "application", "registration"}
_STOP_TAGS = {"prohibited-data", "criminal-risk"}
_STOP_REMEDIATION = re.compile(r"^\s*(first,?\s+)?stop\b", re.IGNORECASE)
_PAPERWORK = re.compile(
    r"\b(publish|document|record|report|notif|notice|disclos|polic|register\b|assess|audit|"
    r"review|agreement|contract|evidence|inventor|train|file\b|filing)",
    re.IGNORECASE,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Task(_Model):
    id: str = Field(description="fix-RULE or declare-RULE.")
    rule_id: str
    title: str
    kind: Literal["fix", "declare"] = Field(
        description="fix: a failing rule; declare: an unknown (or unevaluable) one."
    )
    status: str = Field(description="The finding's status: fail, unknown or error.")
    severity: str
    domain: str
    phase: Phase
    effort_days: int = Field(ge=0, description="Working days.")
    start: dt.date
    end: dt.date = Field(description="Exclusive: the first working day after the task.")
    depends_on: list[str] = Field(description="Task ids that must finish first.")
    critical: bool = Field(
        description="On the critical path: a day late here is a day late overall."
    )
    workstream: int = Field(ge=1)
    in_grace: bool = Field(
        default=False, description="A failure inside the rule's grace period (not blocking yet)."
    )
    remediation: str | None
    untranslated: list[str] = Field(default_factory=empty_list)


class Milestone(_Model):
    phase: Phase
    title: str
    date: dt.date = Field(description="The day the phase's last task is done (its end).")
    tasks: int
    score: int = Field(ge=0, le=100, description="Readiness score expected on that date.")
    ready: bool = Field(description="Whether the firm is expected to be ready on that date.")


class PhaseInfo(_Model):
    id: Phase
    title: str
    tasks: int
    effort_days: int


class Assumptions(_Model):
    """How assuming some rules fixed (``--assume-fixed``) moves the score and the date."""

    assumed_fixed: list[str]
    score_before: int
    score_after: int
    ready_on_before: dt.date
    ready_on_after: dt.date


class WhatIf(_Model):
    """The plan if one blocking gap were already fixed (``--what-if``)."""

    rule_id: str
    task_id: str
    title: str
    severity: str
    score: int = Field(description="The score now, with this rule fixed.")
    ready_on: dt.date
    days_earlier: int = Field(description="Calendar days earlier than the plan's ready date.")


class Plan(_Model):
    """A remediation plan: the tasks that close the gaps, scheduled, with a ready date."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck remediation plan")

    schema_uri: str = schema_uri_field("plan")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo
    company: str
    declaration: str
    as_of: dt.date
    lang: str
    start: dt.date = Field(description="The first working day of the plan.")
    capacity: int = Field(
        ge=1,
        description="Parallel workstreams (tasks that stop prohibited conduct run on their own,"
        " numbered after these).",
    )
    calendar: Calendar = Field(
        default="weekends",
        description="The working days counted: weekends (Monday to Friday), cn (mainland China's"
        " public holidays and make-up working days) or none (every day).",
    )
    calendar_note: str | None = Field(
        default=None,
        description="Set when the cn calendar has no holiday data for a year the plan reaches:"
        " those years count Monday to Friday.",
    )
    score: int = Field(description="The readiness score now (with any assumed fixes).")
    ready: bool = Field(description="Ready now (with any assumed fixes).")
    ready_on: dt.date = Field(
        description="Projected licence-ready date: when the last critical or high task is done."
    )
    completes_on: dt.date = Field(description="When the last task is done.")
    working_days: int = Field(description="Working days from start to completes_on.")
    phases: list[PhaseInfo]
    tasks: list[Task]
    milestones: list[Milestone]
    assumptions: Assumptions | None = None
    what_if: list[WhatIf] | None = None

    def exit_code(self, fail_on: str = DEFAULT_FAIL_ON) -> int:
        """1 when a task (a gap outside its grace period) is at or above ``fail_on``, else 0."""
        return exit_code_for(
            (gap_blocks(t, fail_on, status=t.status, in_grace=t.in_grace) for t in self.tasks),
            fail_on,
        )


# ---------------------------------------------------------------- phases and tasks


def phase_of(rule: Rule, finding: Finding) -> Phase:
    """The phase a gap's task belongs to (see the module docstring for the rules)."""
    for tag in rule.tags:
        if tag.startswith("phase:") and tag[6:] in PHASES:
            return PHASES[PHASES.index(tag[6:])]
    if finding.status != "fail":
        return "evidence"
    tags = set(rule.tags)
    if tags & _APPLICATION_TAGS:
        return "application"
    if tags & _STOP_TAGS or _STOP_REMEDIATION.match(rule.remediation.get("en", "")):
        return "stop"
    if _PAPERWORK.search(text(rule.title, "en")):
        return "evidence"
    return "structural"


def _task_id(finding: Finding) -> str:
    return f"{'fix' if finding.status == 'fail' else 'declare'}-{finding.rule_id}"


def _effort(finding: Finding) -> int:
    if finding.status != "fail":
        return DECLARE_DAYS
    if finding.effort_days is None:
        return DEFAULT_FIX_DAYS
    return max(1, math.ceil(finding.effort_days))


def _task_title(finding: Finding, lang: str) -> str:
    if finding.status == "fail":
        return finding.title
    key = "task.investigate" if finding.status == "error" else "task.declare"
    return phrase(key, lang, title=finding.title)


def projected(findings: Iterable[Finding], fixed: Iterable[str]) -> Summary:
    """The summary with the rules in ``fixed`` passing."""
    done = set(fixed)
    return summarize(
        [
            f.model_copy(update={"status": "pass", "in_grace": False}) if f.rule_id in done else f
            for f in findings
        ]
    )


# ---------------------------------------------------------------- the plan


def plan_declaration(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
    start: str | dt.date | None = None,
    capacity: int = DEFAULT_CAPACITY,
    assume_fixed: Sequence[str] = (),
    what_if: bool = False,
    waivers: str | os.PathLike[str] | WaiverSet | None = None,
    calendar: str | None = None,
    evidence_root: str | os.PathLike[str] | None = None,
) -> Plan:
    """Assess ``declaration`` (with ``waivers``, its evidence also under ``evidence_root``) and plan its remediation for the company it
    names; :func:`build_plan` says where the plan starts when ``start`` is not given."""
    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    result = assess(
        loaded, compiled, as_of=as_of, lang=lang, waivers=waivers, evidence_root=evidence_root
    )
    return build_plan(
        result,
        compiled,
        company=company_name(loaded, lang),
        start=parse_as_of(start) if start is not None else None,
        capacity=capacity,
        assume_fixed=assume_fixed,
        what_if=what_if,
        calendar=calendar,
    )


def build_plan(
    assessment: Assessment,
    pack: CompiledPack,
    *,
    company: str = "",
    start: dt.date | None = None,
    capacity: int = DEFAULT_CAPACITY,
    assume_fixed: Sequence[str] = (),
    what_if: bool = False,
    calendar: str | None = None,
) -> Plan:
    """The plan of ``assessment``; ``calendar`` (see :data:`~.schedule.CALENDARS`) defaults to
    the pack's (pack.yaml ``calendar``), else Monday to Friday."""
    if capacity < 1:
        raise UsageError(Diagnostic(codes.USAGE, f"--capacity must be at least 1, got {capacity}"))
    rules = {r.id: r for r in pack.checked.rules}
    fixed = _check_rule_ids(assume_fixed, rules)
    days = WorkingDays(start or assessment.as_of, _calendar_of(calendar, pack))
    draft = _Draft(assessment, rules, days, capacity)
    try:
        first = days.first
        scheduled = draft.run(fixed)
        before = draft.run(()) if fixed else None
    except OverflowError:  # past 9999-12-31, the last day Python's dates hold
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"--start {days.start.isoformat()}: the plan would run past 9999-12-31",
                hint="start the plan earlier",
            )
        ) from None
    assumptions = None
    if before is not None:
        assumptions = Assumptions(
            assumed_fixed=sorted(fixed),
            score_before=before.summary.score,
            score_after=scheduled.summary.score,
            ready_on_before=before.ready_on,
            ready_on_after=scheduled.ready_on,
        )
    lang = assessment.lang
    tasks = scheduled.tasks
    return Plan(
        tool=assessment.tool,
        pack=assessment.pack.model_copy(update={"title": pack_title(pack, assessment.lang)}),
        company=company,
        declaration=assessment.declaration,
        as_of=assessment.as_of,
        lang=lang,
        start=first,
        capacity=capacity,
        calendar=days.calendar,
        calendar_note=_calendar_note(days, lang),
        score=scheduled.summary.score,
        ready=scheduled.summary.ready,
        ready_on=scheduled.ready_on,
        completes_on=scheduled.completes_on,
        working_days=days.offset(scheduled.completes_on),
        phases=[
            PhaseInfo(
                id=p,
                title=phrase(f"phase.{p}", lang),
                tasks=sum(1 for t in tasks if t.phase == p),
                effort_days=sum(t.effort_days for t in tasks if t.phase == p),
            )
            for p in PHASES
        ],
        tasks=tasks,
        milestones=scheduled.milestones,
        assumptions=assumptions,
        what_if=_what_if(draft, scheduled, fixed) if what_if else None,
    )


def _calendar_of(calendar: str | None, pack: CompiledPack) -> Calendar:
    """The calendar asked for, else the nearest pack of the lineage's, else the default."""
    if calendar is not None:
        known = next((c for c in CALENDARS if c == calendar), None)
        if known is None:
            guess = did_you_mean(calendar, CALENDARS)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise UsageError(
                Diagnostic(
                    codes.USAGE,
                    f"--calendar: unknown calendar '{calendar}'{hint};"
                    f" use one of {', '.join(CALENDARS)}",
                )
            )
        return known
    lineage = reversed(list(pack.checked.loaded.lineage()))
    return next((p.manifest.calendar for p in lineage if p.manifest.calendar), DEFAULT_CALENDAR)


def _calendar_note(days: WorkingDays, lang: str) -> str | None:
    if not days.years_without_data:
        return None
    years = ", ".join(str(y) for y in sorted(days.years_without_data))
    return phrase("plan.calendar_beyond_data", lang, years=years)


def _check_rule_ids(ids: Sequence[str], rules: Mapping[str, Rule]) -> list[str]:
    problems = []
    for rule_id in ids:
        if rule_id not in rules:
            guess = did_you_mean(rule_id, rules)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            problems.append(
                Diagnostic(codes.USAGE, f"--assume-fixed: the pack has no rule '{rule_id}'{hint}")
            )
    if problems:
        raise UsageError(problems)
    return list(dict.fromkeys(ids))


class _Scheduled:
    def __init__(
        self,
        tasks: list[Task],
        milestones: list[Milestone],
        summary: Summary,
        ready_on: dt.date,
        completes_on: dt.date,
    ) -> None:
        self.tasks = tasks
        self.milestones = milestones
        self.summary = summary
        self.ready_on = ready_on
        self.completes_on = completes_on


class _Draft:
    """Everything needed to (re)schedule the plan under different assumptions."""

    def __init__(
        self,
        assessment: Assessment,
        rules: Mapping[str, Rule],
        calendar: WorkingDays,
        capacity: int,
    ) -> None:
        self.assessment = assessment
        self.rules = rules
        self.calendar = calendar
        self.capacity = capacity

    def run(self, fixed: Iterable[str]) -> _Scheduled:
        done = set(fixed)
        findings = self.assessment.findings
        gaps = [
            f
            for f in findings
            if f.status in ("fail", "unknown", "error") and f.rule_id not in done
        ]
        ids = {f.rule_id: _task_id(f) for f in gaps}
        phases = {f.rule_id: phase_of(self.rules[f.rule_id], f) for f in gaps}
        jobs = [
            Job(
                id=ids[f.rule_id],
                duration=_effort(f),
                depends_on=tuple(ids[a] for a in self.rules[f.rule_id].after if a in ids),
                priority=(PHASES.index(phases[f.rule_id]), severity_rank(f.severity)),
                span=self.rules[f.rule_id].span,
                immediate=phases[f.rule_id] == "stop",
            )
            for f in gaps
        ]
        slots = schedule(jobs, self.capacity)
        date = self.calendar.date
        lang = self.assessment.lang
        tasks = [
            Task(
                id=ids[f.rule_id],
                rule_id=f.rule_id,
                title=_task_title(f, lang),
                kind="fix" if f.status == "fail" else "declare",
                status=f.status,
                severity=f.severity,
                domain=f.domain,
                phase=phases[f.rule_id],
                effort_days=_effort(f),
                start=date(slots[ids[f.rule_id]].start),
                end=date(slots[ids[f.rule_id]].end),
                depends_on=list(job.depends_on),
                critical=slots[ids[f.rule_id]].critical,
                workstream=slots[ids[f.rule_id]].workstream,
                in_grace=f.in_grace,
                remediation=f.remediation if f.status == "fail" else None,
                untranslated=untranslated(
                    self.rules[f.rule_id], lang, generated_message=f.status != "fail"
                ),
            )
            for f, job in zip(gaps, jobs, strict=True)
        ]
        tasks.sort(key=lambda t: (t.start, PHASES.index(t.phase), t.workstream, t.id))
        summary = projected(findings, done)
        first = self.calendar.first
        blocking_ends = [
            t.end for t, f in zip(tasks, self._findings(tasks), strict=True) if blocks_readiness(f)
        ]
        ready_on = max(blocking_ends, default=first)
        completes_on = max((t.end for t in tasks), default=first)
        milestones = self._milestones(tasks, done)
        return _Scheduled(tasks, milestones, summary, ready_on, completes_on)

    def _findings(self, tasks: Sequence[Task]) -> list[Finding]:
        by_rule = {f.rule_id: f for f in self.assessment.findings}
        return [by_rule[t.rule_id] for t in tasks]

    def _milestones(self, tasks: Sequence[Task], done: set[str]) -> list[Milestone]:
        milestones = []
        for phase in PHASES:
            mine = [t for t in tasks if t.phase == phase]
            if not mine:
                continue
            when = max(t.end for t in mine)
            finished = done | {t.rule_id for t in tasks if t.end <= when}
            summary = projected(self.assessment.findings, finished)
            milestones.append(
                Milestone(
                    phase=phase,
                    title=phrase(f"phase.{phase}", self.assessment.lang),
                    date=when,
                    tasks=len(mine),
                    score=summary.score,
                    ready=summary.ready,
                )
            )
        return sorted(milestones, key=lambda m: (m.date, PHASES.index(m.phase)))


def _what_if(draft: _Draft, base: _Scheduled, fixed: Sequence[str]) -> list[WhatIf]:
    by_rule = {f.rule_id: f for f in draft.assessment.findings}
    result = []
    for task in base.tasks:
        finding = by_rule[task.rule_id]
        if not blocks_readiness(finding):
            continue
        alternative = draft.run([*fixed, task.rule_id])
        result.append(
            WhatIf(
                rule_id=task.rule_id,
                task_id=task.id,
                title=task.title,
                severity=task.severity,
                score=alternative.summary.score,
                ready_on=alternative.ready_on,
                days_earlier=(base.ready_on - alternative.ready_on).days,
            )
        )
    return sorted(result, key=lambda w: (-w.days_earlier, severity_rank(w.severity), w.rule_id))
