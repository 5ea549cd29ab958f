"""A firm's history: its recorded runs under each pack, and the gaps each run opened and closed.

Input: a workspace, a firm (key, register id or name) and optionally a pack id. Output: a
:class:`History` — per pack, the runs in date order (score and its range, readiness, gap
count, pack version) and, between consecutive runs, the gaps (rule and element) opened and
closed, each closed gap with the days it stayed open — rendered as text or JSON.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..engine.gate import counts_as_gap
from ..errors import printable
from .db import workspace_error
from .identity import firm_key
from .models import assessments, findings, pack_versions
from .store import Firm, Workspace, find_firm

HISTORY_FORMATS = ("text", "json")

Gap = tuple[str, str]  # (rule id, element); element "" for the rule as a whole


@dataclass(frozen=True)
class Run:
    as_of: dt.date
    pack_version: str
    score: int
    score_worst: int
    score_best: int
    ready: bool
    gaps: int
    declaration_path: str


@dataclass(frozen=True)
class ClosedGap:
    rule_id: str
    element: str
    opened_on: dt.date
    days_open: int


@dataclass(frozen=True)
class Change:
    """What the run on ``as_of`` changed since the run before it."""

    as_of: dt.date
    score_change: int
    opened: list[Gap] = field(default_factory=list)
    closed: list[ClosedGap] = field(default_factory=list)


@dataclass(frozen=True)
class PackHistory:
    pack_id: str
    runs: list[Run]
    changes: list[Change]


@dataclass(frozen=True)
class History:
    firm: Firm
    packs: list[PackHistory]


def firm_history(workspace: Workspace, firm: str, pack_id: str | None = None) -> History:
    """The history of ``firm`` (under ``pack_id`` only, when given)."""
    return workspace.read(lambda c: _history(c, find_firm(c, firm), pack_id))


def _history(connection: Connection, firm: Firm, pack_id: str | None) -> History:
    query = (
        sa.select(assessments, pack_versions.c.version)
        .join(pack_versions, pack_versions.c.id == assessments.c.pack_version_id)
        .where(assessments.c.firm_id == firm.id)
        .order_by(assessments.c.pack_id, assessments.c.as_of, assessments.c.id)
    )
    if pack_id is not None:
        query = query.where(assessments.c.pack_id == pack_id)
    rows = connection.execute(query).all()
    gap_sets: dict[int, set[Gap]] = {row.id: set() for row in rows}
    ids = list(gap_sets)
    if ids:
        for f in connection.execute(
            sa.select(
                findings.c.assessment_id,
                findings.c.rule_id,
                findings.c.element,
                findings.c.status,
                findings.c.in_grace,
            ).where(findings.c.assessment_id.in_(ids))
        ):
            if counts_as_gap(f.status, in_grace=f.in_grace):
                gap_sets[f.assessment_id].add((f.rule_id, f.element))
    packs: dict[str, list[tuple[Run, set[Gap]]]] = {}
    for row in rows:
        run = Run(
            as_of=row.as_of,
            pack_version=row.version,
            score=row.score,
            score_worst=row.score_worst,
            score_best=row.score_best,
            ready=row.ready,
            gaps=len(gap_sets[row.id]),
            declaration_path=row.declaration_path,
        )
        packs.setdefault(row.pack_id, []).append((run, gap_sets[row.id]))
    return History(firm, [_pack_history(p, runs) for p, runs in packs.items()])


def _pack_history(pack_id: str, runs: Sequence[tuple[Run, set[Gap]]]) -> PackHistory:
    """Gaps opened and closed from each run to the next; a gap open since the first run is
    counted from that run's date."""
    changes = []
    opened_on: dict[Gap, dt.date] = dict.fromkeys(runs[0][1], runs[0][0].as_of) if runs else {}
    for (before, old), (run, new) in itertools.pairwise(runs):
        closed = []
        for gap in sorted(old - new):
            start = opened_on.pop(gap, before.as_of)
            closed.append(ClosedGap(gap[0], gap[1], start, (run.as_of - start).days))
        opened = sorted(new - old)
        for gap in opened:
            opened_on[gap] = run.as_of
        changes.append(Change(run.as_of, run.score - before.score, opened, closed))
    return PackHistory(pack_id, [r for r, _ in runs], changes)


# ---------------------------------------------------------------- rendering


def render_history(history: History, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(_json(history), indent=2, ensure_ascii=False) + "\n"
    return _text(history)


def _json(history: History) -> dict[str, object]:
    def clean(value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    data = asdict(history)
    for pack in data["packs"]:
        for change in pack["changes"]:
            change["opened"] = [{"rule_id": r, "element": e} for r, e in change["opened"]]
    return clean(data)  # type: ignore[return-value]


def _gap_name(rule_id: str, element: str) -> str:
    return printable(f"{rule_id} [{element}]" if element else rule_id)


def _text(history: History) -> str:
    firm = history.firm
    # names and ids come from declarations: shown inert on a terminal
    lines = [printable(f"{firm.name} ({firm.key})")]
    if not history.packs:
        lines.append("no runs recorded")
    for pack in history.packs:
        lines += ["", printable(f"pack {pack.pack_id}: {len(pack.runs)} runs"), ""]
        lines.append(
            f"  {'as of':<10}  {'version':<9}  {'score':>5}  {'range':<7}  {'ready':<5}  gaps"
        )
        for run in pack.runs:
            rng = f"{run.score_worst}-{run.score_best}"
            ready = "yes" if run.ready else "no"
            lines.append(
                f"  {run.as_of.isoformat():<10}  {printable(run.pack_version):<9}  {run.score:>5}  "
                f"{rng:<7}  {ready:<5}  {run.gaps}"
            )
        for change in pack.changes:
            lines += [
                "",
                f"  {change.as_of.isoformat()}: score {change.score_change:+d}, "
                f"{len(change.closed)} gaps closed, {len(change.opened)} opened",
            ]
            for gap in change.closed:
                lines.append(
                    f"    closed  {_gap_name(gap.rule_id, gap.element)}  "
                    f"(open {gap.days_open} days, since {gap.opened_on.isoformat()})"
                )
            for rule_id, element in change.opened:
                lines.append(f"    opened  {_gap_name(rule_id, element)}")
    return "\n".join(lines) + "\n"


def trend_of(
    workspace: Workspace, company: Mapping[str, object], pack_id: str
) -> list[dict[str, object]]:
    """The runs of the firm ``company`` names under ``pack_id``, oldest first, as the report's
    trend chart takes them: ``as_of``, ``score``, ``worst``, ``best``, ``gaps``."""
    key = firm_key(company)
    history = firm_history(workspace, key, pack_id)
    runs = [run for pack in history.packs for run in pack.runs]
    if not runs:
        raise workspace_error(
            f"no recorded run of {history.firm.name} under pack {pack_id} to draw",
            hint="record runs with --record",
        )
    return [
        {
            "as_of": r.as_of,
            "score": r.score,
            "worst": r.score_worst,
            "best": r.score_best,
            "gaps": r.gaps,
        }
        for r in runs
    ]
