"""The expression printer's old address, kept while ``engine`` still imports from it.

The printer is :mod:`licensecheck.lang.printer`; the requirement sentences are
:mod:`licensecheck.reports.requirements`. Delete this module once ``engine/check.py`` and
``engine/evaluate.py`` (and ``reports/fixes.py``) import from the printer.
"""

from __future__ import annotations

from .printer import FLIPPED_OPERATORS, NEGATED_OPERATORS, expression_text, literal_text

__all__ = ["FLIPPED_OPERATORS", "NEGATED_OPERATORS", "expression_text", "literal_text"]
