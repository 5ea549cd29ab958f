"""Pack authoring from the command line: packs new, lint, test, fmt; explain; init."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

import licensecheck
from helpers.cli import run
from helpers.paths import REPO
from licensecheck.authoring.skeleton import ELEMENT, leaves, read_fields
from licensecheck.resources import schemas_dir

POLICIES = REPO / "policies"
BUNDLED = sorted(p.name for p in POLICIES.iterdir() if (p / "pack.yaml").is_file())
TESTED = [p for p in BUNDLED if (POLICIES / p / "tests").is_dir()]


@pytest.fixture
def scaffolded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("packs", "new", "acme-credit", "--extends", "cn-credit-reporting")
    assert code == 0, out
    assert "created acme-credit/" in out
    return tmp_path / "acme-credit"


# ---------------------------------------------------------------- packs new


def test_a_new_pack_loads_lints_clean_is_formatted_and_passes_its_tests(scaffolded: Path) -> None:
    manifest = yaml.safe_load((scaffolded / "pack.yaml").read_text())
    assert manifest["extends"] == "cn-credit-reporting >=1.1.0,<2"
    assert run("packs", "lint", "acme-credit") == (0, "acme-credit: 0 errors, 0 warnings\n", "")
    code, out, _ = run("packs", "test", "acme-credit", "--min-coverage", "100")
    assert code == 0, out
    assert "3 of 3 cases passed" in out
    assert "coverage: 3 of 3 outcomes (100%) of the 1 rule acme-credit defines" in out
    assert run("packs", "fmt", "--check", "acme-credit")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme"], "'Acme' is not a pack id"),
        (["acme", "--extends", "no-such-pack"], "no pack 'no-such-pack'"),
    ],
)
def test_packs_new_refuses_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("packs", "new", *args)
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_packs_new_never_overwrites(scaffolded: Path) -> None:
    before = (scaffolded / "main.rules").read_text()
    code, _, err = run("packs", "new", "acme-credit")
    assert code == 2 and "already exists" in err
    assert (scaffolded / "main.rules").read_text() == before


# ---------------------------------------------------------------- packs test


def test_a_failing_case_shows_a_diff_and_exits_1(scaffolded: Path) -> None:
    case = scaffolded / "tests" / "pass.yaml"
    case.write_text(case.read_text().replace("appointed: true", "appointed: false"))
    (scaffolded / "tests" / "fail.yaml").write_text(
        (scaffolded / "tests" / "fail.yaml")
        .read_text()
        .replace(
            "[governance.pi_protection_officer.appointed]",
            "[governance.pi_protection_officer.name]",
        )
    )
    code, out, _ = run("packs", "test", "acme-credit")
    assert code == 1
    assert "FAIL  acme-credit/tests/pass.yaml  an appointed officer meets the rule" in out
    assert "      - AC-CLI-001: pass\n      + AC-CLI-001: fail  (no personal information" in out
    assert "      - AC-CLI-001 witness: governance.pi_protection_officer.name" in out
    assert "      + AC-CLI-001 witnesses: governance.pi_protection_officer.appointed" in out
    assert "1 of 3 cases passed, 2 failed" in out


def test_min_coverage_fails_the_run_below_the_threshold(scaffolded: Path) -> None:
    (scaffolded / "tests" / "unknown.yaml").unlink()
    code, out, _ = run("packs", "test", "acme-credit", "--min-coverage", "90")
    assert code == 1
    assert "coverage: 2 of 3 outcomes (67%)" in out
    assert "AC-CLI-001  yes      yes      MISSING" in out
    assert "coverage 67% is below --min-coverage 90%" in out
    assert run("packs", "test", "acme-credit", "--min-coverage", "60")[0] == 0


def test_packs_test_json(scaffolded: Path) -> None:
    code, out, _ = run("packs", "test", "acme-credit", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["passed"], data["failed"]) == (3, 0)
    assert data["coverage"]["rules"] == [
        {
            "rule_id": "AC-CLI-001",
            "possible": ["pass", "fail", "unknown"],
            "covered": ["pass", "fail", "unknown"],
            "missing": [],
        }
    ]


def test_a_malformed_case_is_an_input_error_with_its_position(scaffolded: Path) -> None:
    (scaffolded / "tests" / "typo.yaml").write_text("description: x\nexpct:\n  AC-CLI-001: pass\n")
    code, _, err = run("packs", "test", "acme-credit")
    assert code == 2
    assert "acme-credit/tests/typo.yaml:2:1: error: unknown key 'expct' in test case" in err
    assert "(did you mean 'expect'?)" in err
    assert "acme-credit/tests/typo.yaml:1:1: error: test case: expect: field required" in err


def test_an_invalid_case_declaration_is_an_input_error_at_the_case_line(
    scaffolded: Path,
) -> None:
    case = scaffolded / "tests" / "pass.yaml"
    case.write_text(
        case.read_text().replace("{name: Example Co}", "{name: Example Co, headcont: 2}")
    )
    code, out, err = run("packs", "test", "acme-credit")
    assert code == 2, out
    assert (
        "acme-credit/tests/pass.yaml:4:31: error: unknown key 'headcont' in company "
        "(did you mean 'headcount'?)" in err
    )
    assert "<input>" not in err and "no such rule" not in out + err


def test_a_case_may_expect_a_disabled_rule(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(manifest.read_text() + "disable: [CR-XB-001]\n")
    case = scaffolded / "tests" / "pass.yaml"
    case.write_text(case.read_text() + "  CR-XB-001: disabled\n")
    code, out, err = run("packs", "test", "acme-credit")
    assert code == 0, out + err
    case.write_text(case.read_text().replace("CR-XB-001: disabled", "CR-LIC-001: disabled"))
    code, out, _ = run("packs", "test", "acme-credit")
    assert code == 1
    assert "      - CR-LIC-001: disabled\n      + CR-LIC-001: " in out


def test_case_statuses_are_checked_against_the_status_list(scaffolded: Path) -> None:
    (scaffolded / "tests" / "bad.yaml").write_text("expect:\n  AC-CLI-001: passed\n")
    code, _, err = run("packs", "test", "acme-credit")
    assert code == 2 and "tests/bad.yaml:2:3" in err and "expect.AC-CLI-001" in err


@pytest.mark.parametrize("pack_id", TESTED)
def test_bundled_pack_tests_pass_through_the_cli(pack_id: str) -> None:
    code, out, _ = run("packs", "test", POLICIES / pack_id, "--min-coverage", "80")
    assert code == 0, out
    assert " 0 failed" not in out and "cases passed" in out


@pytest.mark.parametrize("pack_id", BUNDLED)
def test_bundled_packs_lint_without_errors(pack_id: str) -> None:
    code, out, _ = run("packs", "lint", POLICIES / pack_id)
    assert code == 0, out
    assert out.endswith(f"{pack_id}: 0 errors, 0 warnings\n")


def test_every_bundled_pack_has_tests() -> None:
    assert TESTED == BUNDLED


# ---------------------------------------------------------------- packs lint


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def test_lint_reports_every_problem_with_positions(scaffolded: Path) -> None:
    write(
        scaffolded,
        "extra.rules",
        """\
        const UNUSED = 3
        rule AC-CLI-002 { title: "x" domain: client severity: low require: company.headcont > 2 }
        """,
    )
    code, out, _ = run("packs", "lint", "acme-credit")
    assert code == 2
    assert (
        "acme-credit/extra.rules:2:68: error: the declaration schema has no field 'headcont'" in out
    )
    assert "acme-credit/extra.rules:1:7: warning: constant 'UNUSED' is never used" in out
    assert "acme-credit/extra.rules:2:6: warning: rule AC-CLI-002 has no 'cite'" in out
    assert out.endswith("acme-credit: 1 error, 3 warnings\n")


def test_lint_strict_turns_warnings_into_errors(scaffolded: Path) -> None:
    write(
        scaffolded,
        "extra.rules",
        'rule AC-CLI-002 { title: "x" domain: client severity: low require: true '
        'remediation: "r" }\n',
    )
    code, out, _ = run("packs", "lint", "acme-credit")
    assert code == 0 and out.endswith("0 errors, 1 warning\n")
    code, out, _ = run("packs", "lint", "--strict", "acme-credit")
    assert code == 2
    assert "extra.rules:1:6: error: rule AC-CLI-002 has no 'cite'" in out


def test_lint_checks_overrides_translations_and_tests(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(
        manifest.read_text().replace("languages: [en]", "languages: [en, zh]")
        + textwrap.dedent(
            """\
            overrides:
              CR-LIC-001: {severity: critical, remediation: "Apply for the licence."}
              AC-CLI-001: {severity: high}
            """
        )
    )
    write(scaffolded, "tests/ghost.yaml", "expect:\n  AC-CLI-009: pass\n")
    code, out, _ = run("packs", "lint", "acme-credit")
    assert code == 2, out
    assert (
        "acme-credit/pack.yaml:15:16: warning: the override of severity of CR-LIC-001 gives "
        "the value it already has" in out
    )
    assert "warning: CR-LIC-001: 'remediation' is overridden but 'remediation@zh' still says" in out
    assert (
        "acme-credit/pack.yaml:16:3: warning: acme-credit overrides its own rule AC-CLI-001" in out
    )
    assert (
        "acme-credit/main.rules:4:6: warning: rule AC-CLI-001 has no title@zh, remediation@zh "
        "(pack.yaml languages include zh)" in out
    )
    assert (
        "acme-credit/tests/ghost.yaml:2:3: error: the test case names rule AC-CLI-009, "
        "which the pack does not have" in out
    )
    assert out.endswith("acme-credit: 1 error, 4 warnings\n")


def test_lint_warns_when_a_pack_disables_what_it_defines(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(manifest.read_text() + "disable: [client]\n")
    code, out, _ = run("packs", "lint", "acme-credit")
    assert "pack.yaml:14:11: warning: acme-credit disables 'client', which it defines" in out
    # the rule is gone, so the cases that name it no longer fit the pack
    assert code == 2
    assert "tests/pass.yaml:9:3: error: the test case names rule AC-CLI-001" in out


def test_lint_warns_of_a_business_line_kind_the_schema_does_not_have(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(manifest.read_text() + "business_lines: [credit_scoring, credit_reprot]\n")
    code, out, _ = run("packs", "lint", "acme-credit")
    assert code == 0  # a warning
    assert (
        "pack.yaml:14:34: warning: 'credit_reprot' is not a business-line kind of the declaration "
        "schema (did you mean 'credit_report'?)" in out
    )
    assert "'credit_scoring' is not" not in out


def test_lint_json(scaffolded: Path) -> None:
    write(scaffolded, "main.rules", "rule AC-1 { title: 'x' }\n")
    code, out, _ = run("packs", "lint", "acme-credit", "--format", "json")
    data = json.loads(out)
    assert code == 2
    assert data["errors"] == 1
    (diagnostic,) = data["diagnostics"]
    assert diagnostic["file"] == "acme-credit/main.rules"
    assert (diagnostic["line"], diagnostic["column"], diagnostic["code"]) == (1, 20, "syntax")


def test_lint_without_tests_warns(tmp_path: Path) -> None:
    # Every bundled pack has tests, so lint a copy of the starter pack without its tests/ folder.
    shutil.copytree(
        POLICIES / "starter", tmp_path / "starter", ignore=shutil.ignore_patterns("tests")
    )
    code, out, _ = run("packs", "lint", tmp_path / "starter")
    assert code == 0
    assert "pack.yaml:1:1: warning: starter has no test cases (tests/*.yaml)" in out


# ---------------------------------------------------------------- packs fmt

UGLY = """\
# header
const  LIMIT=5
rule AC-X-1 {title:"x"   domain: client severity:low   # trailing
  cite: "c" remediation: "r"
  require: (company.headcount??0)>LIMIT and
  declared(company.name) }
