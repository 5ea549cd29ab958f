"""Rule selection: a compiled pack and ``--rule``/``--skip-rule``/``--domain`` → the pack
with only the selected rules compiled, so that only they are evaluated and reported.

Patterns are rule ids or shell globs (``CR-CON-*``), matched case-sensitively. A pattern or a
domain that matches nothing in the pack is a usage error with the nearest id ("did you
mean"), never a silent empty run. The checked pack is kept whole: waivers of rules left out
are still valid (they are reported ``unmatched``), and the rule catalogue is unchanged.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .. import codes
from ..errors import Diagnostic, UsageError, did_you_mean
from .compile import CompiledPack


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class RuleSelection(NamedTuple):
    """Which rules to keep: those matching ``rules`` (all when empty) and in ``domains``
    (all when empty), minus those matching ``skip``."""

    rules: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules or self.skip or self.domains)


def select_rules(pack: CompiledPack, selection: RuleSelection) -> CompiledPack:
    """``pack`` with only the selected rules compiled; raises :class:`UsageError` naming
    every pattern or domain that matches nothing, and when nothing is left."""
    if not selection:
        return pack
    ids = [c.rule.id for c in pack.rules]
    domains = sorted({c.rule.domain for c in pack.rules} | set(pack.checked.domains))
    problems = [
        *_unmatched("--rule", selection.rules, ids),
        *_unmatched("--skip-rule", selection.skip, ids),
        *_unknown_domains(selection.domains, domains),
    ]
    if problems:
        raise UsageError(problems)
    kept = tuple(
        c
        for c in pack.rules
        if (not selection.rules or _matches(c.rule.id, selection.rules))
        and (not selection.domains or c.rule.domain in selection.domains)
        and not _matches(c.rule.id, selection.skip)
    )
    if not kept:
        raise UsageError(
            Diagnostic(codes.USAGE, f"no rule of pack '{pack.checked.id}' is left to check")
        )
    return only_rules(pack, [c.rule.id for c in kept])


def only_rules(pack: CompiledPack, rule_ids: Iterable[str]) -> CompiledPack:
    """``pack`` with the compiled rules of ``rule_ids`` alone (in the pack's order)."""
    keep = set(rule_ids)
    if keep >= {c.rule.id for c in pack.rules}:
        return pack
    return CompiledPack(pack.checked, tuple(c for c in pack.rules if c.rule.id in keep))


def _matches(rule_id: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(rule_id, p) for p in patterns)


def _unmatched(option: str, patterns: Sequence[str], ids: Sequence[str]) -> list[Diagnostic]:
    problems = []
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(rule_id, pattern) for rule_id in ids):
            guess = did_you_mean(pattern, ids)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            problems.append(
                Diagnostic(codes.USAGE, f"{option} '{pattern}' matches no rule of the pack{hint}")
            )
    return problems


def _unknown_domains(chosen: Sequence[str], domains: Sequence[str]) -> list[Diagnostic]:
    problems = []
    for domain in chosen:
        if domain not in domains:
            guess = did_you_mean(domain, domains)
            hint = f"did you mean '{guess}'? " if guess else ""
            problems.append(
                Diagnostic(
                    codes.USAGE,
                    f"--domain '{domain}' is not a domain of the pack "
                    f"({hint}domains: {', '.join(domains)})",
                )
            )
    return problems
