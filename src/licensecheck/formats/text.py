"""Render an assessment for people (text) and programs (JSON).

Input: an :class:`~licensecheck.engine.models.Assessment`. Output: a string. Rendering is pure
and deterministic; colour is applied by the caller's ``style`` function (the CLI passes
click's when writing to a terminal, identity otherwise). Every line is made of values from the
declaration and the pack, so each goes through :func:`~licensecheck.errors.printable` before
any colour is added, piped or not: a value cannot carry an escape sequence to the reader.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from ..engine.gate import severity_rank
from ..engine.models import ASSURANCES, SEVERITIES, STATUSES, Assessment, Finding, Witness
from ..errors import printable
from ..i18n import phrase, phrases

Style = Callable[..., str]

#: The label of each assurance (``declared`` is a finding's own word in the labels).
_ASSURANCE_LABELS = {
    "evidenced": "evidenced",
    "declared": "self_declared",
    "contradicted": "contradicted",
}
_STATUS_RANK = {"fail": 0, "error": 1, "unknown": 2, "waived": 3, "pass": 4, "not_applicable": 5}
_STATUS_COLOURS = {
    "fail": "red",
    "error": "magenta",
    "unknown": "yellow",
    "pass": "green",
    "waived": "cyan",
}


def _labels(lang: str) -> dict[str, str]:
    """The terminal report's words in ``lang``: the finding states, its own labels and the
    severities (``severity.critical``), all from the phrasebook."""
    severities = {f"severity.{s}": phrase(f"document.{s}", lang) for s in SEVERITIES}
    return {**phrases("status.", lang), **phrases("text.", lang), **severities}


def _plain(text: str, **_: Any) -> str:
    return text


def witness_text(w: Witness) -> str:
    """One witness on one line, for machine formats: ``path = value (expected …)``."""
    actual = f" = {w.actual}" if w.actual is not None else ": not declared"
    expected = f" (expected {w.expected})" if w.expected else ""
    return f"{w.path}{actual}{expected}"


def finding_notes(f: Finding) -> list[str]:
    """The lines machine formats add after a finding's witnesses: citation, fix, waiver."""
    notes = []
    if f.cite:
        notes.append("cite: " + "; ".join(f.cite))
    if f.remediation and f.status == "fail":
        notes.append(f"fix: {f.remediation}")
    if f.waiver is not None:
        notes.append(f"waiver {f.waiver.id}: {f.waiver.detail}")
    return notes


def render_text(assessment: Assessment, *, verbose: bool = False, style: Style = _plain) -> str:
    labels = _labels(assessment.lang)
    lines = [_header(assessment, labels), "", _headline(assessment, labels, style)]
    lines += [*_ci_lines(assessment, labels), ""]
    hidden = 0
    for domain, findings in _domains_worst_first(assessment.findings):
        shown = [f for f in findings if verbose or f.status not in ("pass", "not_applicable")]
        hidden += len(findings) - len(shown)
        if not shown:
            continue
        tally = _tally(findings, labels)
        title = assessment.pack.domains.get(domain, domain)
        lines.append(style(printable(title), bold=True) + f"  ({tally})")
        for finding in shown:
            lines.extend(_finding_lines(finding, assessment.declaration, labels, style))
        lines.append("")
    if hidden:
        lines.append(labels["hidden"].format(n=hidden))
    attached = {f.waiver.id for f in assessment.findings if f.waiver is not None}
    unattached = [w for w in assessment.waivers if w.id not in attached]
    if unattached:
        lines += ["", style(labels["waivers"].capitalize(), bold=True)]
        for w in unattached:
            state = _pad(labels[w.state].upper(), 9)
            lines.append(
                state + printable(f" {w.id}  {w.rule_id}  {w.detail}  ({w.file}:{w.line})")
            )
    return "\n".join(lines).rstrip() + "\n"


def summary_line(assessment: Assessment, *, style: Style = _plain) -> str:
    """``check --quiet``: the declaration, the verdict, the score and the counts on one line."""
    labels = _labels(assessment.lang)
    return printable(assessment.declaration) + ": " + _headline(assessment, labels, style) + "\n"