"""

PRETTY = """\
# header
const LIMIT = 5

rule AC-X-1 {
    title: "x"
    domain: client
    severity: low  # trailing
    cite: "c"
    remediation: "r"
    require: (company.headcount ?? 0) > LIMIT and declared(company.name)
}
"""


def test_fmt_rewrites_in_place_and_check_reports(scaffolded: Path) -> None:
    path = scaffolded / "extra.rules"
    path.write_text(UGLY)
    code, out, _ = run("packs", "fmt", "--check", "--diff", "acme-credit")
    assert code == 1
    assert f"would reformat {Path('acme-credit') / 'extra.rules'}" in out
    assert "\n-const  LIMIT=5\n" in out and "\n+const LIMIT = 5\n" in out
    assert path.read_text() == UGLY  # --check changes nothing
    code, out, _ = run("packs", "fmt", "acme-credit")
    assert code == 0 and "1 file reformatted, 1 already formatted" in out
    assert path.read_text() == PRETTY
    assert run("packs", "fmt", "--check", path) == (
        0,
        "0 files would be reformatted, 1 already formatted\n",
        "",
    )


def test_fmt_of_a_file_that_does_not_parse_changes_nothing(scaffolded: Path) -> None:
    good = scaffolded / "a.rules"
    good.write_text(UGLY)
    bad = scaffolded / "b.rules"
    bad.write_text("rule AC-X-2 { title: 'x' }\n")
    code, _, err = run("packs", "fmt", "acme-credit")
    assert code == 2
    assert "acme-credit/b.rules:1:22: error: unexpected character" in err
    assert good.read_text() == UGLY


# ---------------------------------------------------------------- explain


def test_explain_marks_inherited_and_overridden_parts(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(
        manifest.read_text() + "overrides:\n  CR-LIC-002: {severity: critical, effort: 30 days}\n"
    )
    code, out, _ = run("explain", "CR-LIC-002", "--pack", "acme-credit")
    assert code == 0, out
    assert "  pack            cn-credit-reporting 1.1.0  (inherited by acme-credit)\n" in out
    assert (
        "  severity        critical   [overridden by acme-credit at acme-credit/pack.yaml:15:16; "
        "was high]" in out
    )
    assert "  effort          30 days   [overridden by acme-credit" in out
    assert "  cite            Credit Reporting Regulation Art. 10" in out
    assert "\n    company.licenses[].kind                       one of personal_credit" in out


def test_explain_rule_golden(golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    # a folder path, so that the source line reads the same in a checkout and an installed wheel
    code, out, _ = run("explain", "CR-LIC-003", "--pack", "policies/cn-credit-reporting")
    assert code == 0
    golden("explain/CR-LIC-003.txt", out)  # type: ignore[operator]


def test_explain_trace_golden(golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args = ["explain", "CR-CON-001", "examples/crawler-firm-2019.yaml"]
    code, out, _ = run(*args, "--pack", "cn-credit-reporting", "--as-of", "2026-01-15")
    assert code == 0
    golden("explain/CR-CON-001-crawler-firm-2019.txt", out)  # type: ignore[operator]
    assert "status FAIL" in out
    assert (
        "company.registered_capital_cny  => 10000000   [at examples/crawler-firm-2019.yaml:" in out
    )


def test_explain_trace_shows_unknowns_and_elements(tmp_path: Path) -> None:
    declaration = tmp_path / "d.yaml"
    declaration.write_text(
        textwrap.dedent(
            """\
            schema_version: 1
            company: {name: X}
            data_sources:
              - {id: ds-app, contains_personal_info: true}
            """
        )
    )
    code, out, _ = run(
        "explain", "ST-GOV-001", declaration, "--pack", "starter", "--as-of", "2026-01-15"
    )
    assert code == 0, out
    assert "status UNKNOWN" in out
    assert f"for s = data_sources[0] [ds-app]   [at {declaration}:4:5]" in out
    assert "governance.pi_protection_officer.appointed  => unknown (not declared)" in out
    assert "witnesses (as reports show them):" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ST-GOV-01", "--pack", "starter"], "pack starter has no rule ST-GOV-01 (did you mean"),
        (["ST-GOV-001", "missing.yaml", "--pack", "starter"], "missing.yaml"),
    ],
)
def test_explain_bad_input_exits_2(args: list[str], message: str) -> None:
    code, _, err = run("explain", *args)
    assert code == 2 and message in err


def test_explain_names_the_pack_that_disabled_a_rule(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    manifest.write_text(manifest.read_text() + "disable: [CR-LIC-002]\n")
    code, _, err = run("explain", "CR-LIC-002", "--pack", "acme-credit")
    assert code == 2
    assert "rule CR-LIC-002 is disabled by acme-credit" in err


# ---------------------------------------------------------------- init


def test_init_writes_exactly_the_fields_the_rules_read(tmp_path: Path) -> None:
    target = tmp_path / "firm.yaml"
    code, out, _ = run("init", "--pack", "cn-credit-reporting", "-o", target)
    assert code == 0 and f"wrote {target}" in out
    text = target.read_text()
    data = yaml.safe_load(text)
    pack = licensecheck.prepare_pack("cn-credit-reporting").checked
    # a list of plain values (sensitive_categories[]) is written as the empty list field
    wanted = {p[:-1] if p[-1] == ELEMENT else p for p in leaves(read_fields(pack))}
    written = set(_leaf_paths(data))
    # every field read is there; the only others are the required ones
    assert wanted <= written
    assert written - wanted <= {
        ("schema_version",),
        ("company", "name"),
        *((*p[: p.index(ELEMENT) + 1], "id") for p in wanted if ELEMENT in p),
    }
    assert (
        "  # Registered capital in CNY (yuan), a whole number; a whole number; used by CR-CON-001\n"
        "  registered_capital_cny:\n" in text
    )
    assert run("validate", target)[0] == 0
    result = licensecheck.assess(target, "cn-credit-reporting", as_of="2026-01-15")
    assert {f.status for f in result.findings} <= {"unknown", "not_applicable", "pass"}


def test_init_to_a_file_names_the_schema_for_yaml_editors(tmp_path: Path) -> None:
    """The modeline the YAML language server reads: the schema, relative to the file."""
    target = tmp_path / "clients" / "firm.yaml"
    target.parent.mkdir()
    assert run("init", "--pack", "starter", "-o", target)[0] == 0
    first, *_ = target.read_text(encoding="utf-8").split("\n")
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (target.parent / first.split("=", 1)[1]).resolve()
    assert schema == (schemas_dir() / "declaration.schema.json").resolve()
    assert json.loads(schema.read_text(encoding="utf-8"))["$id"].startswith("urn:licensecheck")
    assert run("validate", target)[0] == 0
    # on standard output there is no file to be relative to: no modeline
    assert "yaml-language-server" not in run("init", "--pack", "starter")[1]


def _leaf_paths(data: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaf_paths(v, (*prefix, str(k)))] or [prefix]
    if isinstance(data, list):
        return [p for item in data for p in _leaf_paths(item, (*prefix, ELEMENT))] or [prefix]
    return [prefix]


def test_init_includes_extension_fields_and_refuses_to_overwrite(scaffolded: Path) -> None:
    (scaffolded / "schema.json").write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "tier": {"type": "string", "enum": ["gold", "silver"], "description": "Tier."}
                },
            }
        )
    )
    write(
        scaffolded,
        "ext.rules",
        'rule AC-EXT-1 { title: "x" domain: client severity: low cite: "c" '
        'remediation: "r" require: extensions["acme-credit"].tier == "gold" }\n',
    )
    code, out, _ = run("init", "--pack", "acme-credit")
    assert code == 0
    assert '  "acme-credit":\n    # Tier; one of gold, silver; used by AC-EXT-1\n    tier:\n' in out
    target = scaffolded.parent / "firm.yaml"
    target.write_text("keep me\n")
    code, _, err = run("init", "--pack", "acme-credit", "-o", target)
    assert code == 2 and "exists" in err
    assert target.read_text() == "keep me\n"
    assert run("init", "--pack", "acme-credit", "-o", target, "--force")[0] == 0
    modeline, written = target.read_text().split("\n", 1)  # a file starts with the modeline
    assert modeline.startswith("# yaml-language-server: $schema=") and written == out


# ---------------------------------------------------------------- the test-case format


def test_schema_pack_test_is_the_shipped_schema_and_fits_the_bundled_cases() -> None:
    import jsonschema

    from licensecheck.authoring.packtest import case_files
    from licensecheck.declaration.loader import parse_declaration_text

    shipped = json.loads((REPO / "schemas" / "pack-test.schema.json").read_text())
    code, out, _ = run("schema", "pack-test")
    assert code == 0
    assert json.loads(out) == shipped
    # The committed file, not the model's own output, judges the cases: it is what users get.
    validator = jsonschema.Draft202012Validator(shipped)
    cases = [case for pack in TESTED for case in case_files(POLICIES / pack)]
    assert len(cases) > 50
    for case in cases:
        data, _ = parse_declaration_text(case.read_text(encoding="utf-8"), str(case))
        assert not list(validator.iter_errors(data)), case
    # ...and it refuses what docs/authoring.md says a case cannot be.
    for bad in (
        {"expect": {"A-1": "passed"}},  # not a status
        {"declaration": {}},  # no expectations
        {"expect": {}, "declarations": {}},  # a misspelt key
        {"expect": {}, "expect_witnesses": {"A-1": "company.name"}},  # not a list of paths
    ):
        assert not validator.is_valid(bad), bad


# ---------------------------------------------------------------- time-phased rules, end to end


def test_time_phased_rules_from_the_command_line(tmp_path: Path) -> None:
    pack = tmp_path / "phased"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "id: phased\nversion: 1.0.0\ntitle: Phased\ndomains:\n  gov: {title: Governance}\n"
    )
    write(
        pack,
        "main.rules",
        """\
        rule PH-1 { title: "New duty" domain: gov severity: high cite: "c" remediation: "r"
            effective_from: 2026-07-01 require: governance.pi_protection_officer.appointed }
        rule PH-2 { title: "Duty with a transition" domain: gov severity: high cite: "c"
            remediation: "r" grace_until: 2026-06-30
            require: governance.pi_protection_officer.reports_to_board }
        """,
    )
    declaration = tmp_path / "firm.yaml"
    declaration.write_text(
        "schema_version: 1\ncompany: {name: X}\n"
        "governance: {pi_protection_officer: {appointed: false, reports_to_board: false}}\n"
    )
    today = run("check", declaration, "--pack", pack, "--as-of", "2026-01-15", "--verbose")
    assert today[0] == 0  # PH-1 not in force, PH-2 failing in its grace period
    assert "not yet in force (takes effect on 2026-07-01)" in today[1]
    assert "[in grace period]" in today[1] and "(grace period until 2026-06-30)" in today[1]
    go_live = run("check", declaration, "--pack", pack, "--as-of", "2026-07-01")
    assert go_live[0] == 1
    assert "FAIL     high     PH-1" in go_live[1] and "FAIL     high     PH-2" in go_live[1]
    assert "[in grace period]" not in go_live[1]


def test_init_golden(golden: object) -> None:
    code, out, _ = run("init", "--pack", "starter")
    assert code == 0
    golden("init/starter.yaml", out)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("description", "comment"),
    [
        ("Licence number (PIPL Art. 38). More.", "Licence number (PIPL Art. 38)"),
        ("Under PIPL Art. 6 the purpose is clear. More.", "Under PIPL Art. 6 the purpose is clear"),
        ("Its name, e.g. a bank. Shown in reports.", "Its name, e.g. a bank"),
        ("The basis. legitimate_interests is GDPR only.", "The basis"),
        (
            "Valid until; leave out if it never expires.",
            "Valid until; leave out if it never expires",
        ),
        ("Where (Cal. Civ. Code § 1). Decides.", "Where (Cal. Civ. Code § 1)"),
        ("No sentence end at all (e.g. CN).", "No sentence end at all (e.g. CN)"),
    ],
)
def test_init_comments_stop_at_a_real_sentence_end(description: str, comment: str) -> None:
    from licensecheck.authoring.skeleton import first_sentence

    assert first_sentence(description) == comment


def test_init_comments_keep_article_numbers() -> None:
    code, out, _ = run("init", "--pack", "cn-personal-information")
    assert code == 0
    # were cut at "…needs…" and "…interes…"
    assert "(PIPL Art. 6; for sensitive" in out
    assert "rights and interests (PIPL Art. 30;" in out
    assert "…" not in out


def test_the_commented_inheritance_examples_name_the_parents_rules(scaffolded: Path) -> None:
    manifest = scaffolded / "pack.yaml"
    text = manifest.read_text()
    parent = licensecheck.prepare_pack("cn-credit-reporting").checked
    overridden = text.split("#   ", 1)[1].split(":", 1)[0]
    assert overridden in {r.id for r in parent.rules}
    # uncommented, the examples load: every rule and domain they name exists
    manifest.write_text(
        text.replace("# overrides:", "overrides:")
        .replace("#   ", "  ")
        .replace("# disable:", "disable:")
    )
    code, out, err = run("packs", "lint", "acme-credit")
    assert code == 0, out + err


def test_packs_doc_shows_overrides_and_disabled_rules_and_takes_pack_path(tmp_path: Path) -> None:
    folder = tmp_path / "packs" / "acme-doc"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(
        'id: acme-doc\nversion: 0.1.0\ntitle: "A"\nextends: starter\n'
        "overrides:\n  ST-LIC-001: {severity: high}\ndisable: [ST-GOV-002]\n"
    )
    (folder / "main.rules").write_text("# nothing of its own\n")
    code, out, err = run("packs", "doc", "acme-doc", "--pack-path", str(tmp_path / "packs"))
    assert code == 0, err
    assert "| ST-LIC-001 |" in out and "severity: critical → high (`acme-doc`)" in out
    assert "## Disabled rules" in out and "| ST-GOV-002 | `acme-doc` |" in out
