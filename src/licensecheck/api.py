"""The Python API: everything the CLI does, callable from code.

>>> import licensecheck
>>> result = licensecheck.assess("examples/demo-credit-scoring.yaml", "starter", as_of="2026-01-01")
>>> result.summary.score, result.summary.ready  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from .check import CheckedPack, check_pack
from .compile import CompiledPack, compile_pack
from .declaration import Declaration
from .declaration import load_declaration as _load_declaration
from .errors import Diagnostic, UsageError
from .evaluate import assess_compiled
from .models import SEVERITIES, Assessment, Severity
from .pack import LoadedPack, load_pack
from .schema import DeclarationSchema, load_declaration_schema

FAIL_ON_CHOICES = (*SEVERITIES, "none")
LANGUAGES = ("en", "zh")

PackRef = str | os.PathLike[str] | LoadedPack | CheckedPack | CompiledPack
DeclarationRef = str | os.PathLike[str] | Mapping[str, Any] | Declaration


def prepare_pack(pack: PackRef, *, schema: DeclarationSchema | None = None) -> CompiledPack:
    """Load (by bundled id or folder), statically check and compile a pack.

    Raises :class:`~licensecheck.errors.PackError` listing every problem. The result can be
    reused for any number of declarations.
    """
    if isinstance(pack, CompiledPack):
        return pack
    if isinstance(pack, CheckedPack):
        return compile_pack(pack)
    with _no_garbage_collection():  # building thousands of nodes triggers useless GC passes
        loaded = pack if isinstance(pack, LoadedPack) else load_pack(pack)
        return compile_pack(check_pack(loaded, schema or load_declaration_schema()))


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_declaration(
    declaration: DeclarationRef, *, schema: DeclarationSchema | None = None
) -> Declaration:
    """Read and validate a declaration file (YAML or JSON) or an in-memory mapping."""
    if isinstance(declaration, Declaration):
        return declaration
    return _load_declaration(declaration, schema=schema or load_declaration_schema())


def parse_as_of(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            Diagnostic("usage", f"--as-of: '{value}' is not a date (YYYY-MM-DD)")
        ) from None


def assess(
    declaration: DeclarationRef,
    pack: PackRef,
    *,
    as_of: str | dt.date | None = None,
    lang: str = "en",
) -> Assessment:
    """Assess one declaration against one pack on the date ``as_of`` (default: today)."""
    if lang not in LANGUAGES:
        raise UsageError(
            Diagnostic("usage", f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}")
        )
    day = parse_as_of(as_of)
    compiled = prepare_pack(pack)
    loaded = load_declaration(declaration, schema=compiled.checked.schema)
    return assess_compiled(compiled, loaded, day, lang)


def exit_code(assessment: Assessment, fail_on: str = "high") -> int:
    """0 when no gap is at or above ``fail_on``, else 1 (``none`` never fails).

    A gap is a ``fail``, ``unknown`` or ``error`` finding; failures inside a rule's grace
    period do not count.
    """
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(
            Diagnostic(
                "usage", f"unknown --fail-on '{fail_on}'; use one of {', '.join(FAIL_ON_CHOICES)}"
            )
        )
    if fail_on == "none":
        return 0
    threshold = SEVERITIES.index(cast(Severity, fail_on))
    for finding in assessment.findings:
        is_gap = finding.status in ("fail", "unknown", "error") and not finding.in_grace
        if is_gap and SEVERITIES.index(finding.severity) <= threshold:
            return 1
    return 0
