"""The bounds on what reading one input may cost: the ``--max-*`` options.

A context variable carries the limits in force, so the API functions need no extra
parameter: the CLI sets them with :func:`limits_in_force`, a batch worker with
:func:`set_process_limits`, and every reader asks :func:`current_limits`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

__all__ = ["DEFAULT_LIMITS", "Limits", "current_limits", "limits_in_force", "set_process_limits"]


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and a changed copy is its _replace.
class Limits(NamedTuple):
    """Bounds on what an input file may cost to read.

    ``max_values`` counts every scalar, list and mapping, keys included, *after* YAML alias
    expansion, so an alias bomb is caught while it is still a few lines of text.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_values: int = 1_000_000
    #: items in one list; a real declaration has hundreds of sources at most
    max_list_length: int = 100_000
    #: characters in one string; free-text notes are far shorter
    max_string_length: int = 100_000
    #: list elements one rule may visit in one evaluation (over it, the rule is `error`)
    max_rule_steps: int = 1_000_000


DEFAULT_LIMITS = Limits()
_LIMITS_IN_FORCE: ContextVar[Limits] = ContextVar("licensecheck_limits", default=DEFAULT_LIMITS)


def current_limits() -> Limits:
    """The limits in force: the defaults, or those set by :func:`limits_in_force`."""
    return _LIMITS_IN_FORCE.get()


def set_process_limits(limits: Limits) -> None:
    """Make ``limits`` the default of this whole process (a batch worker's, say)."""
    _LIMITS_IN_FORCE.set(limits)


@contextmanager
def limits_in_force(limits: Limits) -> Iterator[None]:
    """Apply ``limits`` to every file read and rule run inside the block (the CLI's
    --max-* options use this, so the API functions need no extra parameter)."""
    token = _LIMITS_IN_FORCE.set(limits)
    try:
        yield
    finally:
        _LIMITS_IN_FORCE.reset(token)
