"""Regulatory-change impact: every firm's declaration assessed under two versions of a pack.

Input: two packs (ids or folders, or packs already compiled), the declarations as
:class:`ImpactInput` values (a file on disk, or the bytes a workspace stored) and the
assessment options. Output: an :class:`ImpactReport` — which firms flip (ready → not ready
and back, by the one gate, :mod:`licensecheck.engine.gate`), per firm the new fails, new
unknowns, new errors, resolved gaps and gaps whose severity moved, by rule and element,
counts per rule, and the firms most affected. Each side is assessed by the batch machinery of :mod:`licensecheck.engine.batch`,
the path ``check`` takes, so a declaration assessed here gets exactly its ``check`` result.

A gap is a finding the gate counts (``fail``, ``unknown`` or ``error`` outside its grace
period). A witness naming a list element (a data source, a shareholder) makes the gap that
element's, so a rule failing for another element under the new version is a change too.
The model is the source of ``schemas/impact.schema.json``; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import codes
from ..declaration.loader import load_declaration
from ..engine.batch import BatchItem, BatchOptions, expand_paths, run_batch
from ..engine.batch_report import ErrorInfo
from ..engine.compile import CompiledPack
from ..engine.gate import at_or_above, check_fail_on, counts_as_gap, gap_blocks, severity_rank
from ..engine.models import Assessment, Finding, Severity, ToolInfo, tool_info
from ..engine.pack_diff import PackDiffSummary, diff_packs
from ..errors import Diagnostic, LicenseCheckError, UsageError
from ..packs.loader import load_pack
from ..sources.validation import empty_list
from .store import Workspace

Outcome = Literal["ready", "not_ready", "error"]
Flip = Literal["became_not_ready", "became_ready"]
ChangeKind = Literal[
    "new_fail", "new_unknown", "new_error", "resolved", "severity_raised", "severity_lowered"
]
#: The kind of change a gap's new status makes (a gap that is gone is ``resolved``).
_NEW_KIND: dict[str, ChangeKind] = {
    "fail": "new_fail",
    "unknown": "new_unknown",
    "error": "new_error",
}


@dataclass(frozen=True)
class ImpactInput:
    """One firm's declaration: ``source`` is how reports name it (a path); ``text``, when
    given, is its content (a declaration stored in a workspace), else ``source`` is read."""

    firm: str
    source: str
    text: bytes | None = None


def inputs_from_paths(
    paths: Iterable[str | os.PathLike[str]], *, schema_pack: CompiledPack
) -> list[ImpactInput]:
    """Files and folders (expanded as ``check`` expands them) → inputs named by each
    declaration's ``company.name`` (the file's name when it does not load)."""
    return [
        ImpactInput(firm=_company_name(path, schema_pack), source=path)
        for path in expand_paths(paths)
    ]


def _company_name(path: str, pack: CompiledPack) -> str:
    try:
        declaration = load_declaration(path, schema=pack.checked.schema)
    except LicenseCheckError:
        return Path(path).name
    company = declaration.data.get("company")
    name = company.get("name") if isinstance(company, dict) else None
    return name if isinstance(name, str) and name else Path(path).name


# ---------------------------------------------------------------------------- the JSON form


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackVersion(_Model):
    id: str
    version: str
    title: str


class GapChange(_Model):
    """One gap that appeared or went away between the two versions."""

    rule_id: str
    element: str | None = Field(
        description="The list element the gap is about (from the witnesses), or null."
    )
    kind: ChangeKind
    old_status: str | None = Field(description="Status under OLD; null when OLD lacks the rule.")
    new_status: str | None = Field(description="Status under NEW; null when NEW lacks the rule.")
    severity: Severity = Field(description="The severity (under NEW unless resolved).")
    old_severity: Severity | None = Field(
        description="The severity under OLD; null when OLD lacks the rule."
    )
    title: str


class FirmImpact(_Model):
    firm: str = Field(description="The firm's name (or its workspace identity).")
    declaration: str
    old: Outcome
    new: Outcome
    flip: Flip | None = Field(description="Readiness changed (the gate's verdict), or null.")
    old_score: int | None
    new_score: int | None
    changes: list[GapChange] = Field(
        description="New and resolved gaps and gaps whose severity moved, by rule and element."
    )
    errors: list[ErrorInfo] = Field(
        default_factory=empty_list, description="Why the declaration could not be assessed."
    )


class RuleImpact(_Model):
    rule_id: str
    title: str
    severity: Severity
    new_fail: int
    new_unknown: int
    new_error: int
    resolved: int
    severity_raised: int
    severity_lowered: int
    firms: int = Field(description="Firms with at least one change on this rule.")


class AffectedFirm(_Model):
    firm: str
    declaration: str
    changes: int
    flip: Flip | None


class ImpactSummary(_Model):
    firms: int
    errors: int = Field(description="Firms whose declaration could not be assessed on a side.")
    became_not_ready: int
    became_ready: int
    firms_changed: int = Field(description="Firms with at least one change.")
    new_fail: int
    new_unknown: int
    new_error: int
    resolved: int
    severity_raised: int
    severity_lowered: int


class ImpactReport(_Model):
    """``licensecheck impact OLD NEW --format json``: what a pack update does to each firm."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="licensecheck impact report")

    tool: ToolInfo
    old: PackVersion
    new: PackVersion
    as_of: dt.date
    fail_on: str
    pack_changes: PackDiffSummary = Field(description="What changed in the pack (packs diff).")
    summary: ImpactSummary
    firms: list[FirmImpact] = Field(description="Every firm, by name then declaration.")
    rules: list[RuleImpact] = Field(
        description="Rules with changes, most changes first, ties by rule id."
    )
    most_affected: list[AffectedFirm] = Field(
        description="Firms with changes, most changes first, ties by name then declaration."
    )


