"""What generated pack code may contain and call: the whitelist, the audit, the bounds, and
the helpers in the namespace it runs in.

Input: a generated :class:`ast.Module` (from :mod:`.codegen`) and the names it minted.
Output: the module audited and compiled into a function whose globals are the fixed helpers
below, the values the compiler passed in, and an empty ``__builtins__``; or a
:class:`~licensecheck.errors.PackError` naming what broke the rules.

The audit is the last gate before ``compile()``: whatever the compiler did, a node kind, an
attribute, a name or a constant outside the whitelist never reaches Python's compiler.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn

from .. import codes
from ..errors import Diagnostic, PackError, RuleRuntimeError, Span
from ..lang import nodes as n
from ..lang.operations import arithmetic, kind_of, runtime_error
from ..lang.values import UNKNOWN, Duration, add_duration, type_name
from .comparisons import general_comparison, pattern_match
from .runtime import BudgetExceeded, filtered, fold, member, membership, read_keys, truth
from .runtime import _step as step

#: Bounds on the generated tree: a pack bigger or deeper than this keeps its closures.
MAX_NODES: Final = 2_000_000
MAX_DEPTH: Final = 150
#: Python refuses more than 20 statically nested blocks; each rule's ``try`` is one.
MAX_LOOP_NESTING: Final = 16

# ---------------------------------------------------------------- helpers the code calls


def over_budget(node: n.Node, max_steps: int) -> NoReturn:
    """The closure compiler's budget error, word for word (see ``runtime._charge``)."""
    message = f"the rule visited more than {max_steps} list elements"
    raise BudgetExceeded(Diagnostic(codes.BUDGET, message, node.span))


def not_a_list(items: Any, node: n.Quantifier | n.Aggregate) -> NoReturn:
    raise runtime_error(f"'{node.kind}' needs a list, got {type_name(items)}", node)


def call(func: str, value: Any, today: dt.date, node: n.Node) -> Any:
    """``len``, ``lower``, ``upper`` and ``days_since`` of a known value."""
    if func == "len" and type(value) in (list, str):
        return len(value)
    if func == "lower" and type(value) is str:
        return value.lower()
    if func == "upper" and type(value) is str:
        return value.upper()
    if func == "days_since" and type(value) is dt.date:
        return (today - value).days
    raise runtime_error(f"'{func}' cannot take {type_name(value)}", node)


def date_shift(op: str, a: Any, b: Any, node: n.Node) -> Any:
    """``a + duration`` or ``a - duration``: a date's own case without the general
    dispatch of :func:`arithmetic` (same result, same messages)."""
    if type(a) is dt.date:
        try:
            return add_duration(a, b, 1 if op == "+" else -1)
        except (ValueError, OverflowError) as exc:
            raise runtime_error(f"date arithmetic failed: {exc}", node) from None
    return arithmetic(op, a, b, node)


def negative(value: Any, node: n.Node) -> Any:
    if kind_of(value) == "number":
        return -value
    if type(value) is Duration:
        return Duration(-value.amount, value.unit)
    raise runtime_error(f"'-' cannot negate {type_name(value)}", node)


class _Unset:
    """The memo of a predicate not evaluated yet for this declaration."""

    def __repr__(self) -> str:
        return "unset"


UNSET: Final = _Unset()

#: The fixed names the generated code may read besides the ones it mints: name -> object.
HELPERS: Final[Mapping[str, Any]] = {
    "_UNKNOWN": UNKNOWN,
    "_UNSET": UNSET,
    "_RuleRuntimeError": RuleRuntimeError,
    "_RecursionError": RecursionError,
    "_type": type,
    "_len": len,
    "_dict": dict,
    "_list": list,
    "_str": str,
    "_int": int,
    "_float": float,
    "_bool": bool,
    "_date": dt.date,
    "_truth": truth,
    "_filtered": filtered,
    "_fold": fold,
    "_member": member,
    "_membership": membership,
    "_compare": general_comparison,
    "_arith": arithmetic,
    "_date_shift": date_shift,
    "_negative": negative,
    "_call": call,
    "_match": pattern_match,
    "_step": step,
    "_rest": read_keys,
    "_over": over_budget,
    "_not_a_list": not_a_list,
}

#: Names the compiler mints: a letter for what it holds and a serial number.
MINTED: Final = re.compile(r"_[vilpmknod][0-9]+\Z")
#: The generated function, its parameters and its fixed locals (the step count, the
#: outcomes, the error caught).
FIXED_NAMES: Final = frozenset({"_pack", "_root", "_today", "_max", "_steps", "_out", "_error"})
#: The only attributes read: ``dict.get`` for fields, ``list.append`` for outcomes and values,
#: ``str.lower``/``upper`` of a text, ``timedelta.days`` of a date difference, and
#: ``found_in`` of a compiled RE2 pattern (each after a test of the object's exact type).
ATTRIBUTES: Final = frozenset({"get", "append", "lower", "upper", "days", "found_in"})

# ---------------------------------------------------------------- the whitelist and the audit

