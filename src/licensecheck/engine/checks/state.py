"""What the stages of the static checks share: the pack, the schema, the diagnostics so far
and the tables each stage fills in for the ones after it.

Input: a :class:`~licensecheck.packs.loader.LoadedPack` and the declaration schema (with the
pack's extensions). Output: a :class:`CheckState` that the stages of :mod:`.` read and fill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ...declaration.schema import DeclarationSchema, SchemaNode
from ...errors import Diagnostic, Span, source_snippet
from ...lang import nodes as n
from ...packs.loader import LoadedPack
from ..rules import Rule
from .types import Type


@dataclass
class CheckState:
    pack: LoadedPack
    schema: DeclarationSchema
    errors: list[Diagnostic] = field(default_factory=list)
    #: in the order found (``packs lint`` lists them after the errors as they are)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: source text by shown file name, for the snippets under diagnostics
    texts: dict[str, str] = field(default_factory=dict)
    top_fields: dict[str, SchemaNode] = field(init=False)

    # names: every const and predicate of the lineage, where each is defined
    definition_spans: dict[str, Span] = field(default_factory=dict)
    own_names: set[str] = field(default_factory=set)
    used_names: set[str] = field(default_factory=set)
    const_definitions: dict[str, n.Const] = field(default_factory=dict)
    predicates: dict[str, n.Expr] = field(default_factory=dict)
    # consts: the folded values; those that failed are reported once
    consts: dict[str, Any] = field(default_factory=dict)
    const_types: dict[str, Type] = field(default_factory=dict)
    failed_consts: set[str] = field(default_factory=set)
    # predicates: their types, and the ones being typed (to find cycles)
    predicate_types: dict[str, Type] = field(default_factory=dict)
    predicates_in_progress: list[str] = field(default_factory=list)
    # rules: each definition by id with its pack, the checked rules by pack root
    rule_definitions: dict[str, tuple[n.RuleDef, LoadedPack]] = field(default_factory=dict)
    own_rules: dict[Path, list[Rule]] = field(default_factory=dict)
    # composition: the top pack's rules, and what its lineage disabled
    rules: dict[str, Rule] = field(default_factory=dict)
    disabled: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.top_fields = dict(self.schema.root.properties)
        for loaded in self.pack.lineage():
            self.texts.update(loaded.texts)
            if loaded.manifest_file is not None:
                self.texts[loaded.manifest_file.shown] = loaded.manifest_file.text

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.errors.append(self._diagnostic(code, message, span, "error", hint))

    def warn(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.warnings.append(self._diagnostic(code, message, span, "warning", hint))

    def _diagnostic(
        self,
        code: str,
        message: str,
        span: Span,
        level: Literal["error", "warning"],
        hint: str | None,
    ) -> Diagnostic:
        text = self.texts.get(span.file, "")
        snippet = source_snippet(text, span.line, span.column) if text else None
        return Diagnostic(code, message, span, level, snippet, hint)