# ---------------------------------------------------------------------------- the computation


def measure_impact(
    old: CompiledPack,
    new: CompiledPack,
    inputs: Sequence[ImpactInput],
    *,
    as_of: dt.date,
    fail_on: str,
    lang: str = "en",
    jobs: int = 1,
) -> ImpactReport:
    """Assess every input under ``old`` and under ``new`` and compare the two."""
    check_fail_on(fail_on)
    options = BatchOptions(as_of=as_of, lang=lang)
    with _on_disk(inputs) as sources:
        before = list(run_batch(sources, old, options, jobs=jobs))
        after = list(run_batch(sources, new, options, jobs=jobs))
    firms = sorted(
        (
            _firm_impact(item, was, now)
            for item, was, now in zip(inputs, before, after, strict=True)
        ),
        key=lambda f: (f.firm, f.declaration),
    )
    return ImpactReport(
        tool=tool_info(),
        old=_version(old),
        new=_version(new),
        as_of=as_of,
        fail_on=fail_on,
        pack_changes=diff_packs(old.checked, new.checked).summary,
        summary=_summary(firms),
        firms=firms,
        rules=_rule_counts(firms),
        most_affected=_most_affected(firms),
    )


def impact_exit_code(report: ImpactReport) -> int:
    """2 when a declaration could not be assessed; 1 when the new version gives some firm a
    new gap at or above the report's ``--fail-on``; else 0."""
    if report.summary.errors:
        return 2
    return 1 if any(_blocks(change, report.fail_on) for change in _all_changes(report)) else 0


def _blocks(change: GapChange, fail_on: str) -> bool:
    """A new gap that blocks at ``fail_on``, or a gap raised to block there."""
    if change.kind in ("resolved", "severity_lowered"):
        return False
    blocks = gap_blocks(change, fail_on, status=change.new_status)
    if change.kind == "severity_raised" and change.old_severity is not None:
        return blocks and not at_or_above(_Graded(change.old_severity), fail_on)
    return blocks


@dataclass(frozen=True)
class _Graded:
    severity: str


def _all_changes(report: ImpactReport) -> Iterator[GapChange]:
    for firm in report.firms:
        yield from firm.changes


def _version(pack: CompiledPack) -> PackVersion:
    return PackVersion(id=pack.checked.id, version=pack.checked.version, title=pack.checked.title)


@contextmanager
def _on_disk(inputs: Sequence[ImpactInput]) -> Iterator[list[str]]:
    """A path for each input: its own, or a temporary copy of the text a workspace gave
    (keeping the file name, whose suffix says YAML or JSON)."""
    if all(item.text is None for item in inputs):
        yield [item.source for item in inputs]
        return
    with tempfile.TemporaryDirectory(prefix="licensecheck-impact-") as folder:
        paths = []
        for index, item in enumerate(inputs):
            if item.text is None:
                paths.append(item.source)
                continue
            target = Path(folder) / str(index) / Path(item.source).name
            target.parent.mkdir()
            target.write_bytes(item.text)
            paths.append(str(target))
        yield paths


