"""Static checks: turn a loaded pack into checked rules, or report every problem at once.

Input: a :class:`~licensecheck.packs.loader.LoadedPack` (parsed modules of a pack and its parents)
and the declaration schema. Output: a :class:`CheckedPack` whose rules are known to be
well-formed, whose names resolve, whose declaration paths exist in the schema and whose
types fit, plus warnings. Errors are collected and raised together as one
:class:`~licensecheck.errors.PackError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..declaration.schema import DeclarationSchema, SchemaNode
from ..errors import Diagnostic, PackError, RuleRuntimeError, Span, did_you_mean, source_snippet
from ..lang import nodes as n
from ..lang.operations import arithmetic, compile_pattern
from ..lang.values import Duration, display
from ..packs.extensions import with_extensions
from ..packs.loader import LoadedPack
from .compose import compose
from .models import SEVERITIES
from .rules import CheckedPack, Rule

BUILTIN_NAMES = frozenset({"today"})
BUILTIN_FUNCTIONS = {"declared": 1, "len": 1, "lower": 1, "upper": 1, "days_since": 1}
TEXT_FIELDS = ("title", "message", "remediation")
RULE_FIELDS = (
    "title",
    "domain",
    "severity",
    "require",
    "when",
    "cite",
    "message",
    "remediation",
    "effort",
    "after",
    "evidence",
    "tags",
    "effective_from",
    "grace_until",
)
MAX_PATTERN_LENGTH = 1000

# ---------------------------------------------------------------- types

TypeKind = Literal["bool", "number", "string", "date", "duration", "list", "object", "null", "any"]

_KIND_WORDS = {
    "bool": "true/false",
    "number": "a number",
    "string": "text",
    "date": "a date",
    "duration": "a duration",
    "list": "a list",
    "object": "an object",
    "null": "null",
    "any": "any value",
}


@dataclass(frozen=True)
class Type:
    kind: TypeKind
    item: Type | None = None
    schema: SchemaNode | None = None
    enum: tuple[Any, ...] | None = None
    #: True when the value comes from the declaration (so it can be absent)
    from_declaration: bool = False

    def words(self) -> str:
        if self.kind == "list" and self.item is not None and self.item.kind != "any":
            return f"a list of {_KIND_WORDS[self.item.kind].removeprefix('a ').removeprefix('an ')}"
        return _KIND_WORDS[self.kind]


ANY = Type("any")
BOOL = Type("bool")
NUMBER = Type("number")
STRING = Type("string")
DATE = Type("date")
DURATION = Type("duration")


def type_of_schema(node: SchemaNode | None) -> Type:
    if node is None:
        return ANY
    kind = node.kind
    if kind == "object":
        return Type("object", schema=node, from_declaration=True)
    if kind == "array":
        return Type("list", item=type_of_schema(node.items), schema=node, from_declaration=True)
    mapped: dict[str, TypeKind] = {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "bool",
        "date": "date",
    }
    return Type(mapped.get(kind, "any"), schema=node, enum=node.enum, from_declaration=True)


def type_of_value(value: Any) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, Duration):
        return DURATION
    if value is None:
        return Type("null")
    if isinstance(value, list):
        item_types = {type_of_value(v).kind for v in value}
        item = Type(item_types.pop()) if len(item_types) == 1 else ANY
        return Type("list", item=item)
    return ANY


def _compatible(a: Type, b: Type) -> bool:
    return a.kind == "any" or b.kind == "any" or a.kind == b.kind


# ---------------------------------------------------------------- checker


@dataclass
class _Scope:
    variables: dict[str, Type] = field(default_factory=dict)

    def bind(self, name: str, typ: Type) -> _Scope:
        return _Scope({**self.variables, name: typ})


class _Checker:
    def __init__(self, pack: LoadedPack, schema: DeclarationSchema) -> None:
        self.pack = pack
        self.schema = schema
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.texts: dict[str, str] = {}
        self.consts: dict[str, Any] = {}
        self.const_types: dict[str, Type] = {}
        self.const_definitions: dict[str, n.Const] = {}
        self.failed_consts: set[str] = set()
        self._folding: list[str] = []
        self.predicates: dict[str, n.Expr] = {}
        self.predicate_types: dict[str, Type] = {}
        self.definition_spans: dict[str, Span] = {}
        self.own_names: set[str] = set()
        self.used_names: set[str] = set()
        self._checking_predicates: list[str] = []
        self.top_fields = dict(schema.root.properties)

    # -- diagnostics
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

    # -- entry
    def checked(self) -> CheckedPack:
        try:
            return self.run()
        except RecursionError:  # e.g. hundreds of predicates each using the next
            raise PackError(
                Diagnostic("too-deep", _TOO_DEEP, Span(str(self.pack.root / "pack.yaml"), 1, 1))
            ) from None

    def run(self) -> CheckedPack:
        chain = list(self.pack.lineage())  # ancestors first (each once), this pack last
        for loaded in chain:
            self.texts.update(loaded.texts)
            if loaded.manifest_file is not None:
                self.texts[loaded.manifest_file.shown] = loaded.manifest_file.text
        for loaded in chain:
            self._collect_definitions(loaded, loaded is self.pack)
        self._resolve_definitions()
        definitions = self._rule_definitions(chain)
        own_rules: dict[Path, list[Rule]] = {}
        for definition, loaded in definitions.values():
            rule = self._check_rule(definition, loaded)
            if rule is not None:
                own_rules.setdefault(loaded.root, []).append(rule)
        self._check_after_refs({rule_id: d for rule_id, (d, _) in definitions.items()})
        self._warn_unused()
        if self.errors:
            raise PackError(sorted(self.errors, key=Diagnostic.sort_key))
        composition = compose(self.pack, own_rules)
        self.errors.extend(composition.errors)
        rules = self._without_dropped_after(composition.rules)
        self._check_after_cycles(rules)
        if self.errors:
            raise PackError(sorted(self.errors, key=Diagnostic.sort_key))
        manifest = self.pack.manifest
        return CheckedPack(
            id=manifest.id,
            version=manifest.version,
            title=manifest.title,
            rules=tuple(rules.values()),
            consts=dict(self.consts),
            predicates=dict(self.predicates),
            domains=self.pack.all_domains(),
            warnings=tuple(sorted(self.warnings, key=Diagnostic.sort_key)),
            schema=self.schema,
            loaded=self.pack,
            disabled=composition.disabled,
        )

    def _rule_definitions(self, chain: list[LoadedPack]) -> dict[str, tuple[n.RuleDef, LoadedPack]]:
        """Every rule definition by id; a second definition of an id is an error."""
        found: dict[str, tuple[n.RuleDef, LoadedPack]] = {}
        for loaded in chain:
            for module in loaded.modules:
                for definition in module.definitions:
                    if not isinstance(definition, n.RuleDef):
                        continue
                    if definition.rule_id in found:
                        first = found[definition.rule_id][0].span
                        self.error(
                            "duplicate-rule",
                            f"rule {definition.rule_id} is defined twice (first at {first.format()})",
                            definition.span,
                        )
                        continue
                    found[definition.rule_id] = (definition, loaded)
        return found

    # -- consts and predicates
    def _collect_definitions(self, loaded: LoadedPack, own: bool) -> None:
        for module in loaded.modules:
            for definition in module.definitions:
                if isinstance(definition, n.RuleDef):
                    continue
                name = definition.name
                if name in self.top_fields:
                    self.error(
                        "name-clash",
                        f"'{name}' is a top-level declaration field and cannot be redefined",
                        definition.span,
                    )
                    continue
                if name in BUILTIN_NAMES or name in BUILTIN_FUNCTIONS:
                    self.error("name-clash", f"'{name}' is a built-in name", definition.span)
                    continue
                if name in self.definition_spans:
                    first = self.definition_spans[name]
                    self.error(
                        "duplicate-name",
                        f"'{name}' is defined twice (first at {first.format()})",
                        definition.span,
                    )
                    continue
                self.definition_spans[name] = definition.span
                if own:
                    self.own_names.add(name)
                if isinstance(definition, n.Const):
                    self.const_definitions[name] = definition
                else:
                    self.predicates[name] = definition.body

    def _resolve_definitions(self) -> None:
        """Fold every const (in any order: consts may refer to later ones), then type predicates."""
        for name in self.const_definitions:
            self._const_value(name)
        for name, body in list(self.predicates.items()):
            self._predicate_type(name, body)

    def _const_value(self, name: str) -> Any:
        if name in self.consts:
            return self.consts[name]
        if name in self.failed_consts:  # already reported
            return _NOT_CONSTANT
        definition = self.const_definitions[name]
        if name in self._folding:
            members = self._folding[self._folding.index(name) :]
            cycle = " -> ".join([*members, name])
            self.error(
                "const-cycle", f"consts refer to each other in a cycle: {cycle}", definition.span
            )
            self.failed_consts.update(members)  # reported once, as the cycle
            return _NOT_CONSTANT
        self._folding.append(name)
        value = self._fold_constant(definition.value)
        self._folding.pop()
        if value is _NOT_CONSTANT:
            if name not in self.failed_consts:
                self.failed_consts.add(name)
                self.error(
                    "not-constant",
                    f"const '{name}' must be a fixed value (literals, lists, other consts and arithmetic on them)",
                    definition.value.span,
                    hint="use 'predicate' for conditions on the declaration",
                )
            return _NOT_CONSTANT
        self.consts[name] = value
        self.const_types[name] = type_of_value(value)
        return value

    def _fold_constant(self, expr: n.Expr) -> Any:
        if isinstance(expr, n.Literal_):
            return expr.value
        if isinstance(expr, n.ListExpr):
            items = [self._fold_constant(i) for i in expr.items]
            return _NOT_CONSTANT if any(i is _NOT_CONSTANT for i in items) else items
        if isinstance(expr, n.Name) and expr.name in self.const_definitions:
            self.used_names.add(expr.name)
            return self._const_value(expr.name)
        if isinstance(expr, n.Arith | n.Neg):  # e.g. const MAX_SHARE = 1 / 3
            operands = [self._fold_constant(c) for c in expr.children()]
            if any(v is _NOT_CONSTANT for v in operands):
                return _NOT_CONSTANT
            try:
                if isinstance(expr, n.Neg):
                    return arithmetic("*", operands[0], -1, expr)
                return arithmetic(expr.op, operands[0], operands[1], expr)
            except RuleRuntimeError:
                return _NOT_CONSTANT
        return _NOT_CONSTANT

    def _predicate_type(self, name: str, body: n.Expr) -> Type:
        if name in self.predicate_types:
            return self.predicate_types[name]
        if name in self._checking_predicates:
            cycle = " -> ".join(
                [*self._checking_predicates[self._checking_predicates.index(name) :], name]
            )
            self.error(
                "predicate-cycle", f"predicates refer to each other in a cycle: {cycle}", body.span
            )
            self.predicate_types[name] = ANY
            return ANY
        self._checking_predicates.append(name)
        typ = self.infer(body, _Scope())
        self._checking_predicates.pop()
        self.predicate_types[name] = typ
        return typ

    # -- rules
    def _check_rule(self, rule: n.RuleDef, loaded: LoadedPack) -> Rule | None:
        before = len(self.errors)
        fields: dict[str, n.RuleField] = {}
        for f in rule.fields:
            base, _, lang = f.key.partition("@")
            if base not in RULE_FIELDS:
                suggestion = did_you_mean(base, RULE_FIELDS)
                self.error(
                    "unknown-field",
                    f"unknown rule field '{base}'"
                    + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                    f.span,
                )
                continue
            if lang and base not in TEXT_FIELDS:
                self.error(
                    "unknown-field",
                    f"'{base}' has no language variants (only {', '.join(TEXT_FIELDS)} do)",
                    f.span,
                )
                continue
            if f.key in fields:
                self.error(
                    "duplicate-field", f"'{f.key}' is given twice in rule {rule.rule_id}", f.span
                )
                continue
            fields[f.key] = f
        for required in ("title", "domain", "severity", "require"):
            if required not in fields:
                self.error("missing-field", f"rule {rule.rule_id} has no '{required}'", rule.span)

        texts = {key: self._texts(fields, key) for key in TEXT_FIELDS}
        domain = self._identifier(fields["domain"], "domain") if "domain" in fields else None
        severity = (
            self._identifier(fields["severity"], "severity") if "severity" in fields else None
        )
        if severity is not None and severity not in SEVERITIES:
            suggestion = did_you_mean(severity, SEVERITIES)
            self.error(
                "unknown-severity",
                f"unknown severity '{severity}'; use one of {', '.join(SEVERITIES)}"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                fields["severity"].value.span,
            )
        if domain is not None:
            self._check_domain(domain, fields["domain"], loaded)
        when = fields["when"].value if "when" in fields else None
        require = fields["require"].value if "require" in fields else None
        for key, expr in (("when", when), ("require", require)):
            if expr is not None:
                self._expect_bool(self.infer(expr, _Scope()), expr, f"'{key}'")
        cite = self._strings(fields.get("cite"), "cite")
        if "cite" not in fields:
            self.warn(
                "missing-cite",
                f"rule {rule.rule_id} has no 'cite'",
                rule.span,
                "name the law and article it enforces",
            )
        if not texts["remediation"]:
            self.warn(
                "missing-remediation",
                f"rule {rule.rule_id} has no 'remediation'",
                rule.span,
                "say what to do first",
            )
        effort = self._literal(fields.get("effort"), Duration, "a duration such as 30 days")
        effective_from = self._literal(fields.get("effective_from"), dt.date, "a date (YYYY-MM-DD)")
        grace_until = self._literal(fields.get("grace_until"), dt.date, "a date (YYYY-MM-DD)")
        if len(self.errors) > before or domain is None or severity is None or require is None:
            return None
        return Rule(
            id=rule.rule_id,
            pack_id=loaded.manifest.id,
            title=texts["title"],
            domain=domain,
            severity=severity,
            require=require,
            when=when,
            cite=cite,
            message=texts["message"],
            remediation=texts["remediation"],
            effort=effort,
            after=tuple(ref.rule_id for ref in rule.after or ()),
            evidence=self._strings(fields.get("evidence"), "evidence"),
            tags=self._strings(fields.get("tags"), "tags"),
            effective_from=effective_from,
            grace_until=grace_until,
            span=rule.span,
        )

    def _texts(self, fields: Mapping[str, n.RuleField], base: str) -> dict[str, str]:
        result: dict[str, str] = {}
        for key, f in fields.items():
            name, _, lang = key.partition("@")
            if name != base:
                continue
            if isinstance(f.value, n.Literal_) and isinstance(f.value.value, str):
                result[lang or "en"] = f.value.value
            else:
                self.error("field-type", f"'{key}' must be a quoted string", f.value.span)
        return result

    def _identifier(self, f: n.RuleField, key: str) -> str | None:
        if isinstance(f.value, n.Name):
            return f.value.name
        if isinstance(f.value, n.Literal_) and isinstance(f.value.value, str):
            return f.value.value
        self.error("field-type", f"'{key}' must be a name such as licensing", f.value.span)
        return None

    def _check_domain(self, domain: str, f: n.RuleField, loaded: LoadedPack) -> None:
        known = loaded.all_domains(keep_disabled=True)  # the domains its own pack knows
        if known and domain not in known:
            suggestion = did_you_mean(domain, known)
            self.error(
                "unknown-domain",
                f"domain '{domain}' is not listed in pack.yaml"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                f.value.span,
            )
        elif not known and loaded is self.pack:
            self.warn(
                "unlisted-domains",
                f"pack.yaml lists no domains, so '{domain}' is not checked",
                f.value.span,
            )

    def _strings(self, f: n.RuleField | None, key: str) -> tuple[str, ...]:
        if f is None:
            return ()
        value = f.value
        if isinstance(value, n.Literal_) and isinstance(value.value, str):
            return (value.value,)
        if isinstance(value, n.ListExpr) and all(
            isinstance(i, n.Literal_) and isinstance(i.value, str) for i in value.items
        ):
            return tuple(
                i.value
                for i in value.items
                if isinstance(i, n.Literal_) and isinstance(i.value, str)
            )
        self.error("field-type", f"'{key}' must be a string or a list of strings", value.span)
        return ()

    def _literal(self, f: n.RuleField | None, kind: type, words: str) -> Any:
        if f is None:
            return None
        if isinstance(f.value, n.Literal_) and isinstance(f.value.value, kind):
            return f.value.value
        self.error("field-type", f"'{f.key}' must be {words}", f.value.span)
        return None

    def _check_after_refs(self, rules: Mapping[str, n.RuleDef]) -> None:
        for definition in rules.values():
            for ref in definition.after or ():
                if ref.rule_id not in rules:
                    suggestion = did_you_mean(ref.rule_id, rules)
                    self.error(
                        "unknown-rule",
                        f"'after' names unknown rule {ref.rule_id}"
                        + (f" (did you mean {suggestion}?)" if suggestion else ""),
                        ref.span,
                    )

    @staticmethod
    def _without_dropped_after(rules: Mapping[str, Rule]) -> dict[str, Rule]:
        """``after`` references to rules a pack disabled are dropped: nothing to wait for."""
        return {
            rule_id: rule
            if all(a in rules for a in rule.after)
            else replace(rule, after=tuple(a for a in rule.after if a in rules))
            for rule_id, rule in rules.items()
        }

    def _check_after_cycles(self, rules: Mapping[str, Rule]) -> None:
        graph = {rule_id: list(rule.after) for rule_id, rule in rules.items()}
        for cycle in _find_cycles(graph):
            self.error(
                "after-cycle",
                "remediation order has a cycle: " + " -> ".join([*cycle, cycle[0]]),
                rules[cycle[0]].span,
            )

    def _warn_unused(self) -> None:
        used_somewhere = self.used_names
        for name in sorted(self.own_names - used_somewhere):
            kind = "constant" if name in self.consts else "predicate"
            self.warn("unused", f"{kind} '{name}' is never used", self.definition_spans[name])

    # -- expressions
    def infer(self, expr: n.Expr, scope: _Scope) -> Type:
        method = getattr(self, "_infer_" + type(expr).__name__.rstrip("_").lower())
        result: Type = method(expr, scope)
        return result

    def _infer_literal(self, expr: n.Literal_, scope: _Scope) -> Type:
        return type_of_value(expr.value)

    def _infer_listexpr(self, expr: n.ListExpr, scope: _Scope) -> Type:
        kinds = {self.infer(i, scope).kind for i in expr.items}
        item = Type(kinds.pop()) if len(kinds) == 1 else ANY
        return Type("list", item=item)

    def _infer_name(self, expr: n.Name, scope: _Scope) -> Type:
        name = expr.name
        if name in scope.variables:
            return scope.variables[name]
        if name in self.consts:
            self.used_names.add(name)
            return self.const_types[name]
        if name in self.predicates:
            self.used_names.add(name)
            return self._predicate_type(name, self.predicates[name])
        if name in self.top_fields:
            return type_of_schema(self.top_fields[name])
        if name == "today":
            return DATE
        if name in self.definition_spans:  # a const that failed to fold: already reported
            return ANY
        visible = [*scope.variables, *self.consts, *self.predicates, *self.top_fields, "today"]
        suggestion = did_you_mean(name, visible)
        self.error(
            "unknown-name",
            f"unknown name '{name}'" + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
            expr.span,
            hint=None
            if suggestion
            else "a name is a quantifier variable, a const, a predicate or a top-level declaration field",
        )
        return ANY

    def _infer_attr(self, expr: n.Attr, scope: _Scope) -> Type:
        base = self.infer(expr.obj, scope)
        return self._member(base, expr.name, expr, expr.obj)

    def _member(self, base: Type, key: str, expr: n.Expr, obj: n.Expr) -> Type:
        if base.kind == "any":
            return ANY
        where = _path_text(obj)
        if base.kind == "list":
            self.error(
                "not-an-object",
                f"'{where}' is a list: use a quantifier such as 'any x in {where}: x.{key} …'",
                expr.span,
            )
            return ANY
        if base.kind != "object" or base.schema is None:
            self.error(
                "not-an-object",
                f"'{where}' is {base.words()}, so it has no field '{key}'",
                expr.span,
            )
            return ANY
        child = base.schema.child(key)
        if child is None:
            choices = list(base.schema.properties)
            suggestion = did_you_mean(key, choices)
            self.error(
                "unknown-path",
                f"the declaration schema has no field '{key}' in '{where}'"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                expr.span,
                hint=None
                if suggestion
                else f"fields of '{where}': {', '.join(sorted(choices)[:12])}",
            )
            return ANY
        return type_of_schema(child)

    def _infer_index(self, expr: n.Index, scope: _Scope) -> Type:
        base = self.infer(expr.obj, scope)
        index = self.infer(expr.index, scope)
        if base.kind == "list":
            literal = expr.index.value if isinstance(expr.index, n.Literal_) else None
            if isinstance(literal, float):
                self.error("type", "a list index must be a whole number", expr.index.span)
            elif index.kind not in ("number", "any"):
                self.error(
                    "type", f"a list index must be a number, not {index.words()}", expr.index.span
                )
            return base.item or ANY
        if base.kind == "object":
            if isinstance(expr.index, n.Literal_) and isinstance(expr.index.value, str):
                return self._member(base, expr.index.value, expr, expr.obj)
            if index.kind not in ("string", "any"):
                self.error(
                    "type", f"a field name must be text, not {index.words()}", expr.index.span
                )
            return ANY
        if base.kind != "any":
            self.error(
                "type",
                f"'{_path_text(expr.obj)}' is {base.words()} and cannot be indexed",
                expr.span,
            )
        return ANY

    def _infer_call(self, expr: n.Call, scope: _Scope) -> Type:
        arity = BUILTIN_FUNCTIONS.get(expr.func)
        if arity is None:
            suggestion = did_you_mean(expr.func, BUILTIN_FUNCTIONS)
            self.error(
                "unknown-function",
                f"unknown function '{expr.func}'"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                expr.span,
                hint="functions: " + ", ".join(sorted(BUILTIN_FUNCTIONS)),
            )
            return ANY
        if len(expr.args) != arity:
            self.error(
                "arity", f"'{expr.func}' takes {arity} argument, not {len(expr.args)}", expr.span
            )
            return ANY
        (arg,) = expr.args
        arg_type = self.infer(arg, scope)
        if expr.func == "declared":
            if not _is_path(arg):
                self.error(
                    "type", "'declared' takes a declaration path such as company.uscc", arg.span
                )
            return BOOL
        wanted: dict[str, tuple[tuple[TypeKind, ...], Type]] = {
            "len": (("list", "string"), NUMBER),
            "lower": (("string",), STRING),
            "upper": (("string",), STRING),
            "days_since": (("date",), NUMBER),
        }
        kinds, result = wanted[expr.func]
        if arg_type.kind not in (*kinds, "any"):
            self.error(
                "type",
                f"'{expr.func}' takes {' or '.join(_KIND_WORDS[k] for k in kinds)}, not {arg_type.words()}",
                arg.span,
            )
        if expr.func in ("lower", "upper"):
            return Type("string", from_declaration=arg_type.from_declaration)
        return result

    def _infer_not(self, expr: n.Not, scope: _Scope) -> Type:
        self._expect_bool(self.infer(expr.operand, scope), expr.operand, "'not'")
        return BOOL

    def _infer_neg(self, expr: n.Neg, scope: _Scope) -> Type:
        t = self.infer(expr.operand, scope)
        if t.kind not in ("number", "duration", "any"):
            self.error("type", f"'-' needs a number, not {t.words()}", expr.span)
        return t if t.kind != "any" else ANY

    def _infer_boolop(self, expr: n.BoolOp, scope: _Scope) -> Type:
        self._expect_bool(self.infer(expr.left, scope), expr.left, f"'{expr.op}'")
        self._expect_bool(self.infer(expr.right, scope), expr.right, f"'{expr.op}'")
        return BOOL

    def _expect_bool(self, t: Type, expr: n.Expr, what: str) -> None:
        if t.kind not in ("bool", "any"):
            self.error(
                "type",
                f"{what} needs true/false, but '{_path_text(expr)}' is {t.words()}",
                expr.span,
                hint='compare it with something, e.g. x == "value" or x > 0',
            )

    def _infer_compare(self, expr: n.Compare, scope: _Scope) -> Type:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        op = expr.op
        if Type("null") in (left, right) or _is_null(expr.left) or _is_null(expr.right):
            self.error(
                "type",
                "comparing with null is always unknown (an explicit null counts as absent)",
                expr.span,
                hint="use declared(path) to test whether a field is present",
            )
            return BOOL
        if op in ("in", "not in"):
            self._check_membership(left, right, expr.left, expr.right, expr)
        elif op == "contains":
            if right.kind == "list" or left.kind not in ("list", "string", "any"):
                self.error(
                    "type",
                    f"'contains' needs a list or text on the left, not {left.words()}",
                    expr.left.span,
                )
            elif left.kind == "list":
                self._check_membership(right, left, expr.right, expr.left, expr)
            elif not _compatible(right, STRING):
                self.error(
                    "type", f"text can only contain text, not {right.words()}", expr.right.span
                )
        elif op == "matches":
            self._check_matches(left, right, expr)
        else:
            self._check_comparison(op, left, right, expr)
        return BOOL

    def _check_comparison(self, op: str, left: Type, right: Type, expr: n.Compare) -> None:
        if not _compatible(left, right):
            hint = None
            if {left.kind, right.kind} == {"number", "duration"}:
                hint = "*_days fields are plain numbers: write 180, not 180 days"
            if {left.kind, right.kind} == {"date", "string"}:
                hint = "write dates without quotes: 2024-01-31"
            self.error(
                "type",
                f"cannot compare {left.words()} ('{_path_text(expr.left)}') with {right.words()} ('{_path_text(expr.right)}')",
                expr.span,
                hint=hint,
            )
            return
        kind = left.kind if left.kind != "any" else right.kind
        if op not in ("==", "!=") and kind in ("bool", "list", "object"):
            self.error("type", f"'{op}' does not apply to {Type(kind).words()}", expr.span)
        self._check_enum(left, expr.right)
        self._check_enum(right, expr.left)

    def _check_membership(
        self, item: Type, coll: Type, item_expr: n.Expr, coll_expr: n.Expr, expr: n.Compare
    ) -> None:
        if coll.kind not in ("list", "any"):
            self.error(
                "type",
                f"'{expr.op}' needs a list on the right, but '{_path_text(coll_expr)}' is {coll.words()}",
                coll_expr.span,
            )
            return
        element = coll.item or ANY
        if not _compatible(item, element):
            self.error(
                "type",
                f"a list of {element.words()} cannot contain {item.words()}",
                expr.span,
            )
            return
        self._check_enum(element, item_expr)
        if isinstance(coll_expr, n.ListExpr):
            for literal in coll_expr.items:
                self._check_enum(item, literal)
        else:  # a const list: _check_enum reads its values
            self._check_enum(item, coll_expr)

    def _check_enum(self, typ: Type, other: n.Expr) -> None:
        if typ.enum is None:
            return
        if isinstance(other, n.Literal_):
            self._check_enum_values(typ, [other.value], other.span)
        elif isinstance(other, n.Name) and other.name in self.consts:
            value = self.consts[other.name]
            self._check_enum_values(typ, value if isinstance(value, list) else [value], other.span)

    def _check_enum_values(self, typ: Type, values: Iterable[Any], span: Span) -> None:
        assert typ.enum is not None
        allowed = [str(v) for v in typ.enum]
        for value in values:
            if isinstance(value, str) and value not in typ.enum:
                suggestion = did_you_mean(value, allowed)
                self.error(
                    "unknown-value",
                    f"{display(value)} is never a value of this field; allowed: {', '.join(allowed)}"
                    + (f" (did you mean {display(suggestion)}?)" if suggestion else ""),
                    span,
                )

    def _check_matches(self, left: Type, right: Type, expr: n.Compare) -> None:
        if not _compatible(left, STRING):
            self.error(
                "type", f"'matches' needs text on the left, not {left.words()}", expr.left.span
            )
        if not isinstance(expr.right, n.Literal_) or not isinstance(expr.right.value, str):
            if not _compatible(right, STRING):
                self.error("type", "'matches' needs a pattern (text) on the right", expr.right.span)
            return
        pattern = expr.right.value
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            self.error("bad-pattern", f"invalid regular expression: {exc}", expr.right.span)

    def _infer_arith(self, expr: n.Arith, scope: _Scope) -> Type:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        result = arith_result(expr.op, left.kind, right.kind)
        if result is None:
            self.error(
                "type",
                f"cannot compute {left.words()} {expr.op} {right.words()}",
                expr.span,
                hint="dates take durations (date + 30 days); numbers take numbers",
            )
            return ANY
        return Type(result)

    def _infer_coalesce(self, expr: n.Coalesce, scope: _Scope) -> Type:
        value = self.infer(expr.value, scope)
        default = self.infer(expr.default, scope)
        self._check_enum(value, expr.default)
        if not _compatible(value, default):
            self.error(
                "type",
                f"'??' default is {default.words()} but the value is {value.words()}",
                expr.default.span,
            )
        return value if value.kind != "any" else default

    def _infer_if(self, expr: n.If, scope: _Scope) -> Type:
        self._expect_bool(self.infer(expr.cond, scope), expr.cond, "'if'")
        then = self.infer(expr.then, scope)
        otherwise = self.infer(expr.otherwise, scope)
        if not _compatible(then, otherwise):
            self.error(
                "type",
                f"'then' gives {then.words()} but 'else' gives {otherwise.words()}",
                expr.span,
            )
        return then if then.kind != "any" else otherwise

    def _bind(self, var: str, coll_expr: n.Expr, scope: _Scope, span: Span) -> _Scope:
        coll = self.infer(coll_expr, scope)
        if coll.kind not in ("list", "any"):
            self.error(
                "type", f"'{_path_text(coll_expr)}' is {coll.words()}, not a list", coll_expr.span
            )
        for clash, what in (
            (scope.variables, "a variable of an enclosing quantifier"),
            (self.consts, "a const"),
            (self.predicates, "a predicate"),
            (self.top_fields, "a top-level declaration field"),
            (BUILTIN_NAMES, "a built-in name"),
        ):
            if var in clash:
                self.error(
                    "name-clash", f"variable '{var}' hides {what}; choose another name", span
                )
                break
        return scope.bind(var, coll.item or ANY if coll.kind == "list" else ANY)

    def _infer_quantifier(self, expr: n.Quantifier, scope: _Scope) -> Type:
        inner = self._bind(expr.var, expr.collection, scope, expr.span)
        if expr.filter is not None:
            self._expect_bool(self.infer(expr.filter, inner), expr.filter, "'where'")
        self._expect_bool(self.infer(expr.body, inner), expr.body, f"'{expr.kind}'")
        return BOOL

    def _infer_aggregate(self, expr: n.Aggregate, scope: _Scope) -> Type:
        inner = self._bind(expr.var, expr.collection, scope, expr.span)
        if expr.filter is not None:
            self._expect_bool(self.infer(expr.filter, inner), expr.filter, "'where'")
        if expr.body is None:
            return NUMBER
        body = self.infer(expr.body, inner)
        allowed: tuple[TypeKind, ...] = (
            ("number", "any") if expr.kind == "sum" else ("number", "date", "duration", "any")
        )
        if body.kind not in allowed:
            self.error("type", f"'{expr.kind}' needs numbers, not {body.words()}", expr.body.span)
        return body if body.kind != "any" else (NUMBER if expr.kind == "sum" else ANY)


_NOT_CONSTANT = object()

_ARITH: dict[tuple[str, str, str], TypeKind] = {
    **{(op, "number", "number"): "number" for op in "+-*/"},
    ("+", "date", "duration"): "date",
    ("-", "date", "duration"): "date",
    ("+", "duration", "date"): "date",
    ("-", "date", "date"): "duration",
    ("+", "duration", "duration"): "duration",
    ("-", "duration", "duration"): "duration",
    ("*", "duration", "number"): "duration",
    ("*", "number", "duration"): "duration",
}


def arith_result(op: str, left: str, right: str) -> TypeKind | None:
    if left == "any" or right == "any":
        known = left if right == "any" else right
        candidates = {v for (o, a, b), v in _ARITH.items() if o == op and known in (a, b)}
        return (
            candidates.pop()
            if len(candidates) == 1
            else ("any" if candidates or known == "any" else None)
        )
    return _ARITH.get((op, left, right))


def _is_null(expr: n.Expr) -> bool:
    return isinstance(expr, n.Literal_) and expr.value is None


def _is_path(expr: n.Expr) -> bool:
    while isinstance(expr, n.Attr | n.Index):
        expr = expr.obj
    return isinstance(expr, n.Name)


def _path_text(expr: n.Expr) -> str:
    """A short rendering of an expression for messages (paths exactly, others abbreviated)."""
    from ..lang.describe import expression_text

    return expression_text(expr, limit=60)


def _find_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """Each cycle once, found by depth-first search in sorted order (deterministic)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def check_pack(pack: LoadedPack, schema: DeclarationSchema) -> CheckedPack:
    """Run every static check; raise :class:`PackError` listing all errors.

    ``schema`` is the declaration schema; the ``schema.json`` fragments of the pack's lineage
    are merged into it (``extensions.<pack-id>``), and the checked pack carries the result.
    """
    return _Checker(pack, with_extensions(schema, pack)).checked()


def pack_diagnostics(
    pack: LoadedPack, schema: DeclarationSchema
) -> tuple[CheckedPack | None, list[Diagnostic]]:
    """Every error and warning of a pack at once (``packs lint``), and the checked pack when
    there is no error."""
    try:
        checker = _Checker(pack, with_extensions(schema, pack))
    except PackError as exc:
        return None, list(exc.diagnostics)
    try:
        checked = checker.checked()
    except PackError as exc:
        return None, [*exc.diagnostics, *checker.warnings]
    return checked, list(checked.warnings)


_TOO_DEEP = "the pack's predicates and expressions nest too deeply to check; split them up"
