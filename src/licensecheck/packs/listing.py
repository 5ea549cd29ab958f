"""The packs there are: the default pack, a summary line of each bundled pack, and the packs
that fit a declaration (offered when a command that assesses one is given no pack)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..lang import nodes as n
from .loader import LoadedPack, bundled_pack_ids, extends_entries, load_pack

#: A pack whose jurisdiction is ``EU`` covers these: the EU member states and the rest of the
#: EEA, to which the GDPR applies.
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)


@dataclass(frozen=True)
class PackSummary:
    id: str
    version: str
    title: str
    extends: str | None  # the ``extends`` entries, comma-separated
    rules: int  # rules the pack itself defines (not those it inherits)
    # the pack supply chain's columns (packs/lock.py fills them for ``packs list``):
    source: str | None = None  # bundled, path <folder>, distribution <name>==<version>
    digest: str | None = None  # sha256:<hex> of the pack's files
    signature: str | None = None  # unsigned, valid, untrusted, altered, invalid


def list_packs() -> list[PackSummary]:
    """The bundled packs, by id."""
    return [summarize(load_pack(pack_id)) for pack_id in bundled_pack_ids()]


def summarize(loaded: LoadedPack, **chain: str) -> PackSummary:
    """A loaded pack's summary line (``chain``: its source, digest and signature state)."""
    manifest = loaded.manifest
    return PackSummary(
        id=manifest.id,
        version=manifest.version,
        title=manifest.title,
        extends=", ".join(extends_entries(manifest)) or None,
        rules=sum(1 for m in loaded.modules for d in m.definitions if isinstance(d, n.RuleDef)),
        **chain,
    )


def render_pack_list(packs: list[PackSummary], fmt: str = "text") -> str:
    """``packs list``: a JSON array, or one aligned line a pack."""
    if fmt == "json":
        return (
            json.dumps([dataclasses.asdict(p) for p in packs], indent=2, ensure_ascii=False) + "\n"
        )
    width = max((len(p.id) for p in packs), default=10)
    lines = []
    for p in packs:
        extends = f"  (extends {p.extends})" if p.extends else ""
        chain = "".join(
            f"  [{value}]" for value in (p.source, p.digest and p.digest[:19], p.signature) if value
        )
        lines.append(
            f"{p.id:<{width}}  {p.version:<7} {p.rules:>3} rules  {p.title}{extends}{chain}\n"
        )
    return "".join(lines)


@dataclass(frozen=True)
class PackFit:
    """A bundled pack that fits a declaration, and why."""

    id: str
    title: str
    reasons: tuple[str, ...]  # e.g. "incorporated in CN", "business lines bl-1 (credit_scoring)"
    home: bool  # the pack's jurisdiction is where the firm is incorporated
    lines: bool  # the pack is written for one of the firm's business lines


def packs_that_fit(declaration: Mapping[str, Any]) -> list[PackFit]:
    """The bundled packs whose jurisdiction covers a place the declaration ties the firm to
    (where it is incorporated, where its data subjects live, where it holds a licence or
    stores data), best first: the firm's own jurisdiction before others, then packs written
    for one of its business lines before baselines, then by id.

    Recipients' countries do not count: sending data to a country does not bring the sender
    under that country's law."""
    places = list(_places(declaration))
    kinds = _business_lines(declaration)
    fits = []
    for pack_id in bundled_pack_ids():
        manifest = load_pack(pack_id).manifest
        where: dict[str, list[str]] = {}
        for code, tie in places:
            if _covers(manifest.jurisdiction, code) and code not in where.get(tie, []):
                where.setdefault(tie, []).append(code)
        if not where:
            continue
        lines = [f"{line} ({kind})" for line, kind in kinds if kind in manifest.business_lines]
        fits.append(
            PackFit(
                id=manifest.id,
                title=manifest.title,
                reasons=tuple(f"{tie} {', '.join(codes)}" for tie, codes in where.items())
                + ((f"business lines {', '.join(lines)}",) if lines else ()),
                home=_covers(manifest.jurisdiction, _company(declaration).get("jurisdiction")),
                lines=bool(lines),
            )
        )
    return sorted(fits, key=lambda f: (not f.home, not f.lines, f.id))


def _company(declaration: Mapping[str, Any]) -> Mapping[str, Any]:
    company = declaration.get("company")
    return company if isinstance(company, Mapping) else {}


def _places(declaration: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(ISO 3166 code, the tie it stands for), the strongest tie first."""
    company = _company(declaration)
    for code in _strings([company.get("jurisdiction")]):
        yield code, "incorporated in"
    for code in _strings(company.get("data_subject_jurisdictions")):
        yield code, "data subjects in"
    for licence in _mappings(company.get("licenses")):
        for code in _strings([licence.get("jurisdiction")]):
            yield code, "licence in"
    security = declaration.get("security")
    if isinstance(security, Mapping):
        for code in _strings(security.get("storage_countries")):
            yield code, "data stored in"


def _business_lines(declaration: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(line id or name, kind) of each business line that says its kind."""
    return [
        (str(line.get("id") or line.get("name") or kind), kind)
        for line in _mappings(declaration.get("business_lines"))
        if isinstance(kind := line.get("kind"), str)
    ]


def _covers(jurisdiction: str | None, code: object) -> bool:
    """Whether a pack for ``jurisdiction`` applies in ``code`` (US covers US-CA, EU the EEA)."""
    if jurisdiction is None or not isinstance(code, str):
        return False
    country = code.split("-", 1)[0]
    return country == jurisdiction or (jurisdiction == "EU" and country in EEA)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
