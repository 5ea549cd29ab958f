"""Declarations for the engine's differential tests: the example files and the benchmark's
generated firms (bench/declarations.py), loaded as a check loads them."""

from __future__ import annotations

import sys
from functools import cache

import licensecheck
from licensecheck.declaration.loader import Declaration

from .paths import REPO

EXAMPLE_FILES = sorted((REPO / "examples").glob("*.yaml"))


def generated(count: int) -> list[Declaration]:
    """The first ``count`` declarations bench/ generates (the same on every call)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import declarations as bench_declarations
    finally:
        sys.path.remove(str(REPO / "bench"))
    return [licensecheck.load_declaration(data) for data in bench_declarations.generate(count)]


@cache
def generated_one(index: int) -> Declaration:
    return generated(index + 1)[index]


def example_or_generated(index: int) -> Declaration:
    """Example ``index``, or past the examples a generated declaration: the sources the
    differential tests change at random (``index`` up to ``len(EXAMPLE_FILES) + 1``)."""
    if index < len(EXAMPLE_FILES):
        return example(index)
    return generated_one(index - len(EXAMPLE_FILES))


@cache
def example(index: int) -> Declaration:
    return licensecheck.load_declaration(EXAMPLE_FILES[index])


def loadable_examples() -> list[Declaration]:
    """The example files that load (one is invalid on purpose)."""
    found = []
    for path in EXAMPLE_FILES:
        try:
            found.append(licensecheck.load_declaration(path))
        except licensecheck.DeclarationError:
            continue
    return found
