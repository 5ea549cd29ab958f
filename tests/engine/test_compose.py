"""Pack composition: several parents and levels, version constraints, overrides, disable,
the pack search path. Schema extensions are in tests/packs/test_extensions.py."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import licensecheck
from helpers.packs import error_of, rule, write_pack
from helpers.rules import AS_OF
from licensecheck.cli import main
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.rules import CheckedPack


def checked(folder: Path, **kwargs: object) -> CheckedPack:
    return licensecheck.prepare_pack(folder, **kwargs).checked  # type: ignore[arg-type]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_pack(
        tmp_path,
        "base",
        "const LIMIT = 5\n"
        + rule("B-1", require="(company.headcount ?? 0) > LIMIT")
        + rule("B-2", domain="sec", severity="high", require="security.encryption_at_rest")
        + 'rule B-3 { title: "t" domain: gov severity: low cite: "c" remediation: "r" require: true after: [B-2] }\n',
        version="1.4.0",
    )


def test_several_parents_and_levels_share_names_and_rules(tmp_path: Path, base: Path) -> None:
    write_pack(tmp_path, "mid", rule("M-1", require="LIMIT == 5"), "extends: base >=1.2,<2\n")
    write_pack(tmp_path, "other", "predicate small = LIMIT < 10\n" + rule("O-1"))
    top = write_pack(
        tmp_path,
        "top",
        rule("T-1", require="small and LIMIT == 5"),
        "extends: [mid, other]\n",
    )
    pack = checked(top)
    assert sorted(r.id for r in pack.rules) == ["B-1", "B-2", "B-3", "M-1", "O-1", "T-1"]
    assert {r.id: r.pack_id for r in pack.rules}["B-1"] == "base"
    # the grandparent is reached through one path only, but its pack is in the lineage once
    assert [p.manifest.id for p in pack.loaded.lineage()] == ["base", "mid", "other", "top"]


def test_a_diamond_is_not_a_duplicate(tmp_path: Path, base: Path) -> None:
    write_pack(tmp_path, "left", rule("L-1"), "extends: base\n")
    write_pack(tmp_path, "right", rule("R-1"), "extends: base\n")
    top = write_pack(tmp_path, "top", rule("T-1"), "extends: [left, right]\n")
    pack = checked(top)
    assert sorted(r.id for r in pack.rules) == ["B-1", "B-2", "B-3", "L-1", "R-1", "T-1"]


def test_a_diamond_takes_an_override_made_on_one_side_only(tmp_path: Path, base: Path) -> None:
    write_pack(tmp_path, "left", "", "extends: base\noverrides:\n  B-1: {severity: critical}\n")
    write_pack(tmp_path, "right", "", "extends: base\noverrides:\n  B-2: {effort: 3 days}\n")
    top = write_pack(tmp_path, "top", "", "extends: [left, right]\n")
    pack = checked(top)
    b1, b2 = pack.rule("B-1"), pack.rule("B-2")
    assert b1 is not None and b2 is not None
    assert b1.severity == "critical"
    assert b2.effort is not None and b2.effort.days == 3
    assert [(o.pack_id, o.key, o.before, o.after) for o in b1.overrides] == [
        ("left", "severity", "low", "critical")
    ]


def test_parents_overriding_a_rule_differently_conflict_until_settled(
    tmp_path: Path, base: Path
) -> None:
    write_pack(tmp_path, "left", "", "extends: base\noverrides:\n  B-1: {severity: critical}\n")
    write_pack(tmp_path, "right", "", "extends: base\noverrides:\n  B-1: {severity: high}\n")
    top = write_pack(tmp_path, "top", "", "extends: [left, right]\n")
    diagnostic = error_of(top)
    assert diagnostic.code == "parent-conflict"
    assert "parents left and right override severity of rule B-1 differently" in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.line == 4  # the extends line
    (top / "pack.yaml").write_text(
        (top / "pack.yaml").read_text() + "overrides:\n  B-1: {severity: medium}\n"
    )
    pack_rule = checked(top).rule("B-1")
    assert pack_rule is not None and pack_rule.severity == "medium"


def test_two_packs_defining_one_rule_id_is_an_error(tmp_path: Path) -> None:
    write_pack(tmp_path, "left", rule("X-1"))
    write_pack(tmp_path, "right", rule("X-1", severity="high"))
    top = write_pack(tmp_path, "top", "", "extends: [left, right]\n")
    diagnostic = error_of(top)
    assert diagnostic.code == "duplicate-rule"
    assert "rule X-1 is defined twice" in diagnostic.message


def test_overrides_change_the_rule_and_the_report(tmp_path: Path, base: Path) -> None:
    child = write_pack(
        tmp_path,
        "child",
        rule("C-1"),
        textwrap.dedent(
            """\
            extends: base
            overrides:
              B-1:
                severity: critical
                effort: 2 months
                title: "Headcount above the limit"
                title@zh: "人数超过下限"
                remediation: "Hire."
                message: "too few staff"
                after: [C-1]
            """
        ),
    )
    pack = checked(child)
    b1 = pack.rule("B-1")
    assert b1 is not None
    assert (b1.severity, str(b1.effort), b1.after) == ("critical", "2 months", ("C-1",))
    assert dict(b1.title) == {"en": "Headcount above the limit", "zh": "人数超过下限"}
    assert {o.key for o in b1.overrides} == {
        "severity",
        "effort",
        "title",
        "title@zh",
        "remediation",
        "message",
        "after",
    }
    severity = next(o for o in b1.overrides if o.key == "severity")
    assert severity.span.file.endswith("child/pack.yaml")
    assert (severity.span.line, severity.span.column) == (7, 5)
    result = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "X", "headcount": 1}}, child, as_of=AS_OF
    )
    finding = result.finding("B-1")
    assert finding is not None
    assert (finding.status, finding.severity, finding.message, finding.effort_days) == (
        "fail",
        "critical",
        "too few staff",
        60,
    )
    assert licensecheck.exit_code(result, fail_on="critical") == 1


def test_override_of_an_unknown_rule_is_an_error_at_its_line(tmp_path: Path, base: Path) -> None:
    child = write_pack(
        tmp_path, "child", "", "extends: base\noverrides:\n  B-4: {severity: high}\n"
    )
    diagnostic = error_of(child)
    assert diagnostic.code == "unknown-override"
    assert diagnostic.message == "override of unknown rule B-4 (did you mean B-3?)"
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 3)
    assert diagnostic.snippet is not None and "B-4" in diagnostic.snippet


def test_override_naming_an_unknown_rule_in_after_is_an_error(tmp_path: Path, base: Path) -> None:
    child = write_pack(
        tmp_path, "child", "", "extends: base\noverrides:\n  B-1: {after: [B-2, B-9]}\n"
    )
    diagnostic = error_of(child)
    assert (diagnostic.code, diagnostic.message) == (
        "unknown-rule",
        "'after' names unknown rule B-9 (did you mean B-3?)",
    )


def test_an_override_that_makes_a_cycle_is_an_error(tmp_path: Path, base: Path) -> None:
    child = write_pack(tmp_path, "child", "", "extends: base\noverrides:\n  B-2: {after: [B-3]}\n")
    diagnostic = error_of(child)
    assert diagnostic.code == "after-cycle"
    assert "B-2 -> B-3 -> B-2" in diagnostic.message


def test_override_fields_are_checked_with_positions(tmp_path: Path, base: Path) -> None:
    child = write_pack(
        tmp_path, "child", "", "extends: base\noverrides:\n  B-1: {severty: high, effort: 3}\n"
    )
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(child)
    rendered = caught.value.render()
    assert "unknown key 'overrides.B-1.severty' in pack.yaml (did you mean 'severity'?)" in rendered
    assert "pack.yaml: overrides.B-1.effort: input should be a valid string" in rendered
    assert "child/pack.yaml:6:" in rendered


def test_disable_rules_and_domains(tmp_path: Path, base: Path) -> None:
    child = write_pack(tmp_path, "child", rule("C-1"), "extends: base\ndisable: [B-1, sec]\n")
    pack = checked(child)
    assert sorted(r.id for r in pack.rules) == ["B-3", "C-1"]
    assert dict(pack.disabled) == {"B-1": "child", "B-2": "child"}
    assert "sec" not in pack.domains
    b3 = pack.rule("B-3")
    assert b3 is not None and b3.after == ()  # B-2 is gone: nothing to wait for


def test_disable_of_unknown_names_is_an_error(tmp_path: Path, base: Path) -> None:
    child = write_pack(tmp_path, "child", "", "extends: base\ndisable: [B-1, secu]\n")
    diagnostic = error_of(child)
    assert diagnostic.code == "unknown-disable"
    assert diagnostic.message == "'disable' names unknown domain 'secu' (did you mean 'sec'?)"
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (
        5,
        16,
    )


def test_a_disabled_rule_cannot_be_overridden_further_down(tmp_path: Path, base: Path) -> None:
    write_pack(tmp_path, "mid", "", "extends: base\ndisable: [B-1]\n")
    top = write_pack(tmp_path, "top", "", "extends: mid\noverrides:\n  B-1: {severity: high}\n")
    assert error_of(top).message == "override of rule B-1, which mid disables"


def test_version_constraints(tmp_path: Path, base: Path) -> None:
    child = write_pack(tmp_path, "child", "", "extends: [base >=2]\n")
    diagnostic = error_of(child)
    assert diagnostic.code == "extends-version"
    assert diagnostic.message == "base is version 1.4.0, which does not satisfy '>=2'"
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (
        4,
        11,
    )
    (child / "pack.yaml").write_text(
        (child / "pack.yaml").read_text().replace("base >=2", "base >>2")
    )
    assert "is not a version constraint" in error_of(child).message
    (child / "pack.yaml").write_text(
        (child / "pack.yaml").read_text().replace("base >>2", "base ~=1.4")
    )
    assert len(checked(child).rules) == 3


def test_extends_cycle_is_reported_at_the_extends_entry(tmp_path: Path) -> None:
    write_pack(tmp_path, "aa", rule("A-1"), "extends: bb\n")
    write_pack(tmp_path, "bb", rule("B-1"), "extends: cc\n")
    write_pack(tmp_path, "cc", rule("C-1"), "extends: aa\n")
    diagnostic = error_of(tmp_path / "aa")
    assert diagnostic.message == "'extends' forms a cycle: aa -> bb -> cc -> aa"
    assert diagnostic.span is not None and diagnostic.span.file.endswith("cc/pack.yaml")


def test_unknown_parent_is_an_error_at_the_extends_line(tmp_path: Path) -> None:
    child = write_pack(tmp_path, "child", rule("C-1"), "extends: [starter, strater]\n")
    diagnostic = error_of(child)
    assert (
        "no pack 'strater'" in diagnostic.message and "did you mean 'starter'" in diagnostic.message
    )
    assert diagnostic.span is not None and diagnostic.span.line == 4


def test_pack_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = tmp_path / "shelf"
    write_pack(shelf, "client-pack", rule("CL-1"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(licensecheck.UsageError, match="no pack 'client-pack'"):
        licensecheck.prepare_pack("client-pack")
    assert checked_id(licensecheck.prepare_pack("client-pack", pack_path=[shelf])) == "client-pack"
    monkeypatch.setenv("LICENSECHECK_PACK_PATH", f"{tmp_path / 'missing'}:{shelf}")
    assert checked_id(licensecheck.prepare_pack("client-pack")) == "client-pack"
    with pytest.raises(licensecheck.UsageError, match="is not a folder"):
        licensecheck.prepare_pack("client-pack", pack_path=[tmp_path / "missing"])


def checked_id(compiled: CompiledPack) -> str:
    return compiled.checked.id


def test_the_search_path_comes_before_the_bundled_packs(tmp_path: Path) -> None:
    write_pack(tmp_path, "starter", rule("MY-1"), version="9.0.0")
    compiled = licensecheck.prepare_pack("starter", pack_path=[tmp_path])
    assert compiled.checked.version == "9.0.0"


def test_cli_pack_path_option_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    shelf = tmp_path / "shelf"
    write_pack(shelf, "client-pack", rule("CL-1", require="company.headcount > 3"))
    declaration = tmp_path / "d.yaml"
    declaration.write_text("schema_version: 1\ncompany: {name: X, headcount: 10}\n")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["check", str(declaration), "--pack", "client-pack", "--as-of", "2026-01-15"]
    missing = runner.invoke(main, args)
    assert missing.exit_code == 2 and "no pack 'client-pack'" in missing.output
    found = runner.invoke(main, [*args, "--pack-path", str(shelf)])
    assert found.exit_code == 0, found.output
    assert "client-pack 1.0.0" in found.output
    from_env = runner.invoke(main, args, env={"LICENSECHECK_PACK_PATH": str(shelf)})
    assert from_env.exit_code == 0, from_env.output
    bad = runner.invoke(main, [*args, "--pack-path", str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "does not exist" in bad.output


def test_a_parent_is_found_beside_its_child(tmp_path: Path) -> None:
    write_pack(tmp_path, "sibling-base", rule("S-1"))
    child = write_pack(tmp_path, "child", rule("C-1"), "extends: sibling-base\n")
    assert sorted(r.id for r in checked(child).rules) == ["C-1", "S-1"]


def test_two_folders_with_one_pack_id_clash(tmp_path: Path) -> None:
    write_pack(tmp_path / "one", "same", rule("S-1"))
    write_pack(tmp_path / "two", "same", rule("S-2"))
    child = write_pack(
        tmp_path,
        "child",
        "",
        f"extends: [{tmp_path / 'one' / 'same'}, {tmp_path / 'two' / 'same'}]\n",
    )
    assert "two different packs are named 'same'" in error_of(child).message


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (
            "overrides:\n  b-1: {severity: high}\n",
            "overrides.b-1: not a rule id: write one such as",
        ),
        (
            "overrides:\n  B-1: {effort: soon}\n",
            "overrides.B-1.effort: not a duration: write one such as '30 days'",
        ),
        ("disable: [Bad-Domain!]\n", "disable.0: not a rule id (CR-LIC-001) or a domain name"),
        ("extends: [base, '']\n", "an 'extends' entry is empty"),
    ],
)
def test_manifest_mistakes_in_plain_words(
    tmp_path: Path, base: Path, manifest: str, message: str
) -> None:
    extra = manifest if manifest.startswith("extends") else "extends: base\n" + manifest
    child = write_pack(tmp_path, "child", "", extra)
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(child)
    assert message in caught.value.render()
    assert "child/pack.yaml:" in caught.value.render()
