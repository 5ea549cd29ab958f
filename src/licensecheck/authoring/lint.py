"""Lint a pack: every static check at once, errors and warnings, each at ``file:line:col``.

Input: a pack id or folder. Output: a :class:`LintResult`, the diagnostics of loading
(syntax, ``pack.yaml``, ``extends``), of the static checker (names, paths, types, rule
fields, composition) and of the checks only lint makes: overrides that change nothing or
leave a translation behind, a pack overriding or disabling its own rules, rules without the
translations the pack's ``languages`` promise, test cases that name unknown rules or do not
fit the test-case format, a pack without test cases, and invisible characters and confusable
ids (:mod:`.hygiene`). ``strict`` turns warnings into
errors.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import codes
from ..declaration.schema import DeclarationSchema, load_declaration_schema
from ..engine.check import pack_diagnostics
from ..engine.rules import CheckedPack
from ..errors import (
    Diagnostic,
    LicenseCheckError,
    PackError,
    Span,
    did_you_mean,
    source_snippet,
)
from ..lang import nodes as n
from ..packs.loader import RULE_ID_PATTERN, LoadedPack, load_pack, read_source
from ..sources.located import SourceFile
from .hygiene import hygiene_checks
from .packtest import case_files, load_case

#: Text fields a pack's ``languages`` ask to be translated, on the pack's own rules
TRANSLATED_FIELDS = ("title", "remediation")


@dataclass(frozen=True)
class LintResult:
    pack: str
    diagnostics: tuple[Diagnostic, ...]
    #: the checked pack, when the static checks passed (the language server reuses it)
    checked: CheckedPack | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "warning")

    @property
    def exit_code(self) -> int:
        """2 when there is an error, else 0 (warnings alone pass unless ``strict``)."""
        return 2 if self.errors else 0


def lint_pack(
    pack: str | os.PathLike[str],
    *,
    strict: bool = False,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
    schema: DeclarationSchema | None = None,
) -> LintResult:
    """Every problem of ``pack``: load, static and lint checks (never raises on a bad pack)."""
    try:
        loaded = load_pack(pack, pack_path=pack_path)
    except PackError as exc:
        return _result(os.fspath(pack), list(exc.diagnostics), strict)
    checked, diagnostics = pack_diagnostics(loaded, schema or load_declaration_schema())
    diagnostics.extend(_manifest_checks(loaded, checked))
    diagnostics.extend(_business_line_checks(loaded, schema or load_declaration_schema()))
    if checked is not None:
        diagnostics.extend(_translation_checks(loaded, checked))
    diagnostics.extend(_test_checks(loaded, checked))
    diagnostics.extend(hygiene_checks(loaded))
    return _result(loaded.manifest.id, diagnostics, strict, checked)


def _result(
    pack: str, diagnostics: list[Diagnostic], strict: bool, checked: CheckedPack | None = None
) -> LintResult:
    if strict:
        diagnostics = [d.replaced(level="error") for d in diagnostics]
    unique = list(dict.fromkeys(diagnostics))
    return LintResult(pack, tuple(sorted(unique, key=Diagnostic.sort_key)), checked)


def _warning(
    source: SourceFile, code: str, message: str, *path: str | int, hint: str = ""
) -> Diagnostic:
    span = source.span(*path)
    return Diagnostic(
        code, message, span, "warning", snippet=source.snippet(span), hint=hint or None
    )


def _manifest_checks(loaded: LoadedPack, checked: CheckedPack | None) -> list[Diagnostic]:
    source = loaded.manifest_file
    if source is None:
        return []
    manifest = loaded.manifest
    own_rules = {
        d.rule_id: d
        for module in loaded.modules
        for d in module.definitions
        if isinstance(d, n.RuleDef)
    }
    found: list[Diagnostic] = []
    for rule_id in manifest.overrides:
        if rule_id in own_rules:
            found.append(
                _warning(
                    source,
                    codes.OVERRIDE_OWN,
                    f"{loaded.manifest.id} overrides its own rule {rule_id}",
                    "overrides",
                    rule_id,
                    hint="change the rule itself",
                )
            )
            continue
        rule = checked.rule(rule_id) if checked is not None else None
        if rule is None:
            continue
        applied = {a.key: a for a in rule.overrides if a.pack_id == manifest.id}
        for key, change in applied.items():
            if change.before == change.after:
                found.append(
                    _warning(
                        source,
                        codes.OVERRIDE_UNCHANGED,
                        f"the override of {key} of {rule_id} gives the value it already has",
                        "overrides",
                        rule_id,
                        key,
                    )
                )
        for key in ("title", "remediation", "message"):
            variant = f"{key}@zh"
            original = getattr(rule, key)
            if key in applied and variant not in applied and "zh" in original:
                found.append(
                    _warning(
                        source,
                        codes.STALE_TRANSLATION,
                        f"{rule_id}: '{key}' is overridden but '{variant}' still says "
                        f"{original['zh']!r}",
                        "overrides",
                        rule_id,
                        key,
                        hint=f"override '{variant}' too",
                    )
                )
    own_domains = {_domain_of(d) for d in own_rules.values()}
    for index, item in enumerate(manifest.disable):
        own = item in own_rules if re.match(RULE_ID_PATTERN, item) else item in own_domains
        if own:
            found.append(
                _warning(
                    source,
                    codes.DISABLE_OWN,
                    f"{manifest.id} disables '{item}', which it defines itself",
                    "disable",
                    index,
                    hint="delete the rules instead",
                )
            )
    return found


def _business_line_checks(loaded: LoadedPack, schema: DeclarationSchema) -> list[Diagnostic]:
    """``business_lines`` in pack.yaml name kinds of a declaration's ``business_lines[].kind``;
    a misspelt one never matches a firm, so ``packs fit`` would silently never offer the pack."""
    source = loaded.manifest_file
    node = schema.node_at(["business_lines", 0, "kind"])
    if source is None or node is None or node.enum is None:
        return []
    kinds = [value for value in node.enum if isinstance(value, str)]
    found: list[Diagnostic] = []
    for index, kind in enumerate(loaded.manifest.business_lines):
        if kind in kinds:
            continue
        suggestion = did_you_mean(kind, kinds)
        found.append(
            _warning(
                source,
                codes.UNKNOWN_BUSINESS_LINE,
                f"'{kind}' is not a business-line kind of the declaration schema"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                "business_lines",
                index,
                hint="one of: " + ", ".join(kinds),
            )
        )
    return found


def _domain_of(rule: n.RuleDef) -> str | None:
    field = rule.field("domain")
    if field is None:
        return None
    value = field.value
    if isinstance(value, n.Name):
        return value.name
    return value.value if isinstance(value, n.Literal_) and isinstance(value.value, str) else None


def _translation_checks(loaded: LoadedPack, checked: CheckedPack) -> list[Diagnostic]:
    languages = [lang for lang in loaded.manifest.languages if lang != "en"]
    found = []
    for rule in checked.rules:
        if rule.pack_id != checked.id:
            continue
        for lang in languages:
            missing = [
                f"{key}@{lang}"
                for key in TRANSLATED_FIELDS
                if getattr(rule, key) and lang not in getattr(rule, key)
            ]
            if missing:
                found.append(
                    Diagnostic(
                        codes.MISSING_TRANSLATION,
                        f"rule {rule.id} has no {', '.join(missing)} (pack.yaml languages "
                        f"include {lang})",
                        rule.span,
                        "warning",
                        snippet=_snippet(loaded, rule.span),
                    )
                )
    return found


def _snippet(loaded: LoadedPack, span: Span) -> str | None:
    text = loaded.texts.get(span.file)
    return source_snippet(text, span.line, span.column) if text else None


def _test_checks(loaded: LoadedPack, checked: CheckedPack | None) -> list[Diagnostic]:
    files = case_files(loaded.root)
    if not files:
        source = loaded.manifest_file
        where = Span(source.shown, 1, 1) if source else None
        return [
            Diagnostic(
                codes.NO_TESTS,
                f"{loaded.manifest.id} has no test cases (tests/*.yaml)",
                where,
                "warning",
                hint="'licensecheck packs new' shows the format; 'licensecheck packs test' runs them",
            )
        ]
    found: list[Diagnostic] = []
    rules = {r.id for r in checked.rules} if checked is not None else None
    for path in files:
        try:
            case, _ = load_case(path)
        except LicenseCheckError as exc:
            found.extend(exc.diagnostics)
            continue
        if rules is None:
            continue
        _, source = read_source(path, path.parent.resolve())
        for section in ("expect", "expect_witnesses"):
            names: dict[str, Any] = getattr(case, section)
            for rule_id in names:
                if rule_id not in rules:
                    span = source.span(section, rule_id)
                    found.append(
                        Diagnostic(
                            codes.TEST_UNKNOWN_RULE,
                            f"the test case names rule {rule_id}, which the pack does not have",
                            span,
                            snippet=source.snippet(span),
                        )
                    )
    return found
