"""The gap report: every number is the assessment's, every text is generated or the pack's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import licensecheck
from helpers.reports import (
    AS_OF,
    FIRMS,
    assessment,
    blocking_ids,
    expected_score,
    in_repo,
    pack,
)
from helpers.rules import MakePack
from licensecheck import api
from licensecheck.engine.models import SEVERITIES, Finding
from licensecheck.reports.gap import GapReport, score_range
from licensecheck.reports.requirements import requirement_text
from licensecheck.sources.paths import parse_path


def report(firm: str, lang: str = "en") -> GapReport:
    with in_repo():
        return licensecheck.gap_report(FIRMS[firm], pack(), as_of=AS_OF, lang=lang)


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_summary_numbers_are_the_assessments(firm: str) -> None:
    a, r = assessment(firm), report(firm)
    assert r.score == a.summary.score == expected_score(a.findings)
    assert r.ready == a.summary.ready == (not blocking_ids(a.findings))
    assert r.counts == a.summary.counts
    unknown = [f.rule_id for f in a.findings if f.status == "unknown"]
    assert r.score_range.worst == expected_score(
        a.findings
    )  # unknown already counts as not passing
    assert r.score_range.best == expected_score(a.findings, passing=unknown)
    assert r.score_range.worst <= r.score <= r.score_range.best
    assert {b.rule_id for b in r.blocking} == blocking_ids(a.findings)
    assert [SEVERITIES.index(b.severity) for b in r.blocking] == sorted(
        SEVERITIES.index(b.severity) for b in r.blocking
    )


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_domains_hold_every_gap_with_their_own_numbers(firm: str) -> None:
    a, r = assessment(firm), report(firm)
    assert sorted(d.id for d in r.domains) == sorted({f.domain for f in a.findings})
    for d in r.domains:
        mine = [f for f in a.findings if f.domain == d.id]
        for status, n in d.counts.items():
            assert n == sum(1 for f in mine if f.status == status)
        applicable = [f for f in mine if f.status in ("pass", "fail", "unknown", "error")]
        assert d.score == (expected_score(mine) if applicable else None)
        assert [g.rule_id for g in d.gaps] == sorted(
            (f.rule_id for f in mine if f.status in ("fail", "error")),
            key=lambda rid: (SEVERITIES.index(a.finding(rid).severity), rid),  # type: ignore[union-attr]
        )
        assert d.title == a.pack.domains.get(d.id, d.id)
    scores = [d.score for d in r.domains if d.score is not None]
    assert scores == sorted(scores)  # weakest domain first


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_each_gap_carries_the_rules_texts_and_witnesses(firm: str) -> None:
    a, r = assessment(firm), report(firm)
    checked = pack().checked
    for gap in (g for d in r.domains for g in d.gaps):
        finding = a.finding(gap.rule_id)
        rule = checked.rule(gap.rule_id)
        assert finding is not None and rule is not None
        consts, predicates = dict(checked.consts), checked.predicates
        assert gap.requirement == requirement_text(rule.require, consts, predicates=predicates)
        if rule.when is not None:
            assert gap.applies_when == requirement_text(rule.when, consts, predicates=predicates)
        assert gap.declared == finding.witnesses
        assert gap.cite == finding.cite and gap.remediation == finding.remediation
        assert gap.message == finding.message and gap.effort_days == finding.effort_days


def test_crawler_smallest_changes_read_as_the_issue_asks() -> None:
    r = report("crawler")
    gaps = {g.rule_id: g for d in r.domains for g in d.gaps}
    capital = gaps["CR-CON-001"].smallest_change
    assert capital is not None and capital.verified
    assert capital.steps == [
        "raise `company.registered_capital_cny` from 10,000,000 to at least 50,000,000"
    ]
    assert capital.changes[0].model_dump() == {
        "action": "raise",
        "path": "company.registered_capital_cny",
        "element": None,
        "current": "10,000,000",
        "target": ">= 50,000,000",
        "value": 50000000,
    }
    separate = gaps["PI-CONS-003"].smallest_change
    assert separate is not None
    assert separate.steps == [
        "set `consent.separate: true` on data_sources ds-carrier, ds-ecommerce, ds-provident"
    ]
    verified = [g.smallest_change.verified for g in gaps.values() if g.smallest_change]
    assert len(verified) == len(gaps) and all(verified)


def test_no_bundled_pack_suggests_changing_a_fact() -> None:
    """Every failing rule of every bundled example under every bundled pack (issue #18: "change
    the licence kind from icp …", "lower volume_individuals from 2,000,000 …")."""
    schema = licensecheck.prepare_pack("starter").checked.schema
    with in_repo():
        for pack_id in [p.id for p in api.list_packs()]:
            compiled = licensecheck.prepare_pack(pack_id)
            for example in sorted(Path("examples").glob("*.yaml")):
                r = licensecheck.gap_report(str(example), compiled, as_of=AS_OF)
                for gap in (g for d in r.domains for g in d.gaps if g.smallest_change):
                    assert gap.smallest_change is not None
                    for change in gap.smallest_change.changes:
                        path = parse_path(change.path)
                        assert (change.action == "declare" and change.target is None) or (
                            not schema.is_fact(path)
                        ), (pack_id, example.name, gap.rule_id, change)


def test_a_rule_only_facts_would_pass_says_so() -> None:
    with in_repo():
        compiled = licensecheck.prepare_pack("cn-data-collection-conduct")
        r = licensecheck.gap_report("examples/three-factor-reseller.yaml", compiled, as_of=AS_OF)
        gaps = {g.rule_id: g for d in r.domains for g in d.gaps}
        change = gaps["DC-TEL-001"].smallest_change
        assert change is not None and change.steps == [] and not change.verified
        assert change.facts[0].startswith(
            '`data_sources[0].supplier.relationship` (ds-op-agent) is "sub_agent": a fact'
        )
        text = licensecheck.render_report(r, "markdown")
    assert "Only a change of facts would make this rule pass" in text
    assert "**Facts, not changes:**" in text


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_unknowns_become_a_questionnaire(firm: str) -> None:
    a, r = assessment(firm), report(firm)
    unknown = [f for f in a.findings if f.status == "unknown"]
    assert [u.rule_id for u in r.unknown_rules] == sorted(
        (f.rule_id for f in unknown),
        key=lambda rid: (SEVERITIES.index(a.finding(rid).severity), rid),  # type: ignore[union-attr]
    )
    wanted = {w.path: w for f in unknown for w in f.witnesses if w.actual is None}
    fields = {f.path: f for s in r.to_declare for f in s.fields}
    assert set(fields) == set(wanted)
    for section in r.to_declare:
        for field in section.fields:
            assert field.path.startswith(section.section)
            assert field.line == wanted[field.path].line
            needing = {f.rule_id for f in unknown if any(w.path == field.path for w in f.witnesses)}
            assert set(field.rules) == needing


def test_state_firm_questionnaire_line() -> None:
    r = report("state")
    (section,) = r.to_declare
    (field,) = section.fields
    assert (section.section, field.field, field.element) == (
        "data_sources",
        "supplier.contract_reviewed_on",
        "ds-utilities",
    )
    assert field.kind == "a date (YYYY-MM-DD)"
    assert field.needed == ["2025-01-15 or later (CR-COL-005)"]


def test_chinese_report_uses_the_packs_translations() -> None:
    r = report("state", "zh")
    gap = next(g for d in r.domains for g in d.gaps if g.rule_id == "CR-CON-003")
    assert gap.title == "董事、监事和高级管理人员取得人民银行核准的任职资格"
    assert gap.untranslated == []
    assert gap.requirement.startswith("company.officers 中项数 大于 0")
    assert r.pack.title.startswith("中国")


def test_missing_translations_are_marked(make_pack: MakePack) -> None:
    folder = make_pack(
        """
        rule T-ZH {
            title: "Has a Chinese title" title@zh: "有中文标题"
            domain: d severity: high cite: "c"
            require: company.registered_capital_cny >= 5
            remediation: "Only English here."
        }
        """
    )
    r = licensecheck.gap_report(
        {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 1}},
        folder,
        as_of=AS_OF,
        lang="zh",
    )
    (gap,) = r.domains[0].gaps
    assert gap.title == "有中文标题"
    assert gap.untranslated == ["message", "remediation"]
    markdown = licensecheck.render_report(r, "markdown")
    assert "Only English here. _(无中文译文)_" in markdown
    html = licensecheck.render_report(r, "html")
    assert '<span class="untranslated" lang="en">Only English here.</span>' in html
    assert (
        licensecheck.gap_report(
            {"schema_version": 1, "company": {"name": "X", "registered_capital_cny": 1}},
            folder,
            as_of=AS_OF,
        )
        .domains[0]
        .gaps[0]
        .untranslated
        == []
    )


