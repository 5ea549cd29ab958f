"""Inline SVG charts for the HTML report and plan: numbers in, ``<svg>`` markup out.

Input: plain numbers, dates and labels (from a :class:`~licensecheck.reports.gap.GapReport` or a
:class:`~licensecheck.reports.plan.Plan` dumped to JSON-able dicts). Output: ``Markup`` holding
one self-contained ``<svg>`` element each — no scripts, no external fonts or images, so the
HTML stays one file that prints. Text takes the page's font (CJK included) from CSS. Every
geometry is rounded to two decimals so the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

STATUS_COLOURS = {
    "pass": "#15803d",
    "fail": "#b91c1c",
    "unknown": "#b45309",
    "error": "#7e22ce",
    "waived": "#0e7490",
    "not_applicable": "#6b7280",
}
PHASE_COLOURS = {
    "stop": "#d97706",
    "structural": "#1d4ed8",
    "evidence": "#0f766e",
    "application": "#6d28d9",
}
CRITICAL_COLOUR = "#dc2626"


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _width(text: str) -> int:
    """Display width in half-width units: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, units: int) -> str:
    """``text`` cut to ``units`` half-width units, with an ellipsis when cut."""
    if _width(text) <= units:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > units - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def score_colour(score: int | None) -> str:
    if score is None:
        return STATUS_COLOURS["not_applicable"]
    if score >= 90:
        return STATUS_COLOURS["pass"]
    if score >= 60:
        return STATUS_COLOURS["unknown"]
    return STATUS_COLOURS["fail"]


def _open(width: float, height: float, title: str, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}">'
        f"<title>{escape(title)}</title>"
    )


# ---------------------------------------------------------------- score gauge


def _arc_point(cx: float, cy: float, r: float, fraction: float) -> tuple[float, float]:
    """A point on the upper half circle: fraction 0 is the left end, 1 the right end."""
    angle = math.pi * (1 - fraction)
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    x1, y1 = _arc_point(cx, cy, r, start)
    x2, y2 = _arc_point(cx, cy, r, end)
    return f"M {_n(x1)} {_n(y1)} A {_n(r)} {_n(r)} 0 0 1 {_n(x2)} {_n(y2)}"