def _firm_impact(item: ImpactInput, was: BatchItem, now: BatchItem) -> FirmImpact:
    old, new = was.assessment, now.assessment
    return FirmImpact(
        firm=item.firm,
        declaration=item.source,
        old=_outcome(old),
        new=_outcome(new),
        flip=_flip(old, new),
        old_score=old.summary.score if old else None,
        new_score=new.summary.score if new else None,
        changes=_changes(old, new) if old and new else [],
        errors=list(  # a file that fails under both versions usually fails the same way
            dict.fromkeys(
                _error_info(d, was.source, item.source)
                for d in (*was.diagnostics, *now.diagnostics)
            )
        ),
    )


def _outcome(assessment: Assessment | None) -> Outcome:
    if assessment is None:
        return "error"
    return "ready" if assessment.summary.ready else "not_ready"


def _flip(old: Assessment | None, new: Assessment | None) -> Flip | None:
    if old is None or new is None or old.summary.ready == new.summary.ready:
        return None
    return "became_ready" if new.summary.ready else "became_not_ready"


def _error_info(d: Diagnostic, path: str, shown: str) -> ErrorInfo:
    """The diagnostic, naming the declaration as the report does (not a temporary copy)."""
    file = d.span.file if d.span else None
    return ErrorInfo(
        code=d.code,
        message=d.message.replace(path, shown),
        file=shown if file == path else file,
        line=d.span.line if d.span else None,
        column=d.span.column if d.span else None,
    )


Gaps = dict[tuple[str, str | None], Finding]


def _gaps(assessment: Assessment) -> Gaps:
    """Each gap the gate counts, by rule and element (``None`` for a rule-wide gap)."""
    found: Gaps = {}
    for finding in assessment.findings:
        if not counts_as_gap(finding.status, in_grace=finding.in_grace):
            continue
        elements: list[str | None] = [*sorted({w.element for w in finding.witnesses if w.element})]
        for element in elements or [None]:
            found[(finding.rule_id, element)] = finding
    return found


def _changes(old: Assessment, new: Assessment) -> list[GapChange]:
    before, after = _gaps(old), _gaps(new)
    changes = []
    for key in sorted(before.keys() | after.keys(), key=_gap_order):
        was, now = before.get(key), after.get(key)
        if now is not None and (was is None or was.status != now.status):
            changes.append(_change(key, _NEW_KIND[now.status], old, new, now))
        elif now is None and was is not None:
            changes.append(_change(key, "resolved", old, new, was))
        elif now is not None and was is not None and now.severity != was.severity:
            raised = severity_rank(now.severity) < severity_rank(was.severity)
            kind: ChangeKind = "severity_raised" if raised else "severity_lowered"
            changes.append(_change(key, kind, old, new, now))
    return changes


def _gap_order(key: tuple[str, str | None]) -> tuple[str, str]:
    return key[0], key[1] or ""


def _change(
    key: tuple[str, str | None],
    kind: ChangeKind,
    old: Assessment,
    new: Assessment,
    shown: Finding,
) -> GapChange:
    was, now = old.finding(key[0]), new.finding(key[0])
    return GapChange(
        rule_id=key[0],
        element=key[1],
        kind=kind,
        old_status=was.status if was else None,
        new_status=now.status if now else None,
        severity=shown.severity,
        old_severity=was.severity if was else None,
        title=shown.title,
    )


def _summary(firms: list[FirmImpact]) -> ImpactSummary:
    kinds = [c.kind for f in firms for c in f.changes]
    return ImpactSummary(
        firms=len(firms),
        errors=sum(1 for f in firms if f.errors),
        became_not_ready=sum(1 for f in firms if f.flip == "became_not_ready"),
        became_ready=sum(1 for f in firms if f.flip == "became_ready"),
        firms_changed=sum(1 for f in firms if f.changes),
        new_fail=kinds.count("new_fail"),
        new_unknown=kinds.count("new_unknown"),
        new_error=kinds.count("new_error"),
        resolved=kinds.count("resolved"),
        severity_raised=kinds.count("severity_raised"),
        severity_lowered=kinds.count("severity_lowered"),
    )


def _rule_counts(firms: list[FirmImpact]) -> list[RuleImpact]:
    by_rule: dict[str, list[tuple[str, GapChange]]] = {}
    for firm in firms:
        for change in firm.changes:
            by_rule.setdefault(change.rule_id, []).append((firm.declaration, change))
    rules = []
    for rule_id, entries in by_rule.items():
        kinds = [c.kind for _, c in entries]
        first = entries[0][1]
        rules.append(
            RuleImpact(
                rule_id=rule_id,
                title=first.title,
                severity=first.severity,
                new_fail=kinds.count("new_fail"),
                new_unknown=kinds.count("new_unknown"),
                new_error=kinds.count("new_error"),
                resolved=kinds.count("resolved"),
                severity_raised=kinds.count("severity_raised"),
                severity_lowered=kinds.count("severity_lowered"),
                firms=len({declaration for declaration, _ in entries}),
            )
        )
    return sorted(rules, key=lambda r: (-_total(r), r.rule_id))


