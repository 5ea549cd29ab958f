"""``packs diff``: the semantic difference between two versions of a pack.

The OLD version is built in the test from the bundled cn-credit-reporting (helpers/old_pack.py)
with known changes, so the diff is asserted exactly; layout, comments and number spelling
must never show; a rule whose own text is the same but whose const changed is reported "via".
"""

from __future__ import annotations

import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.cli import run
from helpers.old_pack import BUNDLED, PACK, build_old_pack, relayout
from helpers.paths import REPO
from licensecheck.authoring.fmt import format_paths
from licensecheck.engine.pack_diff import FieldChange, NameChange, PackDiff, diff_packs
from licensecheck.engine.pipeline import prepare_pack
from licensecheck.engine.rules import CheckedPack
from licensecheck.packs.loader import bundled_pack_ids

SCHEMA = json.loads((REPO / "schemas" / "pack-diff.schema.json").read_text(encoding="utf-8"))


@cache
def checked(ref: str) -> CheckedPack:
    return prepare_pack(ref).checked


@pytest.fixture(scope="module")
def old_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_old_pack(tmp_path_factory.mktemp("old"))


@pytest.fixture(scope="module")
def diff(old_pack: Path) -> PackDiff:
    return diff_packs(checked(str(old_pack)), checked(PACK))


def test_the_exact_changes_between_two_versions(diff: PackDiff) -> None:
    assert not diff.identical
    assert [(r.rule_id, r.change) for r in diff.rules] == [
        ("CR-CON-001", "changed"),
        ("CR-CON-002", "changed"),
        ("CR-CON-003", "changed"),
        ("CR-CON-004", "changed"),
        ("CR-CON-005", "added"),
        ("CR-OLD-001", "removed"),
        ("CR-SEC-002", "changed"),
        ("PI-PIA-003", "changed"),  # the parent's rule, by an override in OLD's pack.yaml
    ]
    rules = {r.rule_id: r for r in diff.rules}
    # the threshold const changed: CR-CON-001's own text did not, its requirement did
    assert rules["CR-CON-001"].fields == []
    assert rules["CR-CON-001"].require_via == ["CR_MIN_REGISTERED_CAPITAL_CNY"]
    assert rules["CR-CON-001"].requirement_changed
    assert not rules["CR-CON-001"].applicability_changed
    (require,) = rules["CR-CON-002"].fields
    assert require.field == "require"
    assert require.old is not None and "where s.pct > CR_MAIN_SHAREHOLDER_PCT:" in require.old
    assert require.new is not None and "where s.pct >= CR_MAIN_SHAREHOLDER_PCT:" in require.new
    assert rules["CR-CON-003"].fields == [
        FieldChange(field="severity", old="medium", new="critical")
    ]
    for rule_id in ("CR-CON-004", "CR-SEC-002", "PI-PIA-003"):
        assert rules[rule_id].fields == [FieldChange(field="severity", old="medium", new="high")]
    assert rules["CR-CON-005"].severity == "high"
    assert rules["CR-OLD-001"].title == "Keep a paper copy of the licence application"
    assert diff.names == [
        NameChange(
            name="CR_MIN_REGISTERED_CAPITAL_CNY",
            kind="const",
            change="changed",
            old="30000000",
            new="50000000",
            rules=["CR-CON-001"],
        )
    ]
    assert diff.pack == [FieldChange(field="version", old="1.0.0", new="1.1.0")]
    s = diff.summary
    assert (s.rules_added, s.rules_removed, s.rules_changed) == (1, 1, 6)
    assert (s.requirement_changed, s.applicability_changed, s.severity_changed) == (2, 0, 4)
    assert (diff.old.rules, diff.new.rules) == (diff.new.rules, 116)


def test_the_relaid_file_shows_nothing(diff: PackDiff) -> None:
    assert not [r for r in diff.rules if r.rule_id.startswith("CR-REC-")]


def test_json_follows_its_schema(diff: PackDiff) -> None:
    jsonschema.validate(json.loads(diff.model_dump_json()), SCHEMA)


