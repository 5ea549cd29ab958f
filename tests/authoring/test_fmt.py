"""The formatter: canonical layout, comments kept, idempotent, and the same syntax tree."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.expressions import expressions, normalise
from helpers.paths import REPO
from licensecheck import PackError
from licensecheck.authoring.fmt import WIDTH, expression_flat, expression_lines, format_rules
from licensecheck.lang import nodes as n
from licensecheck.lang.parser import parse_expression, parse_module, parse_module_layout
from licensecheck.lang.printer import expression_text

# ---------------------------------------------------------------- whole rules files, with comments

NAMES = st.sampled_from(["LIMIT", "big", "q_1", "MAX", "p"])
RULE_IDS = st.sampled_from(["A-1", "CR-LIC-001", "X-Y-2", "B-10"])
FIELD_KEYS = st.sampled_from(
    ["title", "title@zh", "domain", "severity", "when", "require", "cite", "effort", "message"]
)
COMMENT = st.text(alphabet=st.sampled_from(list("abc XYZ#:{}\"'中-")), max_size=12).map(
    lambda t: "#" + t.rstrip()
)


@st.composite
def rule_defs(draw: st.DrawFn) -> n.RuleDef:
    fields = draw(
        st.lists(st.builds(n.RuleField, FIELD_KEYS, expressions()), max_size=4).map(tuple)
    )
    after = draw(st.none() | st.lists(RULE_IDS.map(lambda i: n.RuleRef(i)), max_size=3).map(tuple))
    return n.RuleDef(draw(RULE_IDS), fields, after)


DEFINITIONS = st.one_of(
    st.builds(n.Const, NAMES, expressions()),
    st.builds(n.Predicate, NAMES, expressions()),
    rule_defs(),
)


def _spaces_outside_strings(text: str) -> list[int]:
    spaces, in_string, escaped = [], False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == " ":
            spaces.append(index)
    return spaces


@st.composite
def laid_out(draw: st.DrawFn, expr: n.Expr) -> str:
    """The expression's text, maybe broken over lines with comments at the breaks."""
    text = expression_text(expr)
    spaces = _spaces_outside_strings(text)
    if not spaces:
        return text
    breaks = draw(st.lists(st.sampled_from(spaces), max_size=2, unique=True))
    for index in sorted(breaks, reverse=True):
        comment = draw(st.none() | COMMENT)
        joint = f" {comment}\n    " if comment else "\n        "
        text = text[:index] + joint + text[index + 1 :]
    return text


@st.composite
def trailing(draw: st.DrawFn) -> str:
    comment = draw(st.none() | COMMENT)
    return f"  {comment}" if comment else ""


@st.composite
def leading(draw: st.DrawFn, indent: str = "") -> str:
    lines = draw(st.lists(COMMENT, max_size=2))
    blank = draw(st.booleans())
    return "".join(f"{indent}{c}\n" for c in lines) + ("\n" if blank else "")


@st.composite
def rules_files(draw: st.DrawFn) -> str:
    """A rules file of consts, predicates and rules, in a random layout with comments
    before, after and inside definitions and fields."""
    out = [draw(leading())]
    for definition in draw(st.lists(DEFINITIONS, max_size=4)):
        out.append(draw(leading()))
        if isinstance(definition, n.RuleDef):
            out.append(f"rule {definition.rule_id} {{{draw(trailing())}\n")
            items = [f"{f.key}: {draw(laid_out(f.value))}" for f in definition.fields]
            if definition.after is not None:
                refs = ", ".join(r.rule_id for r in definition.after)
                position = draw(st.integers(0, len(items)))
                items.insert(position, f"after: [{refs}]")
            for item in items:
                out.append(draw(leading("    ")))
                out.append(f"    {item}{draw(trailing())}\n")
            out.append(draw(leading("    ")))
            out.append(f"}}{draw(trailing())}\n")
        else:
            keyword = "const" if isinstance(definition, n.Const) else "predicate"
            body = definition.value if isinstance(definition, n.Const) else definition.body
            out.append(f"{keyword} {definition.name} = {draw(laid_out(body))}{draw(trailing())}\n")
    out.append(draw(leading()))
    return "".join(out)


def _comments(text: str) -> list[str]:
    _, layout = parse_module_layout(text, "x.rules")
    return sorted(str(t).rstrip() for t in layout if t.type == "COMMENT")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_files())
def test_format_keeps_the_tree_and_the_comments_and_is_idempotent(text: str) -> None:
    formatted = format_rules(text, "x.rules")
    assert parse_module(formatted, "x.rules") == parse_module(text, "x.rules")
    assert _comments(formatted) == _comments(text)
    assert format_rules(formatted, "x.rules") == formatted
    assert not formatted.endswith("\n\n")


# ---------------------------------------------------------------- one printer for both users


