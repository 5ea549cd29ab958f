"""Where things are, wherever the test file asking sits under tests/."""

from __future__ import annotations

from pathlib import Path

#: the tests/ folder
TESTS = Path(__file__).resolve().parents[1]
#: the repository checkout (examples/, policies/, schemas/, docs/, ...)
REPO = TESTS.parent
GOLDEN = TESTS / "golden"
FIXTURES = TESTS / "fixtures"
HOSTILE = TESTS / "hostile"
