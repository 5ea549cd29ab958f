"""The pieces generated pack code is built from: small builders of Python syntax trees, and
what the generator knows about expressions of the rule language before it emits them.

Input: rule-language nodes (:mod:`licensecheck.lang.nodes`) and names minted by
:mod:`.codegen`. Output: :mod:`ast` nodes of the few shapes the audit of
:mod:`.codegen_safety` allows, and facts about expressions (constant, date-only,
truth-valued).
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from .._record import Record, set_field
from ..declaration.schema import SchemaNode
from ..errors import RuleRuntimeError
from ..lang import nodes as n
from ..lang.operations import arithmetic
from ..lang.values import UNKNOWN
from .codegen_safety import call, negative
from .rules import CheckedPack

Scope = dict[str, str]  # the rule language's variable -> the minted local holding its value
Statements = list[ast.stmt]

#: Python's own comparison operators, for the cases the language compares exactly as Python.
_OPERATORS: dict[str, type[ast.cmpop]] = {
    "==": ast.Eq,
    "!=": ast.NotEq,
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
}
#: Constant types compared by Python directly when the other side has the same type
#: (booleans only by == and !=), as :mod:`.comparisons`' ``PLAIN_EQUALITY`` and ``PLAIN_ORDER``.
_TYPE_NAMES: dict[type, str] = {
    str: "_str",
    int: "_int",
    float: "_float",
    bool: "_bool",
    dt.date: "_date",
}
_ORDERED_TYPES = (str, int, float, dt.date)
#: The Python type a validated, converted value of an enforced schema kind has (dates are
#: converted by the loader; ``number`` is int or float, so it has none).
_SCHEMA_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "date": dt.date,
    "object": dict,
    "array": list,
}
_SCALARS = (str, int, float, bool)


class Outcomes(NamedTuple):
    """The outcome objects the generated function appends, one per rule (the evaluator's)."""

    passed: Any
    failed: Any
    unknown_when: Any
    unknown_require: Any
    not_applicable: Any
    when_not_boolean: Any
    require_not_boolean: Any
    too_deep: Any
    error: Callable[[RuleRuntimeError], Any]


class Fact(Record):
    """What is known of a value generated code holds in a minted name: it is of exactly the
    type ``kind``, or (unless ``certain``) unknown. ``node`` is its schema, for what its
    fields and elements are. Facts about declaration data come from validation, so only the
    schema-typed variant has them; facts the rule's text fixes (a literal is of its own type,
    ``declared(…)`` is true or false) hold in both variants."""

    # a Record, not a frozen dataclass (built at every cold start, issue #12)
    __slots__ = ("certain", "kind", "node")
    __match_args__ = ("kind", "certain", "node")

    kind: type
    certain: bool
    node: SchemaNode | None

    def __init__(self, kind: type, certain: bool, node: SchemaNode | None = None) -> None:
        set_field(self, "kind", kind)
        set_field(self, "certain", certain)
        set_field(self, "node", node)


def schema_fact(node: SchemaNode | None, certain: bool) -> Fact | None:
    """The fact about a value validated against ``node`` (None when its type is not fixed)."""
    if node is None or not node.enforced:
        return None
    kind = _SCHEMA_TYPES.get(node.kind)
    return None if kind is None else Fact(kind, certain, node)


def field_fact(parent: Fact | None, key: str | int) -> Fact | None:
    """The fact about ``parent[key]`` read with ``dict.get`` (None → unknown): certain when
    the parent is certain and the schema requires the key (the loader drops nulls)."""
    if parent is None or parent.kind is not dict or parent.node is None or type(key) is not str:
        return None
    return schema_fact(
        parent.node.properties.get(key), parent.certain and key in parent.node.required
    )


#: The expressions that read declaration data whatever they hold (exact types: node classes
#: have no subclasses)
_READS_DATA = frozenset({n.Attr, n.Index, n.Quantifier, n.Aggregate})


def depends_only_on_today(expr: n.Expr, bound: Collection[str], pack: CheckedPack) -> bool:
    """True for expressions of literals, consts and `today` alone (no declaration data):
    their value changes only with the assessment date, so both compilers compute them once."""
    # every node must pass, so any order will do: a stack, not n.walk's ordered generators
    # (both compilers ask this of every arithmetic, call and negation)
    stack: list[n.Expr] = [expr]
    while stack:
        node = stack.pop()
        if type(node) is n.Name:
            name = node.name
            if name in bound or name in pack.predicates:
                return False
            if name not in pack.consts and name != "today":
                return False
        elif type(node) in _READS_DATA:
            return False
        else:
            stack.extend(node.children())
    return True


def _fold_constant(expr: n.Expr, pack: CheckedPack) -> Any:
    """Evaluate literals, consts, arithmetic, negation and functions as the closures do."""
    if isinstance(expr, n.Literal_):
        return UNKNOWN if expr.value is None else expr.value
    if isinstance(expr, n.Name):
        return pack.consts[expr.name]
    if isinstance(expr, n.Arith):
        a = _fold_constant(expr.left, pack)
        b = UNKNOWN if a is UNKNOWN else _fold_constant(expr.right, pack)
        return UNKNOWN if b is UNKNOWN else arithmetic(expr.op, a, b, expr)
    if isinstance(expr, n.Neg):
        v = _fold_constant(expr.operand, pack)
        return UNKNOWN if v is UNKNOWN else negative(v, expr)
    if isinstance(expr, n.Call) and expr.func in ("len", "lower", "upper", "declared"):
        v = _fold_constant(expr.args[0], pack)
        if expr.func == "declared":
            return v is not UNKNOWN
        return UNKNOWN if v is UNKNOWN else call(expr.func, v, dt.date.min, expr)
    raise TypeError(f"not a constant expression: {type(expr).__name__}")


def _truth_valued(expr: n.Expr) -> bool:
    """Whether ``expr`` can only give true, false or unknown (or raise): comparisons,
    ``not``, ``and``/``or``, quantifiers and ``declared`` never give another value, so
    their callers need not test for one."""
    if isinstance(expr, n.Compare | n.Not | n.BoolOp | n.Quantifier):
        return True
    if isinstance(expr, n.Call):
        return expr.func == "declared"
    return isinstance(expr, n.Literal_) and type(expr.value) is bool


# ---------------------------------------------------------------- small tree builders


# Contexts and operators hold nothing and are never changed: one of each serves every tree,
# as in the trees Python's own parser makes (building generated code is paid by every
# batch and server, issue #12)
_LOAD, _STORE, _IS, _IS_NOT = ast.Load(), ast.Store(), ast.Is(), ast.IsNot()


def _load(name: str) -> ast.Name:
    return ast.Name(name, _LOAD)


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, _STORE)], value)


