"""A firm's identity in the workspace: its declaration's ``company`` mapping → one stable key.

The key is the first of: ``registration_id``, the unified social credit code ``uscc`` (each
compared as written, after NFKC, without spaces and in upper case, so a full-width code typed
in a Chinese input method is the same code), or ``name:`` followed by the normalised name
(:func:`~.names.normalise_name`), so "某某有限公司" and "某某 Co., Ltd." spellings of one name
do not make two firms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from .names import normalise_name

__all__ = ["firm_key", "normalise_identifier"]


def firm_key(company: Mapping[str, object]) -> str:
    """The stable key of the firm described by a declaration's ``company`` mapping."""
    for field in ("registration_id", "uscc"):
        value = company.get(field)
        if isinstance(value, str) and normalise_identifier(value):
            return normalise_identifier(value)
    name = company.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a company needs a registration_id, a uscc or a name")
    return "name:" + normalise_name(name)


def normalise_identifier(value: str) -> str:
    """A register identifier as compared: NFKC, no whitespace, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()
