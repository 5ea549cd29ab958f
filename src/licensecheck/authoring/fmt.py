"""Format ``.rules`` files: one canonical layout, comments kept.

Input: the text of a rules file. Output: the same definitions in the canonical layout:
a blank line around every rule, fields indented four spaces one to a line (in the order
written, ``after`` where it was), expressions printed with the fewest parentheses that keep
their meaning and broken before ``and``/``or``, after a quantifier's ``:`` and around
``then``/``else`` when a line would pass 100 characters, long lists one item to a line.
Numbers and strings keep the author's spelling (``50_000_000``, ``"\\u4e2d"``).

Comments are kept: a comment on a line of its own stays above the definition or field it
precedes (one inside a multi-line expression moves above that expression's field), a
comment after code stays at the end of that definition's or field's last line, and
comments before a rule's ``}`` stay inside it. Formatting is idempotent and never changes
what the file means: the formatted text parses to the same syntax tree.
"""

from __future__ import annotations

import bisect
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lark import Token

from .. import codes
from ..errors import Diagnostic, PackError, Span
from ..lang import nodes as n
from ..lang import printer
from ..lang.parser import parse_module_layout
from ..output import write_output
from ..packs.loader import RULES_FILE, read_pack_text

WIDTH = 100
INDENT = "    "

Position = tuple[int, int]  # (line, column), 1-based


# ---------------------------------------------------------------- entry points


def format_rules(text: str, path: str = "<rules>") -> str:
    """The canonical layout of one rules file; raise :class:`PackError` if it does not parse."""
    module, layout = parse_module_layout(text, path)
    return _Formatter(text, module, layout).format()


def expression_lines(expr: n.Expr, prefix: str = "", indent: str = "") -> list[str]:
    """``prefix`` and ``expr`` in the canonical layout (literals in canonical spelling);
    continuation lines start at ``indent`` plus four spaces."""
    lines = _Printer(printer.canonical_literal, indent).lines(expr, len(prefix))
    return [prefix + lines[0], *lines[1:]]


def expression_flat(expr: n.Expr) -> str:
    """``expr`` on one line, as the formatter prints it (with its clarifying parentheses)."""
    return printer.expression_text(expr)


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool
    before: str
    after: str

    def diff(self) -> str:
        import difflib

        shown = str(self.path)
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"{shown} (as written)",
                f"{shown} (formatted)",
            )
        )


def rules_files(target: str | os.PathLike[str]) -> list[Path]:
    """The rules files ``target`` names: a ``.rules`` file, or every one in a pack folder."""
    path = Path(target)
    if path.is_dir():
        files = sorted(path.glob("*.rules"))
        if not files:
            raise PackError(
                Diagnostic(codes.EMPTY_PACK, f"{path} has no *.rules files", Span(str(path), 1, 1))
            )
        return files
    if path.is_file():
        return [path]
    raise PackError(
        Diagnostic(
            codes.USAGE,
            f"{path}: no such file or folder",
            hint="give a pack folder or a .rules file",
        )
    )


def read_rules_text(path: Path, folder: Path | None = None) -> str:
    """A rules file's text, read as ``packs lint`` and ``check`` read it (same size limit,
    same errors, and no symlink out of its pack ``folder``, by default the file's own): a
    file the loader refuses is not rewritten through its link either. A file that cannot be
    read is a :class:`PackError`."""
    root = (folder if folder is not None else path.parent).resolve()
    return read_pack_text(path, str(path), root, RULES_FILE)


def format_paths(target: str | os.PathLike[str], *, write: bool = False) -> list[FormatResult]:
    """Format every rules file of ``target``; with ``write``, replace the changed ones
    (atomically). Every file is parsed before any is written."""
    results = []
    problems: list[Diagnostic] = []
    folder = Path(target) if Path(target).is_dir() else None
    for path in rules_files(target):
        try:
            text = read_rules_text(path, folder)
            formatted = format_rules(text, str(path))
        except PackError as exc:
            problems.extend(exc.diagnostics)
            continue
        results.append(FormatResult(path, formatted != text, text, formatted))
    if problems:
        raise PackError(problems)
    if write:
        for result in results:
            if result.changed:
                write_output(result.path, result.after, rewrite_input=True)
    return results


# ---------------------------------------------------------------- comments and anchors


@dataclass
class _Comment:
    text: str
    line: int
    column: int
    own_line: bool
    blank_after: bool = False  # a blank line follows it in the source


