"""The supply graph of a set of firms: who supplies whom, what they say about each other.

Input: one :class:`FirmInput` per firm — its key, names and register ids, its declaration read
with positions, and its latest assessment under one pack reduced to what the graph needs
(ready, score, the licence rules it fails or leaves unknown) — and optionally a
:class:`~.watchlist.Watchlist`. Output: a :class:`SupplyGraph`:

- the parties each firm names: the ``supplier`` of each data source and each of its
  ``recipients``, each resolved to a firm of the set by register id (``registration_id`` or
  ``uscc``) or, failing that, by normalised name (:func:`~.names.normalise_name`), when
  exactly one firm has it;
- contradictions, each naming both declarations at ``file:line:col``:

  * ``licensed``: a firm declares a party ``licensed: true`` while the party's own assessment
    fails a licence rule;
  * ``contract_signed``: a firm declares a signed contract (``contract_signed: true``) with
    a party whose own assessment fails a licence rule (the contract does not make the supply
    lawful);
  * ``not_a_recipient``: a firm declares a signed contract with a supplier whose own
    declaration lists its recipients without naming the firm. A supplier that lists no
    recipients at all says nothing either way, so it contradicts nothing.

- watchlist hits of the firms themselves and of every party they name.

Licence rules are the rules of the domains in :data:`LICENCE_DOMAINS` (see
``docs/suppliers.md``): only a ``fail`` counts against a claim; ``unknown`` (facts not
declared) is shown as a flag, not as a contradiction.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..declaration.loader import Declaration, parse_declaration_text
from ..engine.batch import expand_paths
from ..engine.models import Assessment
from ..engine.pipeline import PackRef, assess, load_declaration, prepare_pack
from ..errors import Diagnostic, LicenseCheckError, Span
from ..sources.paths import PathKey, format_path, parse_path
from .identity import firm_key, normalise_identifier
from .names import normalise_name
from .store import LatestAssessment
from .watchlist import Watchlist, WatchlistMatch

__all__ = [
    "LICENCE_DOMAINS",
    "Contradiction",
    "FirmInput",
    "FirmNode",
    "Party",
    "SupplyGraph",
    "WatchlistHit",
    "assess_firms",
    "build_supply_graph",
    "declaration_from_text",
    "firm_from_assessment",
    "firm_from_statuses",
]

#: The domains whose rules decide whether a firm is licensed to do its business: ``licensing``
#: (starter, cn-credit-reporting) and ``state_registration`` (us-data-broker: a data broker
#: may not operate in a state without its registration). Other bundled packs have none.
LICENCE_DOMAINS = frozenset({"licensing", "state_registration"})

Role = Literal["supplier", "recipient"]
ContradictionKind = Literal["licensed", "contract_signed", "not_a_recipient"]


@dataclass(frozen=True)
class FirmInput:
    """One firm of the set, as the graph needs it."""

    key: str
    name: str
    declaration: Declaration
    ready: bool
    score: int
    licence_failures: tuple[str, ...] = ()  # licence rules the firm's assessment fails
    licence_unknowns: tuple[str, ...] = ()  # licence rules it leaves unknown
    licence_rules: int = 0  # how many of the pack's rules are licence rules
    #: for each failed licence rule, the declaration path its first witness points at
    licence_evidence: tuple[tuple[str, str], ...] = ()

    @property
    def company(self) -> Mapping[str, object]:
        company = self.declaration.data.get("company")
        return company if isinstance(company, dict) else {}

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the firm declares for itself (``name``, ``name_zh``)."""
        found = (self.company.get("name"), self.company.get("name_zh"))
        return tuple(n for n in found if isinstance(n, str) and n.strip())

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The firm's register ids (``registration_id``, ``uscc``), normalised."""
        found = (self.company.get("registration_id"), self.company.get("uscc"))
        return tuple(normalise_identifier(i) for i in found if isinstance(i, str) and i.strip())

    def span(self, path: PathKey) -> Span:
        """Where ``path`` (or its nearest present parent) is in the firm's declaration."""
        line, column = self.declaration.locate(path) or (1, 1)
        return Span(self.declaration.source, line, column)