@settings(max_examples=300, deadline=None)
@given(expressions(), st.integers(min_value=0, max_value=WIDTH))
def test_the_formatter_prints_what_messages_print_and_both_parse_back(
    expr: n.Expr, column: int
) -> None:
    """Messages (``expression_text``) and the formatter print the same tokens; broken over
    lines or not, the text parses to the tree it was printed from."""
    text = expression_text(expr)
    assert expression_flat(expr) == text
    assert parse_expression(text) == normalise(expr)
    lines = expression_lines(expr, " " * column, indent="")
    assert parse_expression("\n".join(lines)) == normalise(expr)
    if len(lines) == 1:
        assert lines[0] == " " * column + text


# ---------------------------------------------------------------- the layout itself


def test_canonical_layout() -> None:
    text = (
        "const  A=1 # one\n"
        'rule X-1{title:"t" domain:d severity:low after:[X-2]require:(a.b??0)>A}\n'
        'rule X-2 { title: "u" domain: d severity: low require: true }\n'
    )
    assert format_rules(text) == (
        "const A = 1  # one\n"
        "\n"
        "rule X-1 {\n"
        '    title: "t"\n'
        "    domain: d\n"
        "    severity: low\n"
        "    after: [X-2]\n"
        "    require: (a.b ?? 0) > A\n"
        "}\n"
        "\n"
        "rule X-2 {\n"
        '    title: "u"\n'
        "    domain: d\n"
        "    severity: low\n"
        "    require: true\n"
        "}\n"
    )


def test_long_expressions_break_before_operators_and_after_colons() -> None:
    condition = " and ".join(f"s.field_number_{i} == {i}" for i in range(6))
    text = (
        f'rule X-1 {{ require: all s in data_sources where s.kind == "crawled": {condition} '
        "and (any c in s.sensitive_categories: c in PROHIBITED) }\n"
    )
    formatted = format_rules(text)
    assert formatted == (
        "rule X-1 {\n"
        '    require: all s in data_sources where s.kind == "crawled":\n'
        "        s.field_number_0 == 0\n"
        "            and s.field_number_1 == 1\n"
        "            and s.field_number_2 == 2\n"
        "            and s.field_number_3 == 3\n"
        "            and s.field_number_4 == 4\n"
        "            and s.field_number_5 == 5\n"
        "            and (any c in s.sensitive_categories: c in PROHIBITED)\n"
        "}\n"
    )
    assert all(len(line) <= WIDTH for line in formatted.splitlines())
    assert parse_module(formatted, "x") == parse_module(text, "x")


def test_long_lists_go_one_item_to_a_line() -> None:
    cites = ", ".join(f'"Regulation on the Administration of Things Art. {i}"' for i in range(3))
    formatted = format_rules(f"rule X-1 {{ cite: [{cites}] require: true }}\n")
    assert formatted == (
        "rule X-1 {\n"
        "    cite: [\n"
        '        "Regulation on the Administration of Things Art. 0",\n'
        '        "Regulation on the Administration of Things Art. 1",\n'
        '        "Regulation on the Administration of Things Art. 2",\n'
        "    ]\n"
        "    require: true\n"
        "}\n"
    )


def test_literals_keep_their_spelling() -> None:
    text = 'const A = 50_000_000\nconst B = "\\u4e2d # not a comment"\nconst C = 0.50\n'
    assert format_rules(text) == text


def test_comments_inside_an_expression_move_above_its_field() -> None:
    text = (
        "rule X-1 {\n"
        "    require: a\n"
        "        # only crawled sources\n"
        "        and b  # b matters\n"
        "}\n"
    )
    assert format_rules(text) == (
        "rule X-1 {\n    # only crawled sources\n    require: a and b  # b matters\n}\n"
    )


def test_a_file_that_does_not_parse_is_an_error_with_its_position() -> None:
    with pytest.raises(PackError) as caught:
        format_rules("rule X-1 { require: a < b < c }\n", "bad.rules")
    assert caught.value.diagnostics[0].render().startswith("bad.rules:1:27: error:")


@pytest.mark.parametrize(
    "path", sorted(REPO.glob("policies/*/*.rules")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_bundled_rules_files_format_to_the_same_tree(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    formatted = format_rules(text, str(path))
    assert parse_module(formatted, "x") == parse_module(text, "x")
    assert _comments(formatted) == _comments(text)
    assert format_rules(formatted, str(path)) == formatted
    assert not [line for line in formatted.splitlines() if re.search(r"\s$", line)]


def test_line_separators_inside_strings_do_not_shift_comments() -> None:
    """Python's splitlines() breaks at \\x85 and \\u2028; the lexer does not, nor may we."""
    text = 'rule A-1 {  # header\n    title: "a\x85b\u2028c"  # title\n}\n'
    assert format_rules(text) == text