@dataclass
class _Slot:
    """Something comments attach to: a definition, a rule field (or ``after``), a rule's ``}``."""

    kind: str  # "definition", "field", "after" or "close"
    start: Position
    end_line: int
    definition: n.Definition
    item: n.RuleField | None = None
    leading: list[_Comment] = field(default_factory=list)
    trailing: list[_Comment] = field(default_factory=list)


def _end_line(expr: n.Expr) -> int:
    return max((node.span.end_line or node.span.line) for node in n.walk(expr))


class _Formatter:
    def __init__(self, text: str, module: n.Module, layout: list[Token]) -> None:
        self.text = text
        self.lines = text.split("\n")  # as the lexer counts lines: not at \x85 or \u2028
        self.offsets = _line_offsets(text)
        self.module = module
        comments = [t for t in layout if t.type == "COMMENT"]
        closes = [t for t in layout if t.type == "RBRACE"]
        self.slots = self._slots(closes)
        self.trailing_comments: list[_Comment] = []  # after the last definition
        self._attach([self._comment(t) for t in comments])

    # -- reading the source
    def _comment(self, token: Token) -> _Comment:
        line, column = token.line or 1, token.column or 1
        before = self.lines[line - 1][: column - 1]
        after_line = line + 1
        blank_after = after_line <= len(self.lines) and not self.lines[after_line - 1].strip()
        return _Comment(str(token).rstrip(), line, column, not before.strip(), blank_after)

    def _slots(self, closes: list[Token]) -> list[_Slot]:
        slots: list[_Slot] = []
        close_tokens = iter(closes)
        for definition in self.module.definitions:
            start = (definition.span.line, definition.span.column)
            if isinstance(definition, n.RuleDef):
                close = next(close_tokens)
                close_pos = (close.line or 1, close.column or 1)
                slots.append(_Slot("definition", start, start[0], definition))
                items: list[_Slot] = [
                    _Slot(
                        "field",
                        (f.span.line, f.span.column),
                        _end_line(f.value),
                        definition,
                        f,
                    )
                    for f in definition.fields
                ]
                refs = definition.after or ()
                if refs:
                    first, last = refs[0].span, refs[-1].span
                    items.append(_Slot("after", (first.line, first.column), last.line, definition))
                items.sort(key=lambda s: s.start)
                slots.extend(items)
                slots.append(_Slot("close", close_pos, close_pos[0], definition))
            else:
                body = definition.value if isinstance(definition, n.Const) else definition.body
                slots.append(_Slot("definition", start, _end_line(body), definition))
        return slots

    def _attach(self, comments: list[_Comment]) -> None:
        starts = [s.start for s in self.slots]
        for comment in comments:
            index = bisect.bisect_left(starts, (comment.line, comment.column))
            previous = self.slots[index - 1] if index > 0 else None  # the slot it follows
            if previous is not None and not comment.own_line:
                previous.trailing.append(comment)
            elif previous is not None and self._inside(previous, comment):
                previous.leading.append(comment)  # inside a multi-line expression: above it
            elif index < len(self.slots):
                self.slots[index].leading.append(comment)
            else:
                self.trailing_comments.append(comment)

    @staticmethod
    def _inside(slot: _Slot, comment: _Comment) -> bool:
        if slot.kind == "close" or (
            slot.kind == "definition" and isinstance(slot.definition, n.RuleDef)
        ):
            return False
        return slot.start[0] < comment.line < slot.end_line

    def _blank_between(self, first_line: int, second_line: int) -> bool:
        """A blank line somewhere between two source lines (exclusive)."""
        return any(not self.lines[i - 1].strip() for i in range(first_line + 1, second_line))

    # -- writing
    def format(self) -> str:
        out: list[str] = []
        previous: _Slot | None = None
        previous_end = 0
        definition_slots = [s for s in self.slots if s.kind == "definition"]
        for slot in definition_slots:
            first_line = slot.leading[0].line if slot.leading else slot.start[0]
            if previous is not None:
                rule_involved = isinstance(slot.definition, n.RuleDef) or isinstance(
                    previous.definition, n.RuleDef
                )
                if rule_involved or self._blank_between(previous_end, first_line):
                    out.append("")
            out.extend(self._comments(slot.leading, ""))
            out.extend(self._definition(slot))
            previous = slot
            previous_end = self._definition_end(slot)
        if self.trailing_comments:
            if out and self._blank_between(previous_end, self.trailing_comments[0].line):
                out.append("")
            out.extend(self._comments(self.trailing_comments, ""))
        while out and not out[-1]:
            out.pop()  # no blank lines at the end of the file
        return "\n".join(out) + "\n" if out else ""

    def _definition_end(self, slot: _Slot) -> int:
        if isinstance(slot.definition, n.RuleDef):
            return next(
                s for s in self.slots if s.kind == "close" and s.definition is slot.definition
            ).start[0]
        return slot.end_line

    @staticmethod
    def _comments(comments: Sequence[_Comment], indent: str) -> list[str]:
        lines: list[str] = []
        for index, comment in enumerate(comments):
            lines.append(indent + comment.text)
            if comment.blank_after and index + 1 < len(comments):
                lines.append("")
        if comments and comments[-1].blank_after and not indent:
            lines.append("")  # a header comment stays apart from what follows
        return lines

    def _definition(self, slot: _Slot) -> list[str]:
        definition = slot.definition
        if isinstance(definition, n.RuleDef):
            return self._rule(slot, definition)
        if isinstance(definition, n.Const):
            lines = self._expression(definition.value, f"const {definition.name} = ", "")
        else:
            lines = self._predicate(definition)
        return _with_trailing(lines, slot)

    def _predicate(self, definition: n.Predicate) -> list[str]:
        head = f"predicate {definition.name} = "
        one_line = head + self._text(definition.body)
        if len(one_line) <= WIDTH:
            return [one_line]
        return [head.rstrip(), *self._expression(definition.body, INDENT, INDENT)]

    def _rule(self, slot: _Slot, rule: n.RuleDef) -> list[str]:
        header = _with_trailing([f"rule {rule.rule_id} {{"], slot)
        body: list[str] = []
        items = [s for s in self.slots if s.definition is rule and s.kind in ("field", "after")]
        if rule.after is not None and not rule.after:  # `after: []` has no position: last
            items.append(_Slot("after", (0, 0), 0, rule))
        for item in items:
            body.extend(self._comments(item.leading, INDENT))
            if item.item is not None:
                lines = self._expression(item.item.value, f"{INDENT}{item.item.key}: ", INDENT)
            else:
                lines = self._after(rule.after or ())
            body.extend(_with_trailing(lines, item))
        close = next(s for s in self.slots if s.kind == "close" and s.definition is rule)
        body.extend(self._comments(close.leading, INDENT))
        return [*header, *body, *_with_trailing(["}"], close)]

    def _after(self, refs: Sequence[n.RuleRef]) -> list[str]:
        ids = [r.rule_id for r in refs]
        one_line = f"{INDENT}after: [{', '.join(ids)}]"
        if len(one_line) <= WIDTH:
            return [one_line]
        return [f"{INDENT}after: [", *(f"{INDENT * 2}{i}," for i in ids), f"{INDENT}]"]

    # -- expressions
    def _expression(self, expr: n.Expr, prefix: str, indent: str) -> list[str]:
        """``prefix`` + the expression; continuation lines start at ``indent`` + 4 spaces."""
        lines = _Printer(self.literal, indent).lines(expr, len(prefix))
        return [prefix + lines[0], *lines[1:]]

    def _text(self, expr: n.Expr) -> str:
        return _Printer(self.literal, "").flat(expr)

    def literal(self, node: n.Literal_) -> str:
        """A number or string as the author wrote it; other literals in canonical form."""
        value = node.value
        span = node.span
        if span.end_line is not None and span.end_column is not None and span.line > 0:
            start = self._offset(span.line, span.column)
            end = self._offset(span.end_line, span.end_column)
            source = self.text[start:end]
            if isinstance(value, str) and _string_value(source) == value:
                return source
            if _is_number(value) and _number_value(source) == value:
                return source
        return printer.literal_text(value)

    def _offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self.offsets):
            return len(self.text)
        return self.offsets[line - 1] + column - 1


