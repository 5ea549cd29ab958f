"""What the command writes besides its result: diagnostics, the output itself and colour.

Exit codes: 0 ready (nothing at or above ``--fail-on``), 1 gaps at or above it, 2 usage or
input error; 130 and 143 after Ctrl-C and SIGTERM (the shell's 128 + signal number).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

import click

from .. import codes
from ..errors import Diagnostic, LicenseCheckError, UsageError
from ..output import encodable, write_output

EXIT_OK, EXIT_GAPS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


def echo_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    """Each diagnostic on stderr as ``file:line:col: level: message``, in file order."""
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        click.echo(diagnostic.render(), err=True)


def fail(error: LicenseCheckError) -> NoReturn:
    """Render a library error on stderr (with a count when there are several) and exit 2."""
    echo_diagnostics(error.diagnostics)
    errors = sum(1 for d in error.diagnostics if d.level == "error")
    if errors > 1:
        click.echo(f"{errors} errors", err=True)
    sys.exit(EXIT_USAGE)


def emit(text: str, output: Path | None, inputs: Iterable[Path]) -> None:
    """``text`` on stdout, or written atomically to ``output`` (never over one of ``inputs``)."""
    if output is None:
        click.echo(encodable(text), nl=False)
    else:
        write_output(output, text, inputs=inputs)


class FormatTarget(NamedTuple):
    """One ``--format FORMAT[=FILE]``: a format and where it goes (None: stdout)."""

    fmt: str
    path: Path | None


def resolve_targets(
    targets: Sequence[FormatTarget], output: Path | None, default: str
) -> list[FormatTarget]:
    """Where each format goes: its own file, else ``--output``, else stdout. At most one
    format goes to stdout (or ``--output``), and no two to the same file."""
    chosen = list(targets) or [FormatTarget(default, None)]
    bare = [t for t in chosen if t.path is None]
    problems = []
    if len(bare) > 1:
        problems.append(
            "only one --format can go to "
            + ("--output" if output else "stdout")
            + f" (here: {', '.join(t.fmt for t in bare)}); give the others a file, "
            "e.g. --format sarif=licensecheck.sarif"
        )
    if output is not None:
        if not bare:
            problems.append("--output needs a --format without '=FILE' to write")
        chosen = [t._replace(path=output) if t.path is None else t for t in chosen]
    seen: dict[Path, str] = {}
    for t in chosen:
        if t.path is not None:
            key = t.path.resolve()
            if key in seen:
                problems.append(f"{t.path} is the destination of both {seen[key]} and {t.fmt}")
            seen[key] = t.fmt
    if problems:
        raise UsageError([Diagnostic(codes.USAGE, p) for p in problems])
    return chosen


def colour_style(color: bool | None, output: Path | None) -> Callable[..., str]:
    """The style function for text outputs: ``click.style`` when ``--color`` is given, or
    without ``--color``/``--no-color`` when writing to a terminal and ``NO_COLOR`` is unset
    or empty (https://no-color.org); otherwise plain text."""
    use_colour = (
        color
        if color is not None
        else output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    return click.style if use_colour else _no_style


def _no_style(text: str, **_: Any) -> str:
    return text
