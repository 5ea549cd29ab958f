"""Types of expressions: predicates, and the ``when`` and ``require`` of rules.

Input: the :class:`~.state.CheckState` after names and consts (the folded consts, the
predicates, the schema's top-level fields). Output: the :class:`~.types.Type` of each
expression, with an error for every path the schema lacks, every misuse of a type, every
unknown name or function and every value an enum never takes (:mod:`.enums`); predicate
types are memoised in the state, and predicates that use each other in a cycle are an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import codes
from ...errors import Span, did_you_mean
from ...lang import nodes as n
from ...lang.operations import compile_pattern
from .enums import check_enum
from .names import BUILTIN_FUNCTIONS, BUILTIN_NAMES
from .state import CheckState
from .types import (
    ANY,
    BOOL,
    DATE,
    KIND_WORDS,
    NUMBER,
    STRING,
    Type,
    TypeKind,
    arith_result,
    compatible,
    type_of_schema,
    type_of_value,
)


@dataclass
class Scope:
    """The quantifier variables visible at a point of an expression, with their types."""

    variables: dict[str, Type] = field(default_factory=dict)

    def bind(self, name: str, typ: Type) -> Scope:
        return Scope({**self.variables, name: typ})


def type_predicates(state: CheckState) -> None:
    """The type of every predicate (each once; those used by others are typed on first use)."""
    checker = ExpressionChecker(state)
    for name, body in list(state.predicates.items()):
        checker.predicate_type(name, body)


class ExpressionChecker:
    """Infers the type of an expression, reporting what does not fit into the state."""

    def __init__(self, state: CheckState) -> None:
        self.state = state

    def predicate_type(self, name: str, body: n.Expr) -> Type:
        if name in self.state.predicate_types:
            return self.state.predicate_types[name]
        in_progress = self.state.predicates_in_progress
        if name in in_progress:
            cycle = " -> ".join([*in_progress[in_progress.index(name) :], name])
            self.state.error(
                codes.PREDICATE_CYCLE,
                f"predicates refer to each other in a cycle: {cycle}",
                body.span,
            )
            self.state.predicate_types[name] = ANY
            return ANY
        in_progress.append(name)
        typ = self.infer(body, Scope())
        in_progress.pop()
        self.state.predicate_types[name] = typ
        return typ

    def infer(self, expr: n.Expr, scope: Scope) -> Type:
        method = getattr(self, "_infer_" + type(expr).__name__.rstrip("_").lower())
        result: Type = method(expr, scope)
        return result

    def _infer_literal(self, expr: n.Literal_, scope: Scope) -> Type:
        return type_of_value(expr.value)

    def _infer_listexpr(self, expr: n.ListExpr, scope: Scope) -> Type:
        kinds = {self.infer(i, scope).kind for i in expr.items}
        item = Type(kinds.pop()) if len(kinds) == 1 else ANY
        return Type("list", item=item)

    def _infer_name(self, expr: n.Name, scope: Scope) -> Type:
        name = expr.name
        if name in scope.variables:
            return scope.variables[name]
        if name in self.state.consts:
            self.state.used_names.add(name)
            return self.state.const_types[name]
        if name in self.state.predicates:
            self.state.used_names.add(name)
            return self.predicate_type(name, self.state.predicates[name])
        if name in self.state.top_fields:
            return type_of_schema(self.state.top_fields[name])
        if name == "today":
            return DATE
        if name in self.state.definition_spans:  # a const that failed to fold: already reported
            return ANY
        visible = [
            *scope.variables,
            *self.state.consts,
            *self.state.predicates,
            *self.state.top_fields,
            "today",
        ]
        suggestion = did_you_mean(name, visible)
        self.state.error(
            codes.UNKNOWN_NAME,
            f"unknown name '{name}'" + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
            expr.span,
            hint=None
            if suggestion
            else "a name is a quantifier variable, a const, a predicate or a top-level declaration field",
        )
        return ANY

    def _infer_attr(self, expr: n.Attr, scope: Scope) -> Type:
        base = self.infer(expr.obj, scope)
        return self._member(base, expr.name, expr, expr.obj)

    def _member(self, base: Type, key: str, expr: n.Expr, obj: n.Expr) -> Type:
        if base.kind == "any":
            return ANY
        where = _path_text(obj)
        if base.kind == "list":
            self.state.error(
                codes.NOT_AN_OBJECT,
                f"'{where}' is a list: use a quantifier such as 'any x in {where}: x.{key} …'",
                expr.span,
            )
            return ANY
        if base.kind != "object" or base.schema is None:
            self.state.error(
                codes.NOT_AN_OBJECT,
                f"'{where}' is {base.words()}, so it has no field '{key}'",
                expr.span,
            )
            return ANY
        child = base.schema.child(key)
        if child is None:
            choices = list(base.schema.properties)
            suggestion = did_you_mean(key, choices)
            self.state.error(
                codes.UNKNOWN_PATH,
                f"the declaration schema has no field '{key}' in '{where}'"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                expr.span,
                hint=None
                if suggestion
                else f"fields of '{where}': {', '.join(sorted(choices)[:12])}",
            )
            return ANY
        return type_of_schema(child)

    def _infer_index(self, expr: n.Index, scope: Scope) -> Type:
        base = self.infer(expr.obj, scope)
        index = self.infer(expr.index, scope)
        if base.kind == "list":
            literal = expr.index.value if isinstance(expr.index, n.Literal_) else None
            if isinstance(literal, float):
                self.state.error(codes.TYPE, "a list index must be a whole number", expr.index.span)
            elif index.kind not in ("number", "any"):
                self.state.error(
                    codes.TYPE,
                    f"a list index must be a number, not {index.words()}",
                    expr.index.span,
                )
            return base.item or ANY
        if base.kind == "object":
            if isinstance(expr.index, n.Literal_) and isinstance(expr.index.value, str):
                return self._member(base, expr.index.value, expr, expr.obj)
            if index.kind not in ("string", "any"):
                self.state.error(
                    codes.TYPE, f"a field name must be text, not {index.words()}", expr.index.span
                )
            return ANY
        if base.kind != "any":
            self.state.error(
                codes.TYPE,
                f"'{_path_text(expr.obj)}' is {base.words()} and cannot be indexed",
                expr.span,
            )
        return ANY

    def _infer_call(self, expr: n.Call, scope: Scope) -> Type:
        arity = BUILTIN_FUNCTIONS.get(expr.func)
        if arity is None:
            suggestion = did_you_mean(expr.func, BUILTIN_FUNCTIONS)
            self.state.error(
                codes.UNKNOWN_FUNCTION,
                f"unknown function '{expr.func}'"
                + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
                expr.span,
                hint="functions: " + ", ".join(sorted(BUILTIN_FUNCTIONS)),
            )
            return ANY
        if len(expr.args) != arity:
            self.state.error(
                codes.ARITY,
                f"'{expr.func}' takes {arity} argument, not {len(expr.args)}",
                expr.span,
            )
            return ANY
        (arg,) = expr.args
        arg_type = self.infer(arg, scope)
        if expr.func == "declared":
            if not _is_path(arg):
                self.state.error(
                    codes.TYPE, "'declared' takes a declaration path such as company.uscc", arg.span
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
            self.state.error(
                codes.TYPE,
                f"'{expr.func}' takes {' or '.join(KIND_WORDS[k] for k in kinds)}, not {arg_type.words()}",
                arg.span,
            )
        if expr.func in ("lower", "upper"):
            return Type("string", from_declaration=arg_type.from_declaration)
        return result

    def _infer_not(self, expr: n.Not, scope: Scope) -> Type:
        self.expect_bool(self.infer(expr.operand, scope), expr.operand, "'not'")
        return BOOL

    def _infer_neg(self, expr: n.Neg, scope: Scope) -> Type:
        t = self.infer(expr.operand, scope)
        if t.kind not in ("number", "duration", "any"):
            self.state.error(codes.TYPE, f"'-' needs a number, not {t.words()}", expr.span)
        return t if t.kind != "any" else ANY

    def _infer_boolop(self, expr: n.BoolOp, scope: Scope) -> Type:
        self.expect_bool(self.infer(expr.left, scope), expr.left, f"'{expr.op}'")
        self.expect_bool(self.infer(expr.right, scope), expr.right, f"'{expr.op}'")
        return BOOL

    def expect_bool(self, t: Type, expr: n.Expr, what: str) -> None:
        if t.kind not in ("bool", "any"):
            self.state.error(
                codes.TYPE,
                f"{what} needs true/false, but '{_path_text(expr)}' is {t.words()}",
                expr.span,
                hint='compare it with something, e.g. x == "value" or x > 0',
            )

    def _infer_compare(self, expr: n.Compare, scope: Scope) -> Type:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        op = expr.op
        if Type("null") in (left, right) or _is_null(expr.left) or _is_null(expr.right):
            self.state.error(
                codes.TYPE,
                "comparing with null is always unknown (an explicit null counts as absent)",
                expr.span,
                hint="use declared(path) to test whether a field is present",
            )
            return BOOL
        if op in ("in", "not in"):
            self._check_membership(left, right, expr.left, expr.right, expr)
        elif op == "contains":
            if right.kind == "list" or left.kind not in ("list", "string", "any"):
                self.state.error(
                    codes.TYPE,
                    f"'contains' needs a list or text on the left, not {left.words()}",
                    expr.left.span,
                )
            elif left.kind == "list":
                self._check_membership(right, left, expr.right, expr.left, expr)
            elif not compatible(right, STRING):
                self.state.error(
                    codes.TYPE, f"text can only contain text, not {right.words()}", expr.right.span
                )
        elif op == "matches":
            self._check_matches(left, right, expr)
        else:
            self._check_comparison(op, left, right, expr)
        return BOOL

    def _check_comparison(self, op: str, left: Type, right: Type, expr: n.Compare) -> None:
        if not compatible(left, right):
            hint = None
            number = expr.left if left.kind == "number" else expr.right
            if {left.kind, right.kind} == {"number", "duration"} and _path_text(number).endswith(
                "_days"
            ):
                # only a *_days field invites writing a duration where a number belongs
                hint = "*_days fields are plain numbers: write 180, not 180 days"
            if {left.kind, right.kind} == {"date", "string"}:
                hint = "write dates without quotes: 2024-01-31"
            self.state.error(
                codes.TYPE,
                f"cannot compare {left.words()} ('{_path_text(expr.left)}') with {right.words()} ('{_path_text(expr.right)}')",
                expr.span,
                hint=hint,
            )
            return
        kind = left.kind if left.kind != "any" else right.kind
        if op not in ("==", "!=") and kind in ("bool", "list", "object"):
            self.state.error(
                codes.TYPE, f"'{op}' does not apply to {Type(kind).words()}", expr.span
            )
        check_enum(self.state, left, expr.right)
        check_enum(self.state, right, expr.left)

    def _check_membership(
        self, item: Type, coll: Type, item_expr: n.Expr, coll_expr: n.Expr, expr: n.Compare
    ) -> None:
        if coll.kind not in ("list", "any"):
            self.state.error(
                codes.TYPE,
                f"'{expr.op}' needs a list on the right, but '{_path_text(coll_expr)}' is {coll.words()}",
                coll_expr.span,
            )
            return
        element = coll.item or ANY
        if not compatible(item, element):
            self.state.error(
                codes.TYPE,
                f"a list of {element.words()} cannot contain {item.words()}",
                expr.span,
            )
            return
        check_enum(self.state, element, item_expr)
        if isinstance(coll_expr, n.ListExpr):
            for literal in coll_expr.items:
                check_enum(self.state, item, literal)
        else:  # a const list: _check_enum reads its values
            check_enum(self.state, item, coll_expr)

    def _check_matches(self, left: Type, right: Type, expr: n.Compare) -> None:
        if not compatible(left, STRING):
            self.state.error(
                codes.TYPE, f"'matches' needs text on the left, not {left.words()}", expr.left.span
            )
        if not isinstance(expr.right, n.Literal_) or not isinstance(expr.right.value, str):
            if not compatible(right, STRING):
                self.state.error(
                    codes.TYPE, "'matches' needs a pattern (text) on the right", expr.right.span
                )
            return
        pattern = expr.right.value
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            self.state.error(
                codes.BAD_PATTERN, f"invalid regular expression: {exc}", expr.right.span
            )

    def _infer_arith(self, expr: n.Arith, scope: Scope) -> Type:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        result = arith_result(expr.op, left.kind, right.kind)
        if result is None:
            self.state.error(
                codes.TYPE,
                f"cannot compute {left.words()} {expr.op} {right.words()}",
                expr.span,
                hint="dates take durations (date + 30 days); numbers take numbers",
            )
            return ANY
        return Type(result)

    def _infer_coalesce(self, expr: n.Coalesce, scope: Scope) -> Type:
        value = self.infer(expr.value, scope)
        default = self.infer(expr.default, scope)
        check_enum(self.state, value, expr.default)
        if not compatible(value, default):
            self.state.error(
                codes.TYPE,
                f"'??' default is {default.words()} but the value is {value.words()}",
                expr.default.span,
            )
        return value if value.kind != "any" else default

    def _infer_if(self, expr: n.If, scope: Scope) -> Type:
        self.expect_bool(self.infer(expr.cond, scope), expr.cond, "'if'")
        then = self.infer(expr.then, scope)
        otherwise = self.infer(expr.otherwise, scope)
        if not compatible(then, otherwise):
            self.state.error(
                codes.TYPE,
                f"'then' gives {then.words()} but 'else' gives {otherwise.words()}",
                expr.span,
            )
        return then if then.kind != "any" else otherwise

    def _bind(self, var: str, coll_expr: n.Expr, scope: Scope, span: Span) -> Scope:
        coll = self.infer(coll_expr, scope)
        if coll.kind not in ("list", "any"):
            self.state.error(
                codes.TYPE,
                f"'{_path_text(coll_expr)}' is {coll.words()}, not a list",
                coll_expr.span,
            )
        for clash, what in (
            (scope.variables, "a variable of an enclosing quantifier"),
            (self.state.consts, "a const"),
            (self.state.predicates, "a predicate"),
            (self.state.top_fields, "a top-level declaration field"),
            (BUILTIN_NAMES, "a built-in name"),
        ):
            if var in clash:
                self.state.error(
                    codes.NAME_CLASH, f"variable '{var}' hides {what}; choose another name", span
                )
                break
        return scope.bind(var, coll.item or ANY if coll.kind == "list" else ANY)

    def _infer_quantifier(self, expr: n.Quantifier, scope: Scope) -> Type:
        inner = self._bind(expr.var, expr.collection, scope, expr.span)
        if expr.filter is not None:
            self.expect_bool(self.infer(expr.filter, inner), expr.filter, "'where'")
        self.expect_bool(self.infer(expr.body, inner), expr.body, f"'{expr.kind}'")
        return BOOL

    def _infer_aggregate(self, expr: n.Aggregate, scope: Scope) -> Type:
        inner = self._bind(expr.var, expr.collection, scope, expr.span)
        if expr.filter is not None:
            self.expect_bool(self.infer(expr.filter, inner), expr.filter, "'where'")
        if expr.body is None:
            return NUMBER
        body = self.infer(expr.body, inner)
        allowed: tuple[TypeKind, ...] = (
            ("number", "any") if expr.kind == "sum" else ("number", "date", "duration", "any")
        )
        if body.kind not in allowed:
            self.state.error(
                codes.TYPE, f"'{expr.kind}' needs numbers, not {body.words()}", expr.body.span
            )
        return body if body.kind != "any" else (NUMBER if expr.kind == "sum" else ANY)


def _is_null(expr: n.Expr) -> bool:
    return isinstance(expr, n.Literal_) and expr.value is None


def _is_path(expr: n.Expr) -> bool:
    while isinstance(expr, n.Attr | n.Index):
        expr = expr.obj
    return isinstance(expr, n.Name)


def _path_text(expr: n.Expr) -> str:
    """A short rendering of an expression for messages (paths exactly, others abbreviated)."""
    from ...lang.printer import expression_text

    return expression_text(expr, limit=60)
