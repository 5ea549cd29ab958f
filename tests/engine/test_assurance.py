"""Assurance in results: evidenced, declared and contradicted findings, rules demanding
evidence, the evidenced score, drift, and the fast API agreeing with ``assess``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import licensecheck
from licensecheck.engine import evaluate
from licensecheck.engine.models import Assessment
from licensecheck.engine.pipeline import prepare_pack

DAY = dt.date(2026, 1, 15)
CONTRACT = b"carrier supply contract, signed\n"

RULES = """
rule T-SUP-001 { title: "Supplier contract signed" domain: d severity: high
    require: all s in data_sources: s.supplier.contract_signed }
rule T-MLPS-001 { title: "MLPS level 3" domain: d severity: critical
    require: security.mlps.level >= 3 }
rule T-MLPS-002 { title: "MLPS filed" domain: d severity: medium
    require: security.mlps.filed_on <= today }
"""
REQUIRED = """
rule T-REQ-001 { title: "Supplier contract, proven" domain: d severity: high
    evidence: required
    require: all s in data_sources: s.supplier.contract_signed }
rule T-REQ-002 { title: "MLPS, proven by a licence" domain: d severity: high
    evidence: [licence]
    require: security.mlps.level >= 3 }
"""

DECLARATION = """schema_version: 1
company:
  name: Acme
data_sources:
  - id: ds-carrier
    kind: purchased
    supplier:
      contract_signed: true
security:
  mlps:
    level: 3