def firm_from_statuses(
    declaration: Declaration,
    *,
    ready: bool,
    score: int,
    rule_statuses: Iterable[tuple[str, str, str]],
    evidence: Mapping[str, str] | None = None,
) -> FirmInput:
    """A firm from its declaration and its findings as ``(rule id, domain, status)``
    (the workspace keeps statuses by rule and element: a rule failing on any element fails).
    ``evidence`` maps a rule id to the declaration path its first witness names."""
    failures: set[str] = set()
    unknowns: set[str] = set()
    licence_rules: set[str] = set()
    for rule_id, domain, status in rule_statuses:
        if domain not in LICENCE_DOMAINS:
            continue
        licence_rules.add(rule_id)
        if status == "fail":
            failures.add(rule_id)
        elif status in ("unknown", "error"):
            unknowns.add(rule_id)
    company = declaration.data.get("company")
    company = company if isinstance(company, dict) else {}
    return FirmInput(
        key=firm_key(company),
        name=str(company.get("name", "")),
        declaration=declaration,
        ready=ready,
        score=score,
        licence_failures=tuple(sorted(failures)),
        licence_unknowns=tuple(sorted(unknowns - failures)),
        licence_rules=len(licence_rules),
        licence_evidence=tuple(
            (rule, (evidence or {})[rule]) for rule in sorted(failures) if rule in (evidence or {})
        ),
    )


def firm_from_assessment(declaration: Declaration, assessment: Assessment) -> FirmInput:
    """A firm from its declaration and its assessment under one pack."""
    return firm_from_statuses(
        declaration,
        ready=assessment.summary.ready,
        score=assessment.summary.score,
        rule_statuses=((f.rule_id, f.domain, f.status) for f in assessment.findings),
        evidence={f.rule_id: f.witnesses[0].path for f in assessment.findings if f.witnesses},
    )


def declaration_from_text(text: str, source: str) -> Declaration:
    """A declaration as stored (already validated when it was recorded), read back with
    positions so that findings can cite ``source:line:col``."""
    data, positions = parse_declaration_text(text, source, json=source.lower().endswith(".json"))
    return Declaration(data, source, text, positions)


def firm_from_latest(latest: LatestAssessment) -> FirmInput:
    """A firm as the workspace last recorded it under one pack: the declaration's stored
    bytes (cited at the path it was recorded from), the recorded readiness and statuses."""
    text = latest.declaration.decode("utf-8")
    return firm_from_statuses(
        declaration_from_text(text, latest.declaration_path),
        ready=latest.ready,
        score=latest.score,
        rule_statuses=(
            (rule_id, latest.domains.get(rule_id, ""), status)
            for (rule_id, _element), status in latest.statuses.items()
        ),
        evidence=latest.evidence,
    )


def recorded_graph(
    latest: Sequence[LatestAssessment], watchlist: Watchlist | None = None
) -> SupplyGraph:
    """The supply graph of the workspace's latest assessments under one pack: no firm is
    assessed again; the heading names the pack versions and the latest as-of date recorded."""
    versions = sorted({f"{item.pack_id} {item.pack_version}" for item in latest})
    return build_supply_graph(
        [firm_from_latest(item) for item in latest],
        watchlist,
        pack=", ".join(versions),
        as_of=max((item.as_of for item in latest), default=None),
    )


def assess_firms(
    paths: Sequence[str | os.PathLike[str]],
    pack: PackRef,
    *,
    as_of: dt.date,
    exclude: Sequence[str | os.PathLike[str]] = (),
) -> list[FirmInput]:
    """Assess every declaration file in ``paths`` (folders expanded as ``check`` does, less
    ``exclude``) with ``pack`` and return the firms. Every file that cannot be assessed is
    reported at once."""
    compiled = prepare_pack(pack)
    firms: list[FirmInput] = []
    problems: list[Diagnostic] = []
    for path in expand_paths(paths, exclude=exclude):
        try:
            declaration = load_declaration(path, schema=compiled.checked.schema)
            assessment = assess(declaration, compiled, as_of=as_of)
        except LicenseCheckError as exc:
            problems.extend(exc.diagnostics)
            continue
        firms.append(firm_from_assessment(declaration, assessment))
    if problems:
        raise LicenseCheckError(problems)
    return firms


# ------------------------------------------------------------------------------------- the graph


