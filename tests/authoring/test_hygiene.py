"""``packs lint`` warns about text a reviewer cannot see or cannot tell apart."""

from __future__ import annotations

from pathlib import Path

from helpers.cli import run


def hygiene_pack(tmp_path: Path, rules: str, domains: str = "d: {title: D}") -> Path:
    pack = tmp_path / "hyg"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        f"id: hyg\nversion: 1.0.0\ntitle: H\ndomains: {{{domains}}}\n", encoding="utf-8"
    )
    (pack / "main.rules").write_text(rules, encoding="utf-8")
    return pack


RULE = 'rule A-1 {{ title: "{title}" domain: {domain} severity: low cite: "c" remediation: "r" require: true }}\n'


def test_lint_warns_on_bidirectional_controls_trojan_source(tmp_path: Path) -> None:
    # the comment displays as "# admin only" but hides an override and an isolate
    rules = "# \u202eylno nimda\u2066 #\n" + RULE.format(title="x", domain="d")
    code, out, _ = run("packs", "lint", str(hygiene_pack(tmp_path, rules)))
    assert code == 0  # a warning: nothing runs differently
    assert "main.rules:1:3: warning: invisible character U+202E RIGHT-TO-LEFT OVERRIDE" in out
    assert "main.rules:1:14: warning: invisible character U+2066 LEFT-TO-RIGHT ISOLATE" in out
    assert "\u202e" not in out and "\\u202e" in out  # the snippet shows it as an escape


def test_lint_warns_on_zero_width_characters(tmp_path: Path) -> None:
    rules = RULE.format(title="x\u200by", domain="d")
    code, out, _ = run("packs", "lint", str(hygiene_pack(tmp_path, rules)))
    assert code == 0
    assert "main.rules:1:21: warning: invisible character U+200B ZERO WIDTH SPACE" in out


def test_lint_warns_on_confusable_ids(tmp_path: Path) -> None:
    cyrillic = "d\u0430ta"  # a Cyrillic а in "data"
    rules = RULE.format(title="x", domain=f'"{cyrillic}"')
    pack = hygiene_pack(tmp_path, rules, domains=f"d: {{title: D}}, {cyrillic}: {{title: E}}")
    code, out, _ = run("packs", "lint", str(pack))
    assert code == 0
    expected = f"warning: domain id '{cyrillic}' holds non-ASCII letters that can pass for ASCII ones: \u0430 (U+0430 CYRILLIC SMALL LETTER A)"
    assert f"main.rules:1:31: {expected}" in out
    assert f"pack.yaml:4:26: {expected}" in out


def test_a_plain_pack_has_no_hygiene_warnings(tmp_path: Path) -> None:
    _, out, _ = run(
        "packs", "lint", str(hygiene_pack(tmp_path, RULE.format(title="x", domain="d")))
    )
    assert "invisible character" not in out and "non-ASCII" not in out
