"""Render an assessment for people (text) and programs (JSON).

Input: an :class:`~licensecheck.models.Assessment`. Output: a string. Rendering is pure
and deterministic; colour is applied by the caller's ``style`` function (the CLI passes
click's when writing to a terminal, identity otherwise).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from .models import SEVERITIES, STATUSES, Assessment, Finding

Style = Callable[..., str]

_STATUS_RANK = {"fail": 0, "error": 1, "unknown": 2, "waived": 3, "pass": 4, "not_applicable": 5}
_STATUS_COLOURS = {
    "fail": "red",
    "error": "magenta",
    "unknown": "yellow",
    "pass": "green",
    "waived": "cyan",
}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "ready": "READY",
        "not_ready": "NOT READY",
        "score": "score",
        "pass": "pass",
        "fail": "fail",
        "unknown": "unknown",
        "not_applicable": "not applicable",
        "waived": "waived",
        "error": "error",
        "at": "at",
        "cite": "cite",
        "fix": "fix",
        "expected": "expected",
        "declared": "declared",
        "not_declared": "not declared",
        "as_of": "as of",
        "hidden": "{n} passing or not applicable rules not shown (use --verbose)",
        "grace": "in grace period",
    },
    "zh": {
        "ready": "已具备条件",
        "not_ready": "尚未具备条件",
        "score": "得分",
        "pass": "通过",
        "fail": "不符合",
        "unknown": "信息不足",
        "not_applicable": "不适用",
        "waived": "已豁免",
        "error": "错误",
        "at": "位置",
        "cite": "依据",
        "fix": "整改",
        "expected": "要求",
        "declared": "申报值",
        "not_declared": "未申报",
        "as_of": "评估日",
        "hidden": "另有 {n} 条通过或不适用的规则未显示（使用 --verbose 查看）",
        "grace": "处于宽限期",
    },
}


def _plain(text: str, **_: Any) -> str:
    return text


def render_json(assessment: Assessment) -> str:
    return assessment.model_dump_json(indent=2) + "\n"


def render_text(assessment: Assessment, *, verbose: bool = False, style: Style = _plain) -> str:
    labels = LABELS.get(assessment.lang, LABELS["en"])
    lines = [_header(assessment, labels), "", _headline(assessment, labels, style), ""]
    hidden = 0
    for domain, findings in _domains_worst_first(assessment.findings):
        shown = [f for f in findings if verbose or f.status not in ("pass", "not_applicable")]
        hidden += len(findings) - len(shown)
        if not shown:
            continue
        tally = _tally(findings, labels)
        title = assessment.pack.domains.get(domain, domain)
        lines.append(style(title, bold=True) + f"  ({tally})")
        for finding in shown:
            lines.extend(_finding_lines(finding, assessment.declaration, labels, style))
        lines.append("")
    if hidden:
        lines.append(labels["hidden"].format(n=hidden))
    return "\n".join(lines).rstrip() + "\n"


def _header(a: Assessment, labels: dict[str, str]) -> str:
    return f"licensecheck {a.tool.version} · {a.pack.id} {a.pack.version} · {a.declaration} · {labels['as_of']} {a.as_of.isoformat()}"


def _headline(a: Assessment, labels: dict[str, str], style: Style) -> str:
    verdict = labels["ready"] if a.summary.ready else labels["not_ready"]
    colour = "green" if a.summary.ready else "red"
    counts = a.summary.counts.by_status
    parts = [f"{counts[s]} {labels[s]}" for s in STATUSES if counts[s]]
    return (
        f"{style(verdict, fg=colour, bold=True)}  {labels['score']} {a.summary.score}/100  ·  "
        + " · ".join(parts)
    )


def _domains_worst_first(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.domain, []).append(f)
    for group in groups.values():
        group.sort(key=_finding_rank)
    return sorted(groups.items(), key=lambda item: (_finding_rank(item[1][0]), item[0]))


def _finding_rank(f: Finding) -> tuple[int, int, str]:
    return (_STATUS_RANK[f.status], SEVERITIES.index(f.severity), f.rule_id)


def _tally(findings: list[Finding], labels: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    return ", ".join(
        f"{counts[s]} {labels[s]}" for s in sorted(counts, key=_STATUS_RANK.__getitem__)
    )


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where CJK characters take two columns."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - columns, 0)


def _finding_lines(f: Finding, source: str, labels: dict[str, str], style: Style) -> list[str]:
    status = _pad(labels[f.status].upper(), 8)
    badge = style(status, fg=_STATUS_COLOURS.get(f.status), bold=True)
    grace = f"  [{labels['grace']}]" if f.in_grace else ""
    lines = [f"  {badge} {f.severity:<8} {f.rule_id}  {f.title}{grace}"]
    indent = " " * 11
    if f.status != "pass":
        lines.append(f"{indent}{f.message}")
    for w in f.witnesses:
        where = f"{source}:{w.line}:{w.column}" if w.line is not None else source
        element = f" [{w.element}]" if w.element else ""
        actual = f" = {w.actual}" if w.actual is not None else f": {labels['not_declared']}"
        expected = f"  ({labels['expected']} {w.expected})" if w.expected else ""
        lines.append(f"{indent}{labels['at']} {where}  {w.path}{element}{actual}{expected}")
    if f.status in ("fail", "unknown", "error"):
        if f.cite:
            lines.append(f"{indent}{labels['cite']}: {'; '.join(f.cite)}")
        if f.remediation and f.status == "fail":
            lines.append(f"{indent}{labels['fix']}: {f.remediation}")
    return lines
