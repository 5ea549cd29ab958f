"""Hypothesis strategies for syntax trees of the rules language (parser and formatter tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from licensecheck.lang import nodes as n
from licensecheck.lang.values import Duration


def name(text: str) -> n.Name:
    return n.Name(text)


def lit(value: object) -> n.Literal_:
    return n.Literal_(value)  # type: ignore[arg-type]


NAMES = st.sampled_from(["a", "b", "x", "company", "K"])
FIELDS = st.sampled_from(["name", "kind", "level", "ok"])
LITERALS = st.one_of(
    st.booleans(),
    st.integers(min_value=0, max_value=10**9),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.builds(
        Duration, st.integers(min_value=0, max_value=100), st.sampled_from(["day", "month", "year"])
    ),
).map(lit)


def expressions() -> st.SearchStrategy[n.Expr]:
    leaves = st.one_of(LITERALS, NAMES.map(name))

    def extend(children: st.SearchStrategy[n.Expr]) -> st.SearchStrategy[n.Expr]:
        return st.one_of(
            st.builds(n.Attr, children, FIELDS),
            st.builds(n.Index, children, children),
            st.builds(n.Not, children),
            st.builds(n.Neg, children),
            st.builds(n.BoolOp, st.sampled_from(["and", "or"]), children, children),
            st.builds(
                n.Compare,
                st.sampled_from(
                    ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "matches"]
                ),
                children,
                children,
            ),
            st.builds(n.Arith, st.sampled_from(["+", "-", "*", "/"]), children, children),
            st.builds(n.Coalesce, children, children),
            st.builds(n.If, children, children, children),
            st.builds(
                n.Quantifier,
                st.sampled_from(["all", "any", "none"]),
                NAMES,
                children,
                st.none() | children,
                children,
            ),
            st.builds(
                n.Aggregate, st.just("count"), NAMES, children, st.none() | children, st.none()
            ),
            st.builds(
                n.Aggregate,
                st.sampled_from(["sum", "min", "max"]),
                NAMES,
                children,
                st.none() | children,
                children,
            ),
            st.builds(n.ListExpr, st.lists(children, max_size=3).map(tuple)),
            st.builds(n.Call, st.sampled_from(["len", "lower", "declared"]), st.tuples(children)),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def normalise(expr: n.Expr) -> n.Expr:
    """The tree the parser builds for ``expr``'s meaning: ``-5`` is the literal -5, not Neg(5)."""
    fields = []
    for value in (getattr(expr, name) for name in expr.__match_args__):
        if isinstance(value, n.Node):
            value = normalise(value)  # type: ignore[arg-type]
        elif isinstance(value, tuple):
            value = tuple(normalise(v) if isinstance(v, n.Node) else v for v in value)  # type: ignore[arg-type]
        fields.append(value)
    expr = type(expr)(*fields, span=expr.span)
    if isinstance(expr, n.Neg) and isinstance(expr.operand, n.Literal_):
        value = expr.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return n.Literal_(-value)
    return expr
