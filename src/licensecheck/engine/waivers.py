"""Waivers: a waiver file (YAML) + an assessment + its declaration → the assessment with waived findings.

A waiver accepts a known gap for a while: it names a rule, optionally a scope (a declaration
``path`` such as ``data_sources[1]``, or the ``element`` id of a list element), a ``reason``,
who approved it (``approved_by``, required for critical rules), when it expires
(``expires_on``: from that date on it no longer applies) and a ``fingerprint`` of the
declaration part it covers. A waiver applies only while that part is unchanged: when it
changes, the waiver *lapses*. Every waiver ends in one state, reported in the assessment:

- ``applied``: the finding it covers is reported as ``waived``;
- ``expired``: ``expires_on`` is on or before the assessment date;
- ``lapsed``: the covered part changed (fingerprint) or is gone from the declaration;
- ``unmatched``: there is nothing to waive (the rule passes, or fails elsewhere than the scope).

The fingerprint is ``sha256:`` + the SHA-256 of the canonical JSON (sorted keys, no spaces,
dates as ``YYYY-MM-DD``) of the scope's value, or, for a waiver without scope, of the values
at the finding's witness paths. ``licensecheck waivers fingerprint`` prints it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .. import codes
from ..declaration.loader import Declaration
from ..errors import Diagnostic, UsageError, WaiverError, did_you_mean
from ..packs.loader import DEFAULT_PACK
from ..sources.modelfile import ModelFile, read_model_file
from ..sources.paths import PathKey, format_path, parse_path
from ..sources.validation import empty_list
from ..sources.words import describe
from .compile import CompiledPack
from .evaluate import assess_compiled, summarize
from .models import Assessment, Finding, WaiverRecord, WaiverState

WHAT = "waiver file"
GAP_STATUSES = ("fail", "unknown")
_FINGERPRINT = r"^sha256:[0-9a-f]{64}$"
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ---------------------------------------------------------------------------- the file format


class Waiver(BaseModel):
    """One accepted gap."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(
        default=None, min_length=1, description="A name for the waiver (default: waivers[N])."
    )
    rule: str = Field(min_length=1, description="The id of the rule whose gap is waived.")
    path: str | None = Field(
        default=None,
        min_length=1,
        description="Scope: a declaration path, e.g. data_sources[1] or company.registered_capital_cny. "
        "Only the rule's gaps within it are waived.",
    )
    element: str | None = Field(
        default=None,
        min_length=1,
        description="Scope: the id of a list element (e.g. a data source's id); survives reordering.",
    )
    reason: str = Field(min_length=1, description="Why the gap is accepted.")
    approved_by: str | None = Field(
        default=None, min_length=1, description="Who approved it; required for critical rules."
    )
    expires_on: dt.date | None = Field(
        default=None, description="From this date on the waiver no longer applies."
    )
    fingerprint: str | None = Field(
        default=None,
        pattern=_FINGERPRINT,
        description="sha256 of the covered declaration part when the waiver was approved; the "
        "waiver lapses when it changes ('licensecheck waivers fingerprint' prints it).",
    )

    @field_validator("approved_by")
    @classmethod
    def _someone(cls, value: str | None) -> str | None:
        # a blank name approves nothing, yet it would satisfy "approved_by is present"
        if value is not None and not value.strip():
            raise ValueError("'approved_by' is blank: name who approved the waiver")
        return value

    @field_validator("expires_on", mode="before")
    @classmethod
    def _calendar_date(cls, value: object) -> object:
        # pydantic would also take an epoch number or a timestamp with a zone, whose day
        # depends on where it is read: an expiry is a calendar date, written YYYY-MM-DD
        if value is None or type(value) is dt.date:
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return value
        raise ValueError(f"'expires_on' must be a date written YYYY-MM-DD, not {describe(value)}")

    @model_validator(mode="after")
    def _one_scope(self) -> Waiver:
        if self.path is not None and self.element is not None:
            raise ValueError("give either 'path' or 'element' as the scope, not both")
        return self


