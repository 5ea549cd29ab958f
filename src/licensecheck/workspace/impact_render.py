"""Render an impact report: an :class:`~licensecheck.workspace.impact.ImpactReport` → text,
JSON or HTML.

Text is for a terminal (the flips, the firms most affected with their changes, the counts per
rule); JSON is the model itself (``schemas/impact.schema.json``); HTML is one self-contained
page from ``templates/impact.html.j2``, in the look of the gap report (the same layout, no
scripts), autoescaped.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..reports.templates import render_template
from .impact import FirmImpact, GapChange, ImpactReport, RuleImpact

IMPACT_FORMATS = ("text", "json", "html")
#: How each kind of change is said, and its sign in the text form.
CHANGE_WORDS = {
    "new_fail": ("+", "new fail"),
    "new_unknown": ("+", "new unknown"),
    "new_error": ("+", "new error"),
    "resolved": ("-", "resolved"),
    "severity_raised": ("↑", "severity raised"),
    "severity_lowered": ("↓", "severity lowered"),
}
OUTCOME_WORDS = {"ready": "ready", "not_ready": "not ready", "error": "error"}
FLIP_WORDS = {"became_not_ready": "ready → not ready", "became_ready": "not ready → ready"}


def render_impact(report: ImpactReport, fmt: str) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        return render_template("impact.html.j2", _html_context(report), markdown=False)
    return "\n".join(_text(report)) + "\n"


def headline(report: ImpactReport) -> str:
    s = report.summary
    parts = [
        f"{s.became_not_ready} became not ready",
        f"{s.became_ready} became ready",
        f"{s.firms_changed} firm{_s(s.firms_changed)} changed",
        f"{s.new_fail} new fail{_s(s.new_fail)}",
        f"{s.new_unknown} new unknown{_s(s.new_unknown)}",
        f"{s.new_error} new error{_s(s.new_error)}",
        f"{s.resolved} resolved",
        f"{s.severity_raised} raised",
        f"{s.severity_lowered} lowered",
    ]
    if s.errors:
        parts.append(f"{s.errors} not assessed")
    return " · ".join(parts)


def title(report: ImpactReport) -> str:
    return (
        f"Impact of {report.old.id} {report.old.version} → {report.new.id} "
        f"{report.new.version} on {report.summary.firms} firm{_s(report.summary.firms)} "
        f"(as of {report.as_of.isoformat()})"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def change_line(change: GapChange) -> str:
    """``+ new fail  CR-CON-001 [critical] Title`` (with the element and the statuses)."""
    sign, words = CHANGE_WORDS[change.kind]
    element = f" ({change.element})" if change.element else ""
    if change.kind.startswith("severity_"):
        moved = f"{change.old_severity} → {change.severity}"
    else:
        moved = f"{change.old_status or 'absent'} → {change.new_status or 'absent'}"
    return (
        f"{sign} {words:<16} {change.rule_id}{element} [{change.severity}] {change.title} ({moved})"
    )


# ---------------------------------------------------------------------------- text


def _text(report: ImpactReport) -> Iterator[str]:
    yield title(report)
    yield f"  {headline(report)}"
    flips = [f for f in report.firms if f.flip]
    if flips:
        yield ""
        yield "Firms that flip"
        for firm in flips:
            yield f"  {FLIP_WORDS[firm.flip or '']:<20} {_firm_label(firm)}  {_scores(firm)}"
    if report.most_affected:
        yield ""
        yield "Most affected firms"
        firms = {(f.firm, f.declaration): f for f in report.firms}
        for affected in report.most_affected:
            firm = firms[(affected.firm, affected.declaration)]
            yield f"  {affected.changes:>3}  {_firm_label(firm)}  {_scores(firm)}"
            for change in firm.changes:
                yield f"         {change_line(change)}"
    if report.rules:
        yield ""
        yield "Changes per rule"
        for rule in report.rules:
            yield f"  {rule.rule_id} [{rule.severity}]  {rule_counts(rule)}"
    errors = [f for f in report.firms if f.errors]
    if errors:
        yield ""
        yield "Could not be assessed"
        for firm in errors:
            for error in firm.errors:
                where = (
                    f"{error.file}:{error.line}:{error.column}" if error.line else firm.declaration
                )
                yield f"  {where}: {error.message}"
    if not (flips or report.most_affected or errors):
        yield ""
        yield "No firm's findings change."


def _firm_label(firm: FirmImpact) -> str:
    return f"{firm.firm} ({firm.declaration})"


def _scores(firm: FirmImpact) -> str:
    if firm.old_score is None or firm.new_score is None:
        return f"{OUTCOME_WORDS[firm.old]} → {OUTCOME_WORDS[firm.new]}"
    return f"score {firm.old_score} → {firm.new_score}"


def rule_counts(rule: RuleImpact) -> str:
    counts = [
        (rule.new_fail, "new fail"),
        (rule.new_unknown, "new unknown"),
        (rule.new_error, "new error"),
        (rule.resolved, "resolved"),
        (rule.severity_raised, "raised"),
        (rule.severity_lowered, "lowered"),
    ]
    said = ", ".join(f"{n} {words}" for n, words in counts if n)
    return f"{said} ({rule.firms} firm{_s(rule.firms)})"


# ---------------------------------------------------------------------------- HTML


def _html_context(report: ImpactReport) -> dict[str, object]:
    return {
        "report": report,
        "title": title(report),
        "headline": headline(report),
        "change_words": {k: words for k, (_, words) in CHANGE_WORDS.items()},
        "outcome_words": OUTCOME_WORDS,
        "flip_words": FLIP_WORDS,
        "rule_counts": {r.rule_id: rule_counts(r) for r in report.rules},
        "lang": "en",
    }
