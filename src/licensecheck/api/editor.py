"""The public facade for editors (the language server): unsaved buffers, requirement words,
the fields a pack reads, the declaration schema. :mod:`licensecheck.api` re-exports it."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ..engine.pipeline import (
    PackRef,
    prepare_pack,
)
from ..lang import nodes as syntax  # the rule language's syntax tree, for editors

if TYPE_CHECKING:
    from ..declaration.schema import DeclarationSchema
    from ..declaration.schema import SchemaNode as SchemaNode
    from ..engine.rules import CheckedPack as CheckedPack
    from ..engine.rules import Rule as Rule
    from ..errors import Span as Span


def pack_caching(enabled: bool) -> AbstractContextManager[None]:
    """Within the block, packs are read from and written to the pack cache (``True``) or not.

    An editor turns it off: every keystroke is a new text, and caching each would fill the
    user's cache folder with trees that are never read again."""
    from ..packs.cache import caching

    return caching(enabled)


def unsaved_texts(texts: Mapping[str, str]) -> AbstractContextManager[None]:
    """Within the block, every file in ``texts`` (absolute path → text) is read from it
    instead of the disk: an editor's unsaved buffers, checked as typed."""
    from ..sources.text import unsaved_texts as _unsaved

    return _unsaved(texts)


def requirement_words(
    expr: object, consts: Mapping[str, object] | None = None, lang: str = "en"
) -> str:
    """What a rule expression (a :mod:`licensecheck.lang.nodes` node) requires, in words."""
    from ..lang.nodes import Node
    from ..reports.requirements import requirement_text

    if not isinstance(expr, Node):
        raise TypeError(f"not an expression: {expr!r}")
    return requirement_text(expr, consts, lang)  # type: ignore[arg-type]


def fields_read(pack: PackRef) -> dict[str, set[str]]:
    """Every declaration path the pack's rules read (``data_sources[].kind``) → the ids of
    the rules that read it."""
    from ..authoring.skeleton import format_read, read_fields

    checked = prepare_pack(pack).checked
    return {format_read(path): rules for path, rules in read_fields(checked).items()}


def schema_value_words(node: SchemaNode | None) -> str:
    """The values a declaration field takes, in words (as ``init`` comments them)."""
    from ..authoring.skeleton import value_words

    return value_words(node)


def print_expression(expr: syntax.Node) -> str:
    """A rule expression as the rule language writes it."""
    from ..lang.printer import expression_text

    return expression_text(expr)  # type: ignore[arg-type]


def declaration_schema() -> DeclarationSchema:
    """The declaration schema (without any pack's extensions)."""
    from ..declaration.schema import load_declaration_schema

    return load_declaration_schema()
