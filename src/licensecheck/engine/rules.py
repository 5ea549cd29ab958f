"""The checked rule and the checked pack: what the static checks hand to composition and
the compiler.

Input: nothing (plain data types). Output: :class:`Rule`, :class:`CheckedPack` and
:class:`AppliedOverride`, shared by :mod:`.check` (which builds them), :mod:`.compose`
(which inherits, overrides and disables rules) and everything downstream. Living apart from
both, they let the checker depend on composition without composition depending back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from .._record import Record
from ..declaration.schema import DeclarationSchema
from ..errors import Diagnostic, Span
from ..lang import nodes as n
from ..lang.values import Duration
from ..packs.loader import LoadedPack

Text = Mapping[str, str]  # language -> text; "en" is the unsuffixed default


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class AppliedOverride(NamedTuple):
    """One field of a rule changed by a pack's ``overrides`` (shown by ``explain``)."""

    pack_id: str
    key: str  # the pack.yaml key: severity, title@zh, after, …
    before: str
    after: str
    span: Span


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.7 ms of every cold start (issue #12), and a changed copy is its _replace.
class Rule(NamedTuple):
    """A checked rule, ready to compile."""

    id: str
    pack_id: str
    title: Text
    domain: str
    severity: str
    require: n.Expr
    when: n.Expr | None
    cite: tuple[str, ...]
    message: Text
    remediation: Text
    effort: Duration | None
    after: tuple[str, ...]
    evidence: tuple[str, ...]
    tags: tuple[str, ...]
    effective_from: dt.date | None
    grace_until: dt.date | None
    span: Span
    #: fields changed by ``overrides`` in pack.yaml files, in the order they were applied
    overrides: tuple[AppliedOverride, ...] = ()


class CheckedPack(Record):
    # a Record, not a frozen dataclass (~0.6 ms of every cold start, issue #12); with a
    # __dict__ (no __slots__), which its cached rule index needs
    __match_args__ = (
        "id",
        "version",
        "title",
        "rules",
        "consts",
        "predicates",
        "domains",
        "warnings",
        "schema",
        "loaded",
        "disabled",
    )
    id: str
    version: str
    title: str
    rules: tuple[Rule, ...]
    consts: Mapping[str, Any]
    predicates: Mapping[str, n.Expr]
    domains: Mapping[str, Text]
    warnings: tuple[Diagnostic, ...]
    schema: DeclarationSchema
    loaded: LoadedPack
    #: rule id -> id of the pack whose ``disable`` left it out
    disabled: Mapping[str, str]

    def __init__(
        self,
        id: str,
        version: str,
        title: str,
        rules: tuple[Rule, ...],
        consts: Mapping[str, Any],
        predicates: Mapping[str, n.Expr],
        domains: Mapping[str, Text],
        warnings: tuple[Diagnostic, ...],
        schema: DeclarationSchema,
        loaded: LoadedPack,
        disabled: Mapping[str, str] | None = None,
    ) -> None:
        self.__dict__.update(
            id=id,
            version=version,
            title=title,
            rules=rules,
            consts=consts,
            predicates=predicates,
            domains=domains,
            warnings=warnings,
            schema=schema,
            loaded=loaded,
            disabled={} if disabled is None else disabled,
        )

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def is_field(self, name: str) -> bool:
        """Whether ``name``, where no loop binds it, is a top-level field of the declaration
        (not a const, a predicate or ``today``)."""
        return not (name in self.consts or name in self.predicates or name == "today")

    @functools.cached_property
    def _by_id(self) -> dict[str, Rule]:
        """The rules by id, built once: a lookup per rule would make a 10,000-rule pack's
        evaluation quadratic."""
        return {rule.id: rule for rule in reversed(self.rules)}
