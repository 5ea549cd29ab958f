"""The phrasebook: every phrase in both languages, with the same fields to fill in."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml

from helpers.cli import run
from helpers.paths import REPO
from licensecheck.i18n import PHRASES, phrase, phrases


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_every_phrase_is_said_in_both_languages_with_the_same_fields(key: str) -> None:
    entry = PHRASES[key]
    assert entry.en and entry.zh
    assert _fields(entry.en) == _fields(entry.zh)


def test_a_language_without_phrases_gets_english() -> None:
    assert phrase("status.fail", "fr") == phrase("status.fail", "en") == "fail"
    assert phrase("status.fail", "zh") == "不符合"
    assert phrase("task.declare", "zh", title="X") == "补充申报：X"


def test_labels_are_the_phrases_under_a_prefix() -> None:
    assert phrases("status.", "en")["not_applicable"] == "not applicable"
    assert "fail" not in phrases("document.", "en")


def test_chinese_text_output_and_titles_are_chinese_throughout(tmp_path: Path) -> None:
    code, out, _ = run(
        "check",
        "--pack",
        "starter",
        "examples/demo-credit-scoring.yaml",
        "--as-of",
        "2026-01-15",
        "--lang",
        "zh",
    )
    assert code == 1
    assert "  不符合   严重     ST-COL-001" in out
    assert " critical " not in out
    # the zh report's title names the company by company.name_zh
    target = tmp_path / "r.md"
    code, _, err = run(
        "report",
        "--pack",
        "starter",
        "examples/demo-credit-scoring.yaml",
        "--as-of",
        "2026-01-15",
        "--lang",
        "zh",
        "-o",
        str(target),
    )
    assert code in (0, 1), err
    name_zh = yaml.safe_load((REPO / "examples/demo-credit-scoring.yaml").read_text())["company"][
        "name_zh"
    ]
    assert target.read_text(encoding="utf-8").splitlines()[0].endswith(name_zh)
