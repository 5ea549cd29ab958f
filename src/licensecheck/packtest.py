"""Run a pack's own test cases (``<pack>/tests/*.yaml``).

A case is a declaration (whole, or partial and merged over a ``base`` file in the same
folder) with the expected status of named rules and, optionally, witness paths that must
be reported. Files named ``base*.yaml`` are bases, not cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .compile import CompiledPack
from .declaration import parse_declaration_text
from .errors import DeclarationError, Diagnostic, PackError, Span
from .models import Status

#: Cases are evaluated on a fixed date unless they name one, so they never rot.
DEFAULT_CASE_DATE = dt.date(2026, 1, 1)


class PackTestCase(BaseModel):
    """One test case file of a pack."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(default="", description="What the case shows.")
    base: str | None = Field(
        default=None, description="A declaration file in tests/ that `declaration` is merged over."
    )
    as_of: dt.date = Field(
        default=DEFAULT_CASE_DATE, description="The assessment date of the case."
    )
    declaration: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Status] = Field(description="Rule id -> expected status.")
    expect_witnesses: dict[str, list[str]] = Field(
        default_factory=dict, description="Rule id -> witness paths."
    )


@dataclass
class CaseResult:
    path: Path
    description: str
    mismatches: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def merge(base: Any, patch: Any) -> Any:
    """Mappings merge key by key; anything else in ``patch`` replaces."""
    if isinstance(base, Mapping) and isinstance(patch, Mapping):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return patch


def case_files(pack_root: Path) -> list[Path]:
    folder = pack_root / "tests"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("base"))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data, _ = parse_declaration_text(text, str(path))
    except DeclarationError as exc:
        raise PackError(exc.diagnostics) from None
    except OSError as exc:
        raise PackError(
            Diagnostic("unreadable", f"cannot read {path}: {exc.strerror}", Span(str(path), 1, 1))
        ) from None
    return data


def load_case(path: Path) -> tuple[PackTestCase, dict[str, Any]]:
    """The case and the full declaration it describes."""
    try:
        case = PackTestCase.model_validate(_read_yaml(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise PackError(
            Diagnostic("test-case", f"invalid test case: {problems}", Span(str(path), 1, 1))
        ) from None
    declaration = case.declaration
    if case.base is not None:
        base_path = (path.parent / case.base).resolve()
        if not base_path.is_relative_to(path.parent.resolve()):
            raise PackError(
                Diagnostic(
                    "test-case", f"base {case.base} is outside tests/", Span(str(path), 1, 1)
                )
            )
        declaration = merge(_read_yaml(base_path), declaration)
    return case, declaration


def run_case(pack: CompiledPack, path: Path) -> CaseResult:
    from .api import assess

    case, declaration = load_case(path)
    result = CaseResult(path, case.description)
    try:
        assessment = assess(declaration, pack, as_of=case.as_of)
    except DeclarationError as exc:
        result.mismatches.append("the declaration is invalid:\n" + exc.render())
        return result
    for rule_id, expected in case.expect.items():
        finding = assessment.finding(rule_id)
        if finding is None:
            result.mismatches.append(f"{rule_id}: no such rule in the pack")
            continue
        result.statuses[rule_id] = finding.status
        if finding.status != expected:
            result.mismatches.append(
                f"{rule_id}: expected {expected}, got {finding.status} ({finding.message})"
            )
    for rule_id, paths in case.expect_witnesses.items():
        finding = assessment.finding(rule_id)
        reported = {w.path for w in finding.witnesses} if finding else set()
        for missing in sorted(set(paths) - reported):
            result.mismatches.append(
                f"{rule_id}: witness {missing} not reported (got {sorted(reported)})"
            )
    return result