"""


def _entry(
    entry_id: str,
    covers: str,
    *,
    kind: str = "contract",
    sha: str | None = None,
    path: str = "contract.txt",
    extra: str = "",
) -> str:
    digest = sha or hashlib.sha256(CONTRACT).hexdigest()
    return (
        f"  - id: {entry_id}\n    kind: {kind}\n    path: {path}\n    sha256: {digest}\n"
        f'    covers: ["{covers}"]\n{extra}'
    )


Make = Callable[..., Path]


@pytest.fixture
def firm(tmp_path: Path) -> Callable[..., Path]:
    """A declaration (with these evidence entries) beside a contract file."""

    def make(*entries: str) -> Path:
        (tmp_path / "contract.txt").write_bytes(CONTRACT)
        decl = tmp_path / "decl.yaml"
        tail = "evidence:\n" + "".join(entries) if entries else ""
        decl.write_text(DECLARATION + tail, encoding="utf-8")
        return decl

    return make


def _assess(make_pack: Make, decl: Path, rules: str = RULES, **kw: object) -> Assessment:
    return licensecheck.assess(decl, make_pack(rules), as_of=DAY, **kw)  # type: ignore[arg-type]


def _levels(result: Assessment) -> dict[str, tuple[str, str]]:
    return {f.rule_id: (f.status, f.assurance) for f in result.findings}


def test_without_evidence_every_finding_is_declared_and_the_json_says_so(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    result = _assess(make_pack, firm())
    assert {a for _, a in _levels(result).values()} == {"declared"}
    assert result.summary.evidenced_score is None and result.evidence == []
    data = json.loads(result.model_dump_json(by_alias=True))
    assert all(f["assurance"] == "declared" for f in data["findings"])
    assert "evidenced_score" not in data["summary"] and "evidence" not in data


def test_evidenced_when_every_deciding_value_is_covered(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    decl = firm(_entry("ev-contract", "data_sources[ds-carrier].supplier"))
    result = _assess(make_pack, decl)
    assert _levels(result) == {
        "T-SUP-001": ("pass", "evidenced"),
        "T-MLPS-001": ("pass", "declared"),  # nothing covers security.mlps
        "T-MLPS-002": ("unknown", "declared"),
    }
    finding = result.finding("T-SUP-001")
    assert finding is not None and finding.evidence == ["ev-contract"]
    (record,) = result.evidence
    assert record.state == "valid" and record.findings == ["T-SUP-001"]


def test_a_cover_above_the_path_covers_it_and_a_sibling_does_not(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    wide = _assess(make_pack, firm(_entry("ev-all", "data_sources")))
    assert _levels(wide)["T-SUP-001"] == ("pass", "evidenced")
    other = _assess(make_pack, firm(_entry("ev-kind", "data_sources[ds-carrier].kind")))
    assert _levels(other)["T-SUP-001"] == ("pass", "declared")


def test_a_failure_is_judged_on_its_witnesses(make_pack: Make, firm: Callable[..., Path]) -> None:
    decl = firm(_entry("ev-mlps", "security.mlps", kind="licence"))
    decl.write_text(decl.read_text().replace("level: 3", "level: 2"), encoding="utf-8")
    result = _assess(make_pack, decl)
    assert _levels(result)["T-MLPS-001"] == ("fail", "evidenced")
    # the unknown's witness (filed_on, absent) is covered too: the licence says it is not there
    assert _levels(result)["T-MLPS-002"] == ("unknown", "evidenced")


@pytest.mark.parametrize(
    ("entry", "state"),
    [
        (_entry("ev-c", "data_sources[ds-carrier].supplier", path="gone.txt"), "missing"),
        (_entry("ev-c", "data_sources[ds-carrier].supplier", sha="a" * 64), "altered"),
        (
            _entry(
                "ev-c", "data_sources[ds-carrier].supplier", extra="    expires_on: 2026-01-14\n"
            ),
            "expired",
        ),
    ],
)
def test_contradicted_by_missing_altered_or_expired_evidence(
    make_pack: Make, firm: Callable[..., Path], entry: str, state: str
) -> None:
    result = _assess(make_pack, firm(entry))
    assert _levels(result)["T-SUP-001"] == ("pass", "contradicted")
    (record,) = result.evidence
    assert record.state == state and record.findings == ["T-SUP-001"]


def test_contradiction_wins_over_other_valid_evidence(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    decl = firm(
        _entry("ev-good", "data_sources[ds-carrier].supplier"),
        _entry("ev-gone", "data_sources", path="gone.txt"),
    )
    assert _levels(_assess(make_pack, decl))["T-SUP-001"] == ("pass", "contradicted")


def test_unhashed_and_remote_evidence_prove_nothing(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    decl = firm(
        "  - id: ev-u\n    path: contract.txt\n    covers: [data_sources]\n",
        "  - id: ev-r\n    uri: https://docs.example/contract\n    covers: [security.mlps]\n",
    )
    levels = _levels(_assess(make_pack, decl))
    assert levels["T-SUP-001"] == ("pass", "declared")
    assert levels["T-MLPS-001"] == ("pass", "declared")


def test_drift_names_what_the_altered_file_used_to_cover(
    make_pack: Make, firm: Callable[..., Path], tmp_path: Path
) -> None:
    decl = firm(_entry("ev-contract", "data_sources[ds-carrier].supplier"))
    (tmp_path / "contract.txt").write_bytes(b"a contract someone edited afterwards\n")
    result = _assess(make_pack, decl)
    (record,) = result.evidence
    assert record.state == "altered"
    assert record.covers == ["data_sources[ds-carrier].supplier"]
    assert record.findings == ["T-SUP-001"]
    assert (
        record.actual_sha256
        == hashlib.sha256(b"a contract someone edited afterwards\n").hexdigest()
    )


def test_the_evidenced_score_counts_only_evidenced_passes(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    result = _assess(make_pack, firm(_entry("ev-contract", "data_sources[ds-carrier].supplier")))
    # weights: high 4 (evidenced pass), critical 8 (declared pass), medium 2 (unknown)
    assert result.summary.score == round(100 * 12 / 14)
    assert result.summary.evidenced_score == round(100 * 4 / 14)


# --------------------------------------------------------------------------- evidence: required


def test_a_rule_demanding_evidence_is_unknown_with_a_request(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    result = _assess(make_pack, firm(), REQUIRED)
    finding = result.finding("T-REQ-001")
    assert finding is not None and finding.status == "unknown"
    assert finding.evidence_request == ["data_sources[0].supplier.contract_signed"]
    assert "attach evidence covering data_sources[0].supplier.contract_signed" in finding.message
    (witness,) = finding.witnesses
    assert witness.actual == "true" and witness.line == 8
    assert result.summary.evidenced_score == 0
    assert not result.summary.ready  # an unknown high rule blocks readiness


def test_a_rule_demanding_evidence_passes_when_evidenced(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    decl = firm(_entry("ev-contract", "data_sources[ds-carrier].supplier"))
    finding = _assess(make_pack, decl, REQUIRED).finding("T-REQ-001")
    assert finding is not None and (finding.status, finding.assurance) == ("pass", "evidenced")
    assert finding.evidence_request == []


def test_only_the_demanded_kinds_count(make_pack: Make, firm: Callable[..., Path]) -> None:
    contract = firm(_entry("ev-c", "security.mlps", kind="contract"))
    finding = _assess(make_pack, contract, REQUIRED).finding("T-REQ-002")
    assert finding is not None and finding.status == "unknown"
    assert "attach evidence (licence) covering security.mlps.level" in finding.message
    licence = firm(_entry("ev-l", "security.mlps", kind="licence"))
    finding = _assess(make_pack, licence, REQUIRED).finding("T-REQ-002")
    assert finding is not None and finding.status == "pass"


def test_a_contradicted_demand_says_why(make_pack: Make, firm: Callable[..., Path]) -> None:
    decl = firm(_entry("ev-c", "data_sources[ds-carrier].supplier", sha="f" * 64))
    finding = _assess(make_pack, decl, REQUIRED).finding("T-REQ-001")
    assert finding is not None and (finding.status, finding.assurance) == (
        "unknown",
        "contradicted",
    )
    assert "missing, altered or expired" in finding.message


@pytest.mark.parametrize("entries", [(), (_entry("ev-c", "data_sources[ds-carrier].supplier"),)])
def test_evaluate_agrees_with_assess(
    make_pack: Make, firm: Callable[..., Path], entries: tuple[str, ...]
) -> None:
    decl = firm(*entries)
    compiled = prepare_pack(make_pack(REQUIRED + RULES))
    statuses = licensecheck.evaluate(compiled, decl, DAY)
    assessed = licensecheck.assess(decl, compiled, as_of=DAY)
    assert statuses == {f.rule_id: f.status for f in assessed.findings}


def test_an_unknown_evidence_value_is_a_positioned_error(make_pack: Make) -> None:
    rules = textwrap.dedent(
        """
        rule T-X-001 { title: "x" domain: d severity: low
            evidence: [license]
            require: true }
        """
    )
    with pytest.raises(licensecheck.LicenseCheckError) as caught:
        prepare_pack(make_pack(rules))
    (diagnostic,) = [d for d in caught.value.diagnostics if d.level == "error"]
    assert diagnostic.code == "unknown-value" and diagnostic.hint == "did you mean 'licence'?"
    assert diagnostic.span is not None and diagnostic.span.line == 3


def test_waivers_keep_the_evidenced_score(
    make_pack: Make, firm: Callable[..., Path], tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - rule: T-MLPS-002\n    reason: filed on paper\n", encoding="utf-8"
    )
    decl = firm(_entry("ev-contract", "data_sources[ds-carrier].supplier"))
    result = _assess(make_pack, decl, waivers=waivers)
    assert result.summary.evidenced_score == round(100 * 4 / 12)


def test_no_evidence_and_no_demand_trace_nothing_more(
    make_pack: Make, firm: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without evidence or a demanding rule, only fail/unknown findings are traced (for their
    witnesses), exactly as before assurance existed; with evidence, passes are traced too."""
    from licensecheck.engine.compile import CompiledPack

    traced: list[str] = []
    real = CompiledPack.traced_rule

    def counting(self: CompiledPack, rule_id: str) -> object:
        traced.append(rule_id)
        return real(self, rule_id)

    monkeypatch.setattr(CompiledPack, "traced_rule", counting)
    # the same firm's witnesses would be remembered the second time (test_witness_memo.py)
    monkeypatch.setattr(evaluate, "witness_key", lambda *_: None)
    # and each gap explained by a traced run, as assurance explains passes
    monkeypatch.setattr(evaluate, "direct_witnesses", lambda *_, **__: None)
    compiled = prepare_pack(make_pack(RULES))
    licensecheck.assess(firm(), compiled, as_of=DAY)
    assert traced == ["T-MLPS-002"]  # the one unknown, for its witnesses
    traced.clear()
    licensecheck.evaluate(compiled, firm(), DAY)
    assert traced == []
    licensecheck.assess(firm(_entry("ev", "security")), compiled, as_of=DAY)
    assert sorted(traced) == ["T-MLPS-001", "T-MLPS-002", "T-SUP-001"]


def test_explain_reports_a_demanding_rule_as_check_does(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    from licensecheck.authoring.explain import explain_declaration

    text = explain_declaration("T-REQ-001", firm(), make_pack(REQUIRED), as_of=DAY)
    assert "status UNKNOWN: met as declared, but the rule demands evidence" in text


def test_a_statuses_only_run_still_applies_the_demand(
    make_pack: Make, firm: Callable[..., Path]
) -> None:
    """``witnesses=False`` (``check --quiet``, jsonl) judges only the demanding rules: the
    statuses agree with a full assessment, the evidenced score is left out."""
    decl = firm(_entry("ev-c", "data_sources[ds-carrier].supplier"))
    compiled = prepare_pack(make_pack(REQUIRED + RULES))
    full = licensecheck.assess(decl, compiled, as_of=DAY)
    bare = licensecheck.assess(decl, compiled, as_of=DAY, witnesses=False)
    assert {f.rule_id: f.status for f in bare.findings} == {
        f.rule_id: f.status for f in full.findings
    }
    assert _levels(bare)["T-REQ-002"] == ("unknown", "declared")
    assert bare.summary.evidenced_score is None and bare.evidence == []