_NODE_KINDS: Final[frozenset[type[ast.AST]]] = frozenset(
    {
        ast.Module,
        ast.FunctionDef,
        ast.arguments,
        ast.arg,
        ast.Nonlocal,
        ast.Return,
        ast.Assign,
        ast.AugAssign,
        ast.If,
        ast.For,
        ast.Break,
        ast.Continue,
        ast.Try,
        ast.ExceptHandler,
        ast.Expr,
        ast.Pass,
        ast.Name,
        ast.Load,
        ast.Store,
        ast.Constant,
        ast.Attribute,
        ast.Call,
        ast.Compare,
        ast.Is,
        ast.IsNot,
        ast.In,
        ast.NotIn,
        ast.Eq,
        ast.NotEq,
        ast.Lt,
        ast.LtE,
        ast.Gt,
        ast.GtE,
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.IfExp,
        ast.BinOp,
        ast.Add,
        ast.Sub,
        ast.List,
        ast.Tuple,
    }
)
#: The kinds whose contents (names, attributes, values) the audit reads.
_CHECKED_KINDS: Final = frozenset(
    {
        ast.arg,
        ast.FunctionDef,
        ast.Nonlocal,
        ast.ExceptHandler,
        ast.Attribute,
        ast.Constant,
    }
)
_CONSTANT_TYPES: Final = (str, int, float, bool, type(None))
#: The allowed kinds with nothing inside and no location: contexts and operators.
_LEAF_KINDS: Final = frozenset(
    kind for kind in _NODE_KINDS if not kind._fields and not kind._attributes
)


def audit(tree: ast.Module, minted: frozenset[str], where: Span) -> None:
    """Reject any node kind, name, attribute or constant the compiler is not allowed to emit,
    and a tree beyond the bounds on size and nesting; give every node its (one) location."""
    # A generated explanation is some 1,300 nodes, audited once per rule a batch explains
    # (about a third of building it, issue #12): a name is checked the first time it is met
    # (a tree reads the same few dozen names thousands of times), and the contexts and
    # operators (a third of the nodes, with nothing inside) are checked where they are met,
    # not stacked, wherever the bounds leave no doubt.
    names: set[str] = set()
    count = 0
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 0)]
    while stack:
        node, depth, loops = stack.pop()
        kind = type(node)
        if kind not in _NODE_KINDS:
            _reject(f"node kind {kind.__name__} is not allowed", where)
        if kind is ast.Name:
            name: str = node.id  # type: ignore[attr-defined]
            if name not in names:
                _check_name(name, minted, where)
                names.add(name)
        elif kind in _CHECKED_KINDS:
            problem = _problem(node, minted)
            if problem is not None:
                _reject(problem, where)
        if depth > MAX_DEPTH:
            _too_big(f"nesting deeper than {MAX_DEPTH}", where)
        if loops > MAX_LOOP_NESTING:
            _too_big(f"more than {MAX_LOOP_NESTING} nested loops", where)
        if kind._attributes:  # statements and expressions: all on line 1 of no file
            node.lineno = node.end_lineno = 1  # type: ignore[attr-defined]
            node.col_offset = node.end_col_offset = 0  # type: ignore[attr-defined]
        inner = loops + 1 if kind is ast.For else loops
        # a leaf one level down is within the bounds of depth and loops: count it and go on
        leaves_fit = depth < MAX_DEPTH and inner <= MAX_LOOP_NESTING
        for field in kind._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for child in value:
                    if leaves_fit and type(child) in _LEAF_KINDS:
                        count += 1
                    elif isinstance(child, ast.AST):
                        stack.append((child, depth + 1, inner))
            elif leaves_fit and type(value) in _LEAF_KINDS:
                count += 1
            elif isinstance(value, ast.AST):
                stack.append((value, depth + 1, inner))
        count += 1  # the node itself
        if count > MAX_NODES:
            _too_big(f"more than {MAX_NODES:,} syntax nodes", where)


def _check_name(name: str, minted: frozenset[str], where: Span) -> None:
    if not _allowed_name(name, minted):
        _reject(_not_minted(name), where)


def _not_minted(name: str) -> str:
    return f"name {name!r} was not minted by the compiler"


def _reject(problem: str, where: Span) -> NoReturn:
    raise PackError(Diagnostic(codes.GENERATED_AUDIT, f"generated code rejected: {problem}", where))


def _problem(node: ast.AST, minted: frozenset[str]) -> str | None:
    if isinstance(node, ast.arg | ast.FunctionDef) and not _allowed_name(_defined(node), minted):
        return _not_minted(_defined(node))
    if isinstance(node, ast.Nonlocal) and not all(_allowed_name(x, minted) for x in node.names):
        return "a nonlocal name was not minted by the compiler"
    if isinstance(node, ast.ExceptHandler) and node.name not in (None, "_error"):
        return f"exception name {node.name!r} is not allowed"
    if isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTES:
        return f"attribute {node.attr!r} is not allowed"
    if isinstance(node, ast.Constant) and type(node.value) not in _CONSTANT_TYPES:
        return f"a constant of type {type(node.value).__name__} is not allowed"
    if isinstance(node, ast.FunctionDef) and (node.decorator_list or node.returns):
        return "decorated or annotated functions are not allowed"
    return None


def _defined(node: ast.arg | ast.FunctionDef) -> str:
    return node.arg if isinstance(node, ast.arg) else node.name


def _allowed_name(name: str, minted: frozenset[str]) -> bool:
    return name in HELPERS or name in FIXED_NAMES or (name in minted and bool(MINTED.match(name)))


def _too_big(what: str, where: Span) -> NoReturn:
    raise PackError(
        Diagnostic(codes.GENERATED_BOUND, f"the pack's generated code would have {what}", where)
    )


def build_function(
    tree: ast.Module, name: str, values: Mapping[str, Any], minted: frozenset[str], where: Span
) -> Callable[..., Any]:
    """Audit, compile and run the module with empty builtins; its one function."""
    audit(tree, minted, where)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning would be the compiler's bug: refuse it
            code = compile(tree, f"<licensecheck generated: {where.file}>", "exec")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        _too_big(f"code Python cannot compile ({type(exc).__name__})", where)
    namespace: dict[str, Any] = {"__builtins__": {}, **HELPERS, **values}
    exec(code, namespace)  # the audited tree: minted names, whitelisted nodes, no builtins
    function: Callable[..., Any] = namespace[name]
    return function
