"""Immutable records written out: what a frozen dataclass gives, without building one.

``@dataclass(frozen=True)`` compiles six or more methods for each class when its module is
imported: ~0.4-0.7 ms a class, paid by every cold start (issue #12). A subclass of
:class:`Record` names its fields in ``__match_args__`` (in order), sets them in its own
``__init__`` with :data:`set_field` and gets the rest from here, as the dataclass did:
equality with an object of the same class and hashing by the fields (those of
``_compared``, when a class leaves some out), a repr of the fields (those of ``_shown``),
:class:`~dataclasses.FrozenInstanceError` on assignment and deletion, and pickling by the
fields. (The syntax tree's nodes, ``lang/nodes.py``, do the same with their span apart.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar, Self

#: Sets a field, past the refusal of ``Record.__setattr__`` (as a frozen dataclass's __init__)
set_field = object.__setattr__


def fields_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """An object's attributes ``names`` as a tuple (what equality and hashing compare)."""
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda record: (get(record),)
    return attrgetter(*names) if names else lambda record: ()


class Record:
    __slots__ = ()
    #: The fields, in order
    __match_args__: ClassVar[tuple[str, ...]] = ()
    #: The fields equality and hashing compare, and those the repr shows (default: all)
    _compared: ClassVar[tuple[str, ...] | None] = None
    _shown: ClassVar[tuple[str, ...] | None] = None
    _values: ClassVar[Callable[[Any], tuple[Any, ...]]]
    _state: ClassVar[Callable[[Any], tuple[Any, ...]]]

    def __init_subclass__(cls) -> None:
        cls._values = fields_getter(cls.__match_args__ if cls._compared is None else cls._compared)
        cls._state = fields_getter(cls.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            values = self.__class__._values
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.__class__._values(self))

    def __repr__(self) -> str:
        names = self.__match_args__ if self._shown is None else self._shown
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    def replaced(self, **changes: Any) -> Self:
        """A copy with ``changes`` (what :func:`dataclasses.replace` did), for a subclass
        whose ``__init__`` takes each field by its name."""
        fields = {name: getattr(self, name) for name in self.__match_args__}
        return self.__class__(**{**fields, **changes})

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return self.__class__._state(self)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__match_args__, state, strict=True):
            set_field(self, name, value)
