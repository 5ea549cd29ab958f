"""A small file read with positions, to point at: its name, its text, where each value is."""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Diagnostic, Span, source_snippet
from .paths import Positions

__all__ = ["SourceFile"]


# A NamedTuple, not a frozen dataclass: it takes ~0.05 ms to build at import, the dataclass
# ~0.4 ms of every cold start (issue #12), and nothing uses what only a dataclass has.
class SourceFile(NamedTuple):
    """A small input file read with positions (``pack.yaml``, ``schema.json``, waivers)."""

    shown: str  # the path as messages show it
    text: str
    positions: Positions | None = None

    def span(self, *path: str | int) -> Span:
        """Where ``path`` (or its deepest present prefix) is; the file's start otherwise."""
        where = self.positions.locate(path) if self.positions is not None else (1, 1)
        return Span(self.shown, *where)

    def snippet(self, span: Span) -> str:
        return source_snippet(self.text, span.line, span.column)

    def diagnostic(
        self,
        path: tuple[str | int, ...],
        code: str,
        message: str,
        *,
        error: bool = True,
        hint: str | None = None,
    ) -> Diagnostic:
        """A diagnostic at ``path`` (its nearest present parent), with the line shown."""
        span = self.span(*path)
        return Diagnostic(
            code,
            message,
            span,
            level="error" if error else "warning",
            snippet=self.snippet(span),
            hint=hint,
        )
