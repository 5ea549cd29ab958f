"""Operations on runtime values shared by the checker (constant folding, pattern checks)
and the compiled rules: equality, ordering, arithmetic, regular expressions."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any, Final

from .. import codes
from ..errors import Diagnostic, RuleRuntimeError
from . import nodes as n
from .values import Duration, add_duration, type_name

MAX_PATTERN_LENGTH: Final = 1000


def runtime_error(message: str, node: n.Node) -> RuleRuntimeError:
    return RuleRuntimeError(Diagnostic(codes.RUNTIME, message, node.span))


_KINDS: Final[dict[type, str]] = {
    bool: "bool",
    int: "number",
    float: "number",
    str: "string",
    dt.date: "date",
    Duration: "duration",
    list: "list",
    dict: "object",
}


def kind_of(value: Any) -> str:
    return _KINDS.get(type(value), "other")


def values_equal(a: Any, b: Any, node: n.Node) -> bool:
    ka, kb = kind_of(a), kind_of(b)
    if ka != kb:
        raise runtime_error(f"cannot compare {type_name(a)} with {type_name(b)}", node)
    if ka == "duration":
        return bool(a.same_length(b))
    return bool(a == b)


def ordered(a: Any, b: Any, node: n.Node) -> None:
    ka, kb = kind_of(a), kind_of(b)
    if ka != kb or ka not in ("number", "string", "date", "duration"):
        raise runtime_error(f"cannot order {type_name(a)} and {type_name(b)}", node)


class Pattern:
    """A compiled RE2 expression: matching takes time linear in the text, whatever the pattern."""

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        # google-re2's public search() builds a match object in Python; asking the C++ RE2
        # object directly is ~7x faster. Fall back to search() if that internal API moves.
        self._regexp = getattr(compiled, "_regexp", None)
        self._unanchored = _re2_unanchored() if self._regexp is not None else None

    def found_in(self, text: str) -> bool:
        """Whether the pattern occurs anywhere in ``text`` (a search, not a full match)."""
        if self._unanchored is not None and self._regexp is not None:
            encoded = text.encode("utf-8", "surrogatepass")
            spans = self._regexp.Match(self._unanchored, encoded, 0, len(encoded))
            return bool(spans) and tuple(spans[0]) != (-1, -1)
        return self._compiled.search(text) is not None


def _re2_unanchored() -> Any:
    import re2

    anchor = getattr(re2, "_Anchor", None)
    return getattr(anchor, "UNANCHORED", None)


@cache
def compile_pattern(pattern: str) -> Pattern:
    """A linear-time (RE2) regular expression; ``ValueError`` explains a bad pattern."""
    import re2

    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    options = re2.Options()
    options.log_errors = False  # errors reach the user as diagnostics instead
    options.max_mem = 8 << 20  # bound the automaton a hostile pattern can build
    options.never_capture = True  # rules only ask whether a pattern occurs
    try:
        return Pattern(re2.compile(pattern, options))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        raise ValueError(f"{reason} (RE2 syntax: no back-references or look-around)") from None


#: The largest whole number arithmetic may produce (about 10^308, where floats end): a const
#: squared twenty times over (``A2 = A1 * A1``) stops at the first step past it, not at
#: a number of millions of digits.
MAX_INTEGER_BITS: Final = 1024


def arithmetic(op: str, a: Any, b: Any, node: n.Node) -> Any:
    ka, kb = kind_of(a), kind_of(b)
    if ka == kb == "number":
        return _bounded(_number_arithmetic(op, a, b, node), node)
    return _other_arithmetic(op, a, b, ka, kb, node)


def _number_arithmetic(op: str, a: Any, b: Any, node: n.Node) -> Any:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise runtime_error("division by zero", node)
    try:
        return a / b
    except OverflowError:  # an integer too large for a float
        raise runtime_error("the result is too large", node) from None


def _bounded(value: Any, node: n.Node) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise runtime_error("the result is too large (more than 308 digits)", node)
    if isinstance(value, float) and not math.isfinite(value):
        raise runtime_error("the result is too large", node)
    return value


def _other_arithmetic(op: str, a: Any, b: Any, ka: str, kb: str, node: n.Node) -> Any:
    """Dates and durations."""
    try:
        if ka == "date" and kb == "duration" and op in "+-":
            return add_duration(a, b, 1 if op == "+" else -1)
        if ka == "duration" and kb == "date" and op == "+":
            return add_duration(b, a)
    except (ValueError, OverflowError) as exc:
        raise runtime_error(f"date arithmetic failed: {exc}", node) from None
    if ka == kb == "date" and op == "-":
        return Duration((a - b).days, "day")
    if ka == kb == "duration" and op in "+-":
        if a.unit == b.unit:
            return Duration(a.amount + b.amount if op == "+" else a.amount - b.amount, a.unit)
        return Duration(a.days + b.days if op == "+" else a.days - b.days, "day")
    if op == "*" and {ka, kb} == {"duration", "number"}:
        d, k = (a, b) if ka == "duration" else (b, a)
        return Duration(d.amount * k, d.unit)
    raise runtime_error(f"cannot compute {type_name(a)} {op} {type_name(b)}", node)
