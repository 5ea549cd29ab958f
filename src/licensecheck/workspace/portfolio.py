"""The portfolio: every firm's latest assessment per pack, screened.

Input: a workspace, filters (pack, not ready, a domain with blocking gaps, assessed since a
date) and the ``--fail-on`` threshold. Output: a :class:`Portfolio` — per firm and pack the
latest run's readiness, score and range, blocking gaps by domain (blocking is decided by
:mod:`licensecheck.engine.gate`, from the gaps recorded by domain and severity), the trend
since the run before, the day last assessed — rendered as text, JSON, CSV or an HTML page.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Connection

from ..engine.gate import DEFAULT_FAIL_ON, at_or_above, check_fail_on
from ..engine.models import SEVERITIES
from ..errors import printable
from ..reports.documents import csv_cell
from ..reports.templates import render_template
from ..resources import templates_dir
from .models import assessments, firms, pack_versions
from .store import Workspace

PORTFOLIO_FORMATS = ("text", "json", "csv", "html")
CSV_COLUMNS = (
    "firm",
    "firm_key",
    "registration_id",
    "pack",
    "pack_version",
    "declaration",
    "last_assessed",
    "ready",
    "score",
    "score_worst",
    "score_best",
    "trend",
    "blocking",
    "blocking_by_domain",
)


@dataclass(frozen=True)
class Filters:
    pack_id: str | None = None
    not_ready: bool = False
    domain: str | None = None
    since: dt.date | None = None
    fail_on: str = DEFAULT_FAIL_ON


@dataclass(slots=True)
class Entry:
    """A firm's latest assessment under one pack."""

    firm: str
    firm_key: str
    registration_id: str | None
    pack: str
    pack_version: str
    #: the declaration file as the run named it
    declaration: str
    last_assessed: dt.date
    ready: bool
    score: int
    score_worst: int
    score_best: int
    #: score change since the run before; None for a first run
    trend: int | None
    previous_assessed: dt.date | None
    blocking_by_domain: dict[str, int] = field(default_factory=dict)

    @property
    def blocking(self) -> int:
        return sum(self.blocking_by_domain.values())


@dataclass(frozen=True)
class Portfolio:
    filters: Filters
    entries: list[Entry]

    @property
    def ready(self) -> int:
        return sum(1 for e in self.entries if e.ready)


@dataclass(frozen=True)
class _Severity:
    severity: str


def portfolio(workspace: Workspace, filters: Filters) -> Portfolio:
    check_fail_on(filters.fail_on)
    return Portfolio(filters, workspace.read(lambda c: _entries(c, filters)))


def _entries(connection: Connection, filters: Filters) -> list[Entry]:
    """Each firm's latest run per pack and the run before it, found in the database by the
    index on (pack, firm, date, id); firms and pack versions read once each."""
    firm_rows = {
        r.id: (r.name, r.key, r.registration_id) for r in connection.execute(sa.select(firms))
    }
    versions = dict(
        connection.execute(sa.select(pack_versions.c.id, pack_versions.c.version)).all()
    )
    blocking = _blocking_severities(filters.fail_on)
    # runs share a few gap profiles and dates: each distinct text is decoded once
    profiles: dict[str, dict[str, int]] = {}
    days: dict[str, dt.date] = {}
    entries = []
    for (
        pack_id,
        firm_id,
        version_id,
        declaration,
        as_of,
        ready,
        score,
        worst,
        best,
        gaps,
        previous_score,
        previous_as_of,
    ) in connection.execute(_latest_runs(filters)):
        by_domain = profiles.get(gaps)
        if by_domain is None:
            by_domain = profiles[gaps] = _blocking(json.loads(gaps), blocking)
        if filters.domain is not None and not by_domain.get(filters.domain):
            continue
        name, key, registration_id = firm_rows[firm_id]
        entries.append(
            Entry(
                firm=name,
                firm_key=key,
                registration_id=registration_id,
                pack=pack_id,
                pack_version=versions[version_id],
                declaration=declaration,
                last_assessed=_day(as_of, days),
                ready=bool(ready),
                score=score,
                score_worst=worst,
                score_best=best,
                trend=None if previous_score is None else score - previous_score,
                previous_assessed=None if previous_as_of is None else _day(previous_as_of, days),
                blocking_by_domain=by_domain,
            )
        )
    entries.sort(key=lambda e: (e.firm, e.firm_key, e.pack))
    return entries


