"""The parser: shapes, precedence, positions, plain-language syntax errors, robustness."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.expressions import expressions, lit, name, normalise
from helpers.paths import REPO
from licensecheck import PackError
from licensecheck.authoring.fmt import format_rules
from licensecheck.lang import nodes as n
from licensecheck.lang import printer
from licensecheck.lang.parser import parse_expression, parse_module
from licensecheck.lang.printer import expression_text
from licensecheck.lang.values import Duration


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a ?? 0 + 1", n.Arith("+", n.Coalesce(name("a"), lit(0)), lit(1))),
        ("not a == b", n.Not(n.Compare("==", name("a"), name("b")))),
        ("a or b and c", n.BoolOp("or", name("a"), n.BoolOp("and", name("b"), name("c")))),
        ("a and b and c", n.BoolOp("and", n.BoolOp("and", name("a"), name("b")), name("c"))),
        ("a - b - c", n.Arith("-", n.Arith("-", name("a"), name("b")), name("c"))),
        ("a + b * c", n.Arith("+", name("a"), n.Arith("*", name("b"), name("c")))),
        ("-a ?? b", n.Neg(n.Coalesce(name("a"), name("b")))),
        ("a ?? b ?? c", n.Coalesce(name("a"), n.Coalesce(name("b"), name("c")))),
        ("a ?? -1", n.Coalesce(name("a"), lit(-1))),
        ("x.y[0].z", n.Attr(n.Index(n.Attr(name("x"), "y"), lit(0)), "z")),
        (
            'extensions["client-acme"].ok',
            n.Attr(n.Index(name("extensions"), lit("client-acme")), "ok"),
        ),
        ("c not in L", n.Compare("not in", name("c"), name("L"))),
        ("50_000_000", lit(50_000_000)),
        ("0.33", lit(0.33)),
        ("2022-01-01", lit(dt.date(2022, 1, 1))),
        (
            "2022-01-01 - 2021-01-01",
            n.Arith("-", lit(dt.date(2022, 1, 1)), lit(dt.date(2021, 1, 1))),
        ),
        ("30 days + 1 year", n.Arith("+", lit(Duration(30, "day")), lit(Duration(1, "year")))),
        ('"中文\\n"', lit("中文\n")),
        ("[1, 2,]", n.ListExpr((lit(1), lit(2)))),
        (
            "all x in c where x.a: x.b or x.c",
            n.Quantifier(
                "all",
                "x",
                name("c"),
                n.Attr(name("x"), "a"),
                n.BoolOp("or", n.Attr(name("x"), "b"), n.Attr(name("x"), "c")),
            ),
        ),
        (
            "count x in c where x.a and x.b",
            n.Aggregate(
                "count",
                "x",
                name("c"),
                n.BoolOp("and", n.Attr(name("x"), "a"), n.Attr(name("x"), "b")),
                None,
            ),
        ),
        ("if a then 1 else 2 + 3", n.If(name("a"), lit(1), n.Arith("+", lit(2), lit(3)))),
        ("days_since(d) > 30", n.Compare(">", n.Call("days_since", (name("d"),)), lit(30))),
    ],
)
def test_shapes_and_precedence(text: str, tree: n.Expr) -> None:
    assert parse_expression(text) == tree


def test_nodes_carry_positions() -> None:
    module = parse_module(
        'const K = 1\nrule A-1 {\n  title: "t"\n  require: x.y >= K\n}\n', "f.rules"
    )
    rule = module.definitions[1]
    assert isinstance(rule, n.RuleDef)
    require = rule.field("require")
    assert require is not None
    assert (require.span.line, require.span.column) == (4, 3)
    assert (require.value.span.line, require.value.span.column) == (4, 12)
    assert require.value.span.file == "f.rules"


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "hint"),
    [
        ("rule A-1 { title: 'x' }", 1, 19, 'unexpected character "\'"', "double quotes"),
        ('rule A-1 { title: "x }', 1, 19, "unterminated string", "close the string"),
        ("rule A-1 { require: a < b < c }", 1, 27, "unexpected '<'", "cannot be chained"),
        (
            "rule A-1 { require: a and all x in y: x }",
            1,
            33,
            "unexpected 'in'",
            "must be in parentheses",
        ),
        ("rule A-1 { require: a = b }", 1, 23, "unexpected '='", "compare with '=='"),
        ("const a = 1 <", 1, 14, "the file ends too early", "an expression"),
        ("rule x { }", 1, 6, "unexpected 'x'", "a rule id such as CR-LIC-001"),
        ('rule A-1 {\n  title: "x"\n  require: (a\n}', 4, 1, "unexpected '}'", "expected"),
        ('rule A-1 { title: "bad \\q" }', 1, 19, "invalid escape", "\\uXXXX"),
        ("rule A-1 { effective_from: 2024-02-30 }", 1, 28, "not a valid date", None),
        ("rule A-1 { require: a & b }", 1, 23, "unexpected character '&'", "'and', 'or' and 'not'"),
    ],
)
def test_syntax_errors_are_plain(
    text: str, line: int, column: int, message: str, hint: str | None
) -> None:
    with pytest.raises(PackError) as caught:
        parse_module(text, "bad.rules")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "syntax"
    assert diagnostic.span is not None
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (
        "bad.rules",
        line,
        column,
    )
    assert message in diagnostic.message
    if hint:
        assert diagnostic.hint and hint in diagnostic.hint
    rendered = diagnostic.render()
    assert rendered.startswith(f"bad.rules:{line}:{column}: error:")
    assert "^" in rendered


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                *list('rule const predicate all any in where:{}[]()"=<>!.,?#\n 0123456789abAZ-_@'),
                "中",
            ]
        ),
        max_size=80,
    )
)
def test_random_text_raises_only_pack_errors(text: str) -> None:
    try:
        parse_module(text, "fuzz.rules")
    except PackError as exc:
        assert_positioned_inside(exc, text)


def assert_positioned_inside(error: PackError, text: str) -> None:
    """Every diagnostic points at a line and column of ``text`` (or just past its end)."""
    assert error.diagnostics
    lines = text.split("\n")
    for d in error.diagnostics:
        assert d.span is not None and d.span.file == "fuzz.rules", d.render()
        assert 1 <= d.span.line <= len(lines), d.render()
        assert 1 <= d.span.column <= len(lines[d.span.line - 1]) + 1, d.render()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_is_a_module_or_a_positioned_pack_error(text: str) -> None:
    """Any text either parses, and then the formatter prints it back to the same tree, or
    raises a PackError pointing inside the text: never another exception."""
    try:
        module = parse_module(text, "fuzz.rules")
    except PackError as exc:
        assert_positioned_inside(exc, text)
    else:
        assert parse_module(format_rules(text, "fuzz.rules"), "fuzz.rules") == module


# ---------------------------------------------------------------- printer round trip


@settings(max_examples=500, deadline=None)
@given(expressions())
def test_print_then_parse_gives_the_same_tree(expr: n.Expr) -> None:
    text = expression_text(expr)
    assert parse_expression(text) == normalise(expr)


@settings(max_examples=200, deadline=None)
@given(expressions(), st.sampled_from([None, 1, 12, 60]), st.sampled_from(list(printer.Level)))
def test_a_remembered_text_is_the_text_printed_afresh(
    expr: n.Expr, limit: int | None, within: printer.Level
) -> None:
    fresh = printer._CANONICAL.wrapped(expr, within)
    if limit is not None and len(fresh) > limit:
        fresh = fresh[: limit - 1] + "…"
    assert expression_text(expr, limit, within=within) == fresh
    assert expression_text(expr, limit, within=within) == fresh  # now from the memo
    twin = copy.deepcopy(expr)  # an equal tree, other objects
    assert twin is not expr
    assert expression_text(twin, limit, within=within) == fresh
    assert len(printer._PRINTED) <= printer._MOST_PRINTED


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ("(x ?? 0) >= 8", "(x ?? 0) >= 8"),
        ("x ?? 0 >= 8", "(x ?? 0) >= 8"),  # the same tree: ?? binds tighter
        ("(a ?? 0) + 1", "(a ?? 0) + 1"),
        ("-(a ?? b)", "-(a ?? b)"),
        ("all s in (a ?? b): s", "all s in (a ?? b): s"),
        ("a ?? b ?? c", "a ?? b ?? c"),
        ("a ?? -1", "a ?? -1"),
        ("(-0.0) ?? a", "(-0.0) ?? a"),  # a negative zero is a negation too
        ("not a ?? b", "not a ?? b"),
        ("a ?? b and c", "a ?? b and c"),
    ],
)
def test_a_default_inside_comparison_or_arithmetic_prints_in_parentheses(
    source: str, printed: str
) -> None:
    """Messages print ``??`` as the formatter does: ``(x ?? 0) >= 8``, never ``x ?? 0 >= 8``,
    which readers take for ``x ?? (0 >= 8)``."""
    from licensecheck.authoring.fmt import format_rules

    expr = parse_expression(source)
    assert expression_text(expr) == printed
    assert parse_expression(printed) == expr
    formatted = format_rules(f"predicate p = {source}\n")
    assert formatted == f"predicate p = {printed}\n"


def test_the_printer_s_levels_are_the_grammar_s() -> None:
    """The printer's precedence table follows the grammar's chain of expression rules
    (``?or_expr: and_expr | …``), loosest first."""
    import itertools
    import re

    from licensecheck.lang import parser, printer

    grammar = parser._GRAMMAR.read_text(encoding="utf-8")
    first_choice = dict(re.findall(r"^\?(\w+): (\w+)", grammar, re.MULTILINE))
    levels = list(printer.Level)
    for looser, tighter in itertools.pairwise(levels):
        assert first_choice[printer.GRAMMAR_RULES[looser]] == printer.GRAMMAR_RULES[tighter]


def test_shipped_parser_tables_match_the_grammar() -> None:
    """The shipped tables were built from this grammar and parse every bundled rule file alike."""
    import json

    from licensecheck.lang import parser

    shipped = json.loads(parser._TABLES.read_text(encoding="utf-8"))
    assert shipped["grammar_sha256"] == parser.grammar_digest(), (
        "run: python -m licensecheck.lang.parser"
    )
    builder = parser._ToAst()
    fresh = parser.build_parser(builder)
    files = sorted(REPO.glob("policies/*/*.rules"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        builder.path, builder.text = str(path), text
        assert parse_module(text, str(path)) == fresh.parse(text, start="start"), path


def test_grammar_has_no_conflicts() -> None:
    """LALR with strict mode: no shift/reduce conflicts or terminal collisions hidden by defaults."""
    from lark import Lark

    from licensecheck.lang import parser

    Lark(
        parser._GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        start=["start", "expr"],
        strict=True,
    )