class WaiverFile(BaseModel):
    """A waiver file (``--waivers``): accepted gaps, each with a reason, an approver and an expiry."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck waivers")

    version: Literal[1] = Field(default=1, description="Format version of the waiver file.")
    pack: str | None = Field(
        default=None,
        description="The pack the waivers are for (the default of 'licensecheck waivers lint').",
    )
    waivers: list[Waiver] = Field(default_factory=empty_list)


# ---------------------------------------------------------------------------- loading and checks


@dataclass(frozen=True)
class WaiverSet:
    """A loaded waiver file: the validated model plus positions for diagnostics."""

    file: ModelFile[WaiverFile]
    scopes: tuple[PathKey | None, ...]  # parsed ``path`` of each waiver

    @property
    def waivers(self) -> list[Waiver]:
        return self.file.model.waivers

    @property
    def source(self) -> str:
        return self.file.source

    def waiver_id(self, index: int) -> str:
        return self.waivers[index].id or f"waivers[{index}]"

    def line(self, index: int) -> int:
        return self.file.span(("waivers", index))[0].line


def load_waivers(path: str | os.PathLike[str]) -> WaiverSet:
    """Read and validate a waiver file on its own (no pack): schema, path syntax, duplicates.

    Raises :class:`~licensecheck.errors.WaiverError` with every problem at its position.
    """
    file = read_model_file(path, WaiverFile, WHAT, WaiverError)
    problems: list[Diagnostic] = []
    scopes: list[PathKey | None] = []
    seen_ids: dict[str, int] = {}
    seen_scopes: dict[tuple[str, str | None, str | None], int] = {}
    for i, waiver in enumerate(file.model.waivers):
        scope: PathKey | None = None
        if waiver.path is not None:
            try:
                scope = parse_path(waiver.path)
            except ValueError as exc:
                problems.append(
                    file.diagnostic(
                        ("waivers", i, "path"),
                        codes.WAIVER,
                        f"'{waiver.path}' is not a path: {exc}",
                    )
                )
        scopes.append(scope)
        if waiver.id is not None:
            if waiver.id in seen_ids:
                problems.append(
                    file.diagnostic(
                        ("waivers", i, "id"),
                        codes.DUPLICATE_WAIVER,
                        f"waiver id '{waiver.id}' is used twice (first as waivers[{seen_ids[waiver.id]}])",
                    )
                )
            seen_ids.setdefault(waiver.id, i)
        key = (waiver.rule, waiver.path, waiver.element)
        if key in seen_scopes:
            problems.append(
                file.diagnostic(
                    ("waivers", i),
                    codes.DUPLICATE_WAIVER,
                    f"waivers[{seen_scopes[key]}] already waives {waiver.rule} with the same scope",
                )
            )
        seen_scopes.setdefault(key, i)
    if problems:
        raise WaiverError(problems)
    return WaiverSet(file, tuple(scopes))


def check_waivers(waivers: WaiverSet, pack: CompiledPack) -> list[Diagnostic]:
    """Check the waivers against a pack; raise on errors, return warnings.

    Errors: a rule the pack does not have; a critical rule waived without ``approved_by``.
    Warnings: no ``expires_on`` (the waiver never ends), no ``fingerprint`` (it never lapses).
    """
    rules = {c.rule.id: c.rule for c in pack.rules}
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for i, waiver in enumerate(waivers.waivers):
        rule = rules.get(waiver.rule)
        where = ("waivers", i)
        if rule is None:
            guess = did_you_mean(waiver.rule, rules)
            errors.append(
                waivers.file.diagnostic(
                    (*where, "rule"),
                    codes.UNKNOWN_RULE,
                    f"waiver for unknown rule '{waiver.rule}': pack {pack.checked.id} has no such rule"
                    + (f" (did you mean '{guess}'?)" if guess else ""),
                )
            )
            continue
        if rule.severity == "critical" and waiver.approved_by is None:
            errors.append(
                waivers.file.diagnostic(
                    where,
                    codes.APPROVAL_REQUIRED,
                    f"{waiver.rule} is a critical rule: its waiver needs 'approved_by'",
                )
            )
        name = waivers.waiver_id(i)
        if waiver.expires_on is None:
            warnings.append(
                waivers.file.diagnostic(
                    where,
                    codes.NO_EXPIRY,
                    f"{name} has no 'expires_on': it never expires",
                    level="warning",
                )
            )
        if waiver.fingerprint is None:
            warnings.append(
                waivers.file.diagnostic(
                    where,
                    codes.NO_FINGERPRINT,
                    f"{name} has no 'fingerprint': it keeps applying when the declaration changes",
                    level="warning",
                    hint="licensecheck waivers fingerprint DECLARATION "
                    + waiver.rule
                    + " prints it",
                )
            )
    if errors:
        raise WaiverError(errors)
    return warnings


def expired_diagnostics(waivers: WaiverSet, as_of: dt.date) -> list[Diagnostic]:
    """A warning for each waiver that has expired by ``as_of``."""
    return [
        waivers.file.diagnostic(
            ("waivers", i, "expires_on"),
            codes.EXPIRED,
            f"{waivers.waiver_id(i)} ({w.rule}) {_expired_text(w.expires_on)}",
            level="warning",
        )
        for i, w in enumerate(waivers.waivers)
        if _expired(w, as_of) and w.expires_on is not None
    ]


def _expired(waiver: Waiver, as_of: dt.date) -> bool:
    return waiver.expires_on is not None and waiver.expires_on <= as_of


def _expired_text(day: dt.date) -> str:
    return f"expired on {day.isoformat()}"


def waiver_pack(waivers: WaiverSet, default: str = DEFAULT_PACK) -> str:
    """The pack a waiver file is checked against when none is given: its ``pack:`` key."""
    return waivers.file.model.pack or default


def lint_waiver_set(waivers: WaiverSet, pack: CompiledPack, as_of: dt.date) -> list[Diagnostic]:
    """``waivers lint``: raise on errors (see :func:`check_waivers`), return the warnings,
    the waivers expired by ``as_of`` among them, in file order."""
    warnings = check_waivers(waivers, pack) + expired_diagnostics(waivers, as_of)
    return sorted(warnings, key=Diagnostic.sort_key)


# ---------------------------------------------------------------------------- applying


def apply_waivers(
    assessment: Assessment, waivers: WaiverSet, declaration: Declaration
) -> Assessment:
    """The assessment with covered gaps ``waived`` and every waiver's state recorded.

    A gap is waived only when active waivers cover all of it: a waiver without scope covers
    the whole finding; scoped waivers must together contain every witness path.
    """
    findings = {f.rule_id: f for f in assessment.findings}
    states: list[tuple[WaiverState, str]] = []
    candidates: dict[str, list[int]] = {}
    fingerprints: list[str | None] = []
    for i, waiver in enumerate(waivers.waivers):
        finding = findings.get(waiver.rule)
        scope = _scope_paths(waivers, i, declaration.data)
        fp = fingerprint(finding, scope, declaration.data)
        fingerprints.append(fp)
        state = _state(waiver, finding, scope, fp, assessment.as_of)
        states.append(state)
        if state[0] == "applied":
            candidates.setdefault(waiver.rule, []).append(i)

    waived: dict[str, int] = {}
    for rule_id, indexes in candidates.items():
        finding = findings[rule_id]
        scopes = [_scope_paths(waivers, i, declaration.data) for i in indexes]
        if any(s is None for s in scopes):
            covering = [i for i, s in zip(indexes, scopes, strict=True) if s is None]
        else:
            covering = _covering(finding, indexes, scopes)
        if covering:
            waived[rule_id] = covering[0]
            for i in indexes:
                if i not in covering:
                    states[i] = ("unmatched", "another waiver already covers this gap")
        else:
            outside = _uncovered_paths(finding, [s for s in scopes if s is not None])
            for i in indexes:
                states[i] = (
                    "unmatched",
                    "covers only part of the gap: the rule also fails at " + ", ".join(outside[:3]),
                )

    records = [
        _record(waivers, i, states[i], fingerprints[i], findings.get(w.rule))
        for i, w in enumerate(waivers.waivers)
    ]
    new_findings = []
    for finding in assessment.findings:
        index = waived.get(finding.rule_id)
        if index is not None:
            new_findings.append(
                finding.model_copy(update={"status": "waived", "waiver": records[index]})
            )
            continue
        note = _note_for(finding, waivers, records, declaration.data)
        new_findings.append(
            finding.model_copy(update={"waiver": note}) if note is not None else finding
        )
    return assessment.model_copy(
        update={
            "findings": new_findings,
            "summary": summarize(
                new_findings, evidenced=assessment.summary.evidenced_score is not None
            ),
            "waivers": records,
        }
    )


def _state(
    waiver: Waiver,
    finding: Finding | None,
    scope: list[PathKey] | None,
    fingerprint: str | None,
    as_of: dt.date,
) -> tuple[WaiverState, str]:
    if waiver.expires_on is not None and _expired(waiver, as_of):
        return "expired", _expired_text(waiver.expires_on)
    if scope == []:
        what = waiver.path if waiver.path is not None else f"element '{waiver.element}'"
        return "lapsed", f"{what} is not in the declaration any more"
    if finding is None or finding.status not in GAP_STATUSES:
        status = finding.status if finding is not None else "absent"
        return "unmatched", f"nothing to waive: the rule's status is {status}"
    if waiver.fingerprint is not None and fingerprint != waiver.fingerprint:
        return (
            "lapsed",
            f"the covered declaration part changed since the waiver was approved (now {fingerprint})",
        )
    if scope is not None and not any(_within(p, scope) for p in _witness_paths(finding)):
        return "unmatched", "nothing to waive within the scope: the rule's gap is elsewhere"
    return "applied", _applied_text(waiver)


def _applied_text(waiver: Waiver) -> str:
    parts = [waiver.reason]
    if waiver.approved_by:
        parts.append(f"approved by {waiver.approved_by}")
    if waiver.expires_on:
        parts.append(f"expires on {waiver.expires_on.isoformat()}")
    return "; ".join(parts)


def _covering(
    finding: Finding, indexes: list[int], scopes: list[list[PathKey] | None]
) -> list[int]:
    """The scoped waivers that together cover every witness of ``finding`` ([] if they don't)."""
    paths = _witness_paths(finding)
    if not paths:
        return []
    used: list[int] = []
    for path in paths:
        owner = next(
            (i for i, s in zip(indexes, scopes, strict=True) if s and _within(path, s)), None
        )
        if owner is None:
            return []
        if owner not in used:
            used.append(owner)
    return used


def _uncovered_paths(finding: Finding, scopes: list[list[PathKey]]) -> list[str]:
    return [
        format_path(p) for p in _witness_paths(finding) if not any(_within(p, s) for s in scopes)
    ]


def _note_for(
    finding: Finding,
    waivers: WaiverSet,
    records: list[WaiverRecord],
    data: dict[str, Any],
) -> WaiverRecord | None:
    """An expired or lapsed waiver that would have covered this gap: worth showing with it."""
    if finding.status not in GAP_STATUSES:
        return None
    paths = _witness_paths(finding)
    for i, record in enumerate(records):
        if record.rule_id != finding.rule_id or record.state not in ("expired", "lapsed"):
            continue
        scope = _scope_paths(waivers, i, data)
        if scope is None or any(_within(p, scope) for p in paths) or not scope:
            return record
    return None


def _record(
    waivers: WaiverSet,
    index: int,
    state: tuple[WaiverState, str],
    fingerprint: str | None,
    finding: Finding | None,
) -> WaiverRecord:
    w = waivers.waivers[index]
    return WaiverRecord(
        id=waivers.waiver_id(index),
        rule_id=w.rule,
        path=w.path,
        element=w.element,
        state=state[0],
        detail=state[1],
        reason=w.reason,
        approved_by=w.approved_by,
        expires_on=w.expires_on,
        fingerprint=fingerprint,
        finding_status=finding.status if finding is not None else None,
        file=waivers.source,
        line=waivers.line(index),
    )


# ---------------------------------------------------------------------------- scopes and fingerprints


def _scope_paths(waivers: WaiverSet, index: int, data: dict[str, Any]) -> list[PathKey] | None:
    return scope_paths(data, path=waivers.scopes[index], element=waivers.waivers[index].element)


def scope_paths(
    data: dict[str, Any], *, path: PathKey | None = None, element: str | None = None
) -> list[PathKey] | None:
    """The declaration paths a scope covers: None without scope, [] when it is not there."""
    if element is not None:
        return list(element_paths(data, element))
    if path is None:
        return None
    return [path] if _lookup(data, path)[0] else []


def element_paths(data: Any, element: str, prefix: PathKey = ()) -> Iterator[PathKey]:
    """Paths of the list elements (mappings) whose ``id`` (or ``name``) is ``element``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from element_paths(value, element, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, dict) and str(value.get("id", value.get("name"))) == element:
                yield (*prefix, i)
            yield from element_paths(value, element, (*prefix, i))


def fingerprint(
    finding: Finding | None, scope: list[PathKey] | None, data: dict[str, Any]
) -> str | None:
    """The fingerprint a waiver with ``scope`` (None: the finding's witnesses) records, or
    None when there is nothing to cover."""
    if scope is not None:
        if not scope:
            return None
        covered: Any = (
            _lookup(data, scope[0])[1] if len(scope) == 1 else [_lookup(data, p)[1] for p in scope]
        )
    else:
        if finding is None or finding.status not in GAP_STATUSES:
            return None
        covered = {format_path(p): _lookup(data, p)[1] for p in _witness_paths(finding)}
    canonical = json.dumps(
        covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def waiver_fingerprint(
    pack: CompiledPack,
    declaration: Declaration,
    rule_id: str,
    *,
    path: str | None = None,
    element: str | None = None,
    as_of: dt.date,
) -> str:
    """The fingerprint a waiver of ``rule_id`` with this scope records for ``declaration``;
    a usage error when the rule, the scope or the gap to waive is not there."""
    finding = assess_compiled(pack, declaration, as_of, "en").finding(rule_id)
    if finding is None:
        raise UsageError(Diagnostic(codes.USAGE, f"pack {pack.checked.id} has no rule '{rule_id}'"))
    try:
        parsed = parse_path(path) if path is not None else None
    except ValueError as exc:
        raise UsageError(Diagnostic(codes.USAGE, f"--path '{path}' is not a path: {exc}")) from None
    scope = scope_paths(declaration.data, path=parsed, element=element)
    if scope == []:
        what = path if path is not None else f"element '{element}'"
        raise UsageError(Diagnostic(codes.USAGE, f"{what} is not in {declaration.source}"))
    value = fingerprint(finding, scope, declaration.data)
    if value is None:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"{rule_id} is {finding.status} for {declaration.source}: there is no gap to waive",
            )
        )
    return value


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def _lookup(data: Any, path: PathKey) -> tuple[bool, Any]:
    value = data
    for key in path:
        present = (isinstance(value, dict) and isinstance(key, str) and key in value) or (
            isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value)
        )
        if not present:
            return False, None
        value = value[key]
    return True, value


def _witness_paths(finding: Finding) -> list[PathKey]:
    paths = []
    for w in finding.witnesses:
        try:
            paths.append(parse_path(w.path))
        except ValueError:  # pragma: no cover - witnesses are always formatted paths
            continue
    return paths


def _within(path: PathKey, scopes: Sequence[PathKey]) -> bool:
    return any(path[: len(s)] == s for s in scopes)
