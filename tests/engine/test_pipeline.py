"""The single-file pipeline's own inputs: the assessment date."""

from __future__ import annotations

import datetime as dt

import pytest

from licensecheck.engine import pipeline
from licensecheck.engine.pipeline import parse_as_of
from licensecheck.errors import UsageError


def test_as_of_takes_a_calendar_date() -> None:
    assert parse_as_of("2026-01-15") == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    "text",
    ["20260115", "2026-W03-4", "2026-015", "2026-01-15T00:00", "2026-1-5", "２０２６-01-15", ""],
)
def test_as_of_refuses_anything_but_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(UsageError, match=r"is not a date \(YYYY-MM-DD\)"):
        parse_as_of(text)


def test_today_is_the_utc_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Late evening in New York is already tomorrow in UTC: "today" is the UTC date."""

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # type: ignore[override]
            instant = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC)
            return cls.fromtimestamp(instant.timestamp(), tz)  # type: ignore[return-value]

    monkeypatch.setattr(pipeline.dt, "datetime", Clock)
    assert parse_as_of(None) == dt.date(2026, 3, 2)