def test_a_predicate_change_reaches_the_rules_that_use_it_through_other_predicates(
    tmp_path: Path,
) -> None:
    old = tmp_path / PACK
    shutil.copytree(BUNDLED, old)
    common = old / "common.rules"
    text = common.read_text(encoding="utf-8")
    # cr_credit_agency is used by `when` of several rules, and by cr_* predicates
    marker = "predicate cr_credit_agency"
    assert text.count(marker) == 1
    start = text.index(marker)
    body_start = text.index("=", start) + 1
    common.write_text(
        text[:body_start]
        + " false and ("
        + _body(text, body_start)
        + ")\n"
        + text[_body_end(text, body_start) :],
        encoding="utf-8",
    )
    diff = diff_packs(checked(str(old)), checked(PACK))
    (name,) = diff.names
    assert (name.name, name.kind, name.change) == ("cr_credit_agency", "predicate", "changed")
    readers = set(name.rules)
    via = {r.rule_id for r in diff.rules if "cr_credit_agency" in r.when_via + r.require_via}
    assert via == readers and readers
    assert all(r.fields == [] for r in diff.rules)  # no rule's own text changed
    assert (
        diff.summary.applicability_changed
        == sum(1 for r in diff.rules if "cr_credit_agency" in r.when_via)
        > 0
    )


def _body(text: str, start: int) -> str:
    return text[start : _body_end(text, start)].strip()


def _body_end(text: str, start: int) -> int:
    """A predicate's body runs to the next blank line or definition."""
    end = text.find("\n\n", start)
    return len(text) if end == -1 else end


# ---------------------------------------------------------------------------- the command


def test_cli_text_and_exit_status(old_pack: Path) -> None:
    code, out, err = run("packs", "diff", old_pack, PACK)
    assert code == 1, err
    assert out.splitlines()[0] == (
        "cn-credit-reporting 1.0.0 → cn-credit-reporting 1.1.0: 6 rules changed "
        "(2 requirement, 0 applicability, 4 severity), 1 added, 1 removed, "
        "1 const/predicate changed"
    )
    assert "      requirement changed via CR_MIN_REGISTERED_CAPITAL_CNY" in out
    assert "      severity: medium → high" in out
    assert "  + CR-CON-005 [high] " in out
    assert "  - CR-OLD-001 [low] Keep a paper copy of the licence application" in out
    code, out, _ = run("packs", "diff", PACK, PACK)
    assert (code, out) == (
        0,
        "cn-credit-reporting 1.1.0 → cn-credit-reporting 1.1.0: "
        "no semantic difference (116 rules)\n",
    )


def test_cli_json_and_markdown(old_pack: Path, tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    code, out, _ = run("packs", "diff", old_pack, PACK, "--format", "json", "-o", target)
    assert (code, out) == (1, "")
    data = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["rules_added"] == 1
    code, out, _ = run("packs", "diff", old_pack, PACK, "--format", "markdown")
    assert code == 1
    assert out.startswith("# Pack diff: cn-credit-reporting 1.0.0 → cn-credit-reporting 1.1.0\n")
    assert "| `CR-CON-004` | `changed` | `high` | Obtain PBOC approval" in out
    assert (
        "| `CR_MIN_REGISTERED_CAPITAL_CNY` | `const` | `changed` | `30000000` | `50000000` |" in out
    )


def test_a_missing_pack_is_a_usage_error() -> None:
    code, out, err = run("packs", "diff", "no-such-pack", PACK)
    assert (code, out) == (2, "")
    assert "no pack 'no-such-pack'" in err


def test_a_broken_rules_file_in_old_is_a_positioned_error(old_pack: Path, tmp_path: Path) -> None:
    broken = tmp_path / PACK
    shutil.copytree(old_pack, broken)
    rules = broken / "security.rules"
    lines = rules.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("    require:"))
    lines[line] = "    require: company.name ==== 1"
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run("packs", "diff", broken, PACK)
    assert (code, out) == (2, "")
    assert f"{rules}:{line + 1}:" in err or f"security.rules:{line + 1}:" in err


# ---------------------------------------------------------------------------- properties


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(bundled_pack_ids()))
def test_a_pack_does_not_differ_from_itself(pack: str) -> None:
    assert diff_packs(checked(pack), checked(pack)).identical


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(bundled_pack_ids()), st.data())
def test_layout_and_formatting_never_count(pack: str, data: st.DataObject) -> None:
    """diff(P, relaid(P)) and diff(P, fmt(relaid(P))) are empty: any subset of the files relaid."""
    source = REPO / "policies" / pack
    files = sorted(p.name for p in source.glob("*.rules"))
    chosen = data.draw(st.lists(st.sampled_from(files), unique=True, min_size=1))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / pack
        shutil.copytree(source, copy)
        for name in chosen:
            relayout(copy / name)
        assert diff_packs(checked(pack), checked_fresh(copy)).identical
        format_paths(copy, write=True)
        assert diff_packs(checked(pack), checked_fresh(copy)).identical


def checked_fresh(folder: Path) -> CheckedPack:
    return prepare_pack(folder).checked