def test_baseline_says_what_changed(tmp_path: Path) -> None:
    with in_repo():
        old = licensecheck.assess(FIRMS["crawler"], pack(), as_of=AS_OF)
    # the baseline: the same firm before it raised its capital but with a PBOC filing done
    before = json.loads(old.model_dump_json())
    for f in before["findings"]:
        if f["rule_id"] == "CR-CON-008":
            f["status"] = "pass"
    baseline = tmp_path / "old.json"
    baseline.write_text(json.dumps(before), encoding="utf-8")
    with in_repo():
        r = licensecheck.gap_report(FIRMS["crawler"], pack(), as_of=AS_OF, baseline=baseline)
    assert r.baseline is not None and r.baseline.report == str(baseline)
    assert r.changes is not None
    assert [e.rule_id for e in r.changes.new] == ["CR-CON-008"]
    assert r.changes.fixed == [] and r.changes.worsened == []
    assert r.changes.before.score == old.summary.score  # the edited JSON keeps its summary
    assert r.exit_code("high") == 1  # CR-CON-008 (high) is new
    assert r.exit_code("critical") == 0  # no new critical gap
    text = licensecheck.render_report(r, "markdown")
    assert "## What changed since the baseline" in text
    assert "- **New gaps** (1): CR-CON-008 (pass → fail)" in text


