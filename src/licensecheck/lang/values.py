"""Runtime values of the policy language: the ``UNKNOWN`` marker, durations and date arithmetic.

Declaration data arrives as plain Python values (``bool``, ``int``, ``float``, ``str``,
``datetime.date``, ``list``, ``dict``). The language adds :class:`Duration` and the
three-valued marker :data:`UNKNOWN` for anything absent or undeterminable.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Final, Literal

from .._record import Record, set_field

DurationUnit = Literal["day", "month", "year"]
DAYS_PER_UNIT: Final = {"day": 1, "month": 30, "year": 365}


class _Unknown:
    """The third truth value: absent data, or a result that depends on it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "unknown"

    def __bool__(self) -> bool:
        raise TypeError("unknown has no Python truth value")  # catches evaluator bugs early


UNKNOWN: Final = _Unknown()


class Duration(Record):
    """A span of time as written: ``30 days``, ``6 months``, ``1 year``.

    Months and years stay calendar units for date arithmetic; comparisons convert them
    with 1 month = 30 days and 1 year = 365 days.
    """

    # a Record, not a frozen dataclass (~0.4 ms of every cold start, issue #12)
    __slots__ = __match_args__ = ("amount", "unit")
    amount: int | float
    unit: DurationUnit

    def __init__(self, amount: int | float, unit: DurationUnit) -> None:
        set_field(self, "amount", amount)
        set_field(self, "unit", unit)

    @property
    def days(self) -> float:
        return self.amount * DAYS_PER_UNIT[self.unit]

    def __lt__(self, other: Duration) -> bool:
        return self.days < other.days

    def __le__(self, other: Duration) -> bool:
        return self.days <= other.days

    def __gt__(self, other: Duration) -> bool:
        return self.days > other.days

    def __ge__(self, other: Duration) -> bool:
        return self.days >= other.days

    def same_length(self, other: Duration) -> bool:
        return self.days == other.days

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        plural = "" if amount == 1 else "s"
        return f"{amount} {self.unit}{plural}"


def add_duration(day: dt.date, duration: Duration, sign: int = 1) -> dt.date:
    """Calendar arithmetic; months and years clamp to the month's last day."""
    amount = duration.amount * sign
    if duration.unit == "day":
        return day + dt.timedelta(days=amount)
    if not float(amount).is_integer():
        raise ValueError(f"cannot add a fractional {duration.unit} to a date")
    months = int(amount) * (12 if duration.unit == "year" else 1)
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError("date out of range")
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def type_name(value: Any) -> str:
    """The language's name for the type of a runtime value, for error messages."""
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def display(value: Any) -> str:
    """A short, human rendering of a value for messages and witnesses."""
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        inner = ", ".join(display(v) for v in value[:5])
        more = ", …" if len(value) > 5 else ""
        return f"[{inner}{more}]"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # 5000 / 2 is 2500, not 2500.0: the language has one number type
    return str(value)
