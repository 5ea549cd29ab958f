"""The tool's own output objects: the assessment (JSON report) and its parts.

These pydantic models are the single source of truth for ``schemas/report.schema.json``
(``licensecheck schema report`` regenerates it; a test keeps the two in sync). Later
stages (reports, plans, CI formats) consume :class:`Assessment`.
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate every
# field's annotation from its text, about a tenth of building these models at each cold
# start (issue #12). Every type a field names is defined above it.
import datetime as dt
import functools
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .._version import __version__
from ..sources.validation import empty_list

Status = Literal["pass", "fail", "unknown", "not_applicable", "waived", "error"]
Severity = Literal["critical", "high", "medium", "low"]

STATUSES: tuple[Status, ...] = ("pass", "fail", "unknown", "not_applicable", "waived", "error")
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")

#: The version of licensecheck's JSON output contracts (docs/reports.md, "Stability and
#: versioning"): raised when a field is removed, renamed or changes meaning, never for an
#: added field. It is part of every published schema's ``$id``.
SCHEMA_VERSION = 1


def schema_id(name: str) -> str:
    """The ``$id`` of the published schema ``name``, and the ``$schema`` of its documents."""
    return f"urn:licensecheck:schema:{name}:{SCHEMA_VERSION}"


def schema_uri_field(name: str) -> Any:
    """The ``$schema`` field every JSON output opens with (read back when present)."""
    return Field(
        default=schema_id(name),
        alias="$schema",
        description=f"The JSON Schema of this document (licensecheck schema {name}).",
    )


def schema_version_field() -> Any:
    return Field(
        default=SCHEMA_VERSION,
        description="The contract's version: a new one removes, renames or changes a field.",
    )


#: Weight of a rule in the readiness score, by severity. A critical requirement counts
#: as much as eight low ones: missing it blocks a licence outright.
SEVERITY_WEIGHTS: dict[str, int] = {"critical": 8, "high": 4, "medium": 2, "low": 1}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def json_bytes(model: BaseModel, *, indent: int | None = None, by_alias: bool = False) -> bytes:
    """``model.model_dump_json(...).encode()`` without the round trip: pydantic-core writes
    UTF-8, which ``model_dump_json`` decodes into a str (a wide copy when the report holds
    CJK text) for the caller to encode again."""
    return type(model).__pydantic_serializer__.to_json(model, indent=indent, by_alias=by_alias)


M = TypeVar("M", bound=BaseModel)

_new_object = object.__new__
_set_attribute = object.__setattr__


def constructed(cls: type[M], values: dict[str, Any], fields_set: set[str] | None = None) -> M:
    """``cls.model_construct(**values)`` where ``values`` names every field of ``cls`` with a
    value of its declared type (``fields_set``: those set explicitly, by default all), for a
    model without extras or private attributes (those here). It skips model_construct's pass
    over each field's aliases and default, a third of building a witness: a batch builds one
    per witness of every gap (issue #12). The one place that lays out a model's instance by
    hand; a test holds it equal to model_construct."""
    model = _new_object(cls)
    _set_attribute(model, "__dict__", values)
    _set_attribute(
        model, "__pydantic_fields_set__", set(values) if fields_set is None else fields_set
    )
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


def updated(model: M, changes: dict[str, Any]) -> M:
    """``model.model_copy(update=changes)`` for a model without extras or private attributes,
    ``changes`` naming its fields: one dict built instead of a copy and then an update. A
    test holds it equal to model_copy."""
    fields_set = model.__pydantic_fields_set__ | changes.keys()
    return constructed(type(model), {**model.__dict__, **changes}, fields_set)


def unset(value: Any) -> bool:
    """Whether an optional extra is unset (None or an empty list): such a field is left out of
    the report (``exclude_if``), so reports without waivers, a baseline or evidence look
    exactly as before those existed."""
    return value is None or value == []


WaiverState = Literal["applied", "expired", "lapsed", "unmatched"]
Assurance = Literal["evidenced", "declared", "contradicted"]
EvidenceState = Literal["valid", "missing", "altered", "expired", "unhashed", "remote"]
ASSURANCES: tuple[Assurance, ...] = ("evidenced", "declared", "contradicted")
BaselineState = Literal["new", "worsened", "unchanged", "improved", "fixed"]


class WaiverRecord(_Model):
    """A waiver from the ``--waivers`` file and what became of it in this assessment."""

    id: str = Field(description="The waiver's id (or its position in the file, e.g. waivers[2]).")
    rule_id: str
    path: str | None = Field(
        default=None, description="Scope: the declaration path the waiver covers."
    )
    element: str | None = Field(
        default=None, description="Scope: the id of the list element the waiver covers."
    )
    state: WaiverState = Field(
        description="applied (the finding is waived), expired (past expires_on), lapsed (the "
        "covered declaration part changed or is gone), unmatched (nothing to waive)."
    )
    detail: str = Field(description="Why the waiver is in this state, in plain language.")
    reason: str
    approved_by: str | None = None
    expires_on: dt.date | None = None
    fingerprint: str | None = Field(
        default=None,
        description="sha256 of the covered declaration part as it is now (pin it in the waiver).",
    )
    finding_status: Status | None = Field(
        default=None, description="The status of the rule's finding without waivers."
    )
    file: str = Field(description="The waiver file.")
    line: int = Field(description="1-based line of the waiver in its file.")


class BaselineInfo(_Model):
    """The earlier report the assessment was compared with (``--baseline``)."""

    report: str = Field(description="Path of the baseline report.")
    as_of: dt.date | None = Field(
        description="Date of the baseline assessment; null when the report lacks this declaration."
    )
    score: int | None = Field(description="Baseline score; null when the report lacks it.")


class Witness(_Model):
    """One piece of evidence for a finding: a declaration path, where it is, what it holds."""

    path: str = Field(description="Declaration path, e.g. data_sources[2].consent.separate.")
    line: int | None = Field(
        description="1-based line in the declaration (of the nearest declared parent when absent)."
    )
    column: int | None = Field(description="1-based column in the declaration.")
    actual: str | None = Field(
        description="What the declaration holds there, as text; null when absent."
    )
    expected: str | None = Field(
        description="What the rule needed there, in the rule language's terms."
    )
    element: str | None = Field(
        default=None,
        description="The id (or name) of the list element the path is in, e.g. a data source id.",
    )


class Finding(_Model):
    """The outcome of one rule."""

    rule_id: str
    title: str
    domain: str
    severity: Severity
    status: Status
    message: str = Field(description="Why the rule has this status, in plain language.")
    cite: list[str] = Field(description="The law, regulation and article the rule enforces.")
    remediation: str | None
    effort_days: float | None = Field(
        default=None, description="Estimated remediation effort in days."
    )
    after: list[str] = Field(
        default_factory=empty_list, description="Rules whose remediation must come first."
    )
    in_grace: bool = Field(
        default=False,
        description="A failure inside the rule's grace period: reported, not counted toward the exit code.",
    )
    witnesses: list[Witness] = Field(default_factory=empty_list)
    waiver: WaiverRecord | None = Field(
        exclude_if=unset,
        default=None,
        description="The waiver that covers this finding (status waived), or one that would "
        "have but expired or lapsed. Absent when no waiver concerns the rule.",
    )
    baseline: BaselineState | None = Field(
        exclude_if=unset,
        default=None,
        description="With --baseline: how the finding compares with the baseline report "
        "(new, worsened, unchanged, improved or fixed gap). Absent otherwise.",
    )
    assurance: Assurance = Field(
        default="declared",
        description="evidenced: every declaration value that decided the finding is covered by "
        "valid evidence; contradicted: some covering evidence is missing, altered or expired; "
        "declared: self-declared only.",
    )
    evidence: list[str] = Field(
        exclude_if=unset,
        default_factory=empty_list,
        description="Ids of the evidence entries covering the values that decided the finding. "
        "Absent when none does.",
    )
    evidence_request: list[str] = Field(
        exclude_if=unset,
        default_factory=empty_list,
        description="For a rule that demands evidence and is not evidenced: the declaration "
        "paths to attach evidence covering. Absent otherwise.",
    )


class EvidenceRecord(_Model):
    """An evidence entry of the declaration and its state on the assessment date."""

    id: str
    kind: str | None = Field(default=None, exclude_if=unset)
    state: EvidenceState = Field(
        description="valid, missing, altered (the file's sha256 is not the one pinned: drift), "
        "expired, unhashed (no sha256 pinned) or remote (a uri, never fetched)."
    )
    path: str | None = Field(
        exclude_if=unset, default=None, description="The file, relative to the declaration."
    )
    uri: str | None = Field(default=None, exclude_if=unset)
    covers: list[str] = Field(description="The declaration paths the entry covers (or covered).")
    expires_on: dt.date | None = Field(default=None, exclude_if=unset)
    actual_sha256: str | None = Field(
        exclude_if=unset, default=None, description="For altered evidence: the file's sha256 now."
    )
    findings: list[str] = Field(
        default_factory=empty_list, description="Ids of the rules whose findings it covers."
    )


class Counts(_Model):
    by_status: dict[str, int]
    by_severity: dict[str, dict[str, int]] = Field(
        description="Severity -> status -> number of rules."
    )
    by_domain: dict[str, dict[str, int]] = Field(description="Domain -> status -> number of rules.")


class Summary(_Model):
    score: int = Field(
        ge=0,
        le=100,
        description="Readiness 0-100: severity-weighted share of applicable rules that pass "
        "(weights critical 8, high 4, medium 2, low 1; unknown and error do not pass).",
    )
    ready: bool = Field(description="No critical or high rule is fail, unknown or error.")
    counts: Counts
    evidenced_score: int | None = Field(
        exclude_if=unset,
        default=None,
        ge=0,
        le=100,
        description="The score counting only evidenced passes (a declared or contradicted pass "
        "counts as not passing). Absent when the declaration has no evidence and the pack no "
        "rule demanding it.",
    )


class ToolInfo(_Model):
    name: str
    version: str


@functools.cache
def tool_info() -> ToolInfo:
    """This tool as every report names it (one instance: the models are frozen)."""
    return ToolInfo(name="licensecheck", version=__version__)


class PackInfo(_Model):
    id: str
    version: str
    title: str = ""
    domains: dict[str, str] = Field(
        default_factory=dict, description="Domain id -> display title in the report's language."
    )


class Assessment(_Model):
    """The JSON report: one declaration assessed against one pack on one date."""

    # read back by --baseline and diff: "$schema", or its field name from model_dump()
    model_config = ConfigDict(
        extra="forbid", frozen=True, title="licensecheck report", populate_by_name=True
    )

    schema_uri: str = schema_uri_field("report")
    schema_version: int = schema_version_field()
    tool: ToolInfo
    pack: PackInfo
    declaration: str = Field(description="Path of the declaration file as given.")
    as_of: dt.date = Field(description="The assessment date (`today` in rules).")
    lang: str = Field(default="en", description="Language of the rule texts.")
    summary: Summary
    findings: list[Finding]
    waivers: list[WaiverRecord] = Field(
        exclude_if=unset,
        default_factory=empty_list,
        description="With --waivers: every waiver of the file and its state. Absent otherwise.",
    )
    baseline: BaselineInfo | None = Field(
        exclude_if=unset,
        default=None,
        description="With --baseline: the report compared with. Absent otherwise.",
    )
    evidence: list[EvidenceRecord] = Field(
        exclude_if=unset,
        default_factory=empty_list,
        description="The declaration's evidence entries and their states. Absent when it has none.",
    )

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule_id == rule_id), None)