def gauge(score: int, worst: int, best: int, caption: str, title: str) -> Markup:
    """A half-circle gauge: the score as a filled arc, the worst–best range as a band."""
    w, h, cx, cy, r = 240.0, 150.0, 120.0, 125.0, 95.0
    parts = [_open(w, h, title, "gauge")]
    parts.append(
        f'<path d="{_arc(cx, cy, r, 0, 1)}" fill="none" stroke="#e5e7eb" stroke-width="22"/>'
    )
    if best > worst:
        parts.append(
            f'<path class="range" d="{_arc(cx, cy, r, worst / 100, best / 100)}" fill="none" '
            f'stroke="{score_colour(best)}" stroke-opacity="0.3" stroke-width="22"/>'
        )
    if score > 0:
        parts.append(
            f'<path class="score" d="{_arc(cx, cy, r, 0, score / 100)}" fill="none" '
            f'stroke="{score_colour(score)}" stroke-width="22"/>'
        )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy - 22)}" text-anchor="middle" font-size="44" '
        f'font-weight="700" fill="#111827">{score}</text>'
    )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy)}" text-anchor="middle" font-size="13" '
        f'fill="#4b5563">{escape(caption)}</text>'
    )
    parts.append(
        f'<text x="{_n(cx - r)}" y="{_n(cy + 18)}" text-anchor="middle" font-size="11" '
        f'fill="#6b7280">0</text><text x="{_n(cx + r)}" y="{_n(cy + 18)}" '
        f'text-anchor="middle" font-size="11" fill="#6b7280">100</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- per-domain bars


def domain_bars(domains: Sequence[Mapping[str, Any]], title: str, none_label: str) -> Markup:
    """One horizontal bar per domain: its readiness score out of 100."""
    row, label_w, bar_w, w = 22.0, 330.0, 300.0, 700.0
    h = row * len(domains) + 24
    parts = [_open(w, h, title, "domains")]
    for i, d in enumerate(domains):
        y = 4 + i * row
        score = d["score"]
        label = shorten(str(d["title"]), 52)
        parts.append(
            f'<text x="{_n(label_w - 8)}" y="{_n(y + 14)}" text-anchor="end" font-size="12" '
            f'fill="#111827">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{_n(label_w)}" y="{_n(y + 3)}" width="{_n(bar_w)}" height="14" '
            f'fill="#f3f4f6"/>'
        )
        if score is not None and score > 0:
            parts.append(
                f'<rect class="bar" data-domain="{escape(d["id"])}" x="{_n(label_w)}" '
                f'y="{_n(y + 3)}" width="{_n(bar_w * score / 100)}" height="14" '
                f'fill="{score_colour(score)}"/>'
            )
        shown = str(score) if score is not None else none_label
        parts.append(
            f'<text x="{_n(label_w + bar_w + 8)}" y="{_n(y + 14)}" font-size="12" '
            f'fill="#374151">{escape(shown)}</text>'
        )
    axis_y = 4 + len(domains) * row + 2
    for tick in (0, 50, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<text x="{_n(x)}" y="{_n(axis_y + 12)}" text-anchor="middle" font-size="10" '
            f'fill="#6b7280">{tick}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- severity × status matrix


def severity_matrix(
    by_severity: Mapping[str, Mapping[str, int]],
    statuses: Sequence[str],
    labels: Mapping[str, str],
    title: str,
) -> Markup:
    """A table-like grid: rows are severities, columns statuses, cells the number of rules."""
    cell_w, cell_h, head_w, head_h = 92.0, 30.0, 90.0, 34.0
    severities = list(by_severity)
    w = head_w + cell_w * len(statuses)
    h = head_h + cell_h * len(severities) + 2
    top = max((by_severity[s].get(st, 0) for s in severities for st in statuses), default=0)
    parts = [_open(w, h, title, "matrix")]
    for j, status in enumerate(statuses):
        x = head_w + j * cell_w + cell_w / 2
        parts.append(
            f'<text x="{_n(x)}" y="{_n(head_h - 12)}" text-anchor="middle" font-size="11" '
            f'fill="#374151">{escape(shorten(labels[status], 16))}</text>'
        )
    for i, severity in enumerate(severities):
        y = head_h + i * cell_h
        parts.append(
            f'<text x="{_n(head_w - 8)}" y="{_n(y + 19)}" text-anchor="end" font-size="12" '
            f'fill="#111827">{escape(labels[severity])}</text>'
        )
        for j, status in enumerate(statuses):
            count = by_severity[severity].get(status, 0)
            x = head_w + j * cell_w
            opacity = 0.08 + 0.72 * (count / top) if count and top else 0.0
            fill = STATUS_COLOURS.get(status, "#6b7280")
            parts.append(
                f'<rect x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(cell_w - 2)}" '
                f'height="{_n(cell_h - 2)}" fill="{fill}" fill-opacity="{_n(opacity)}" '
                f'stroke="#e5e7eb"/>'
            )
            ink = "#ffffff" if opacity > 0.5 else "#111827"
            parts.append(
                f'<text class="cell" data-severity="{severity}" data-status="{status}" '
                f'x="{_n(x + cell_w / 2)}" y="{_n(y + 19)}" text-anchor="middle" '
                f'font-size="12" fill="{ink}">{count}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- Gantt chart


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months after ``start`` up to ``end``, thinned to at most 12."""
    firsts = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day > start:
            firsts.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = max(1, math.ceil(len(firsts) / 12))
    return firsts[::step]


def gantt(
    tasks: Sequence[Mapping[str, Any]],
    milestones: Sequence[Mapping[str, Any]],
    start: dt.date,
    finish: dt.date,
    title: str,
    legend: Mapping[str, str],
) -> Markup:
    """Tasks as bars over calendar time; critical-path bars in red, milestones as diamonds."""
    row, label_w, chart_w, top = 16.0, 250.0, 640.0, 30.0
    w = label_w + chart_w + 10
    h = top + row * len(tasks) + 34
    span = max((finish - start).days, 1)

    def x_of(day: dt.date) -> float:
        return label_w + chart_w * (day - start).days / span

    parts = [_open(w, h, title, "gantt")]
    bottom = top + row * len(tasks)
    for first in _months(start, finish):
        x = x_of(first)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="#e5e7eb"/><text x="{_n(x)}" y="{_n(top - 8)}" text-anchor="middle" '
            f'font-size="9" fill="#6b7280">{first.isoformat()[:7]}</text>'
        )
    for i, task in enumerate(tasks):
        y = top + i * row
        begin, end = dt.date.fromisoformat(task["start"]), dt.date.fromisoformat(task["end"])
        label = shorten(f"{task['rule_id']} {task['title']}", 46)
        colour = CRITICAL_COLOUR if task["critical"] else PHASE_COLOURS[task["phase"]]
        parts.append(
            f'<text x="{_n(label_w - 6)}" y="{_n(y + 11)}" text-anchor="end" font-size="9" '
            f'fill="#111827">{escape(label)}</text>'
        )
        critical = ' data-critical="true"' if task["critical"] else ""
        parts.append(
            f'<rect class="task" data-task="{escape(task["id"])}"{critical} x="{_n(x_of(begin))}" '
            f'y="{_n(y + 3)}" width="{_n(max(x_of(end) - x_of(begin), 1.5))}" height="10" '
            f'rx="2" fill="{colour}"/>'
        )
    for m in milestones:
        x = x_of(dt.date.fromisoformat(m["date"]))
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="{PHASE_COLOURS[m["phase"]]}" stroke-dasharray="3 3"/>'
            f'<path d="M {_n(x)} {_n(bottom + 2)} l 5 5 l -5 5 l -5 -5 z" '
            f'fill="{PHASE_COLOURS[m["phase"]]}"/>'
        )
    parts.append(_legend(10, bottom + 24, legend))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(x: float, y: float, legend: Mapping[str, str]) -> str:
    colours = {"critical": CRITICAL_COLOUR, **PHASE_COLOURS}
    parts = []
    for key, text in legend.items():
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 8)}" width="10" height="8" fill="{colours[key]}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(y)}" font-size="9" fill="#374151">'
            f"{escape(text)}</text>"
        )
        x += 22 + 4.6 * _width(text)
    return "".join(parts)


# ---------------------------------------------------------------- score trend and burn-down


def score_trend(runs: Sequence[Mapping[str, Any]], title: str, legend: Mapping[str, str]) -> Markup:
    """The score of each recorded run as a line over its worst–best band, and the gaps still
    open after each run as bars (the burn-down). ``runs``: ``as_of`` (a date), ``score``,
    ``worst``, ``best``, ``gaps``, oldest first; ``legend``: ``score``, ``range``, ``gaps``."""
    w, h, left, right, top, bottom = 700.0, 240.0, 44.0, 44.0, 12.0, 52.0
    plot_w, plot_h = w - left - right, h - top - bottom
    most_gaps = max((int(r["gaps"]) for r in runs), default=0) or 1
    step = plot_w / max(len(runs), 1)

    def x_of(i: int) -> float:
        return left + step * (i + 0.5)

    def y_of(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    parts = [_open(w, h, title, "trend")]
    for score in (0, 50, 100):
        y = y_of(score)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(w - right)}" y2="{_n(y)}" '
            f'stroke="#e5e7eb"/><text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
            f'font-size="10" fill="#6b7280">{score}</text>'
        )
    bar_w = min(step * 0.5, 40.0)
    for i, run in enumerate(runs):
        bar_h = plot_h * int(run["gaps"]) / most_gaps
        parts.append(
            f'<rect class="gaps" x="{_n(x_of(i) - bar_w / 2)}" y="{_n(top + plot_h - bar_h)}" '
            f'width="{_n(bar_w)}" height="{_n(bar_h)}" fill="{STATUS_COLOURS["fail"]}" '
            f'fill-opacity="0.25"><title>{escape(legend["gaps"])}: {int(run["gaps"])}</title></rect>'
            f'<text x="{_n(x_of(i))}" y="{_n(top + plot_h - bar_h + 12)}" text-anchor="middle" '
            f'font-size="10" fill="{STATUS_COLOURS["fail"]}">{int(run["gaps"])}</text>'
        )
        label = run["as_of"].isoformat() if isinstance(run["as_of"], dt.date) else str(run["as_of"])
        parts.append(
            f'<text x="{_n(x_of(i))}" y="{_n(h - bottom + 16)}" text-anchor="middle" '
            f'font-size="10" fill="#4b5563">{escape(label)}</text>'
        )
    if runs:
        band = [(x_of(i), y_of(float(r["best"]))) for i, r in enumerate(runs)]
        band += [(x_of(i), y_of(float(r["worst"]))) for i, r in reversed(list(enumerate(runs)))]
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in band)
        parts.append(
            f'<polygon class="range" points="{points}" fill="#1d4ed8" fill-opacity="0.12"/>'
        )
        line = " ".join(f"{_n(x_of(i))},{_n(y_of(float(r['score'])))}" for i, r in enumerate(runs))
        parts.append(
            f'<polyline class="score" points="{line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>'
        )
        for i, run in enumerate(runs):
            parts.append(
                f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(float(run["score"])))}" r="3.5" '
                f'fill="#1d4ed8"><title>{escape(legend["score"])}: {int(run["score"])}</title></circle>'
            )
        parts.append(
            f'<text x="{_n(w - right + 6)}" y="{_n(top + plot_h + 4)}" font-size="10" '
            f'fill="{STATUS_COLOURS["fail"]}">0</text><text x="{_n(w - right + 6)}" '
            f'y="{_n(top + 4)}" font-size="10" fill="{STATUS_COLOURS["fail"]}">{most_gaps}</text>'
        )
    legend_y = h - 16
    parts.append(
        f'<rect x="{_n(left)}" y="{_n(legend_y - 8)}" width="14" height="3" fill="#1d4ed8"/>'
        f'<text x="{_n(left + 20)}" y="{_n(legend_y)}" font-size="10" fill="#111827">'
        f"{escape(legend['score'])}</text>"
        f'<rect x="{_n(left + 150)}" y="{_n(legend_y - 10)}" width="14" height="10" '
        f'fill="#1d4ed8" fill-opacity="0.12"/><text x="{_n(left + 170)}" y="{_n(legend_y)}" '
        f'font-size="10" fill="#111827">{escape(legend["range"])}</text>'
        f'<rect x="{_n(left + 330)}" y="{_n(legend_y - 10)}" width="14" height="10" '
        f'fill="{STATUS_COLOURS["fail"]}" fill-opacity="0.25"/><text x="{_n(left + 350)}" '
        f'y="{_n(legend_y)}" font-size="10" fill="#111827">{escape(legend["gaps"])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
