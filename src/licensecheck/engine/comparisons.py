"""Comparisons as rules make them: ``==``, ``!=``, ``<`` … and ``matches``, with the
language's equality (no bool equals a number, dates only dates) and its unknowns, for the
closures (:mod:`.compile`) and, through :mod:`.codegen_safety`, the generated code.

Input: the two sides' closures (or, for the generated code, their values). Output: true,
false or unknown; a :class:`~licensecheck.errors.RuleRuntimeError` where the types cannot be
compared.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Final

from ..lang import nodes as n
from ..lang.operations import compile_pattern, ordered, runtime_error, values_equal
from ..lang.values import UNKNOWN, type_name
from .runtime import Env, Fn

OPERATORS: Final = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: Types whose values Python compares exactly as the language does (durations and mixed
#: number types take the general path; booleans only take part in == and !=).
PLAIN_EQUALITY: Final = frozenset({str, int, float, bool, dt.date})
PLAIN_ORDER: Final = frozenset({str, int, float, dt.date})


def variable_field_comparison(
    expr: n.Compare, op: str, left: Fn, variable: str, key: str
) -> Fn | None:
    """``x.key OP constant`` in one closure (the commonest quantifier body or filter)."""
    assert isinstance(expr.right, n.Literal_)
    constant = expr.right.value
    plain = PLAIN_EQUALITY if op in ("==", "!=") else PLAIN_ORDER
    if constant is None or type(constant) not in plain:
        return None
    constant_type, apply = type(constant), OPERATORS[op]

    def compare_field(e: Env) -> Any:
        value = e.vars[variable]
        if type(value) is dict:
            actual = value.get(key)
            if type(actual) is constant_type:
                return apply(actual, constant)
        actual = left(e)  # absent, or another type: the general path decides
        if actual is UNKNOWN:
            return UNKNOWN
        return general_comparison(op, actual, constant, expr)

    return compare_field


def general_comparison(op: str, a: Any, b: Any, expr: n.Compare) -> bool:
    if op == "==":
        return values_equal(a, b, expr)
    if op == "!=":
        return not values_equal(a, b, expr)
    ordered(a, b, expr)
    return bool(OPERATORS[op](a, b))


def comparison(expr: n.Compare, op: str, left: Fn, right: Fn, *, fuse_constant: bool) -> Fn:
    apply = OPERATORS[op]
    plain = PLAIN_EQUALITY if op in ("==", "!=") else PLAIN_ORDER
    if fuse_constant and isinstance(expr.right, n.Literal_) and expr.right.value is not None:
        constant = expr.right.value
        constant_type = type(constant)
        fast = constant_type in plain

        def compare_constant(e: Env) -> Any:
            a = left(e)
            if a is UNKNOWN:
                return UNKNOWN
            if fast and type(a) is constant_type:
                return apply(a, constant)
            return general_comparison(op, a, constant, expr)

        return compare_constant

    def compare(e: Env) -> Any:
        a = left(e)
        if a is UNKNOWN:
            return UNKNOWN
        b = right(e)
        if b is UNKNOWN:
            return UNKNOWN
        if type(a) is type(b) and type(a) in plain:
            return apply(a, b)
        return general_comparison(op, a, b, expr)

    return compare


def matches(expr: n.Compare, left: Fn, right: Fn) -> Fn:
    fixed = expr.right.value if isinstance(expr.right, n.Literal_) else None
    fixed_pattern = compile_pattern(fixed) if isinstance(fixed, str) else None  # checked at load

    def matches(e: Env) -> Any:
        text = left(e)
        if text is UNKNOWN:
            return UNKNOWN
        pattern = right(e)
        if pattern is UNKNOWN:
            return UNKNOWN
        return pattern_match(text, pattern, fixed_pattern, expr)

    return matches


def pattern_match(text: Any, pattern: Any, fixed: Any, node: n.Node) -> bool:
    """``text matches pattern`` of two known values (``fixed``: the pattern compiled at load
    when it is a literal): the closures' and the generated code's one definition."""
    if type(text) is not str or type(pattern) is not str:
        raise runtime_error(f"'matches' needs text, got {type_name(text)}", node)
    try:
        regex = fixed or compile_pattern(pattern)
    except ValueError as exc:
        raise runtime_error(f"invalid regular expression: {exc}", node) from None
    return bool(regex.found_in(text))
