"""The remediation plan: tasks, phases, dependencies, dates, milestones, assumptions."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

import licensecheck
from helpers.reports import AS_OF, FIRMS, assessment, blocking_ids, expected_score, in_repo, pack
from helpers.rules import MakePack
from licensecheck.reports.plan import DECLARE_DAYS, DEFAULT_FIX_DAYS, PHASES, Plan
from licensecheck.reports.schedule import WorkingDays


def plan(firm: str, **options: Any) -> Plan:
    with in_repo():
        return licensecheck.plan(FIRMS[firm], pack(), as_of=AS_OF, **options)


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_one_task_per_fail_and_per_unknown(firm: str) -> None:
    a, p = assessment(firm), plan(firm)
    gaps = {f.rule_id: f for f in a.findings if f.status in ("fail", "unknown", "error")}
    assert sorted(t.rule_id for t in p.tasks) == sorted(gaps)
    for t in p.tasks:
        f = gaps[t.rule_id]
        assert t.kind == ("fix" if f.status == "fail" else "declare")
        assert t.id == f"{t.kind}-{t.rule_id}"
        if t.kind == "declare":
            assert t.effort_days == DECLARE_DAYS and t.phase == "evidence"
        else:
            expected = DEFAULT_FIX_DAYS if f.effort_days is None else math.ceil(f.effort_days)
            assert t.effort_days == expected
            assert t.remediation == f.remediation


@pytest.mark.parametrize("firm", sorted(FIRMS))
@pytest.mark.parametrize("capacity", [1, 2, 3])
def test_schedule_respects_after_capacity_and_working_days(firm: str, capacity: int) -> None:
    p = plan(firm, capacity=capacity)
    assert p.calendar == "cn"  # the CN pack's default (pack.yaml calendar)
    cal = WorkingDays(AS_OF, p.calendar)
    by_id = {t.id: t for t in p.tasks}
    rules = {r.id: r for r in pack().checked.rules}
    for t in p.tasks:
        present = {f"{k}-{a}" for a in rules[t.rule_id].after for k in ("fix", "declare")}
        assert set(t.depends_on) == present & set(by_id)
        for dep in t.depends_on:
            assert by_id[dep].end <= t.start
        assert cal.is_working(t.start) and cal.is_working(t.end)
        assert cal.offset(t.end) - cal.offset(t.start) == t.effort_days
        # stopping prohibited conduct takes a workstream of its own, numbered after capacity
        assert (t.workstream > capacity) == (t.phase == "stop")
    days = sorted({t.start for t in p.tasks})
    for day in days:
        running = [t for t in p.tasks if t.start <= day < t.end and t.phase != "stop"]
        assert len(running) <= capacity
    assert p.start == AS_OF and p.capacity == capacity
    assert p.completes_on == max(t.end for t in p.tasks)
    assert p.working_days == cal.offset(p.completes_on)


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_ready_date_and_milestone_scores(firm: str) -> None:
    a, p = assessment(firm), plan(firm)
    blocking = blocking_ids(a.findings)
    assert p.ready_on == max(t.end for t in p.tasks if t.rule_id in blocking)
    assert p.score == a.summary.score and p.ready == a.summary.ready
    assert [m.phase for m in p.milestones] == sorted(
        {t.phase for t in p.tasks},
        key=lambda ph: (max(t.end for t in p.tasks if t.phase == ph), PHASES.index(ph)),
    )
    for m in p.milestones:
        assert m.date == max(t.end for t in p.tasks if t.phase == m.phase)
        done = [t.rule_id for t in p.tasks if t.end <= m.date]
        assert m.score == expected_score(a.findings, passing=done)
        assert m.ready == (not blocking_ids(a.findings, passing=done))
        assert m.tasks == sum(1 for t in p.tasks if t.phase == m.phase)
    assert p.milestones[-1].score == 100
    assert [ph.tasks for ph in p.phases] == [
        sum(1 for t in p.tasks if t.phase == ph) for ph in PHASES
    ]


def test_critical_path_runs_unbroken_from_start_to_end() -> None:
    p = plan("crawler")
    critical = [t for t in p.tasks if t.critical]
    assert min(t.start for t in critical) == p.start
    assert max(t.end for t in critical) == p.completes_on
    for t in critical:
        if t.start == p.start:
            continue
        # what holds it up: a prerequisite, or the task before it on its workstream
        assert any(
            u.end == t.start and (u.id in t.depends_on or u.workstream == t.workstream)
            for u in critical
        ), t.id


def test_stop_phase_comes_first_in_the_crawler_plan() -> None:
    p = plan("crawler")
    stops = [t for t in p.tasks if t.phase == "stop"]
    assert {t.rule_id for t in stops} == {"CR-COL-002", "PI-CONS-003", "PI-CONS-002"}
    # the two stops without prerequisites start on day one
    assert sorted(t.start for t in stops)[:2] == [AS_OF, AS_OF]
    licence = next(t for t in p.tasks if t.rule_id == "CR-LIC-001")
    assert licence.phase == "application"
    assert set(licence.depends_on) == {"fix-CR-CON-001", "fix-CR-CON-003", "fix-CR-SEC-001"}


def test_assume_fixed_moves_score_and_date() -> None:
    base = plan("state")
    moved = plan("state", assume_fixed=["CR-CON-003"])
    assert moved.assumptions is not None
    assert moved.assumptions.assumed_fixed == ["CR-CON-003"]
    assert moved.assumptions.score_before == base.score
    assert moved.assumptions.ready_on_before == base.ready_on
    assert moved.score == expected_score(assessment("state").findings, passing=["CR-CON-003"])
    assert moved.score > base.score
    assert moved.ready_on < base.ready_on
    assert "CR-CON-003" not in {t.rule_id for t in moved.tasks}


def test_what_if_reschedules_without_each_blocking_gap() -> None:
    base = plan("state", what_if=True)
    assert base.what_if is not None
    assert {w.rule_id for w in base.what_if} == blocking_ids(assessment("state").findings)
    for w in base.what_if:
        alone = plan("state", assume_fixed=[w.rule_id])
        assert (w.score, w.ready_on) == (alone.score, alone.ready_on)
        assert w.days_earlier == (base.ready_on - alone.ready_on).days
    assert base.what_if[0].rule_id == "CR-CON-003"  # the one that moves the date most


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(licensecheck.UsageError, match="did you mean 'CR-CON-003'"):
        plan("state", assume_fixed=["CR-CON-03"])
    with pytest.raises(licensecheck.UsageError, match="capacity must be at least 1"):
        plan("state", capacity=0)
    with pytest.raises(licensecheck.UsageError, match="2026-02 has no day 30"):
        plan("state", start="2026-02-30")


def test_weekend_start_moves_to_monday() -> None:
    p = plan("state", start="2026-01-17")
    assert p.start == dt.date(2026, 1, 19)
    assert min(t.start for t in p.tasks) == dt.date(2026, 1, 19)


PHASE_RULES = """
rule P-TAG { title: "Tagged" domain: d severity: low cite: "c" tags: ["phase:application"]
    remediation: "Stop it." require: company.registered_capital_cny >= 10 effort: 3 days }
