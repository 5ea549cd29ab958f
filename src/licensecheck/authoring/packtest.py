"""Run a pack's own test cases (``<pack>/tests/*.yaml``) and measure their coverage.

Input: a compiled pack and its ``tests/`` folder. Output: a :class:`PackTestReport`: for each
case, the expected and actual status of each named rule (and the expected witness paths),
and for each rule of the pack, which outcomes (pass, fail and, where the rule can be,
unknown) some case asserts. A case is a declaration (whole, or partial and merged over a
``base`` file in the same folder) with the expected status of named rules. Files named
``base*.yaml`` are bases, not cases. A case file that does not fit :class:`PackTestCase` is
a :class:`~licensecheck.errors.PackError` at its line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import codes
from ..engine.compile import CompiledPack
from ..engine.models import Status
from ..engine.rules import CheckedPack, Rule
from ..errors import DeclarationError, Diagnostic, PackError
from ..lang import nodes as n
from ..packs.loader import PATTERN_WORDS, display_path, read_source
from ..sources.located import SourceFile
from ..sources.validation import validation_diagnostics

#: Cases are evaluated on a fixed date unless they name one, so they never rot.
DEFAULT_CASE_DATE = dt.date(2026, 1, 1)

#: What a case may expect of a rule: a status, or ``disabled`` (the pack's ``disable`` leaves
#: the rule out, so no status is given)
Expected = Status | Literal["disabled"]

#: The outcomes coverage looks for, in display order
COVERED_OUTCOMES: tuple[Literal["pass", "fail", "unknown"], ...] = ("pass", "fail", "unknown")


class PackTestCase(BaseModel):
    """One test case of a pack (``tests/*.yaml``): a declaration and what the rules must give."""

    model_config = ConfigDict(extra="forbid", title="licensecheck pack test case")

    description: str = Field(default="", description="What the case shows.")
    base: str | None = Field(
        default=None,
        description="A declaration file in tests/ that `declaration` is merged over "
        "(mappings merge key by key; lists and scalars replace).",
    )
    as_of: dt.date = Field(
        default=DEFAULT_CASE_DATE,
        description="The assessment date of the case (`today` in rules); default 2026-01-01.",
    )
    declaration: dict[str, Any] = Field(
        default_factory=dict,
        description="The declaration, or without `base` the part merged over the base.",
    )
    expect: dict[str, Expected] = Field(
        description="Rule id -> expected status, or `disabled` for a rule the pack disables."
    )
    expect_witnesses: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Rule id -> declaration paths the finding must name as witnesses.",
    )


@dataclass
class Expectation:
    """One expected status and what the rule actually gave."""

    rule_id: str
    expected: str
    actual: str | None  # None: no such rule in the pack
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class WitnessExpectation:
    rule_id: str
    path: str
    reported: list[str]

    @property
    def ok(self) -> bool:
        return self.path in self.reported


@dataclass
class CaseResult:
    path: Path
    description: str
    expectations: list[Expectation] = field(default_factory=list)
    witnesses: list[WitnessExpectation] = field(default_factory=list)
    #: every rule's status in this case (covered or not)
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.expectations) and all(w.ok for w in self.witnesses)

    @property
    def mismatches(self) -> list[str]:
        """Each failed expectation in one line."""
        lines = []
        for e in self.expectations:
            if e.actual is None:
                lines.append(f"{e.rule_id}: no such rule in the pack")
            elif not e.ok:
                lines.append(f"{e.rule_id}: expected {e.expected}, got {e.actual} ({e.message})")
        lines.extend(
            f"{w.rule_id}: witness {w.path} not reported (got {w.reported})"
            for w in self.witnesses
            if not w.ok
        )
        return lines


@dataclass
class RuleCoverage:
    rule_id: str
    #: the outcomes a case could assert: pass and fail, and unknown when the rule reads a
    #: declaration value that can be absent
    possible: tuple[str, ...]
    #: the outcomes some passing expectation asserts
    covered: set[str] = field(default_factory=set)

    @property
    def missing(self) -> list[str]:
        return [o for o in self.possible if o not in self.covered]


@dataclass
class PackTestReport:
    pack_id: str
    cases: list[CaseResult]
    coverage: list[RuleCoverage]

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.ok)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed

    @property
    def outcomes(self) -> tuple[int, int]:
        """(covered, possible) outcomes over every rule the coverage counts."""
        possible = sum(len(r.possible) for r in self.coverage)
        covered = sum(len(r.possible) - len(r.missing) for r in self.coverage)
        return covered, possible

    @property
    def coverage_percent(self) -> float:
        covered, possible = self.outcomes
        return 100.0 if possible == 0 else 100.0 * covered / possible

    def ok(self, min_coverage: float = 0.0) -> bool:
        return self.failed == 0 and self.coverage_percent >= min_coverage


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


def _read_yaml(path: Path) -> tuple[Any, SourceFile]:
    return read_source(path, path.parent.resolve())


def load_case(path: Path) -> tuple[PackTestCase, dict[str, Any]]:
    """The case and the full declaration it describes."""
    data, source = _read_yaml(path)
    try:
        case = PackTestCase.model_validate(data)
    except ValidationError as exc:
        raise PackError(
            validation_diagnostics(
                exc,
                data,
                PackTestCase,
                source,
                label="test case",
                code=codes.TEST_CASE,
                pack_wording=True,
                pattern_words=PATTERN_WORDS,
            )
        ) from None
    declaration = case.declaration
    if case.base is not None:
        base_path = (path.parent / case.base).resolve()
        if not base_path.is_relative_to(path.parent.resolve()) or not base_path.is_file():
            span = source.span("base")
            problem = "is outside tests/" if base_path.exists() else "does not exist"
            raise PackError(
                Diagnostic(
                    codes.TEST_CASE,
                    f"base {case.base} {problem}",
                    span,
                    snippet=source.snippet(span),
                    hint="a base is a declaration file in the same tests/ folder",
                )
            )
        base, _ = _read_yaml(base_path)
        declaration = merge(base, declaration)
    return case, declaration


def load_cases(pack_root: Path) -> list[tuple[Path, PackTestCase, dict[str, Any]]]:
    """Every case of a pack; raise one :class:`PackError` listing all malformed case files."""
    cases = []
    problems: list[Diagnostic] = []
    for path in case_files(pack_root):
        try:
            case, declaration = load_case(path)
        except PackError as exc:
            problems.extend(exc.diagnostics)
            continue
        cases.append((path, case, declaration))
    if problems:
        raise PackError(problems)
    return cases


def run_case(pack: CompiledPack, path: Path) -> CaseResult:
    case, declaration = load_case(path)
    return _run(pack, path, case, declaration)


def _run(
    pack: CompiledPack, path: Path, case: PackTestCase, declaration: dict[str, Any]
) -> CaseResult:
    from ..engine.pipeline import assess

    result = CaseResult(path, case.description)
    try:
        assessment = assess(declaration, pack, as_of=case.as_of)
    except DeclarationError as exc:
        # the case file is wrong, not the pack: an input error at the case's own lines
        raise PackError(_in_case_file(path, declaration, exc, pack)) from None
    result.statuses = {f.rule_id: f.status for f in assessment.findings}
    disabled = pack.checked.disabled
    for rule_id, expected in case.expect.items():
        finding = assessment.finding(rule_id)
        if finding is None:
            actual = "disabled" if rule_id in disabled else None
            result.expectations.append(Expectation(rule_id, expected, actual))
            continue
        result.expectations.append(Expectation(rule_id, expected, finding.status, finding.message))
    for rule_id, paths in case.expect_witnesses.items():
        finding = assessment.finding(rule_id)
        reported = sorted({w.path for w in finding.witnesses}) if finding else []
        result.witnesses.extend(WitnessExpectation(rule_id, p, reported) for p in paths)
    return result


def _in_case_file(
    path: Path, declaration: dict[str, Any], error: DeclarationError, pack: CompiledPack
) -> list[Diagnostic]:
    """The problems of a case's declaration at their lines in the case file (a key taken from
    the base file points at the case's ``declaration:``)."""
    from ..declaration.validate import validate

    _, source = _read_yaml(path)
    positions = source.positions.get("declaration") if source.positions else None
    if positions is not None:
        found = validate(declaration, positions, source.shown, source.text, pack.checked.schema)
        if found:
            return found
    # not a schema problem (or no positions): the reader's own words, at the declaration
    span = source.span("declaration")
    return [
        Diagnostic(d.code, d.message, span, snippet=source.snippet(span), hint=d.hint)
        for d in error.diagnostics
    ]


def run_pack_tests(pack: CompiledPack) -> PackTestReport:
    """Run every case in the pack's ``tests/`` folder and measure the coverage of the rules the
    pack defines itself (inherited rules are covered by their own pack's tests). A case whose
    declaration is invalid is a :class:`PackError` at its lines, with every other such case."""
    checked = pack.checked
    results = []
    problems: list[Diagnostic] = []
    for case in load_cases(checked.loaded.root):
        try:
            results.append(_run(pack, *case))
        except PackError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise PackError(problems)
    coverage = [
        RuleCoverage(rule.id, possible_outcomes(rule, checked))
        for rule in sorted(checked.rules, key=lambda r: r.id)
        if rule.pack_id == checked.id
    ]
    by_id = {c.rule_id: c for c in coverage}
    for result in results:
        for expectation in result.expectations:
            if expectation.ok and expectation.rule_id in by_id:
                by_id[expectation.rule_id].covered.add(expectation.expected)
    return PackTestReport(checked.id, results, coverage)


def possible_outcomes(rule: Rule, pack: CheckedPack) -> tuple[str, ...]:
    """pass and fail, and unknown when the rule reads a declaration value that may be absent
    (outside ``declared(...)`` and the left of ``??``)."""
    exprs = [e for e in (rule.when, rule.require) if e is not None]
    can_be_unknown = any(_reads_absent(e, pack, set()) for e in exprs)
    return COVERED_OUTCOMES if can_be_unknown else COVERED_OUTCOMES[:2]


def _reads_absent(expr: n.Expr, pack: CheckedPack, seen: set[str]) -> bool:
    if isinstance(expr, n.Call) and expr.func == "declared":
        return False  # declared(x) is never unknown
    if isinstance(expr, n.Coalesce):
        return _reads_absent(expr.default, pack, seen)
    if isinstance(expr, n.Name):
        name = expr.name
        if name in pack.predicates:
            if name in seen:
                return False
            seen.add(name)
            return _reads_absent(pack.predicates[name], pack, seen)
        return name not in pack.consts and name != "today"  # a field or a variable
    return any(_reads_absent(child, pack, seen) for child in expr.children())


# ---------------------------------------------------------------- rendering


def render_text(report: PackTestReport, *, verbose: bool = False) -> str:
    """Each case (with a diff of expected and actual statuses when it fails), then coverage."""
    lines: list[str] = []
    for case in report.cases:
        title = f"  {case.description}" if case.description else ""
        lines.append(f"{'PASS' if case.ok else 'FAIL'}  {display_path(case.path)}{title}")
        if case.ok:
            continue
        lines.append("      --- expected")
        lines.append("      +++ actual")
        for e in case.expectations:
            if e.ok:
                continue
            lines.append(f"      - {e.rule_id}: {e.expected}")
            actual = "no such rule in the pack" if e.actual is None else e.actual
            detail = f"  ({e.message})" if e.message else ""
            lines.append(f"      + {e.rule_id}: {actual}{detail}")
        for w in case.witnesses:
            if not w.ok:
                lines.append(f"      - {w.rule_id} witness: {w.path}")
                lines.append(f"      + {w.rule_id} witnesses: {', '.join(w.reported) or '(none)'}")
    lines.append("")
    total = len(report.cases)
    lines.append(
        f"{report.passed} of {total} case{'s' if total != 1 else ''} passed"
        + (f", {report.failed} failed" if report.failed else "")
    )
    lines.append("")
    covered, possible = report.outcomes
    lines.append(
        f"coverage: {covered} of {possible} outcomes ({report.coverage_percent:.0f}%) "
        f"of the {_rules(len(report.coverage))} {report.pack_id} defines"
    )
    rows = [r for r in report.coverage if verbose or r.missing]
    if rows:
        width = max(len(r.rule_id) for r in rows)
        lines.append(f"  {'rule':<{width}}  " + "  ".join(f"{o:<7}" for o in COVERED_OUTCOMES))
        for r in rows:
            cells = [
                "yes" if o in r.covered else "MISSING" if o in r.possible else "-"
                for o in COVERED_OUTCOMES
            ]
            lines.append(f"  {r.rule_id:<{width}}  " + "  ".join(f"{c:<7}" for c in cells).rstrip())
        lines.append(
            "  (- : the rule reads nothing that can be undeclared, so it is never unknown)"
        )
    return "\n".join(lines) + "\n"


def _rules(count: int) -> str:
    return f"{count} rule{'s' if count != 1 else ''}"


def report_data(report: PackTestReport) -> dict[str, Any]:
    """The report as JSON-ready data (``packs test --format json``)."""
    covered, possible = report.outcomes
    return {
        "pack": report.pack_id,
        "passed": report.passed,
        "failed": report.failed,
        "cases": [
            {
                "file": display_path(c.path),
                "description": c.description,
                "ok": c.ok,
                "expectations": [
                    {
                        "rule_id": e.rule_id,
                        "expected": e.expected,
                        "actual": e.actual,
                        "ok": e.ok,
                        "message": e.message,
                    }
                    for e in c.expectations
                ],
                "witnesses": [
                    {"rule_id": w.rule_id, "path": w.path, "reported": w.reported, "ok": w.ok}
                    for w in c.witnesses
                ],
            }
            for c in report.cases
        ],
        "coverage": {
            "covered": covered,
            "possible": possible,
            "percent": round(report.coverage_percent, 1),
            "rules": [
                {
                    "rule_id": r.rule_id,
                    "possible": list(r.possible),
                    "covered": [o for o in COVERED_OUTCOMES if o in r.covered],
                    "missing": r.missing,
                }
                for r in report.coverage
            ],
        },
    }
