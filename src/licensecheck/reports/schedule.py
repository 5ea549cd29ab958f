"""Schedule jobs with dependencies on a few parallel workstreams, over working days.

Input: :class:`Job` s (duration in working days, dependencies, a priority key) and the number
of workstreams. Output: a :class:`Slot` per job — start and end as working-day offsets (end
exclusive), the workstream, and whether the job is on the critical path. A
:class:`WorkingDays` calendar turns offsets into dates: Monday to Friday, mainland China's
working days (public holidays and make-up working days) or every day (:data:`CALENDARS`).

The algorithm is the parallel list schedule used by project planners: walk forward in time;
whenever a workstream is free, start the job of highest priority (lowest key) whose
dependencies have all finished. It never leaves a workstream idle while a job could run, and
it is deterministic: ties break on the priority key, then the job id. A job inherits the
priority of the most urgent job that waits for it (so the prerequisite of an urgent job is
urgent too, not left at the back of the queue). An *immediate* job (stopping prohibited
conduct) does not queue for a workstream at all: it starts as soon as its dependencies are
done, on a workstream of its own numbered after the ``capacity`` ones. A dependency cycle is
rejected with a :class:`ScheduleError` naming the cycle.

The critical path is computed on the schedule as planned: a job is critical when it has no
slack, i.e. delaying it by a day would delay the end of the whole plan, given its
dependencies and the order of the jobs on each workstream (a job waiting for a free
workstream depends on the job before it there).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import chinese_calendar

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, Span


class ScheduleError(LicenseCheckError):
    """Jobs cannot be scheduled: a dependency cycle, an unknown dependency, a bad capacity."""


@dataclass(frozen=True)
class Job:
    id: str
    duration: int
    depends_on: tuple[str, ...] = ()
    #: lower runs first among jobs that could start at the same time
    priority: tuple[Any, ...] = ()
    #: where the job comes from (a rule's position), for error messages
    span: Span | None = field(default=None, compare=False)
    #: starts as soon as its dependencies are done, on a workstream of its own: stopping
    #: prohibited conduct does not wait for a free workstream
    immediate: bool = False


@dataclass(frozen=True)
class Slot:
    id: str
    start: int
    end: int
    workstream: int
    critical: bool


def schedule(jobs: Sequence[Job], capacity: int) -> dict[str, Slot]:
    """Start and end offsets (working days, end exclusive) for every job."""
    if capacity < 1:
        raise ScheduleError(Diagnostic(codes.USAGE, f"capacity must be at least 1, got {capacity}"))
    by_id = _index(jobs)
    order = topological_order(jobs)  # also rejects cycles before any scheduling
    rank = {job_id: i for i, job_id in enumerate(order)}
    waiting = {j.id: len(set(j.depends_on)) for j in jobs}
    dependants: dict[str, list[str]] = {j.id: [] for j in jobs}
    for j in jobs:
        for dep in set(j.depends_on):
            dependants[dep].append(j.id)

    urgency = _inherited_priorities(by_id, order, dependants)

    def key(job_id: str) -> tuple[Any, ...]:
        return (urgency[job_id], by_id[job_id].priority, rank[job_id], job_id)

    ready: list[tuple[Any, ...]] = []
    at_once: list[tuple[Any, ...]] = []  # ready immediate jobs

    def release(job_id: str) -> None:
        heapq.heappush(at_once if by_id[job_id].immediate else ready, key(job_id))

    for j in jobs:
        if waiting[j.id] == 0:
            release(j.id)
    free = list(range(1, capacity + 1))  # workstream numbers, lowest first
    extra: list[int] = []  # freed workstreams of immediate jobs (numbered after capacity)
    opened = capacity  # the highest workstream number in use so far
    running: list[tuple[int, int, str]] = []  # (end, workstream, job id)
    placed: dict[str, tuple[int, int, int]] = {}  # id -> (start, end, workstream)
    now = 0

    def start(job_id: str, stream: int) -> None:
        end = now + max(by_id[job_id].duration, 0)
        placed[job_id] = (now, end, stream)
        heapq.heappush(running, (end, stream, job_id))

    while len(placed) < len(jobs):
        while at_once:
            if not extra:
                opened += 1
                heapq.heappush(extra, opened)
            start(heapq.heappop(at_once)[-1], heapq.heappop(extra))
        while ready and free:
            start(heapq.heappop(ready)[-1], heapq.heappop(free))
        if not running:  # cannot happen once cycles are rejected; guards an endless loop
            raise ScheduleError(Diagnostic(codes.SCHEDULE, "no job can start"))
        now = running[0][0]
        while running and running[0][0] == now:
            _end, stream, done = heapq.heappop(running)
            heapq.heappush(free if stream <= capacity else extra, stream)
            for nxt in dependants[done]:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    release(nxt)
    critical = _critical(jobs, placed)
    return {
        job_id: Slot(job_id, start, end, stream, job_id in critical)
        for job_id, (start, end, stream) in placed.items()
    }


def _inherited_priorities(
    by_id: Mapping[str, Job], order: Sequence[str], dependants: Mapping[str, list[str]]
) -> dict[str, tuple[Any, ...]]:
    """Each job's priority or, if more urgent, that of any job that (transitively) waits for it."""
    urgency: dict[str, tuple[Any, ...]] = {}
    for job_id in reversed(order):  # dependants come later in the order: already known
        urgency[job_id] = min([by_id[job_id].priority, *(urgency[d] for d in dependants[job_id])])
    return urgency


