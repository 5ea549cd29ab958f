"""Company-name normalisation and the firm key: variants of one name are one key."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from licensecheck.workspace.identity import firm_key
from licensecheck.workspace.names import LEGAL_FORMS, normalise_name

_FORM_CHARACTERS = set("".join(LEGAL_FORMS))

#: Names drawn from Latin letters, digits, Chinese characters, punctuation and spaces
names = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789 .,()-&'")
        + list("数据科技信用某蓝汀深圳中国有限公司集团股份责任")
        + ["\u3000", "（", "）", "Ａ", "ｂ", "１"]
    ),
    max_size=30,
)
#: A distinctive base name: it does not end in a fragment of a legal form
bases = st.text(
    alphabet=st.sampled_from(list("abefghjkmnqsuvwxyz0123456789数据科技信用某蓝汀深圳 ")),
    min_size=1,
).filter(lambda s: s.strip() != "" and s.strip()[-1] not in _FORM_CHARACTERS)

SUFFIXES = [
    " Co., Ltd.",
    " Co. Ltd",
    " CO.,LTD",
    " Company Limited",
    " Limited",
    " Ltd",
    " Inc.",
    " LLC",
    " Corp.",
    " GmbH",
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "集团有限公司",
    "（中国）有限公司",
    "(中国)集团股份有限公司",
    " Group Co., Ltd.",
]


def _full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms, spaces as U+3000."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


@settings(max_examples=300, deadline=None)
@given(names)
def test_normalising_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@settings(max_examples=300, deadline=None)
@given(names)
def test_full_width_and_half_width_spellings_are_one_name(name: str) -> None:
    assert normalise_name(_full_width(name)) == normalise_name(name)


@settings(max_examples=300, deadline=None)
@given(bases, st.sampled_from(SUFFIXES), st.sampled_from(SUFFIXES))
def test_legal_form_variants_are_one_name(base: str, one: str, other: str) -> None:
    assume(normalise_name(base))
    assert normalise_name(base + one) == normalise_name(base + other) == normalise_name(base)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("蓝汀数据科技（深圳）有限公司", "蓝汀数据科技(深圳)有限公司"),
        ("某某数据 科技 有限公司", "某某数据科技"),
        ("ＡＢＣ　Ｄａｔａ　Ｃｏ．，Ｌｔｄ．", "abc data company limited"),
        ("Huaxin (China) Co., Ltd.", "HUAXIN LIMITED"),
        ("XYZ Pte. Ltd.", "xyz"),
    ],
)
def test_variants_of_a_name_match(one: str, other: str) -> None:
    assert normalise_name(one) == normalise_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("蓝汀数据科技（深圳）有限公司", "蓝汀数据科技（广州）有限公司"),
        ("Alpha Data Co., Ltd.", "Alpha Date Co., Ltd."),
        ("Alpha Data", "Alphadata"),
    ],
)
def test_different_names_stay_apart(one: str, other: str) -> None:
    assert normalise_name(one) != normalise_name(other)


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert normalise_name("Limited") == "limited"
    assert normalise_name("有限公司") == "有限公司"


def test_firm_key_prefers_the_registration_id_then_the_uscc_then_the_name() -> None:
    company = {"name": "Alpha Data Co., Ltd.", "uscc": "91440300ma5fk7q2x1"}
    assert firm_key({**company, "registration_id": " lei 5493 "}) == "LEI5493"
    assert firm_key(company) == "91440300MA5FK7Q2X1"
    assert firm_key({"name": "Alpha Data Co., Ltd."}) == "name:alpha data"
    assert firm_key({"name": "ＡＬＰＨＡ　ＤＡＴＡ　Ｌｉｍｉｔｅｄ"}) == "name:alpha data"


def test_firm_key_of_a_company_without_identity_is_refused() -> None:
    with pytest.raises(ValueError, match="registration_id"):
        firm_key({"registration_id": "  "})