rule P-STOP { title: "Crawling" domain: d severity: critical cite: "c"
    remediation: "First stop the crawler; then purge." require: company.registered_capital_cny >= 10
    effort: 2 days }
rule P-LIC { title: "Hold the licence" domain: d severity: critical cite: "c" tags: ["licence"]
    remediation: "Apply." require: company.registered_capital_cny >= 10 effort: 10 days
    after: [P-CAP, P-NONE] }
rule P-DOC { title: "Publish a privacy notice" domain: d severity: medium cite: "c"
    remediation: "Write it." require: company.registered_capital_cny >= 10 }
rule P-CAP { title: "Raise capital" domain: d severity: high cite: "c"
    remediation: "Raise it." require: company.registered_capital_cny >= 10 effort: 4 days }
rule P-UNK { title: "Unknown thing" domain: d severity: high cite: "c"
    remediation: "Stop." require: security.mlps.level >= 3 }
rule P-NONE { title: "Passing" domain: d severity: high cite: "c"
    remediation: "Nothing." require: company.registered_capital_cny >= 1 }
"""


def test_phases_are_decided_from_tags_status_remediation_and_title(make_pack: MakePack) -> None:
    declaration = {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 5}}
    p = licensecheck.plan(declaration, make_pack(PHASE_RULES), as_of=AS_OF, capacity=1)
    phases = {t.rule_id: t.phase for t in p.tasks}
    assert phases == {
        "P-TAG": "application",
        "P-STOP": "stop",
        "P-LIC": "application",
        "P-DOC": "evidence",
        "P-CAP": "structural",
        "P-UNK": "evidence",
    }
    # stopping prohibited conduct does not queue for the one workstream: it starts on day one
    # on a workstream of its own
    stop = next(t for t in p.tasks if t.rule_id == "P-STOP")
    assert stop.start == AS_OF and stop.workstream == 2
    order = [t.rule_id for t in sorted(p.tasks, key=lambda t: t.start) if t is not stop]
    # capacity 1: the licence's prerequisite P-CAP inherits its urgency (critical)
    assert order == ["P-CAP", "P-UNK", "P-DOC", "P-LIC", "P-TAG"]
    assert order[0] in {t.rule_id for t in p.tasks if t.start == AS_OF}
    lic = next(t for t in p.tasks if t.rule_id == "P-LIC")
    assert lic.depends_on == ["fix-P-CAP"]  # P-NONE passes: no task, no dependency
    doc = next(t for t in p.tasks if t.rule_id == "P-DOC")
    assert doc.effort_days == DEFAULT_FIX_DAYS
    # one stream: everything on it is critical; the two-day stop beside it has slack
    assert all(t.critical for t in p.tasks if t is not stop) and not stop.critical
    assert p.ready_on == max(t.end for t in p.tasks if t.severity in ("critical", "high"))


def test_a_ready_firm_has_an_empty_plan(make_pack: MakePack) -> None:
    declaration = {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 50}}
    folder = make_pack(PHASE_RULES.replace("security.mlps.level >= 3", "true"))
    p = licensecheck.plan(declaration, folder, as_of=dt.date(2026, 1, 18))
    assert p.tasks == [] and p.milestones == []
    assert p.ready and p.ready_on == p.completes_on == p.start == dt.date(2026, 1, 19)
    assert p.exit_code() == 0
    for fmt in ("markdown", "html", "csv", "json"):
        assert licensecheck.render_plan(p, fmt)


def test_chinese_plan_titles() -> None:
    p = plan("state", lang="zh")
    declare = next(t for t in p.tasks if t.kind == "declare")
    assert declare.title.startswith("补充申报：")
    assert [ph.title for ph in p.phases] == [
        "立即停止违规活动",
        "结构性整改",
        "文档与证据",
        "认证与申请",
    ]


# ---------------------------------------------------------------- calendars


def test_the_calendar_defaults_from_the_pack_and_the_option_wins(make_pack: MakePack) -> None:
    assert plan("crawler").calendar == "cn"  # cn-credit-reporting: calendar: cn
    weekends = plan("crawler", calendar="weekends")
    assert weekends.calendar == "weekends"
    # the same work ends later when Chinese public holidays are off
    assert plan("crawler").completes_on > weekends.completes_on
    declaration = {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 5}}
    own = licensecheck.plan(declaration, make_pack(PHASE_RULES), as_of=AS_OF)
    assert own.calendar == "weekends"  # a pack without calendar: Monday to Friday


def test_a_task_over_spring_festival_2026_skips_it(make_pack: MakePack) -> None:
    declaration = {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 5}}
    folder = make_pack(PHASE_RULES)
    options: dict[str, Any] = {"as_of": AS_OF, "start": "2026-02-09", "capacity": 6}
    cn = licensecheck.plan(declaration, folder, calendar="cn", **options)
    weekends = licensecheck.plan(declaration, folder, calendar="weekends", **options)
    stop_cn = next(t for t in cn.tasks if t.rule_id == "P-STOP")  # 2 days from Monday 9 Feb
    assert (stop_cn.start, stop_cn.end) == (dt.date(2026, 2, 9), dt.date(2026, 2, 11))
    # a 5-day task from Monday 9 Feb ends (exclusive) on the make-up Saturday 14 Feb in China
    doc_cn = next(t for t in cn.tasks if t.rule_id == "P-DOC")
    doc_weekends = next(t for t in weekends.tasks if t.rule_id == "P-DOC")
    assert doc_cn.start == doc_weekends.start == dt.date(2026, 2, 9)
    assert doc_weekends.end == dt.date(2026, 2, 16)
    assert doc_cn.end == dt.date(2026, 2, 14)
    # the licence, 10 days after a 4-day prerequisite (ends Friday 13 Feb on both): in China it
    # works 13 and 14 Feb, skips Spring Festival (15-23 Feb), works Saturday 28 Feb
    lic_cn = next(t for t in cn.tasks if t.rule_id == "P-LIC")
    lic_weekends = next(t for t in weekends.tasks if t.rule_id == "P-LIC")
    assert lic_cn.start == lic_weekends.start == dt.date(2026, 2, 13)
    assert lic_weekends.end == dt.date(2026, 2, 27)
    assert lic_cn.end == dt.date(2026, 3, 5)
    assert cn.calendar_note is None


def test_a_plan_past_the_holiday_data_says_so() -> None:
    p = plan("crawler", start="2100-01-04")
    assert p.calendar_note is not None and "2100" in p.calendar_note
    text = licensecheck.render_plan(p, "markdown")
    assert p.calendar_note in text
    assert "Working days: mainland China: public holidays off, make-up working days on" in text


def test_an_unknown_calendar_is_a_usage_error() -> None:
    with pytest.raises(licensecheck.UsageError, match="did you mean 'weekends'"):
        plan("crawler", calendar="weekend")


def test_critical_path_tasks_read_on_the_critical_path() -> None:
    text = licensecheck.render_plan(plan("crawler"), "markdown")
    assert "*(on the critical path)*" in text and "**critical**" not in text
    zh = licensecheck.render_plan(plan("crawler", lang="zh"), "markdown")
    assert "*(在关键路径上)*" in zh


def test_a_pack_inherits_its_parents_calendar_and_may_set_its_own(make_pack: MakePack) -> None:
    declaration = {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 5}}
    parent = make_pack(PHASE_RULES, pack_id="parent-pack", extra="calendar: none\n")
    child = make_pack("", pack_id="child-pack", extra=f"extends: {parent}\n")
    own = make_pack("", pack_id="own-pack", extra=f"extends: {parent}\ncalendar: cn\n")
    assert licensecheck.plan(declaration, child, as_of=AS_OF).calendar == "none"
    assert licensecheck.plan(declaration, own, as_of=AS_OF).calendar == "cn"
