"""The tool's own small YAML/JSON files (waiver files) → validated pydantic models.

Input: a path, a pydantic model class, a name for messages ("waiver file") and the error class
to raise. Output: a :class:`ModelFile` holding the model, the source text and the position of
every value, so later checks (an unknown rule, a missing approval) can point at
``file:line:col`` too. Parsing uses the declaration reader (positions, duplicate keys, YAML
1.2 scalars, size and nesting limits); pydantic errors become one diagnostic each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ..declaration.loader import Declaration, Positions, parse_declaration_text
from ..errors import DeclarationError, Diagnostic, LicenseCheckError, Span, did_you_mean
from ..errors import source_snippet as snippet

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ModelFile(Generic[M]):
    model: M
    source: str
    text: str
    positions: Positions

    def span(self, path: tuple[str | int, ...]) -> tuple[Span, str]:
        """The place of ``path`` in the file (its nearest present parent) and a snippet."""
        line, column = Declaration({}, positions=self.positions).locate(path) or (1, 1)
        return Span(self.source, line, column), snippet(self.text, line, column)

    def diagnostic(
        self,
        path: tuple[str | int, ...],
        code: str,
        message: str,
        *,
        level: str = "error",
        hint: str | None = None,
    ) -> Diagnostic:
        span, shown = self.span(path)
        return Diagnostic(
            code,
            message,
            span,
            level="warning" if level == "warning" else "error",
            snippet=shown,
            hint=hint,
        )


def read_model_file(
    path: str | os.PathLike[str], model: type[M], what: str, error: type[LicenseCheckError]
) -> ModelFile[M]:
    """Read ``path`` (``.json`` is JSON, anything else YAML) into ``model``.

    Raises ``error`` with every problem found, each at its line and column.
    """
    shown = os.fspath(path)
    text = _read(Path(shown), shown, what, error)
    if not text.strip():
        raise error(Diagnostic("empty", f"the {what} is empty", Span(shown, 1, 1)))
    try:
        data, positions = parse_declaration_text(text, shown, json=shown.lower().endswith(".json"))
    except DeclarationError as exc:
        raise error([_reworded(d, what) for d in exc.diagnostics]) from None
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_diagnostics(exc, positions, shown, text, model, what)) from None
    return ModelFile(validated, shown, text, positions)


def _read(path: Path, shown: str, what: str, error: type[LicenseCheckError]) -> str:
    try:
        if path.is_dir():
            raise error(Diagnostic("io", f"{shown} is a folder, not a {what}", Span(shown, 1, 1)))
        if path.stat().st_size > MAX_BYTES:
            raise error(
                Diagnostic("io", f"the {what} is larger than {MAX_BYTES} bytes", Span(shown, 1, 1))
            )
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise error(Diagnostic("io", f"{what} {shown} does not exist")) from None
    except UnicodeDecodeError as exc:
        raise error(
            Diagnostic(
                "encoding", f"the {what} is not UTF-8 text (byte {exc.start})", Span(shown, 1, 1)
            )
        ) from None
    except OSError as exc:
        raise error(Diagnostic("io", f"cannot read {what} {shown}: {exc.strerror}")) from None


def _reworded(diagnostic: Diagnostic, what: str) -> Diagnostic:
    """The declaration reader's top-level complaints, said of this kind of file."""
    if diagnostic.code != "schema":
        return diagnostic
    message = diagnostic.message.split(", but ", 1)
    found = f", but {message[1]}" if len(message) == 2 else ""
    return Diagnostic(
        diagnostic.code,
        f"the {what} must be a mapping{found}",
        diagnostic.span,
        snippet=diagnostic.snippet,
    )


def validation_diagnostics(
    exc: ValidationError,
    positions: Positions,
    shown: str,
    text: str,
    model: type[BaseModel],
    what: str,
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, at the line and column of the offending value."""
    located = ModelFile(model.model_construct(), shown, text, positions)
    diagnostics = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
        dotted = _dotted(loc)
        if error["type"] == "extra_forbidden":
            known = _field_names(model, loc[:-1])
            suggestion = did_you_mean(str(loc[-1]), known)
            message = f"unknown key '{dotted}' in the {what}" + (
                f" (did you mean '{suggestion}'?)" if suggestion else ""
            )
        elif error["type"] == "missing":
            message = f"{dotted or what}: required key '{loc[-1]}' is missing"
            loc = loc[:-1]
        else:
            message = f"{dotted}: {error['msg'][:1].lower()}{error['msg'][1:]}"
        diagnostics.append(located.diagnostic(loc, "schema", message))
    return diagnostics


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _field_names(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys allowed at ``loc`` (for "did you mean"), following nested models."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        current = _nested_model(field.annotation) if field else None
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _nested_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None
