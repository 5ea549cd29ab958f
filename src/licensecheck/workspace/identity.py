"""A firm's identity in the workspace: a declaration's ``company`` → one stable key.

The key is the register identifier (``registration_id``), else the unified social credit code
(``uscc``), else the name, case-folded and with its white space collapsed, so that the runs of
one firm stay together however its declaration is edited.
"""

from __future__ import annotations

from collections.abc import Mapping


def firm_key(company: Mapping[str, object]) -> str:
    """The stable key of the company a declaration describes."""
    for field in ("registration_id", "uscc"):
        value = company.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    name = company.get("name")
    return " ".join(str(name).split()).casefold() if name is not None else ""
