"""The one gate: which findings block at a ``--fail-on`` threshold, and the exit code they give.

Input: findings (or anything with a severity, a status, a grace flag and a baseline state) and
a threshold. Output: whether each blocks, and 0 or 1 (2 for a batch with unreadable files).
Every output that colours, counts or exits by the threshold asks here: assessments, batches,
gap reports, plans, baseline diffs and GitHub annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from .. import codes
from ..errors import Diagnostic, UsageError
from .models import SEVERITIES, Assessment

DEFAULT_FAIL_ON = "high"
#: Readiness (the summary's ``ready``) does not move with ``--fail-on``: a firm is ready when
#: no critical or high gap is left.
READINESS_THRESHOLD = "high"
FAIL_ON_CHOICES: tuple[str, ...] = (*SEVERITIES, "none")
GAP_STATUSES = frozenset({"fail", "unknown", "error"})


class Gradable(Protocol):
    @property
    def severity(self) -> str: ...


#: The severities at or above :data:`READINESS_THRESHOLD`
_READINESS_SEVERITIES = frozenset(
    s for s in SEVERITIES if SEVERITIES.index(s) <= SEVERITIES.index(READINESS_THRESHOLD)
)


def check_fail_on(fail_on: str) -> str:
    """``fail_on`` itself, or a usage error naming the choices."""
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"unknown --fail-on '{fail_on}'; use one of {', '.join(FAIL_ON_CHOICES)}",
            )
        )
    return fail_on


def severity_rank(severity: str) -> int:
    """0 for critical, 3 for low: sort keys and comparisons use this order alone."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type,unused-ignore]


def at_or_above(item: Gradable, fail_on: str = DEFAULT_FAIL_ON) -> bool:
    """Whether ``item``'s severity reaches the threshold (``none`` is never reached)."""
    if fail_on == "none":
        return False
    return severity_rank(item.severity) <= severity_rank(check_fail_on(fail_on))


def counts_as_gap(
    status: str | None, *, in_grace: bool = False, baseline: str | None = None
) -> bool:
    """A ``fail``, ``unknown`` or ``error`` outside its grace period that, with a baseline, is
    new or worse."""
    if status not in GAP_STATUSES or in_grace:
        return False
    return baseline not in ("unchanged", "improved")


class _Finding(Gradable, Protocol):
    @property
    def status(self) -> str: ...
    @property
    def in_grace(self) -> bool: ...
    @property
    def baseline(self) -> str | None: ...


def gap_blocks(
    item: Gradable,
    fail_on: str,
    *,
    status: str | None,
    in_grace: bool = False,
    baseline: str | None = None,
) -> bool:
    """Whether ``item`` (a finding, a plan's task, a gap report's gap, a diff entry) makes the
    exit code 1 at ``fail_on``, given its status, grace and, with a baseline, its change."""
    return counts_as_gap(status, in_grace=in_grace, baseline=baseline) and at_or_above(
        item, fail_on
    )


def blocks(finding: _Finding, fail_on: str = DEFAULT_FAIL_ON) -> bool:
    """Whether ``finding`` makes the exit code 1: a gap (``fail``, ``unknown``, ``error``) at or
    above ``fail_on``, not in its grace period and, with a baseline, new or worsened."""
    return gap_blocks(
        finding,
        fail_on,
        status=finding.status,
        in_grace=finding.in_grace,
        baseline=finding.baseline,
    )


def blocks_readiness(finding: _Finding) -> bool:
    """Whether ``finding`` keeps the firm from being ready: a critical or high gap outside its
    grace period (baselines do not matter: readiness is about the declaration now).

    :func:`gap_blocks` at :data:`READINESS_THRESHOLD` without a baseline, spelt out: every
    finding of every assessment's summary asks."""
    return gap_blocks_readiness(finding.status, finding.in_grace, finding.severity)


def gap_blocks_readiness(status: str, in_grace: bool, severity: str) -> bool:
    """:func:`blocks_readiness` of a finding with these fields."""
    return status in GAP_STATUSES and not in_grace and severity in _READINESS_SEVERITIES


def exit_code_for(blocking: Iterable[bool], fail_on: str) -> int:
    """1 when any item blocks at ``fail_on``, else 0 (``fail_on`` is checked even when there
    is no item); ``blocking`` is the items' :func:`gap_blocks` verdicts, computed lazily."""
    check_fail_on(fail_on)
    return 1 if any(blocking) else 0


class _Batch(Protocol):
    @property
    def errors(self) -> Sequence[object]: ...
    @property
    def assessments(self) -> Sequence[Assessment]: ...


def exit_code(result: Assessment | _Batch, fail_on: str = DEFAULT_FAIL_ON) -> int:
    """0 when no gap is at or above ``fail_on``, else 1 (``none`` never fails); for a batch,
    2 when a file could not be assessed.

    A gap is a ``fail``, ``unknown`` or ``error`` finding; failures inside a rule's grace
    period do not count, nor, with a baseline, gaps that are not new or worse.
    """
    check_fail_on(fail_on)
    if not isinstance(result, Assessment):
        if result.errors:
            return 2
        return max((exit_code(a, fail_on) for a in result.assessments), default=0)
    return exit_code_for((blocks(f, fail_on) for f in result.findings), fail_on)