def test_the_diff_read_backwards_swaps_added_and_removed(old_pack: Path, diff: PackDiff) -> None:
    back = diff_packs(checked(PACK), checked(str(old_pack)))
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    assert [(r.rule_id, swap[r.change]) for r in back.rules] == [
        (r.rule_id, r.change) for r in diff.rules
    ]
    forward = {(r.rule_id, f.field): (f.old, f.new) for r in diff.rules for f in r.fields}
    backward = {(r.rule_id, f.field): (f.new, f.old) for r in back.rules for f in r.fields}
    assert backward == forward


def test_an_output_never_overwrites_a_pack_file(old_pack: Path, tmp_path: Path) -> None:
    copy = tmp_path / PACK
    shutil.copytree(old_pack, copy)
    before = (copy / "pack.yaml").read_bytes()
    code, _, err = run("packs", "diff", copy, PACK, "-o", copy / "pack.yaml")
    assert code == 2 and "would overwrite the input file" in err
    assert (copy / "pack.yaml").read_bytes() == before


def test_id_at_version_needs_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("packs", "diff", f"{PACK}@1.0.0", PACK)
    assert (code, out) == (2, "")
    assert "no workspace here" in err


def test_pack_level_changes(tmp_path: Path) -> None:
    old = tmp_path / PACK
    shutil.copytree(BUNDLED, old)
    manifest = old / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        'security:        {title: "Credit system security (MLPS level 3, security officers)"',
        'security:        {title: "Security"',
    )
    manifest.write_text(text + "disable: [PI-PIA-003]\n", encoding="utf-8")
    diff = diff_packs(checked(str(old)), checked(PACK))
    assert diff.pack == [
        FieldChange(field="disable", old="PI-PIA-003", new=None),
        FieldChange(
            field="domain security",
            old="Security",
            new="Credit system security (MLPS level 3, security officers)",
        ),
    ]
    assert [(r.rule_id, r.change) for r in diff.rules] == [("PI-PIA-003", "added")]


def test_markdown_keeps_rule_text_inert(tmp_path: Path) -> None:
    old = tmp_path / PACK
    shutil.copytree(BUNDLED, old)
    rules = old / "conditions.rules"
    hostile = "Pipe | <img src=x> [x](javascript:1) `tick`"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            '"Registered capital of at least RMB 50 million for a personal credit agency"',
            json.dumps(hostile),
            1,
        ),
        encoding="utf-8",
    )
    code, out, _ = run("packs", "diff", old, PACK, "--format", "markdown")
    assert code == 1
    (row,) = [line for line in out.splitlines() if line.startswith("| `title` |")]
    assert "<img" not in out
    assert "Pipe \\| &lt;img src=x> \\[x](javascript:1) \\`tick\\`" in row  # no link, no HTML
    assert row.count(" | ") == 2  # three cells: the pipe in the title splits nothing


def test_every_field_of_a_rule_is_compared(tmp_path: Path) -> None:
    old = tmp_path / PACK
    shutil.copytree(BUNDLED, old)
    rules = old / "conditions.rules"
    text = rules.read_text(encoding="utf-8")
    edits = [
        ('"Credit Reporting Business Measures Art. 43", ', ""),  # one cite fewer
        (
            "    when: cr_personal_credit_licensed\n    require: governance.compliance_audit",
            "    when: cr_credit_agency\n    require: governance.compliance_audit",
        ),
        ('"近12个月内未开展个人征信业务合规审计', '"近一年内未开展个人征信业务合规审计'),
        (
            "    effort: 60 days\n    effective_from: 2022-01-01\n",
            "    effort: 60 days\n    effective_from: 2021-01-01\n    grace_until: 2022-06-30\n",
        ),
    ]
    for before, after in edits:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    rules.write_text(text, encoding="utf-8")
    diff = diff_packs(checked(str(old)), checked(PACK))
    (rule,) = diff.rules
    assert rule.rule_id == "CR-CON-006"
    assert [(f.field, f.old, f.new) for f in rule.fields] == [
        ("when", "cr_credit_agency", "cr_personal_credit_licensed"),
        (
            "cite",
            '["《征信业务管理办法》第四十三条"]',
            '["Credit Reporting Business Measures Art. 43", "《征信业务管理办法》第四十三条"]',
        ),
        (
            "message@zh",
            "近一年内未开展个人征信业务合规审计，或审计报告未报送人民银行",
            "近12个月内未开展个人征信业务合规审计，或审计报告未报送人民银行",
        ),
        ("effective_from", "2021-01-01", "2022-01-01"),
        ("grace_until", "2022-06-30", None),
    ]
    assert rule.applicability_changed and not rule.requirement_changed
