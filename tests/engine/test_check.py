"""Static checks: every load-time error and warning of the spec, with its position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import licensecheck
from helpers.rules import MakePack

HEAD = 'title: "x" domain: d severity: low'

ERRORS = [
    # (rules, diagnostic code, message fragment, where the error points)
    (
        "const company = 1\nrule A-1 { " + HEAD + " require: true }",
        "name-clash",
        "top-level declaration field",
        "company",
    ),
    (
        "const X = company.name\nrule A-1 { " + HEAD + ' require: X == "a" }',
        "not-constant",
        "must be a fixed value",
        "company.name",
    ),
    (
        "predicate p = q\npredicate q = p\nrule A-1 { " + HEAD + " require: p }",
        "predicate-cycle",
        "p -> q -> p",
        "q\n",
    ),
    ("rule A-1 { " + HEAD + " require: nope }", "unknown-name", "unknown name 'nope'", "nope"),
    (
        "rule A-1 { " + HEAD + " require: company.regsitered_capital_cny > 1 }",
        "unknown-path",
        "did you mean 'registered_capital_cny'",
        "company.regsitered",
    ),
    (
        "rule A-1 { " + HEAD + ' require: data_sources.kind == "crawled" }',
        "not-an-object",
        "is a list",
        "data_sources.kind",
    ),
    (
        "rule A-1 { " + HEAD + ' require: company.incorporated_on == "2020-01-01" }',
        "type",
        "cannot compare a date",
        "company.incorporated_on",
    ),
    (
        "rule A-1 { " + HEAD + " require: security.audit_logging.retention_days >= 180 days }",
        "type",
        "with a duration",
        "security.audit",
    ),
    (
        "rule A-1 { " + HEAD + " require: company.name }",
        "type",
        "needs true/false",
        "company.name }",
    ),
    (
        "rule A-1 { " + HEAD + ' require: any s in data_sources: s.kind == "crawld" }',
        "unknown-value",
        'did you mean "crawled"',
        '"crawld"',
    ),
    (
        "rule A-1 { " + HEAD + " require: true }\nrule A-1 { " + HEAD + " require: true }",
        "duplicate-rule",
        "defined twice",
        "A-1 {",
    ),
    (
        "rule A-1 { " + HEAD + " require: true after: [A-2] }",
        "unknown-rule",
        "unknown rule A-2",
        "A-2]",
    ),
    (
        "rule A-1 { "
        + HEAD
        + " require: true after: [A-2] }\nrule A-2 { "
        + HEAD
        + " require: true after: [A-1] }",
        "after-cycle",
        "A-1 -> A-2 -> A-1",
        "A-1 {",
    ),
    (
        'rule A-1 { title: "x" domain: d severity: hgh require: true }',
        "unknown-severity",
        "did you mean 'high'",
        "hgh",
    ),
    (
        'rule A-1 { title: "x" domain: nowhere severity: low require: true }',
        "unknown-domain",
        "not listed in pack.yaml",
        "nowhere",
    ),
    (
        'rule A-1 { title: "x" domain: d severity: low reqiure: true }',
        "unknown-field",
        "did you mean 'require'",
        "reqiure",
    ),
    (
        'rule A-1 { title: "x" domain: d severity: low }',
        "missing-field",
        "has no 'require'",
        "A-1 {",
    ),
    (
        "rule A-1 { " + HEAD + " require: all company in data_sources: true }",
        "name-clash",
        "hides a top-level",
        "all company",
    ),
    (
        "const K = 1\nrule A-1 { " + HEAD + " require: all K in data_sources: true }",
        "name-clash",
        "hides a const",
        "all K",
    ),
    (
        "rule A-1 { " + HEAD + ' require: company.uscc matches "(a" }',
        "bad-pattern",
        "missing )",
        '"(a"',
    ),
    (
        "rule A-1 { " + HEAD + " require: company.name == null }",
        "type",
        "always unknown",
        "company.name ==",
    ),
    (
        "rule A-1 { " + HEAD + " require: lenn(company.name) > 1 }",
        "unknown-function",
        "did you mean 'len'",
        "lenn",
    ),
    ("rule A-1 { " + HEAD + " require: declared(1) }", "type", "takes a declaration path", "1)"),
    (
        "rule A-1 { " + HEAD + " require: company.name + 1 > 2 }",
        "type",
        "cannot compute text + a number",
        "company.name +",
    ),
    (
        "rule A-1 { " + HEAD + " effort: 3 require: true }",
        "field-type",
        "'effort' must be a duration",
        "3 require",
    ),
    (
        "rule A-1 { title: 3 domain: d severity: low require: true }",
        "field-type",
        "must be a quoted string",
        "3 domain",
    ),
    (
        "rule A-1 { " + HEAD + ' domain@zh: "x" require: true }',
        "unknown-field",
        "no language variants",
        "domain@zh",
    ),
]


def position_of(text: str, marker: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the n-th occurrence of ``marker`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(marker, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize(
    ("rules", "code", "fragment", "marker"),
    ERRORS,
    ids=[e[1] + "-" + str(i) for i, e in enumerate(ERRORS)],
)
def test_static_error(
    make_pack: MakePack, rules: str, code: str, fragment: str, marker: str
) -> None:
    pack = make_pack(rules)
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(pack)
    matching = [d for d in caught.value.diagnostics if d.code == code]
    assert matching, caught.value.render()
    diagnostic = matching[0]
    assert fragment in diagnostic.message
    assert diagnostic.span is not None
    occurrence = 2 if code == "duplicate-rule" else 1
    expected = position_of(rules, marker, occurrence)
    assert (diagnostic.span.line, diagnostic.span.column) == expected, diagnostic.render()
    assert diagnostic.span.file.endswith("main.rules")
    assert diagnostic.snippet and "^" in diagnostic.snippet


def test_all_errors_reported_at_once(make_pack: MakePack) -> None:
    """Six different mistakes in one file: each reported once, at its line, in file order."""
    # Each snippet gets its own rule id, or duplicate-rule errors would mask the six.
    snippets = [
        rules.replace("rule A-1", f"rule A-{i}") for i, (rules, *_) in enumerate(ERRORS[:6])
    ]
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(make_pack("\n".join(snippets)))
    found = [(d.code, d.span and d.span.line) for d in caught.value.diagnostics]
    assert found == [
        ("name-clash", 1),
        ("not-constant", 3),
        ("predicate-cycle", 5),
        ("unknown-name", 8),
        ("unknown-path", 9),
        ("not-an-object", 10),
    ], caught.value.render()


def test_warnings(make_pack: MakePack) -> None:
    rules = """
        const UNUSED = 1
        predicate unused_p = true
        rule A-1 { title: "x" domain: d severity: low require: true }
    """
    compiled = licensecheck.prepare_pack(make_pack(rules))
    messages = sorted((d.code, d.message) for d in compiled.checked.warnings)
    assert messages == [
        ("missing-cite", "rule A-1 has no 'cite'"),
        ("missing-remediation", "rule A-1 has no 'remediation'"),
        ("unused", "constant 'UNUSED' is never used"),
        ("unused", "predicate 'unused_p' is never used"),
    ]
    assert all(d.level == "warning" for d in compiled.checked.warnings)


def test_unlisted_domains_warn(tmp_path: Path) -> None:
    (tmp_path / "nodomains").mkdir()
    (tmp_path / "nodomains" / "pack.yaml").write_text("id: nodomains\nversion: 1.0.0\ntitle: T\n")
    (tmp_path / "nodomains" / "r.rules").write_text(
        'rule A-1 { title: "x" domain: anything severity: low cite: "c" remediation: "r" require: true }'
    )
    compiled = licensecheck.prepare_pack(tmp_path / "nodomains")
    assert [d.code for d in compiled.checked.warnings] == ["unlisted-domains"]


def test_extends_one_parent_shares_consts_and_rules(tmp_path: Path, make_pack: MakePack) -> None:
    parent = make_pack(
        'const LIMIT = 5\npredicate big = (company.headcount ?? 0) > LIMIT\nrule P-1 { title: "p" domain: d severity: low cite: "c" remediation: "r" require: big }',
        pack_id="parent-pack",
    )
    child = make_pack(
        'rule C-1 { title: "c" domain: d severity: high cite: "c" remediation: "r" when: big require: company.headcount < LIMIT * 10 after: [P-1] }',
        extra=f"extends: {parent}\n",
        pack_id="child-pack",
    )
    result = licensecheck.assess(
        {"schema_version": 1, "company": {"name": "X", "headcount": 60}}, child
    )
    assert [(f.rule_id, f.status) for f in result.findings] == [("C-1", "fail"), ("P-1", "pass")]


def test_extends_cycle_is_an_error(tmp_path: Path, make_pack: MakePack) -> None:
    a = tmp_path / "cyc-a"
    b = tmp_path / "cyc-b"
    for me, other in ((a, b), (b, a)):
        me.mkdir()
        (me / "pack.yaml").write_text(
            f"id: {me.name}\nversion: 1.0.0\ntitle: T\nextends: {other}\n"
        )
        (me / "r.rules").write_text('rule X-1 { title: "x" domain: d severity: low require: true }')
    with pytest.raises(licensecheck.PackError, match="cycle"):
        licensecheck.prepare_pack(a)


def test_child_redefining_parent_rule_is_an_error(make_pack: MakePack) -> None:
    parent = make_pack(
        'rule P-1 { title: "p" domain: d severity: low require: true }', pack_id="par"
    )
    child = make_pack(
        'rule P-1 { title: "again" domain: d severity: low require: true }',
        extra=f"extends: {parent}\n",
        pack_id="chi",
    )
    with pytest.raises(licensecheck.PackError, match="defined twice"):
        licensecheck.prepare_pack(child)


@pytest.mark.parametrize(
    ("manifest", "fragment"),
    [
        ("id: bad-manifest\nversion: 1\ntitle: T\n", "version"),
        ("id: bad-manifest\nversion: 1.0.0\ntitle: T\nextnds: x\n", "did you mean 'extends'"),
        ("id: other-name\nversion: 1.0.0\ntitle: T\n", "differs from its folder name"),
        ("id: bad-manifest\nversion: 1.0.0\n", "title"),
    ],
)
def test_manifest_errors(tmp_path: Path, manifest: str, fragment: str) -> None:
    folder = tmp_path / "bad-manifest"
    folder.mkdir()
    (folder / "pack.yaml").write_text(manifest)
    (folder / "r.rules").write_text('rule X-1 { title: "x" domain: d severity: low require: true }')
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    assert fragment in caught.value.render()
    assert "pack.yaml:" in caught.value.render()


def test_every_manifest_error_at_once_with_suggestions(tmp_path: Path) -> None:
    folder = tmp_path / "bad-manifest"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "id: other-name\nversion: 1.0.0\ntitel: T\nextends: starter\n"
        "overrides:\n  ST-LIC-001: {severity: hgh}\n"
    )
    (folder / "r.rules").write_text('rule X-1 { title: "x" domain: d severity: low require: true }')
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    found = [(d.span and d.span.line, d.message) for d in caught.value.diagnostics]
    assert found == [
        (1, "pack id 'other-name' differs from its folder name 'bad-manifest'"),
        (1, "pack.yaml: title: field required"),
        (3, "unknown key 'titel' in pack.yaml (did you mean 'title'?)"),
        (
            6,
            "pack.yaml: overrides.ST-LIC-001.severity: input should be 'critical', 'high', "
            "'medium' or 'low' (did you mean 'high'?)",
        ),
    ]


def test_an_unknown_parent_comes_with_the_manifest_errors(tmp_path: Path) -> None:
    folder = tmp_path / "child"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "id: child\nversion: 1.0.0\ntitel: T\nextends: [starter, startr, ./nowhere]\n"
    )
    (folder / "r.rules").write_text('rule X-1 { title: "x" domain: d severity: low require: true }')
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(folder)
    found = [(d.code, d.span and (d.span.line, d.span.column)) for d in caught.value.diagnostics]
    assert found == [
        ("manifest", (1, 1)),  # title: field required
        ("manifest", (3, 1)),  # titel
        ("extends", (4, 20)),  # startr: no such pack, reported with them, not after
        ("extends", (4, 28)),  # ./nowhere
    ]
    assert "did you mean 'starter'" in caught.value.diagnostics[2].message


def test_unknown_pack_suggests_a_bundled_one() -> None:
    with pytest.raises(licensecheck.UsageError, match="did you mean 'starter'"):
        licensecheck.prepare_pack("stater")


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        (
            'const K = "crawlled"\nrule A-1 { title: "x" domain: d severity: low require: all s in data_sources: s.kind != K }',
            'did you mean "crawled"',
        ),
        (
            'rule A-1 { title: "x" domain: d severity: low require: all s in data_sources: (s.kind ?? "crawlled") != "crawled" }',
            'did you mean "crawled"',
        ),
        (
            'rule A-1 { title: "x" domain: d severity: low require: all today in data_sources: true }',
            "hides a built-in name",
        ),
        (
            'rule A-1 { title: "x" domain: d severity: low require: data_sources[0.5].kind == "crawled" }',
            "whole number",
        ),
        (
            'const A = B + 1\nconst B = A * 2\nrule A-1 { title: "x" domain: d severity: low require: A > B }',
            "A -> B -> A",
        ),
    ],
)
def test_more_static_errors(make_pack: MakePack, rules: str, fragment: str) -> None:
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(make_pack(rules))
    assert fragment in caught.value.render()


def test_consts_may_refer_to_later_consts(make_pack: MakePack) -> None:
    compiled = licensecheck.prepare_pack(
        make_pack(
            'const A = B / 2\nconst B = 10\nrule A-1 { title: "x" domain: d severity: low cite: "c" remediation: "r" require: A == 5 }'
        )
    )
    assert compiled.checked.consts == {"B": 10, "A": 5.0}


def test_unknown_inside_a_list_literal_is_named(assess: Any) -> None:
    rules = 'rule A-1 { title: "x" domain: d severity: low require: company.headcount in [company.registered_capital_cny, 5] }'
    finding = assess(rules, {"company": {"headcount": 6}}).findings[0]
    assert finding.status == "unknown"
    assert [w.path for w in finding.witnesses] == ["company.registered_capital_cny"]


@pytest.mark.parametrize(
    ("left", "hinted"),
    [("security.audit_logging.retention_days", True), ("company.headcount", False)],
)
def test_the_days_hint_only_comes_with_a_days_field(
    make_pack: MakePack, left: str, hinted: bool
) -> None:
    rules = f'rule A-1 {{ title: "x" domain: d severity: low require: {left} > 10 days }}'
    with pytest.raises(licensecheck.PackError) as caught:
        licensecheck.prepare_pack(make_pack(rules))
    (diagnostic,) = caught.value.diagnostics
    assert "cannot compare a number" in diagnostic.message
    assert (diagnostic.hint is not None) == hinted, diagnostic.render()