@dataclass(frozen=True)
class Party:
    """A supplier or recipient as one firm's declaration names it."""

    role: Role
    name: str | None
    registration_id: str | None
    declared_by: str  # the naming firm's key
    path: PathKey  # the entry in the naming firm's declaration
    where: Span
    licensed: bool | None
    contract_signed: bool | None
    firm: str | None  # the key of the firm of the set it resolves to
    resolved_by: Literal["registration_id", "name"] | None
    watchlist: tuple[WatchlistMatch, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.registration_id or format_path(self.path)


@dataclass(frozen=True)
class FirmNode:
    """A firm of the set with the parties its declaration names."""

    firm: FirmInput
    suppliers: tuple[Party, ...]
    recipients: tuple[Party, ...]
    watchlist: tuple[WatchlistMatch, ...] = ()


@dataclass(frozen=True)
class Contradiction:
    """What one firm declares about another, against the other's own declaration or assessment."""

    kind: ContradictionKind
    claimant: str  # firm key
    claim: str  # the claim's path in the claimant's declaration
    claim_at: Span
    party: str  # firm key
    evidence: str  # what the party's side shows
    evidence_at: Span
    message: str


@dataclass(frozen=True)
class WatchlistHit:
    """A firm, or a party a firm names, that matches a watchlist entry."""

    subject: Literal["firm", "supplier", "recipient"]
    name: str
    firm: str  # the firm that is, or that names, the subject
    where: Span
    match: WatchlistMatch


@dataclass(frozen=True)
class SupplyGraph:
    """Every firm, the parties they name, and the findings across them."""

    nodes: tuple[FirmNode, ...]
    contradictions: tuple[Contradiction, ...]
    hits: tuple[WatchlistHit, ...]
    pack: str = ""  # the pack the firms were assessed with, as "id version"
    as_of: dt.date | None = None

    @property
    def has_licence_rules(self) -> bool:
        """Whether the pack had licence rules to check claims against."""
        return any(node.firm.licence_rules for node in self.nodes)

    def node(self, key: str) -> FirmNode:
        return next(n for n in self.nodes if n.firm.key == key)

    def customers_of(self, key: str) -> list[str]:
        """The firms (keys) that name ``key`` as their supplier or that it names as recipient."""
        found = [n.firm.key for n in self.nodes for p in n.suppliers if p.firm == key]
        found += [p.firm for p in self.node(key).recipients if p.firm is not None]
        return sorted(set(found) - {key})

    def find(self, wanted: str) -> FirmNode | None:
        """The firm a user means by ``wanted``: its key, a register id or one of its names."""
        ident, name = normalise_identifier(wanted), normalise_name(wanted)
        for node in self.nodes:
            firm = node.firm
            if wanted == firm.key or ident in firm.identifiers:
                return node
            if name and name in {normalise_name(n) for n in firm.names}:
                return node
        return None


def build_supply_graph(
    firms: Sequence[FirmInput],
    watchlist: Watchlist | None = None,
    *,
    pack: str = "",
    as_of: dt.date | None = None,
) -> SupplyGraph:
    """The graph over ``firms`` (see the module's docstring); firms in order of name, then key.
    ``pack`` ("id version") and ``as_of`` say what the firms' readiness was assessed under."""
    firms = sorted(firms, key=lambda f: (normalise_name(f.name), f.key))
    resolver = _Resolver(firms)
    nodes = [_node(firm, resolver, watchlist) for firm in firms]
    by_key = {node.firm.key: node for node in nodes}
    contradictions = [c for node in nodes for c in _contradictions(node, by_key)]
    hits = [hit for node in nodes for hit in _hits(node)]
    return SupplyGraph(tuple(nodes), tuple(contradictions), tuple(hits), pack, as_of)


class _Resolver:
    """Finds the firm of the set a party means: by register id, else by a unique name."""

    def __init__(self, firms: Sequence[FirmInput]) -> None:
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        for firm in firms:
            for ident in firm.identifiers:
                self.by_id.setdefault(ident, firm.key)
            for name in firm.names:
                self.by_name.setdefault(normalise_name(name), set()).add(firm.key)

    def resolve(
        self, name: str | None, registration_id: str | None
    ) -> tuple[str | None, Literal["registration_id", "name"] | None]:
        if registration_id and normalise_identifier(registration_id) in self.by_id:
            return self.by_id[normalise_identifier(registration_id)], "registration_id"
        candidates = self.by_name.get(normalise_name(name), set()) if name else set()
        if len(candidates) == 1:
            return next(iter(candidates)), "name"
        return None, None


def _node(firm: FirmInput, resolver: _Resolver, watchlist: Watchlist | None) -> FirmNode:
    data = firm.declaration.data
    suppliers = []
    for i, source in _indexed(data.get("data_sources")):
        entry = source.get("supplier")
        if isinstance(entry, dict):
            path = ("data_sources", i, "supplier")
            suppliers.append(_party(firm, "supplier", path, entry, resolver, watchlist))
    recipients = [
        _party(firm, "recipient", ("recipients", i), item, resolver, watchlist)
        for i, item in _indexed(data.get("recipients"))
    ]
    hits = watchlist.match(firm.names, firm.identifiers) if watchlist else []
    return FirmNode(firm, tuple(suppliers), tuple(recipients), tuple(hits))


def _indexed(value: object) -> list[tuple[int, dict[str, object]]]:
    """The mappings of a list with their indexes in it."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _party(
    firm: FirmInput,
    role: Role,
    path: PathKey,
    entry: Mapping[str, object],
    resolver: _Resolver,
    watchlist: Watchlist | None,
) -> Party:
    name = _text(entry.get("name"))
    registration_id = _text(entry.get("registration_id"))
    resolved, how = resolver.resolve(name, registration_id)
    ids = [registration_id] if registration_id else []
    matches = watchlist.match([name] if name else [], ids) if watchlist else []
    return Party(
        role=role,
        name=name,
        registration_id=registration_id,
        declared_by=firm.key,
        path=path,
        where=firm.span(path),
        licensed=_flag(entry.get("licensed")),
        contract_signed=_flag(entry.get("contract_signed")),
        firm=resolved,
        resolved_by=how,
        watchlist=tuple(matches),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


# ------------------------------------------------------------------------------ cross-checks


def _contradictions(node: FirmNode, by_key: Mapping[str, FirmNode]) -> list[Contradiction]:
    found: list[Contradiction] = []
    for party in (*node.suppliers, *node.recipients):
        other = by_key.get(party.firm) if party.firm and party.firm != node.firm.key else None
        if other is None:
            continue
        found.extend(_licence_contradictions(node.firm, party, other.firm))
        if party.role == "supplier" and party.contract_signed:
            found.extend(_not_a_recipient(node.firm, party, other))
    return found


def _licence_contradictions(
    claimant: FirmInput, party: Party, other: FirmInput
) -> list[Contradiction]:
    if not other.licence_failures:
        return []
    failing = ", ".join(other.licence_failures)
    evidence_path = _evidence_path(other)
    evidence = f"{other.name}'s own assessment fails the licence rule(s) {failing}"
    if len(evidence_path) > 1:
        evidence += f" ({format_path(evidence_path)})"
    found = []
    claims: tuple[tuple[ContradictionKind, bool | None, str], ...] = (
        ("licensed", party.licensed, "licensed"),
        ("contract_signed", party.contract_signed, "under a signed contract"),
    )
    for kind, claimed, what in claims:
        if not claimed:
            continue
        path = (*party.path, kind)
        found.append(
            Contradiction(
                kind=kind,
                claimant=claimant.key,
                claim=f"{format_path(path)}: true",
                claim_at=claimant.span(path),
                party=other.key,
                evidence=evidence,
                evidence_at=other.span(evidence_path),
                message=f"{claimant.name} declares its {party.role} {party.label} {what}, "
                f"but {evidence}",
            )
        )
    return found


def _evidence_path(firm: FirmInput) -> PathKey:
    """Where a firm's declaration shows its first licence failure (its ``company`` otherwise)."""
    for _rule, text in firm.licence_evidence:
        try:
            return parse_path(text)
        except ValueError:
            continue
    return ("company",)


def _not_a_recipient(claimant: FirmInput, party: Party, supplier: FirmNode) -> list[Contradiction]:
    if not supplier.recipients or any(r.firm == claimant.key for r in supplier.recipients):
        return []
    path = (*party.path, "contract_signed")
    return [
        Contradiction(
            kind="not_a_recipient",
            claimant=claimant.key,
            claim=f"{format_path(path)}: true",
            claim_at=claimant.span(path),
            party=supplier.firm.key,
            evidence=f"{supplier.firm.name}'s recipients do not include {claimant.name}",
            evidence_at=supplier.firm.span(("recipients",)),
            message=f"{claimant.name} declares a signed supply contract with {party.label}, "
            f"but {supplier.firm.name} lists its recipients and {claimant.name} is not among them",
        )
    ]


def _hits(node: FirmNode) -> list[WatchlistHit]:
    firm = node.firm
    hits = [
        WatchlistHit("firm", firm.name, firm.key, firm.span(("company",)), m)
        for m in node.watchlist
    ]
    for party in (*node.suppliers, *node.recipients):
        hits += [
            WatchlistHit(party.role, party.label, firm.key, party.where, m) for m in party.watchlist
        ]
    return hits