def _latest_runs(filters: Filters) -> sa.Select[Any]:
    """The latest run of each firm under each pack (no later run of the same firm and pack,
    by date then id) with the score and date of the run just before it; dates and gaps as
    text, which the caller converts (faster than per-column result processing)."""
    run, later, before, previous = (
        assessments.alias(name) for name in ("run", "later", "before", "previous")
    )

    def same_series(other: Any) -> Any:
        return sa.and_(other.c.pack_id == run.c.pack_id, other.c.firm_id == run.c.firm_id)

    def after(a: Any, b: Any) -> Any:
        return sa.or_(a.c.as_of > b.c.as_of, sa.and_(a.c.as_of == b.c.as_of, a.c.id > b.c.id))

    previous_id = (
        sa.select(before.c.id)
        .where(same_series(before), after(run, before))
        .order_by(before.c.as_of.desc(), before.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        sa.select(
            run.c.pack_id,
            run.c.firm_id,
            run.c.pack_version_id,
            run.c.declaration_path,
            sa.cast(run.c.as_of, sa.Text),
            run.c.ready,
            run.c.score,
            run.c.score_worst,
            run.c.score_best,
            sa.cast(run.c.gaps, sa.Text),
            previous.c.score,
            sa.cast(previous.c.as_of, sa.Text),
        )
        .select_from(run.outerjoin(previous, previous.c.id == previous_id))
        .where(~sa.exists().where(same_series(later), after(later, run)))
    )
    if filters.pack_id is not None:
        query = query.where(run.c.pack_id == filters.pack_id)
    if filters.not_ready:
        query = query.where(run.c.ready.is_(False))
    if filters.since is not None:
        query = query.where(run.c.as_of >= filters.since)
    return query


def _day(text: str, days: dict[str, dt.date]) -> dt.date:
    day = days.get(text)
    if day is None:
        day = days[text] = dt.date.fromisoformat(text[:10])
    return day


def _blocking_severities(fail_on: str) -> frozenset[str]:
    """The severities whose gaps block at ``fail_on``, as the one gate says."""
    return frozenset(s for s in SEVERITIES if at_or_above(_Severity(s), fail_on))


def _blocking(gaps: dict[str, dict[str, int]], severities: frozenset[str]) -> dict[str, int]:
    """Domain → gaps of a blocking severity."""
    blocking = {}
    for domain, by_severity in sorted(gaps.items()):
        count = sum(n for s, n in by_severity.items() if s in severities)
        if count:
            blocking[domain] = count
    return blocking


# ---------------------------------------------------------------- rendering


def render_portfolio(result: Portfolio, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(_json(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(result)
    if fmt == "html":
        return _html(result)
    return _text(result)


def _entry_json(e: Entry) -> dict[str, Any]:
    """An entry as JSON, field by field (``asdict`` would copy each one deeply)."""
    return {
        "firm": e.firm,
        "firm_key": e.firm_key,
        "registration_id": e.registration_id,
        "pack": e.pack,
        "pack_version": e.pack_version,
        "declaration": e.declaration,
        "last_assessed": e.last_assessed.isoformat(),
        "ready": e.ready,
        "score": e.score,
        "score_worst": e.score_worst,
        "score_best": e.score_best,
        "trend": e.trend,
        "previous_assessed": e.previous_assessed.isoformat() if e.previous_assessed else None,
        "blocking": e.blocking,
        "blocking_by_domain": e.blocking_by_domain,
    }


def _json(result: Portfolio) -> dict[str, Any]:
    filters = asdict(result.filters)
    filters["since"] = result.filters.since.isoformat() if result.filters.since else None
    return {
        "filters": filters,
        "firms": len({e.firm_key for e in result.entries}),
        "ready": result.ready,
        "entries": [_entry_json(e) for e in result.entries],
    }


def _trend(trend: int | None) -> str:
    return "new" if trend is None else f"{trend:+d}"


def _domains(entry: Entry) -> str:
    return " ".join(f"{d}:{n}" for d, n in entry.blocking_by_domain.items())


def _text(result: Portfolio) -> str:
    if not result.entries:
        return "no assessment matches\n"
    header = f"{'firm':<32}  {'pack':<12}  {'ready':<5}  {'score':>5}  {'range':<7}  {'trend':>5}  {'last':<10}  blocking"
    lines = [header]
    for e in result.entries:
        # names come from declarations: shown inert on a terminal
        lines.append(
            f"{printable(e.firm)[:32]:<32}  {printable(e.pack)[:12]:<12}  "
            f"{'yes' if e.ready else 'no':<5}  "
            f"{e.score:>5}  {f'{e.score_worst}-{e.score_best}':<7}  {_trend(e.trend):>5}  "
            f"{e.last_assessed.isoformat():<10}  {printable(_domains(e)) or '-'}"
        )
    firms_count = len({e.firm_key for e in result.entries})
    lines.append("")
    lines.append(f"{len(result.entries)} assessments of {firms_count} firms; {result.ready} ready")
    return "\n".join(lines) + "\n"


def _csv(result: Portfolio) -> str:
    """RFC 4180, one row per firm and pack; text a spreadsheet would run as a formula is
    neutralised (the reports' :func:`csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in result.entries:
        writer.writerow(
            [
                csv_cell(e.firm),
                csv_cell(e.firm_key),
                csv_cell(e.registration_id or ""),
                csv_cell(e.pack),
                csv_cell(e.pack_version),
                csv_cell(e.declaration),
                e.last_assessed.isoformat(),
                "true" if e.ready else "false",
                e.score,
                e.score_worst,
                e.score_best,
                "" if e.trend is None else e.trend,
                e.blocking,
                csv_cell(_domains(e)),
            ]
        )
    return out.getvalue()


SORT_SCRIPT = "portfolio-sort.js"


def _html(result: Portfolio) -> str:
    """One self-contained page: the table sorted by firm, re-sortable by any column with the
    small script shipped beside the templates, which the page's Content-Security-Policy
    allows by its hash alone (nothing else can run); printable without it."""
    script = (templates_dir() / SORT_SCRIPT).read_text(encoding="utf-8")
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    import base64

    context = {
        "lang": "en",
        "portfolio": _json(result),
        "script": Markup(script),
        "script_hash": "sha256-" + base64.b64encode(digest).decode("ascii"),
    }
    return render_template("portfolio.html.j2", context, markdown=False)
