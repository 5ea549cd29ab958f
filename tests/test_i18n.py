"""The phrasebook: every phrase in both languages, with the same fields to fill in."""

from __future__ import annotations

import string

import pytest

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