def _with_trailing(lines: list[str], slot: _Slot) -> list[str]:
    """The slot's trailing comments: the last at the end of its last line, any others above."""
    if not slot.trailing:
        return lines
    *above, last = slot.trailing
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    return [*(indent + c.text for c in above), *lines[:-1], f"{lines[-1]}  {last.text}"]


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for index, char in enumerate(text):
        if char == "\n":
            offsets.append(index + 1)
    return offsets


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_value(source: str) -> object:
    clean = source.replace("_", "")
    try:
        return float(clean) if "." in clean else int(clean)
    except ValueError:
        return None


def _string_value(source: str) -> object:
    if not source.startswith('"'):
        return None
    try:
        return json.loads(source)
    except ValueError:
        return None


# ---------------------------------------------------------------- the expression printer


class _Printer:
    """Prints an expression as :func:`licensecheck.lang.printer.expression_text` does (same
    tokens, same parentheses: it asks that printer), breaking lines where it would run past
    the width."""

    def __init__(self, literal: Callable[[n.Literal_], str], indent: str) -> None:
        self.literal = literal
        self.indent = indent
        self.printer = printer.Printer(literal)

    # -- one line
    def flat(self, expr: n.Expr) -> str:
        return self.printer.text(expr)

    # -- broken over lines
    def lines(self, expr: n.Expr, column: int) -> list[str]:
        """The expression starting at ``column`` (0-based), as lines; the first line carries no
        indentation (the caller's prefix precedes it), later lines carry their own."""
        text = self.flat(expr)
        if column + len(text) <= WIDTH:
            return [text]
        inner = self.indent + INDENT
        if isinstance(expr, n.BoolOp):
            first_level, rest_level = printer.operand_levels(expr)
            first, *rest = self._chain(expr)
            lines = self._wrapped(first, first_level, column, self.indent)
            for operand in rest:
                prefix = f"{expr.op} "
                more = self._wrapped(operand, rest_level, len(inner) + len(prefix), inner)
                lines.append(f"{inner}{prefix}{more[0]}")
                lines.extend(more[1:])
            return lines
        if isinstance(expr, n.Quantifier | n.Aggregate):
            head = self.printer.head(expr)
            if expr.body is None:
                return self._filter_lines(expr, column)
            if column + len(head) + 1 > WIDTH and expr.filter is not None:
                lines = self._filter_lines(expr, column)
            else:
                lines = [head]
            lines[-1] += ":"
            body = _Printer(self.literal, inner).lines(expr.body, len(inner))
            return [*lines, f"{inner}{body[0]}", *body[1:]]
        if isinstance(expr, n.If):
            cond = _Printer(self.literal, inner).lines(expr.cond, column + 3)
            lines = [f"if {cond[0]}", *cond[1:]]
            for word, branch in (("then", expr.then), ("else", expr.otherwise)):
                part = _Printer(self.literal, inner).lines(branch, len(inner) + len(word) + 1)
                lines.append(f"{inner}{word} {part[0]}")
                lines.extend(part[1:])
            return lines
        if isinstance(expr, n.Not):
            (level,) = printer.operand_levels(expr)
            negated = self._wrapped(expr.operand, level, column + 4, self.indent)
            return [f"not {negated[0]}", *negated[1:]]
        if isinstance(expr, n.Compare | n.Arith):
            left_level, right_level = printer.operand_levels(expr)
            left_lines = self._wrapped(expr.left, left_level, column, self.indent)
            joint = f"{left_lines[-1]} {expr.op} "
            right_column = column + len(joint) if len(left_lines) == 1 else len(joint)
            right_lines = self._wrapped(expr.right, right_level, right_column, self.indent)
            return [*left_lines[:-1], joint + right_lines[0], *right_lines[1:]]
        if isinstance(expr, n.ListExpr) and expr.items:
            items = [_Printer(self.literal, inner).lines(i, len(inner)) for i in expr.items]
            lines = ["["]
            for item in items:
                lines.append(f"{inner}{item[0]}")
                lines.extend(item[1:])
                lines[-1] += ","
            return [*lines, f"{self.indent}]"]
        return [text]

    def _filter_lines(self, expr: n.Quantifier | n.Aggregate, column: int) -> list[str]:
        """``kind var in coll`` then ``where FILTER`` on the next line, the filter broken too."""
        collection = self.printer.wrapped(expr.collection, printer.Level.ADD)
        head = f"{expr.kind} {expr.var} in {collection}"
        if expr.filter is None:
            return [head]
        inner = self.indent + INDENT
        condition = _Printer(self.literal, inner).lines(expr.filter, len(inner) + 6)
        return [head, f"{inner}where {condition[0]}", *condition[1:]]

    def _chain(self, expr: n.BoolOp) -> list[n.Expr]:
        """``a and b and c`` (left-nested) as its operands."""
        operands: list[n.Expr] = [expr.right]
        left: n.Expr = expr.left
        while (
            isinstance(left, n.BoolOp)
            and left.op == expr.op
            and printer.precedence(left) >= printer.precedence(expr)
        ):
            operands.append(left.right)
            left = left.left
        operands.append(left)
        return operands[::-1]

    def _wrapped(self, expr: n.Expr, minimum: printer.Level, column: int, indent: str) -> list[str]:
        """``expr`` in parentheses when the printer puts it in them, broken if too long."""
        if not printer.needs_parentheses(expr, minimum):
            return _Printer(self.literal, indent).lines(expr, column)
        lines = _Printer(self.literal, indent).lines(expr, column + 1)
        return (
            [f"({lines[0]}", *lines[1:-1], f"{lines[-1]})"] if len(lines) > 1 else [f"({lines[0]})"]
        )