def _ci_lines(a: Assessment, labels: dict[str, str]) -> list[str]:
    """One line each for the waiver states and the baseline comparison, when used."""
    lines = []
    if a.waivers:
        states: dict[str, int] = {}
        for w in a.waivers:
            states[w.state] = states.get(w.state, 0) + 1
        tally = " · ".join(f"{n} {labels[s]}" for s, n in states.items())
        lines.append(printable(f"{labels['waivers']} {a.waivers[0].file}: {tally}"))
    if a.baseline is not None:
        changes: dict[str, int] = {}
        for f in a.findings:
            if f.baseline is not None:
                changes[f.baseline] = changes.get(f.baseline, 0) + 1
        order = ("new", "worsened", "improved", "unchanged", "fixed")
        tally = " · ".join(_counted(changes[c], c, labels) for c in order if c in changes)
        score = f" ({labels['score']} {a.baseline.score})" if a.baseline.score is not None else ""
        lines.append(printable(f"{labels['baseline']} {a.baseline.report}{score}: {tally or '-'}"))
    return lines + _evidence_lines(a, labels)


def _evidence_lines(a: Assessment, labels: dict[str, str]) -> list[str]:
    """With evidence (or rules demanding it): the evidenced score, the findings by assurance,
    and each drifted file with what it covered."""
    if a.summary.evidenced_score is None:
        return []
    counts = dict.fromkeys(ASSURANCES, 0)
    for f in a.findings:
        if f.status != "not_applicable":
            counts[f.assurance] += 1
    tally = " · ".join(f"{n} {labels[_ASSURANCE_LABELS[key]]}" for key, n in counts.items())
    lines = [f"{labels['evidenced_score']} {a.summary.evidenced_score}/100  ·  {tally}"]
    for e in a.evidence:
        if e.state == "altered":
            drift = labels["drift"].format(id=e.id, path=e.path, covers=", ".join(e.covers))
            lines.append(printable(f"{labels['evidence']}: {drift}"))
    return lines


def _counted(n: int, key: str, labels: dict[str, str]) -> str:
    """``1 new gap``, ``84 known gaps``: the label's ``_many`` form when there is one."""
    return f"{n} {labels[key] if n == 1 else labels.get(key + '_many', labels[key])}"


def _header(a: Assessment, labels: dict[str, str]) -> str:
    return printable(
        f"licensecheck {a.tool.version} · {a.pack.id} {a.pack.version} · {a.declaration} · {labels['as_of']} {a.as_of.isoformat()}"
    )


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
    return (_STATUS_RANK[f.status], severity_rank(f.severity), f.rule_id)


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
    tags = f"  [{labels['grace']}]" if f.in_grace else ""
    if f.baseline is not None:
        tags += f"  [{labels[f.baseline]}]"
    if f.assurance != "declared":
        tags += f"  [{labels[_ASSURANCE_LABELS[f.assurance]]}]"
    severity = _pad(labels[f"severity.{f.severity}"], 8)
    lines = [f"  {badge} " + printable(f"{severity} {f.rule_id}  {f.title}{tags}")]
    indent = " " * 11
    if f.status != "pass":
        lines.append(f"{indent}{f.message}")
    for w in f.witnesses:
        where = f"{source}:{w.line}:{w.column}" if w.line is not None else source
        element = f" [{w.element}]" if w.element else ""
        actual = f" = {w.actual}" if w.actual is not None else f": {labels['not_declared']}"
        expected = f"  ({labels['expected']} {w.expected})" if w.expected else ""
        lines.append(f"{indent}{labels['at']} {where}  {w.path}{element}{actual}{expected}")
    if f.evidence_request:
        lines.append(f"{indent}{labels['evidence_request']} {', '.join(f.evidence_request)}")
    if f.waiver is not None:
        state = "" if f.waiver.state == "applied" else f" ({labels[f.waiver.state]})"
        lines.append(f"{indent}{labels['waiver']} {f.waiver.id}{state}: {f.waiver.detail}")
    if f.status in ("fail", "unknown", "error"):
        if f.cite:
            lines.append(f"{indent}{labels['cite']}: {'; '.join(f.cite)}")
        if f.remediation and f.status == "fail":
            lines.append(f"{indent}{labels['fix']}: {f.remediation}")
    return [lines[0], *map(printable, lines[1:])]  # the first line is escaped around its badge