def _total(rule: RuleImpact) -> int:
    return (
        rule.new_fail
        + rule.new_unknown
        + rule.new_error
        + rule.resolved
        + rule.severity_raised
        + rule.severity_lowered
    )


def _most_affected(firms: list[FirmImpact]) -> list[AffectedFirm]:
    affected = [
        AffectedFirm(firm=f.firm, declaration=f.declaration, changes=len(f.changes), flip=f.flip)
        for f in firms
        if f.changes
    ]
    return sorted(affected, key=lambda a: (-a.changes, a.firm, a.declaration))


# ---------------------------------------------------------------------------- stored packs


def split_pack_version(ref: str) -> tuple[str, str | None]:
    """``cn-credit-reporting@1.0.0`` → ``("cn-credit-reporting", "1.0.0")``; a ref without
    ``@`` (an id or a folder) → ``(ref, None)``."""
    pack_id, at, version = ref.rpartition("@")
    if not at or not pack_id or not version or os.sep in version:
        return ref, None
    return pack_id, version


@contextmanager
def pack_folder(pack_id: str, files: Mapping[str, bytes]) -> Iterator[Path]:
    """A pack version as a workspace stores it (``<pack folder>/<path> -> bytes``, the pack
    and the packs it extends), rebuilt in a temporary folder for as long as the block runs;
    yields the folder of the pack ``pack_id``, its parents beside it where ``extends`` finds
    them. A path that is absolute or climbs out of the folder is refused: stored data is
    input like any other."""
    with tempfile.TemporaryDirectory(prefix="licensecheck-pack-") as tmp:
        root = Path(tmp)
        for name, data in sorted(files.items()):
            relative = Path(name)
            if relative.is_absolute() or ".." in relative.parts or len(relative.parts) < 2:
                raise UsageError(
                    Diagnostic(codes.USAGE, f"stored pack {pack_id}: unsafe file name {name!r}")
                )
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield _folder_of(root, pack_id)


def _folder_of(root: Path, pack_id: str) -> Path:
    """The folder under ``root`` holding the pack ``pack_id``: the one named after it, else
    the one whose manifest has that id (a pack recorded from a folder named otherwise)."""
    if (root / pack_id / "pack.yaml").is_file():
        return root / pack_id
    for folder in sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file()):
        if load_pack(folder).manifest.id == pack_id:
            return folder
    raise UsageError(Diagnostic(codes.USAGE, f"stored pack {pack_id}: its pack.yaml is missing"))


@contextmanager
def pack_ref(ref: str, store: Callable[[], Workspace]) -> Iterator[str]:
    """``ref`` as ``prepare_pack`` takes it: an id or a folder as given, or, for
    ``id@version`` (when no such folder exists), that version rebuilt from the workspace
    ``store()`` opens — only then is it opened."""
    pack_id, version = split_pack_version(ref)
    if version is None or Path(ref).exists():
        yield ref
        return
    files = store().pack_files(pack_id, version)
    if files is None:
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"{ref}: the workspace has no recorded assessment made with {pack_id} {version}",
                hint="record one with check --record under that version, or give its folder",
            )
        )
    with pack_folder(pack_id, files) as folder:
        yield str(folder)


def portfolio_inputs(workspace: Workspace, pack_id: str) -> list[ImpactInput]:
    """Every firm's latest declaration recorded with the pack ``pack_id`` (``--portfolio``),
    as the bytes that were assessed."""
    return [
        ImpactInput(firm=latest.firm_name, source=latest.declaration_path, text=latest.declaration)
        for latest in workspace.latest_assessments(pack_id)
    ]


# ---------------------------------------------------------------------------- the schema


def impact_schema() -> dict[str, object]:
    """The JSON Schema of :class:`ImpactReport`, as ``schemas/impact.schema.json`` holds it
    (authoring/schema_export.py cannot import this layer, so a test keeps the two in sync)."""
    from ..engine.models import schema_id

    schema = ImpactReport.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id("impact"),  # every published schema has one (docs/ci.md, versioning)
        **schema,
    }
