"""Values an enum field never takes: ``status == "actve"`` when the schema allows only
``active`` and ``inactive``. Called by :mod:`.expressions` wherever a typed value meets a
literal or a const (comparisons, membership, ``??`` defaults).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ... import codes
from ...errors import Span, did_you_mean
from ...lang import nodes as n
from ...lang.values import display
from .state import CheckState
from .types import Type


def check_enum(state: CheckState, typ: Type, other: n.Expr) -> None:
    if typ.enum is None:
        return
    if isinstance(other, n.Literal_):
        _check_enum_values(state, typ, [other.value], other.span)
    elif isinstance(other, n.Name) and other.name in state.consts:
        value = state.consts[other.name]
        _check_enum_values(state, typ, value if isinstance(value, list) else [value], other.span)


def _check_enum_values(state: CheckState, typ: Type, values: Iterable[Any], span: Span) -> None:
    assert typ.enum is not None
    allowed = [str(v) for v in typ.enum]
    for value in values:
        if isinstance(value, str) and value not in typ.enum:
            suggestion = did_you_mean(value, allowed)
            state.error(
                codes.UNKNOWN_VALUE,
                f"{display(value)} is never a value of this field; allowed: {', '.join(allowed)}"
                + (f" (did you mean {display(suggestion)}?)" if suggestion else ""),
                span,
            )
