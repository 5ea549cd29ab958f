"""The tool's own small YAML/JSON files (waiver files) → validated pydantic models.

Input: a path, a pydantic model class, a name for messages ("waiver file") and the error class
to raise. Output: a :class:`ModelFile` holding the model, the source text and the position of
every value, so later checks (an unknown rule, a missing approval) can point at
``file:line:col`` too. Reading and parsing are those of every input file (size limit, UTF-8,
positions, duplicate keys, YAML 1.2 scalars, nesting limits); pydantic errors become one
diagnostic each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, Span
from .located import SourceFile
from .parse import parse_text
from .paths import Positions
from .text import FileKind, read_source_text
from .validation import validation_diagnostics

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ModelFile(Generic[M]):
    model: M
    source: str
    text: str
    positions: Positions

    @property
    def file(self) -> SourceFile:
        return SourceFile(self.source, self.text, self.positions)

    def span(self, path: tuple[str | int, ...]) -> tuple[Span, str]:
        """The place of ``path`` in the file (its nearest present parent) and a snippet."""
        file = self.file
        span = file.span(*path)
        return span, file.snippet(span)

    def diagnostic(
        self,
        path: tuple[str | int, ...],
        code: str,
        message: str,
        *,
        level: str = "error",
        hint: str | None = None,
    ) -> Diagnostic:
        return self.file.diagnostic(path, code, message, error=level != "warning", hint=hint)


def read_model_file(
    path: str | os.PathLike[str], model: type[M], what: str, error: type[LicenseCheckError]
) -> ModelFile[M]:
    """Read ``path`` (``.json`` is JSON, anything else YAML) into ``model``.

    Raises ``error`` with every problem found, each at its line and column.
    """
    shown = os.fspath(path)
    text = read_source_text(shown, FileKind(what, error))
    if not text.strip():
        raise error(Diagnostic(codes.EMPTY, f"the {what} is empty", Span(shown, 1, 1)))
    data, positions = parse_text(
        text,
        shown,
        noun=what,
        error=error,
        json=shown.lower().endswith(".json"),
        not_a_mapping=lambda found: f"the {what} must be a mapping, but this file holds {found}",
    )
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        file = SourceFile(shown, text, positions)
        raise error(
            validation_diagnostics(exc, data, model, file, label=f"the {what}", code=codes.SCHEMA)
        ) from None
    return ModelFile(validated, shown, text, positions)