def _index(jobs: Sequence[Job]) -> dict[str, Job]:
    by_id: dict[str, Job] = {}
    for job in jobs:
        if job.id in by_id:
            raise ScheduleError(
                Diagnostic(codes.SCHEDULE, f"two jobs have the id '{job.id}'", job.span)
            )
        by_id[job.id] = job
    for job in jobs:
        for dep in job.depends_on:
            if dep not in by_id:
                raise ScheduleError(
                    Diagnostic(
                        codes.SCHEDULE, f"'{job.id}' depends on unknown job '{dep}'", job.span
                    )
                )
    return by_id


def topological_order(jobs: Sequence[Job]) -> list[str]:
    """Job ids with every job after its dependencies; a cycle raises :class:`ScheduleError`."""
    by_id = {j.id: j for j in jobs}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    order: list[str] = []
    for root in sorted(by_id):
        if root in state:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(set(by_id[root].depends_on))))]
        state[root] = 1
        path = [root]
        while stack:
            node, deps = stack[-1]
            dep = next(iter(deps), None)
            if dep is None:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
                continue
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                raise ScheduleError(
                    Diagnostic(
                        codes.CYCLE,
                        "tasks depend on each other in a cycle: " + " -> ".join(cycle),
                        by_id[dep].span,
                    )
                )
            if dep not in state and dep in by_id:
                state[dep] = 1
                path.append(dep)
                stack.append((dep, iter(sorted(set(by_id[dep].depends_on)))))
    return order


def _critical(jobs: Sequence[Job], placed: Mapping[str, tuple[int, int, int]]) -> set[str]:
    """Jobs with zero slack against the plan's end (dependency and workstream edges)."""
    if not placed:
        return set()
    successors: dict[str, set[str]] = {j.id: set() for j in jobs}
    for j in jobs:
        for dep in j.depends_on:
            successors[dep].add(j.id)
    streams: dict[int, list[str]] = {}
    for job_id, (_start, _end, stream) in sorted(placed.items(), key=lambda kv: kv[1]):
        streams.setdefault(stream, []).append(job_id)
    for sequence in streams.values():
        for before, after in itertools.pairwise(sequence):
            successors[before].add(after)
    finish = max(end for _s, end, _w in placed.values())
    latest: dict[str, int] = {}
    # latest finish: a job must end by the latest start of each successor, and successors
    # start no earlier than the job ends, so walk the jobs from the last-starting back
    backwards = sorted(placed.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    for job_id, _slot in backwards:
        latest[job_id] = min(
            (latest[s] - (placed[s][1] - placed[s][0]) for s in successors[job_id] if s in latest),
            default=finish,
        )
    return {job_id for job_id, (_s, end, _w) in placed.items() if latest[job_id] == end}


# ---------------------------------------------------------------- calendar

#: ``weekends``: Monday to Friday; ``cn``: mainland China's working days (public holidays off,
#: make-up working days on a weekend on), from the ``chinese-calendar`` package; ``none``: every
#: calendar day is a working day.
Calendar = Literal["weekends", "cn", "none"]
CALENDARS: tuple[Calendar, ...] = ("weekends", "cn", "none")
DEFAULT_CALENDAR: Calendar = "weekends"


@dataclass
class WorkingDays:
    """Working-day offsets from a start date: 0 is the first working day on or after it.

    The working days are listed once, as far as the plan reaches. On the ``cn`` calendar a year
    the installed ``chinese-calendar`` has no data for counts Monday to Friday and is kept in
    :attr:`years_without_data`, so the plan can say so.
    """

    start: dt.date
    calendar: Calendar = DEFAULT_CALENDAR
    years_without_data: set[int] = field(default_factory=set)
    _days: list[dt.date] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.calendar not in CALENDARS:
            raise ScheduleError(
                Diagnostic(
                    codes.USAGE,
                    f"unknown calendar '{self.calendar}'; use one of {', '.join(CALENDARS)}",
                )
            )

    def is_working(self, day: dt.date) -> bool:
        if self.calendar == "none":
            return True
        if self.calendar == "cn":
            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:  # a year past (or before) the package's data
                self.years_without_data.add(day.year)
        return day.weekday() < 5

    @property
    def first(self) -> dt.date:
        return self.date(0)

    def date(self, offset: int) -> dt.date:
        """The working day ``offset`` working days after the first."""
        day = self._days[-1] + dt.timedelta(days=1) if self._days else self.start
        while len(self._days) <= offset:
            if self.is_working(day):
                self._days.append(day)
            day += dt.timedelta(days=1)
        return self._days[offset]

    def offset(self, day: dt.date) -> int:
        """Working days from the first working day to ``day`` (inverse of :meth:`date`)."""
        while not self._days or self._days[-1] < day:
            self.date(len(self._days))
        return max(0, bisect.bisect_right(self._days, day) - 1)
