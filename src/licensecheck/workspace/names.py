"""Company names for matching: two spellings of one firm's name in, one comparison key out.

A supplier is written "某某数据科技（深圳）有限公司" in one declaration, "某某数据科技(深圳)有限公司"
in another, "Moumou Data Co., Ltd." in one and "MOUMOU DATA COMPANY LIMITED" in a watchlist.
:func:`normalise_name` maps such variants to one key:

1. NFKC, so full-width letters, digits, brackets and spaces become their half-width forms;
2. case folded;
3. the parenthesised qualifiers of :data:`QUALIFIERS` removed (``(中国)``, ``(China)``);
4. punctuation and whitespace collapsed to single spaces, and the spaces between two CJK
   characters dropped (Chinese names are written without them);
5. the legal-form suffixes of :data:`LEGAL_FORMS` removed from the end, repeatedly
   (``集团有限公司``, ``Pte. Ltd.``), but never the whole name.

The key is for comparing names only; it is never shown in place of the name as written.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LEGAL_FORMS", "QUALIFIERS", "normalise_name"]

#: Legal forms at the end of a name, as normalised words. A Latin form is a run of whole words;
#: a Chinese one ends the last word (Chinese is written without spaces).
LEGAL_FORMS: tuple[str, ...] = (
    # Chinese: the company-law forms and the group label
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "集团",
    "公司",
    # English and other Latin-script forms, as they are written after punctuation is dropped
    "co ltd",
    "company limited",
    "company ltd",
    "co limited",
    "limited",
    "ltd",
    "incorporated",
    "inc",
    "l l c",
    "llc",
    "corporation",
    "corp",
    "company",
    "co",
    "gmbh",
    "plc",
    "pte",
    "pty",
    "group",
)

#: Parenthesised parts of a name that do not tell two firms apart: "某某(中国)有限公司" is
#: registered as the China entity of a group, and screening lists often drop it.
QUALIFIERS: tuple[str, ...] = ("中国", "china")

_CJK = re.compile(
    r"[\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)
_QUALIFIER = re.compile(r"\(\s*(?:" + "|".join(map(re.escape, QUALIFIERS)) + r")\s*\)")
_LATIN_FORMS = sorted(
    (tuple(form.split()) for form in LEGAL_FORMS if not _CJK.search(form)), key=len, reverse=True
)
_CJK_FORMS = sorted((form for form in LEGAL_FORMS if _CJK.search(form)), key=len, reverse=True)


def normalise_name(name: str) -> str:
    """The comparison key of a company name (see the module's docstring); idempotent."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    text = _QUALIFIER.sub(" ", text)
    return " ".join(_without_legal_forms(_words(text)))


def _words(text: str) -> list[str]:
    """Runs of letters, digits and symbols; two runs meeting between CJK characters are one."""
    cleaned = "".join(" " if _separates(ch) else ch for ch in text)
    words: list[str] = []
    for word in cleaned.split():
        if words and _CJK.match(words[-1][-1]) and _CJK.match(word[0]):
            words[-1] += word
        else:
            words.append(word)
    return words


def _separates(ch: str) -> bool:
    """Punctuation, spaces and control characters separate words; letters and symbols do not."""
    return unicodedata.category(ch)[0] in "PZC"


def _without_legal_forms(words: list[str]) -> list[str]:
    """``words`` without the legal forms at their end, as long as something remains."""
    while True:
        shorter = _drop_one_form(words)
        if shorter is None or not shorter:
            return words
        words = shorter


def _drop_one_form(words: list[str]) -> list[str] | None:
    for form in _LATIN_FORMS:
        if len(words) >= len(form) and tuple(words[-len(form) :]) == form:
            return words[: -len(form)]
    last = words[-1] if words else ""
    for cjk_form in _CJK_FORMS:
        if last.endswith(cjk_form):
            rest = last[: -len(cjk_form)]
            return [*words[:-1], rest] if rest else words[:-1]
    return None
