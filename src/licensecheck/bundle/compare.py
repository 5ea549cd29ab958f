"""What differs between a bundled gap report and the same assessment re-run.

Input: ``report/report.json`` as bundled and the gap report made again from the bundled
declaration. Output: the differences a reviewer acts on, each with its subject — the tool
version, readiness, the score and its range, each rule whose status changed — and, when only
other content differs, which parts of the report do.
"""

from __future__ import annotations

import json
from typing import Any

from ..reports.gap import GapReport

#: A rule absent from both the gaps and the unknowns passed or did not apply.
_NOT_A_GAP = "pass or not applicable"


def report_differences(bundled: bytes, rerun: GapReport) -> list[tuple[str, str]]:
    """``(subject, what differs)`` for each difference; empty when the reports agree."""
    now: dict[str, Any] = json.loads(rerun.model_dump_json(by_alias=True))
    try:
        then = json.loads(bundled.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [("report/report.json", f"not a JSON report: {exc}")]
    if not isinstance(then, dict):
        return [("report/report.json", "not a JSON report: not an object")]
    found = [
        *_field_differences(then, now),
        *(
            (f"rule {rule}", f"{before} in the bundle, {after} now")
            for rule, before, after in _status_changes(then, now)
        ),
    ]
    if found or then == now:
        return found
    parts = sorted(key for key in then.keys() | now.keys() if then.get(key) != now.get(key))
    return [("report", f"the report's {', '.join(parts)} differ")]


def _field_differences(then: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, str]]:
    before, after = _headline(then), _headline(now)
    return [
        (name, f"{_shown(before[name])} in the bundle, {_shown(after[name])} now")
        for name in before
        if before[name] != after[name]
    ]


def _headline(report: dict[str, Any]) -> dict[str, object]:
    tool = report.get("tool")
    return {
        "tool version": tool.get("version") if isinstance(tool, dict) else None,
        "ready": report.get("ready"),
        "score": report.get("score"),
        "score range": report.get("score_range"),
    }


def _status_changes(then: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, str, str]]:
    before, after = _statuses(then), _statuses(now)
    return [
        (rule, before.get(rule, _NOT_A_GAP), after.get(rule, _NOT_A_GAP))
        for rule in sorted(before.keys() | after.keys())
        if before.get(rule) != after.get(rule)
    ]


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    """Rule id → status of every gap and unknown the report lists."""
    statuses: dict[str, str] = {}
    for domain in _list(report.get("domains")):
        for gap in _list(domain.get("gaps") if isinstance(domain, dict) else None):
            if isinstance(gap, dict):
                statuses[str(gap.get("rule_id"))] = str(gap.get("status"))
    for unknown in _list(report.get("unknown_rules")):
        if isinstance(unknown, dict):
            statuses[str(unknown.get("rule_id"))] = "unknown"
    return statuses


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _shown(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