def test_bad_baseline_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"findings": [\n  {"rule_id": 1,\n}', encoding="utf-8")
    with in_repo(), pytest.raises(licensecheck.LicenseCheckError) as err:
        licensecheck.gap_report(FIRMS["state"], pack(), as_of=AS_OF, baseline=bad)
    rendered = err.value.diagnostics[0].render()
    assert rendered.startswith(f"{bad}:3:1: error: not a JSON report")


# ---------------------------------------------------------------- score range


STATUS = st.sampled_from(["pass", "fail", "unknown", "not_applicable", "error"])


@given(st.lists(st.tuples(STATUS, st.sampled_from(SEVERITIES)), max_size=25))
def test_score_range_brackets_the_score(rows: list[tuple[str, str]]) -> None:
    findings = [
        Finding(
            rule_id=f"R-{i}",
            title="t",
            domain="d",
            severity=sev,
            status=status,  # type: ignore[arg-type]
            message="m",
            cite=[],
            remediation=None,
        )
        for i, (status, sev) in enumerate(rows)
    ]
    rng = score_range(findings)
    unknown = [f.rule_id for f in findings if f.status == "unknown"]
    assert rng.worst == expected_score(findings)
    assert rng.best == expected_score(findings, passing=unknown)
    assert rng.worst <= rng.best
    if not unknown:
        assert rng.worst == rng.best


def test_applicability_reads_as_what_the_predicates_test() -> None:
    """Issue #18: "Applies when: cr serves fis personal and not …" named predicates."""
    gaps = {g.rule_id: g for d in report("crawler").domains for g in d.gaps}
    when = gaps["CR-LIC-003"].applies_when
    assert when == (
        '(at least one element of business_lines where subject_type is one of ["individual", '
        '"both"] and status (or "live" when not declared) is "live" has: at least one element '
        'of clients has: it is one of ["bank", "consumer_finance", "microlender", "insurer"]) '
        'and (no element of company.licenses has: kind is "personal_credit_reporting" and '
        "valid_until is on or after today)"
    )
    names = set(pack().checked.predicates)
    for gap in gaps.values():
        for text in (gap.requirement, gap.applies_when or ""):
            assert not any(name.replace("_", " ") in text for name in names), (gap.rule_id, text)
    zh = {g.rule_id: g for d in report("crawler", "zh").domains for g in d.gaps}
    assert zh["CR-LIC-003"].applies_when is not None
    assert zh["CR-LIC-003"].applies_when.startswith("（business_lines 中满足")
    assert "cr serves fis personal" not in zh["CR-LIC-003"].applies_when