def _is(a: ast.expr, b: ast.expr) -> ast.Compare:
    return ast.Compare(a, [_IS], [b])


def _is_not(a: ast.expr, b: ast.expr) -> ast.Compare:
    return ast.Compare(a, [_IS_NOT], [b])


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_load(name), list(args), [])


def _method(obj: ast.expr, attr: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Attribute(obj, attr, _LOAD), list(args), [])


def _if(test: ast.expr, body: Sequence[ast.stmt], orelse: Sequence[ast.stmt] = ()) -> ast.If:
    return ast.If(test, list(body) or [ast.Pass()], list(orelse))


def _pick(test: ast.expr, yes: ast.expr, no: ast.expr) -> ast.IfExp:
    return ast.IfExp(test, yes, no)


def _const(value: str | int | float | bool | None) -> ast.Constant:
    return ast.Constant(value)


_UNKNOWN = "_UNKNOWN"


def _unknown() -> ast.Name:
    return _load(_UNKNOWN)


def _type_is(value: ast.expr, type_name: str) -> ast.Compare:
    return _is(_call("_type", value), _load(type_name))


def path_steps(expr: n.Expr) -> tuple[n.Expr, list[str | int | n.Expr]]:
    """A path's base (a name, or any other expression) and its steps in source order: a field
    name, a literal index, or the expression of a computed index. Both compilers read paths
    through it, so they agree on what a path is."""
    steps: list[str | int | n.Expr] = []
    node = expr
    while True:  # exact type tests (node classes have no subclasses): run for every path
        if type(node) is n.Attr:
            steps.append(node.name)
        elif type(node) is n.Index:
            index = node.index
            literal = index.value if type(index) is n.Literal_ else None
            steps.append(literal if type(literal) is str or type(literal) is int else index)
        else:
            break
        node = node.obj
    steps.reverse()
    return node, steps


def fixed_path(expr: n.Expr) -> tuple[str, tuple[str | int, ...]]:
    """A path expression's name and fixed keys (no name: it has a computed index, or
    steps into something else than a name)."""
    base, steps = path_steps(expr)
    if type(base) is not n.Name or not all(type(s) is str or type(s) is int for s in steps):
        return "", ()
    assert isinstance(base, n.Name)
    return base.name, tuple(steps)  # type: ignore[arg-type]


def is_path(expr: n.Expr) -> bool:
    """Whether ``expr`` is a path expression (a name, or a field or index of anything): an
    explanation reads its witness from the path it read."""
    return type(expr) is n.Name or type(expr) is n.Attr or type(expr) is n.Index
