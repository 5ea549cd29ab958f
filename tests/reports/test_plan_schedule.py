"""The scheduler on hand-made dependency graphs: chains, diamonds, capacity, cycles, calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licensecheck.errors import LicenseCheckError, Span
from licensecheck.reports.schedule import (
    CALENDARS,
    Calendar,
    Job,
    ScheduleError,
    WorkingDays,
    schedule,
    topological_order,
)


def job(job_id: str, duration: int, *deps: str, priority: int = 0) -> Job:
    return Job(job_id, duration, tuple(deps), (priority,))


def spans(slots: dict[str, object]) -> dict[str, tuple[int, int]]:
    return {k: (v.start, v.end) for k, v in slots.items()}  # type: ignore[attr-defined]


# ---------------------------------------------------------------- shapes


def test_chain_runs_one_after_another_and_is_all_critical() -> None:
    slots = schedule([job("a", 3), job("b", 2, "a"), job("c", 4, "b")], capacity=3)
    assert spans(slots) == {"a": (0, 3), "b": (3, 5), "c": (5, 9)}
    assert all(s.critical for s in slots.values())


def test_diamond_joins_on_the_longer_branch() -> None:
    jobs = [
        job("top", 2),
        job("left", 5, "top"),
        job("right", 1, "top"),
        job("end", 3, "left", "right"),
    ]
    slots = schedule(jobs, capacity=2)
    assert spans(slots) == {"top": (0, 2), "left": (2, 7), "right": (2, 3), "end": (7, 10)}
    assert {k for k, s in slots.items() if s.critical} == {"top", "left", "end"}


def test_independent_jobs_fill_the_workstreams() -> None:
    slots = schedule([job(x, 4) for x in "abcd"], capacity=2)
    assert sorted(spans(slots).values()) == [(0, 4), (0, 4), (4, 8), (4, 8)]
    assert {s.workstream for s in slots.values()} == {1, 2}


def test_capacity_one_serialises_everything_in_priority_order() -> None:
    jobs = [job("low", 1, priority=3), job("high", 1, priority=0), job("mid", 1, priority=1)]
    slots = schedule(jobs, capacity=1)
    assert spans(slots) == {"high": (0, 1), "mid": (1, 2), "low": (2, 3)}
    assert all(s.critical for s in slots.values())  # one stream: every job delays the end


def test_more_capacity_never_finishes_later() -> None:
    jobs = [job("a", 5), job("b", 3), job("c", 2, "a"), job("d", 4, "b"), job("e", 1)]
    ends = [max(s.end for s in schedule(jobs, capacity=c).values()) for c in (1, 2, 3, 5)]
    assert ends == sorted(ends, reverse=True)
    assert ends[0] == sum(j.duration for j in jobs)
    assert ends[-1] == 7  # the longest chain a -> c


def test_prerequisite_of_an_urgent_job_inherits_its_priority() -> None:
    # "urgent" waits for "prep"; "filler" has a better own priority than "prep" but not than
    # "urgent": on one stream "prep" must go first so that "urgent" is not left waiting.
    jobs = [
        job("prep", 2, priority=5),
        job("urgent", 1, "prep", priority=0),
        job("filler", 3, priority=1),
    ]
    slots = schedule(jobs, capacity=1)
    assert spans(slots) == {"prep": (0, 2), "urgent": (2, 3), "filler": (3, 6)}


def test_slack_job_is_not_critical() -> None:
    slots = schedule([job("long", 10), job("short", 2)], capacity=2)
    assert slots["long"].critical and not slots["short"].critical


def test_zero_duration_and_empty_plans() -> None:
    assert schedule([], capacity=2) == {}
    slots = schedule([job("a", 0), job("b", 2, "a")], capacity=1)
    assert spans(slots) == {"a": (0, 0), "b": (0, 2)}


# ---------------------------------------------------------------- rejected graphs


@pytest.mark.parametrize(
    ("jobs", "cycle"),
    [
        ([job("a", 1, "a")], "a -> a"),
        ([job("a", 1, "b"), job("b", 1, "a")], "a -> b -> a"),
        ([job("x", 1), job("a", 1, "c"), job("b", 1, "a"), job("c", 1, "b")], "a -> c -> b -> a"),
    ],
)
def test_cycles_are_rejected_naming_the_cycle(jobs: list[Job], cycle: str) -> None:
    with pytest.raises(ScheduleError) as err:
        schedule(jobs, capacity=2)
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.code == "cycle"
    assert diagnostic.message == f"tasks depend on each other in a cycle: {cycle}"


def test_cycle_error_points_at_the_rule() -> None:
    where = Span("pack/main.rules", 12, 1)
    jobs = [Job("a", 1, ("b",), span=where), Job("b", 1, ("a",), span=where)]
    with pytest.raises(LicenseCheckError) as err:
        topological_order(jobs)
    assert err.value.diagnostics[0].render().startswith("pack/main.rules:12:1: error: tasks depend")


def test_unknown_dependency_and_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ScheduleError, match="'a' depends on unknown job 'zz'"):
        schedule([job("a", 1, "zz")], capacity=1)
    with pytest.raises(ScheduleError, match="two jobs have the id 'a'"):
        schedule([job("a", 1), job("a", 2)], capacity=1)
    with pytest.raises(ScheduleError, match="capacity must be at least 1"):
        schedule([job("a", 1)], capacity=0)


# ---------------------------------------------------------------- properties


@st.composite
def dags(draw: st.DrawFn) -> list[Job]:
    count = draw(st.integers(0, 14))
    jobs = []
    for i in range(count):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        jobs.append(
            job(
                f"j{i}",
                draw(st.integers(1, 9)),
                *(f"j{d}" for d in sorted(deps)),
                priority=draw(st.integers(0, 3)),
            )
        )
    return jobs


@settings(max_examples=200, deadline=None)
@given(dags(), st.integers(1, 4))
def test_schedule_respects_dependencies_capacity_and_never_idles(
    jobs: list[Job], capacity: int
) -> None:
    slots = schedule(jobs, capacity)
    assert set(slots) == {j.id for j in jobs}
    by_id = {j.id: j for j in jobs}
    for j in jobs:
        slot = slots[j.id]
        assert slot.end - slot.start == j.duration
        assert 1 <= slot.workstream <= capacity
        for dep in j.depends_on:
            assert slots[dep].end <= slot.start
    finish = max((s.end for s in slots.values()), default=0)
    for t in range(finish):
        running = [k for k, s in slots.items() if s.start <= t < s.end]
        assert len(running) <= capacity
        assert len({slots[k].workstream for k in running}) == len(running)
        if len(running) < capacity:  # work-conserving: nothing that could run is waiting
            for k, s in slots.items():
                deps_done = all(slots[d].end <= t for d in by_id[k].depends_on)
                assert not (deps_done and s.start > t), (k, t)
    if jobs:
        critical = [k for k, s in slots.items() if s.critical]
        assert any(slots[k].end == finish for k in critical)
        assert any(slots[k].start == 0 for k in critical)
    assert schedule(jobs, capacity) == slots  # deterministic


# ---------------------------------------------------------------- calendar


def test_working_days_skip_weekends() -> None:
    cal = WorkingDays(dt.date(2026, 1, 15))  # a Thursday
    assert [cal.date(i).isoformat() for i in range(5)] == [
        "2026-01-15",
        "2026-01-16",
        "2026-01-19",
        "2026-01-20",
        "2026-01-21",
    ]
    assert cal.date(5) == dt.date(2026, 1, 22)
    assert cal.date(10) == dt.date(2026, 1, 29)


def test_a_weekend_start_begins_on_monday() -> None:
    cal = WorkingDays(dt.date(2026, 1, 17))  # a Saturday
    assert cal.first == dt.date(2026, 1, 19)
    assert cal.date(0) == dt.date(2026, 1, 19)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 1, 1)), st.integers(0, 2000))
def test_working_day_offsets_round_trip(start: dt.date, offset: int) -> None:
    cal = WorkingDays(start)
    day = cal.date(offset)
    assert day.weekday() < 5
    assert cal.offset(day) == offset
    if offset:
        assert cal.date(offset - 1) < day


@given(
    st.dates(dt.date(2004, 1, 1), dt.date(2030, 12, 31)),
    st.integers(0, 1300),
    st.sampled_from(CALENDARS),
)
@settings(max_examples=40, deadline=None)
def test_offsets_round_trip_on_every_calendar(start: dt.date, offset: int, name: Calendar) -> None:
    cal = WorkingDays(start, name)
    day = cal.date(offset)
    assert cal.is_working(day)
    assert cal.offset(day) == offset
    if offset:
        assert cal.date(offset - 1) < day


# The State Council's 2026 holiday notice (国务院办公厅关于2026年部分节假日安排的通知): days off
# on weekdays, and the weekend days worked in their place (调休).
CN_2026_WEEKDAYS_OFF = [
    "2026-01-01", "2026-01-02",  # New Year
    "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23",  # Spring Festival
    "2026-04-06",  # Qingming
    "2026-05-01", "2026-05-04", "2026-05-05",  # Labour Day
    "2026-06-19",  # Dragon Boat
    "2026-09-25",  # Mid-Autumn
    "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07",  # National Day
]  # fmt: skip
CN_2026_MAKE_UP_DAYS = [
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
]  # fmt: skip


def test_the_cn_calendar_skips_spring_festival_and_works_make_up_saturdays() -> None:
    cal = WorkingDays(dt.date(2026, 2, 13), "cn")  # the Friday before Spring Festival
    assert [cal.date(i).isoformat() for i in range(4)] == [
        "2026-02-13",
        "2026-02-14",  # a Saturday, worked in exchange for the festival
        "2026-02-24",  # the first weekday after 15-23 February
        "2026-02-25",
    ]
    weekends = WorkingDays(dt.date(2026, 2, 13))
    assert weekends.date(2) == dt.date(2026, 2, 17)  # the plain calendar works through it


def test_a_year_on_the_cn_calendar_has_the_notices_working_days() -> None:
    cal = WorkingDays(dt.date(2026, 1, 1), "cn")
    days = set()
    for i in range(400):
        day = cal.date(i)
        if day.year > 2026:
            break
        days.add(day.isoformat())
    off = set(CN_2026_WEEKDAYS_OFF)
    assert not days & off
    assert set(CN_2026_MAKE_UP_DAYS) <= days
    # 261 weekdays in 2026, less the 19 holidays on weekdays, plus the 6 make-up days
    assert len(days) == 261 - len(off) + len(CN_2026_MAKE_UP_DAYS) == 248
    assert 2026 not in cal.years_without_data  # the installed package has 2026


def test_a_long_cn_plan_loses_the_holidays_of_every_year_it_spans() -> None:
    """A plan of 1,272 working days from 2021 (within the package's data): on the CN calendar
    it ends later than Monday-to-Friday by the holidays it spans, less the make-up days."""
    start = dt.date(2021, 1, 4)
    cn, weekends = WorkingDays(start, "cn"), WorkingDays(start)
    end_cn, end_weekends = cn.date(1272), weekends.date(1272)
    assert end_cn > end_weekends
    lost = sum(
        1
        for i in range((end_cn - start).days)
        if (d := start + dt.timedelta(days=i)).weekday() < 5 and not cn.is_working(d)
    )
    assert lost >= 11 * 4  # 11-13 weekday holidays a year, as issue #18 says
    assert cn.offset(end_cn) == weekends.offset(end_weekends) == 1272


def test_years_past_the_holiday_data_count_monday_to_friday_and_are_named() -> None:
    cal = WorkingDays(dt.date(2100, 1, 1), "cn")  # no holiday data will reach 2100
    assert cal.date(0) == dt.date(2100, 1, 1) and cal.date(1) == dt.date(2100, 1, 4)
    assert cal.years_without_data == {2100}


def test_the_none_calendar_counts_every_day() -> None:
    cal = WorkingDays(dt.date(2026, 2, 14), "none")
    assert cal.date(1) == dt.date(2026, 2, 15) and cal.offset(dt.date(2026, 2, 21)) == 7


def test_an_unknown_calendar_is_refused() -> None:
    with pytest.raises(ScheduleError, match="unknown calendar 'mars'"):
        WorkingDays(dt.date(2026, 1, 1), "mars")  # type: ignore[arg-type]


# ---------------------------------------------------------------- immediate jobs


def test_immediate_jobs_all_start_on_day_one_whatever_the_capacity() -> None:
    jobs = [
        Job("build", 30, (), (1,)),
        *(Job(f"stop-{i}", 10 + i, (), (0,), immediate=True) for i in range(4)),
        Job("after-stop", 5, ("stop-0",), (0,), immediate=True),
    ]
    slots = schedule(jobs, capacity=1)
    assert [slots[f"stop-{i}"].start for i in range(4)] == [0, 0, 0, 0]
    assert slots["build"].start == 0 and slots["build"].workstream == 1
    assert sorted(slots[f"stop-{i}"].workstream for i in range(4)) == [2, 3, 4, 5]
    # an immediate job still waits for its prerequisites, then takes a freed extra stream
    assert slots["after-stop"].start == slots["stop-0"].end == 10
    assert slots["after-stop"].workstream == slots["stop-0"].workstream
