"""Render gap reports and plans as documents: Markdown, HTML, JSON and (plans) CSV.

Input: a :class:`~licensecheck.reports.gap.GapReport` or :class:`~licensecheck.reports.plan.Plan`
and a format. Output: text. JSON is the model itself; CSV is one row per task (RFC 4180);
Markdown and HTML come from the Jinja2 templates ``templates/{report,plan}.{md,html}.j2``
(or a user's own in ``--templates DIR``, run in the sandbox). Templates get the model as
plain JSON data (``report`` or ``plan``), the labels of the document's language
(``labels``) and, for HTML, ready-made inline SVG charts (``charts``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import codes
from ..engine.models import SEVERITIES, STATUSES
from ..errors import Diagnostic, UsageError
from ..i18n import phrases
from .charts import domain_bars, gantt, score_trend, severity_matrix
from .charts import gauge as score_gauge
from .gap import GapReport
from .plan import PHASES, Plan
from .templates import render_template

REPORT_FORMATS = ("markdown", "html", "json")
PLAN_FORMATS = ("markdown", "html", "json", "csv")
_EXTENSIONS = {"markdown": "md", "html": "html"}


def labels(lang: str) -> dict[str, str]:
    """The texts of a document in ``lang``, by the names templates use (``labels.ready``,
    ``labels.fail``, ``labels.phase_stop``)."""
    return {
        **phrases("status.", lang),
        **phrases("document.", lang),
        **{f"phase_{p}": words for p, words in phrases("phase.", lang).items()},
        **{f"evidence_{s}": words for s, words in phrases("evidence.", lang).items()},
    }


def _check_format(fmt: str, choices: tuple[str, ...], what: str) -> None:
    if fmt not in choices:
        raise UsageError(
            Diagnostic(
                codes.USAGE, f"unknown {what} format '{fmt}'; use one of {', '.join(choices)}"
            )
        )


# ---------------------------------------------------------------- gap reports


def render_report(
    report: GapReport,
    fmt: str = "markdown",
    *,
    templates: Path | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """A gap report as Markdown, HTML or JSON. ``history`` (HTML only): the firm's recorded
    runs (``as_of``, ``score``, ``worst``, ``best``, ``gaps``), drawn as a score trend and
    burn-down chart; without it the report is exactly as before."""
    _check_format(fmt, REPORT_FORMATS, "report")
    if history is not None:
        check_history_format(fmt)
    if fmt == "json":
        return report.model_dump_json(indent=2, by_alias=True) + "\n"
    data = report.model_dump(mode="json")
    words = labels(report.lang)
    context: dict[str, Any] = {
        "report": data,
        "lang": report.lang,
        "labels": words,
        "statuses": list(STATUSES),
        "severities": list(SEVERITIES),
        "charts": _report_charts(data, words, history) if fmt == "html" else {},
    }
    return render_template(
        f"report.{_EXTENSIONS[fmt]}.j2", context, markdown=fmt == "markdown", folder=templates
    )


def check_history_format(fmt: str) -> None:
    """The score trend is a chart: only the HTML report draws one."""
    if fmt != "html":
        raise UsageError(
            Diagnostic(codes.USAGE, "--history draws a chart in the HTML report: use --format html")
        )


def _report_charts(
    data: dict[str, Any], words: dict[str, str], history: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    caption = words["ready"] if data["ready"] else words["not_ready"]
    rng = data["score_range"]
    trend: dict[str, Any] = {}
    if history is not None:
        legend = {k: words[f"trend_{k}"] for k in ("score", "range", "gaps")}
        trend["history"] = score_trend(history, words["trend_chart"], legend)
    return {
        **trend,
        "gauge": score_gauge(data["score"], rng["worst"], rng["best"], caption, words["gauge"]),
        "domains": domain_bars(data["domains"], words["domain_chart"], words["na"]),
        "matrix": severity_matrix(
            data["counts"]["by_severity"], list(STATUSES), words, words["matrix_chart"]
        ),
    }


# ---------------------------------------------------------------- plans


def render_plan(
    plan: Plan, fmt: str = "markdown", *, templates: Path | None = None, bom: bool = False
) -> str:
    """A remediation plan as Markdown, HTML, JSON or CSV (``bom``: start the CSV with a
    UTF-8 byte-order mark, which Excel needs to read non-ASCII text)."""
    _check_format(fmt, PLAN_FORMATS, "plan")
    if fmt == "json":
        return plan.model_dump_json(indent=2, by_alias=True) + "\n"
    if fmt == "csv":
        return ("\ufeff" if bom else "") + plan_csv(plan)
    data = plan.model_dump(mode="json")
    words = labels(plan.lang)
    context: dict[str, Any] = {
        "plan": data,
        "lang": plan.lang,
        "labels": words,
        "phases": list(PHASES),
        "charts": _plan_charts(data, words) if fmt == "html" else {},
    }
    return render_template(
        f"plan.{_EXTENSIONS[fmt]}.j2", context, markdown=fmt == "markdown", folder=templates
    )


def _plan_charts(data: dict[str, Any], words: dict[str, str]) -> dict[str, Any]:
    if not data["tasks"]:
        return {"gantt": ""}
    start = dt.date.fromisoformat(data["start"])
    finish = dt.date.fromisoformat(data["completes_on"])
    legend = {"critical": words["critical_path"]}
    legend.update({p: words[f"phase_{p}"] for p in PHASES})
    return {
        "gantt": gantt(
            data["tasks"], data["milestones"], start, finish, words["gantt_chart"], legend
        )
    }


CSV_COLUMNS = (
    "id",
    "rule_id",
    "title",
    "kind",
    "status",
    "severity",
    "domain",
    "phase",
    "effort_days",
    "start",
    "end",
    "depends_on",
    "on_critical_path",  # the task's ``critical``: named apart from the severity column
    "workstream",
    "remediation",
)


def plan_csv(plan: Plan) -> str:
    """One row per task under a header row; RFC 4180 (CRLF line ends, quotes only where
    needed); ``depends_on`` lists task ids separated by spaces; booleans are true/false; a text
    cell a spreadsheet would run as a formula starts with ``'`` (:func:`csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for task in plan.tasks:
        row = task.model_dump(mode="json")
        row["on_critical_path"] = row["critical"]
        writer.writerow(
            [
                csv_cell(" ".join(row[c]))
                if c == "depends_on"
                else ("true" if row[c] else "false")
                if c == "on_critical_path"
                else ""
                if row[c] is None
                else csv_cell(row[c])
                for c in CSV_COLUMNS
            ]
        )
    return out.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell that Excel, LibreOffice or Sheets would read as a formula (it starts with
    ``= + - @``, a tab or a carriage return: CSV injection, OWASP) gets a leading ``'``, so it
    shows as the text it is; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
