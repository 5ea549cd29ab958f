"""Parse ``.rules`` text into the typed syntax tree (:mod:`.nodes`).

Lark (LALR) builds a parse tree with positions; :class:`_ToAst` turns it into frozen
nodes. Lark's exceptions never leave this module: they become
:class:`~licensecheck.errors.PackError` with a plain-language message and a caret.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any, cast

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError
from lark.grammar import Rule
from lark.lexer import TerminalDef

from .. import codes
from ..errors import Diagnostic, PackError, Span, source_snippet
from ..output import encodable
from . import GRAMMAR_FILE, MAX_EXPRESSION_DEPTH, grammar_digest
from . import nodes as n
from .values import Duration, DurationUnit

_GRAMMAR = GRAMMAR_FILE
#: The LALR tables built from grammar.lark, shipped so that a process need not rebuild them
#: (building takes ~0.2-0.5 s; loading ~5 ms). Regenerate: python -m licensecheck.lang.parser
_TABLES = Path(__file__).with_name("grammar_tables.json")


#: Tokens the syntax tree does not keep but the formatter needs (comments and rule braces):
#: the parser hands them to the builder as it reads them.
LAYOUT_TERMINALS = ("COMMENT", "LBRACE", "RBRACE")


def build_parser(
    transformer: Transformer[Token, Any] | None = None, *, layout: bool = False
) -> Lark:
    """Build the parser from the grammar (slow: computes the LALR tables)."""
    return Lark(
        _GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        start=["start", "expr"],
        maybe_placeholders=True,
        transformer=transformer,
        lexer_callbacks=_layout_callbacks(transformer) if layout else {},
    )


def _layout_callbacks(transformer: Any) -> dict[str, Any]:
    if not isinstance(transformer, _ToAst):
        return {}
    return {name: transformer.note_layout for name in LAYOUT_TERMINALS}


def serialize_tables(parser: Lark) -> str:
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    document = {"grammar_sha256": grammar_digest(), "data": data, "memo": memo}
    return json.dumps(_encode(document), sort_keys=True, ensure_ascii=False) + "\n"


@cache
def _lark(layout: bool = False) -> tuple[Lark, _ToAst]:
    """The parser, building nodes as it goes through its own :class:`_ToAst`; with ``layout``,
    one that also hands comments and braces to the builder (the formatter's, built on first
    use so that ordinary parsing pays nothing for it)."""
    builder = _ToAst()
    try:
        tables = _decode(json.loads(_TABLES.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return build_parser(builder, layout=layout), builder
    if tables.get("grammar_sha256") != grammar_digest():  # edited grammar: never use stale tables
        return build_parser(builder, layout=layout), builder
    loaded: Lark = Lark._load_from_dict(  # type: ignore[no-untyped-call]
        tables["data"],
        tables["memo"],
        transformer=builder,
        lexer_callbacks=_layout_callbacks(builder) if layout else {},
    )
    return loaded, builder


_PARSE_LOCK = threading.Lock()  # the builder holds the current file's name and text


def _encode(value: Any) -> Any:
    """JSON keeps only string keys; the tables have integer ones, so tag such dicts."""
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            return {"__items__": [[_encode(k), _encode(v)] for k, v in value.items()]}
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__items__"}:
            return {_decode(k): _decode(v) for k, v in value["__items__"]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@functools.lru_cache(maxsize=256)
def parse_module(text: str, path: str) -> n.Module:
    """Parse one rules file; raise :class:`PackError` on a syntax error.

    Remembered by text and path (the tree is immutable): the language server relints a
    whole pack on each keystroke, and only the file being typed has new text to parse."""
    return _parse_module(text, path, None)


def parse_module_layout(text: str, path: str) -> tuple[n.Module, list[Token]]:
    """Parse one rules file, also returning its comments and rule braces (the tokens of
    :data:`LAYOUT_TERMINALS`) in source order, for the formatter."""
    layout: list[Token] = []
    return _parse_module(text, path, layout), layout


def _parse_module(text: str, path: str, layout: list[Token] | None) -> n.Module:
    module = _parse(text, path, "start", layout)
    assert isinstance(module, n.Module)
    for definition in module.definitions:
        if isinstance(definition, n.RuleDef):
            for field in definition.fields:
                _check_depth(field.value, text)
        else:
            _check_depth(
                definition.value if isinstance(definition, n.Const) else definition.body, text
            )
    return module


def parse_expression(text: str, path: str = "<expression>") -> n.Expr:
    """Parse a lone expression (for tests and tools)."""
    expr: n.Expr = _parse(text, path, "expr")
    _check_depth(expr, text)
    return expr


def _check_depth(expr: n.Expr, text: str) -> None:
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            span = node.span
            raise PackError(
                Diagnostic(
                    codes.TOO_DEEP,
                    f"this expression nests more than {MAX_EXPRESSION_DEPTH} levels deep",
                    span,
                    snippet=source_snippet(text, span.line, span.column),
                    hint="split it into named predicates",
                )
            )
        stack.extend((child, depth + 1) for child in node.children())


def _parse(text: str, path: str, start: str, layout: list[Token] | None = None) -> Any:
    parser, builder = _lark(layout is not None)
    with _PARSE_LOCK:
        builder.path, builder.text = path, text
        builder.layout = [] if layout is None else layout
        try:
            return parser.parse(text, start=start)
        except UnexpectedInput as exc:
            raise PackError(_syntax_diagnostic(exc, text, path)) from None
        except VisitError as exc:  # raised inside a callback: unwrap our own error
            if isinstance(exc.orig_exc, PackError):
                raise exc.orig_exc from None
            raise
        except RecursionError:
            raise PackError(
                Diagnostic(codes.SYNTAX, "the rules are nested too deeply", Span(path, 1, 1))
            ) from None


# ---------------------------------------------------------------- syntax errors

_TOKEN_WORDS = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COLON": "':'",
    "COMMA": "','",
    "EQUAL": "'='",
    "DOT": "'.'",
    "NAME": "a name",
    "FIELD_KEY": "a rule field such as 'title:' or 'require:'",
    "RULE_ID": "a rule id such as CR-LIC-001",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "RULE": "'rule'",
    "CONST": "'const'",
    "PREDICATE": "'predicate'",
    "$END": "the end of the file",
}

_EXPRESSION_STARTS = {"NAME", "NUMBER", "STRING", "DATE", "LPAR", "LSQB", "TRUE", "FALSE", "NULL"}


_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "AND", "OR", "LESSTHAN", "MORETHAN", "DOT", "LSQB"}


def _describe_expected(expected: set[str]) -> str:
    if len(expected & _EXPRESSION_STARTS) >= 3:
        return "an expression (a value, a name or a path)"
    if len(expected & _OPERATORS) >= 4:
        return "an operator (such as '==', 'and', '+') or the end of the expression"
    words = sorted({_TOKEN_WORDS.get(t, _keyword(t)) for t in expected})
    if not words:
        return "something else here"
    if len(words) > 6:
        words = [*words[:6], "…"]
    return ", ".join(words) if len(words) < 3 else "one of " + ", ".join(words)


def _keyword(token_type: str) -> str:
    name = _lark()[0].get_terminal(token_type).pattern.value if _has_terminal(token_type) else None
    return f"'{name}'" if isinstance(name, str) else token_type.lower()


def _has_terminal(token_type: str) -> bool:
    try:
        _lark()[0].get_terminal(token_type)
    except KeyError:
        return False
    return True


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line, column = max(exc.line, 1), max(exc.column, 1)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        # a '"' that starts no token can only open a string that is never closed
        message = "unterminated string" if char == '"' else f"unexpected character {char!r}"
        hint = _character_hint(char)
    elif isinstance(exc, UnexpectedEOF):
        message = "the file ends too early"
        hint = f"expected {_describe_expected(set(exc.expected))}"
        line, column = _end_position(text)
    else:
        token = exc.token  # type: ignore[attr-defined]
        if token.type == "$END":
            line, column = _end_position(text)
            message = "the file ends too early"
        else:
            shown = str(token) if len(str(token)) <= 40 else str(token)[:39] + "…"
            message = f"unexpected {shown!r}"  # a token may be thousands of characters long
        hint = _token_hint(exc, token, text[: exc.pos_in_stream or 0])
    return Diagnostic(
        code=codes.SYNTAX,
        message=message,
        span=Span(path, line, column),
        snippet=source_snippet(text, line, column),
        hint=hint,
    )


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1


def _character_hint(char: str) -> str | None:
    if char == '"':
        return 'close the string with a double quote on the same line: "like this"'
    if char == "'":
        return 'strings use double quotes: "like this"'
    if char == "=":
        return "compare with '==' (a single '=' only appears in 'const' and 'predicate')"
    if char in "&|!":
        return "write 'and', 'or' and 'not' in words"
    return None


_QUANTIFIER_WORDS = {"all", "any", "none", "count", "sum", "min", "max", "if"}


_COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "contains", "matches"}


def _token_hint(exc: UnexpectedInput, token: Token, before: str) -> str:
    expected = set(getattr(exc, "expected", ()) or getattr(exc, "accepts", ()) or ())
    previous = re.findall(r"[A-Za-z_]\w*|\S", before)
    construct = _open_construct(previous, str(token))
    if construct == "if":
        return "'if' inside 'and', 'or', 'not' or a comparison must be in parentheses: (if … then … else …)"
    if construct is not None:
        return (
            f"'{construct}' inside 'and', 'or', 'not' or a comparison must be in parentheses: "
            f"({construct} … in … : …)"
            if construct != "count"
            else "write the count in parentheses: (count x in … ) == 0"
        )
    if str(token) in _COMPARISONS and _has_comparison(previous):
        return "comparisons cannot be chained: write 'a < b and b < c'"
    if str(token) == "=":
        return "compare with '=='"
    if token.type == "RULE_ID":
        return "rule ids only appear after 'rule' and in 'after: [...]'"
    return f"expected {_describe_expected(expected)}"


def _open_construct(previous_tokens: list[str], next_token: str) -> str | None:
    """A quantifier or `if` keyword read as a plain name because it followed an operator."""
    for index in range(len(previous_tokens) - 1, 0, -1):
        tok = previous_tokens[index]
        if tok in {":", "{", "(", "["}:
            return None
        if tok in _QUANTIFIER_WORDS:
            after_operator = previous_tokens[index - 1] in _OPERATOR_TEXT
            return tok if after_operator or next_token in _OPERATOR_TEXT | _COMPARISONS else None
    return None


_OPERATOR_TEXT = {"and", "or", "not", "==", "!=", "<", ">", "=", "+", "-", "*", "/", "?"}


def _has_comparison(previous_tokens: list[str]) -> bool:
    for tok in reversed(previous_tokens):
        if tok in {":", "{", "(", "and", "or", "not", "=", ","}:
            return False
        if tok in _COMPARISONS or tok in {"=", "!", "<", ">"}:
            return True
    return False


# ---------------------------------------------------------------- tree -> nodes

_UNITS: dict[str, DurationUnit] = {
    "day": "day",
    "days": "day",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}


def _number(text: str) -> int | float:
    clean = text.replace("_", "")
    return float(clean) if "." in clean else int(clean)


Child = Any  # a Token, a node, a list of RuleRefs or None: whatever a callback returned


def _span_of(path: str, item: Child) -> Span | None:
    if isinstance(item, Token):
        return Span(path, item.line or 1, item.column or 1, item.end_line, item.end_column)
    if isinstance(item, n.Node):
        return item.span
    return None


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    """Builds nodes as the parser reduces (Lark's tree-less mode), with spans from tokens.

    Positions come from the first token of each construct, which is why keywords that
    open a construct (``not``, ``if``, ``count``, ``-``, ``[``, literals) are named
    terminals in the grammar.
    """

    def __init__(self) -> None:
        super().__init__()
        self.path = "<rules>"
        self.text = ""
        self.layout: list[Token] = []

    def note_layout(self, token: Token) -> Token:
        """Lexer callback: keep a comment or a brace for the formatter."""
        self.layout.append(token)
        return token

    def _at(self, *items: Child) -> Span:
        for item in items:
            span = _span_of(self.path, item)
            if span is not None:
                return span
        return Span(self.path, 1, 1)

    def _error(self, message: str, span: Span, hint: str | None = None) -> PackError:
        snippet = source_snippet(self.text, span.line, span.column)
        return PackError(Diagnostic(codes.SYNTAX, message, span, snippet=snippet, hint=hint))

    # -- top level
    def start(self, *definitions: n.Definition) -> n.Module:
        return n.Module(self.path, tuple(definitions), span=Span(self.path, 1, 1))

    def const_def(self, name: Token, value: n.Expr) -> n.Const:
        return n.Const(str(name), value, span=self._at(name))

    def predicate_def(self, name: Token, body: n.Expr) -> n.Predicate:
        return n.Predicate(str(name), body, span=self._at(name))

    def rule_def(self, rule_id: Token, *items: n.RuleField | list[n.RuleRef]) -> n.RuleDef:
        fields = tuple(i for i in items if isinstance(i, n.RuleField))
        afters = [i for i in items if isinstance(i, list)]
        if len(afters) > 1:
            raise self._error("'after' is given twice", self._at(*afters[1], rule_id))
        after = tuple(afters[0]) if afters else None
        return n.RuleDef(str(rule_id), fields, after, span=self._at(rule_id))

    def field(self, key: Token, value: n.Expr) -> n.RuleField:
        return n.RuleField(str(key), value, span=self._at(key))

    def after_field(self, *ids: Token | None) -> list[n.RuleRef]:
        return [n.RuleRef(str(t), span=self._at(t)) for t in ids if t is not None]

    # -- literals
    def number(self, token: Token) -> n.Literal_:
        return n.Literal_(self._number(token), span=self._at(token))

    def duration(self, amount: Token, unit: Token) -> n.Literal_:
        value = Duration(self._number(amount), _UNITS[str(unit)])
        return n.Literal_(value, span=self._at(amount))

    def _number(self, token: Token) -> int | float:
        """The value of a number literal; one Python cannot hold (an integer past the
        int-string conversion limit, a decimal that overflows to infinity) is an error here."""
        text = str(token)
        shown = text if len(text) <= 40 else text[:39] + "…"
        try:
            value = _number(text)
        except ValueError:
            raise self._error(f"the number {shown} has too many digits", self._at(token)) from None
        if value == math.inf:
            raise self._error(f"the number {shown} is too large", self._at(token))
        return value

    def unit(self, word: Token) -> Token:
        return word

    def string(self, token: Token) -> n.Literal_:
        span = self._at(token)
        try:
            value = json.loads(str(token))
        except json.JSONDecodeError:
            if any(ord(ch) < 0x20 for ch in str(token)):
                message = "a string holds a control character (a raw tab, NUL, …)"
                raise self._error(
                    message, span, r"write it as an escape such as \t or \u0000"
                ) from None
            hint = r"use \" \\ \n \t or \uXXXX"
            raise self._error(f"invalid escape in string {token}", span, hint) from None
        if value != encodable(value):  # "\ud800": valid JSON syntax, but no character
            raise self._error(
                "a string holds half of a UTF-16 surrogate pair (\\ud800 to \\udfff), "
                "not a character",
                span,
            )
        return n.Literal_(value, span=span)

    def date(self, token: Token) -> n.Literal_:
        span = self._at(token)
        try:
            value = dt.date.fromisoformat(str(token))
        except ValueError:
            raise self._error(f"{token} is not a valid date", span) from None
        return n.Literal_(value, span=span)

    def true(self, token: Token) -> n.Literal_:
        return n.Literal_(True, span=self._at(token))

    def false(self, token: Token) -> n.Literal_:
        return n.Literal_(False, span=self._at(token))

    def null(self, token: Token) -> n.Literal_:
        return n.Literal_(None, span=self._at(token))

    def list(self, bracket: Token, *items: n.Expr | None) -> n.ListExpr:
        return n.ListExpr(tuple(i for i in items if i is not None), span=self._at(bracket))

    # -- names and paths
    def name(self, token: Token) -> n.Name:
        return n.Name(str(token), span=self._at(token))

    def attr(self, obj: n.Expr, name: Token) -> n.Attr:
        return n.Attr(obj, str(name), span=obj.span)

    def index(self, obj: n.Expr, index: n.Expr) -> n.Index:
        return n.Index(obj, index, span=obj.span)

    def call(self, func: Token, *args: n.Expr | None) -> n.Call:
        return n.Call(str(func), tuple(a for a in args if a is not None), span=self._at(func))

    # -- operators
    def not_(self, keyword: Token, operand: n.Expr) -> n.Not:
        return n.Not(operand, span=self._at(keyword))

    def neg(self, minus: Token, operand: n.Expr) -> n.Expr:
        value = operand.value if isinstance(operand, n.Literal_) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return n.Literal_(-value, span=self._at(minus))
        return n.Neg(operand, span=self._at(minus))

    def and_(self, left: n.Expr, right: n.Expr) -> n.BoolOp:
        return n.BoolOp("and", left, right, span=left.span)

    def or_(self, left: n.Expr, right: n.Expr) -> n.BoolOp:
        return n.BoolOp("or", left, right, span=left.span)

    def cmp_op(self, *tokens: Token) -> str:
        return " ".join(str(t) for t in tokens)

    def add_op(self, token: Token) -> str:
        return str(token)

    mul_op = add_op

    def compare(self, left: n.Expr, op: str, right: n.Expr) -> n.Compare:
        return n.Compare(cast(n.CompareOperator, op), left, right, span=left.span)

    def arith(self, left: n.Expr, op: str, right: n.Expr) -> n.Arith:
        return n.Arith(cast(n.ArithOperator, op), left, right, span=left.span)

    def coalesce(self, value: n.Expr, default: n.Expr) -> n.Coalesce:
        return n.Coalesce(value, default, span=value.span)

    def if_expr(self, keyword: Token, cond: n.Expr, then: n.Expr, otherwise: n.Expr) -> n.If:
        return n.If(cond, then, otherwise, span=self._at(keyword))

    # -- quantifiers and aggregates
    def where(self, condition: n.Expr) -> n.Expr:
        return condition

    def quant_kw(self, token: Token) -> Token:
        return token

    fold_kw = quant_kw

    def quantifier(
        self, kind: Token, var: Token, coll: n.Expr, where: n.Expr | None, body: n.Expr
    ) -> n.Quantifier:
        return n.Quantifier(
            cast(n.QuantifierKind, str(kind)), str(var), coll, where, body, span=self._at(kind)
        )

    def count(self, keyword: Token, var: Token, coll: n.Expr, where: n.Expr | None) -> n.Aggregate:
        return n.Aggregate("count", str(var), coll, where, None, span=self._at(keyword))

    def fold(
        self, kind: Token, var: Token, coll: n.Expr, where: n.Expr | None, body: n.Expr
    ) -> n.Aggregate:
        return n.Aggregate(
            cast(n.AggregateKind, str(kind)), str(var), coll, where, body, span=self._at(kind)
        )


if __name__ == "__main__":
    _TABLES.write_text(serialize_tables(build_parser()), encoding="utf-8")
