"""Validators built from the official schemas in ../shared/external-schemas (never edited here).

Tests that need them skip when the folder is absent, except in CI (``CI=true``), where a
missing schema is a failure: the outputs must be checked against definitions nobody on this
project wrote.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import validators

from .paths import REPO

#: beside the repository checkout, as in the project's layout
EXTERNAL = REPO.parent / "shared" / "external-schemas"


def external(name: str) -> Path:
    path = EXTERNAL / name
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must validate against the official schemas")
        pytest.skip(f"{path} is not here (outside CI the official schemas are optional)")
    return path


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(external(name).read_text(encoding="utf-8"))
    return data


def sarif_validator() -> Any:
    schema = _json("sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _regex_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with the ``regex`` package: OSCAL's patterns use ``\\p{L}``."""
    import regex

    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def oscal_validator(name: str) -> Any:
    """A draft-07 validator for an OSCAL schema whose ``pattern`` keyword uses ``regex``."""
    import regex

    schema = _json(name)
    checker = jsonschema.FormatChecker()
    checker.checks("regex", raises=regex.error)(lambda value: bool(regex.compile(value)))
    OscalValidator = validators.extend(jsonschema.Draft7Validator, {"pattern": _regex_pattern})
    OscalValidator.check_schema(schema, format_checker=checker)
    return OscalValidator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def json_validator(name: str) -> Any:
    schema = _json(name)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@cache
def _xml_schema(name: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(external(name))))


def assert_valid_junit(text: str) -> None:
    """Valid against both the strict Ant schema and the lenient Jenkins one."""
    from lxml import etree

    document = etree.fromstring(text.encode("utf-8"))
    for name in ("JUnit.xsd", "junit-10.xsd"):
        schema = _xml_schema(name)
        assert schema.validate(document), f"{name}: {schema.error_log}"


def assert_valid(validator: Any, document: Any) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10]
    )
