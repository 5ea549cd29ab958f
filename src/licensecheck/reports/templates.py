"""The Jinja2 environments report templates run in, and rendering with clear errors.

Bundled templates come from ``templates/``; undefined variables are errors
(``StrictUndefined``) so a template typo cannot silently print nothing. HTML templates are
autoescaped; Markdown output escapes what would break a table or a heading. A user's own
templates (``--templates DIR``) run in Jinja2's sandbox and can read nothing outside DIR;
their mistakes come back as :class:`~licensecheck.errors.UsageError` naming the template
file and line.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment
from markupsafe import Markup, escape

from .. import codes
from ..errors import Diagnostic, Span, UsageError, printable, source_snippet
from ..output import record_input
from ..resources import templates_dir

# What would end a table row or cell (line breaks, ``|``), open a code span (backtick) or raw
# HTML (``<``), or undo one of these escapes (backslash).
_MARKDOWN_SPECIAL = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "`": "\\`", "<": "&lt;", "\n": " ", "\r": " "}
)
# A ``[`` that opens a link or an image (``[x](javascript:…)``, ``![](https://…)``,
# ``[x][ref]``, ``[x]: url``); a bracket that opens nothing (``["a", "b"]``) stays as it is.
_LINK_OPENER = re.compile(r"\[(?=[^\]]*\][(\[:])")


def markdown_escape(value: object) -> str:
    """Text safe inside a Markdown table cell or heading: inert, on one line."""
    return _markdown_inert(str(value), _MARKDOWN_SPECIAL)


def markdown_prose(value: object) -> str:
    """Like :func:`markdown_escape`, for text the tool wrote with its own `code` spans (the
    sentences of a smallest change): backticks kept, everything else escaped."""
    return _markdown_inert(str(value), _PROSE_SPECIAL)


_PROSE_SPECIAL = {k: v for k, v in _MARKDOWN_SPECIAL.items() if k != ord("`")}


def _markdown_inert(text: str, table: dict[int, str]) -> str:
    # control characters first: the backslashes of their escapes are then escaped in turn
    return _LINK_OPENER.sub(r"\\[", printable(text, keep="\r\n").translate(table))


_BACKTICK_RUN = re.compile("`+")


def markdown_code(value: object) -> str:
    """``value`` as an inline code span that nothing in it can close, on one line, with ``|``
    escaped (inside a table a code span does not protect a pipe)."""
    text = printable(str(value), keep="\r\n").replace("\r", " ").replace("\n", " ")
    text = text.replace("|", "\\|")
    fence = "`" * (max(map(len, _BACKTICK_RUN.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@cache
def template_environment(*, markdown: bool = False) -> Environment:
    return _with_filters(
        Environment(loader=FileSystemLoader(str(templates_dir())), **_options(markdown))
    )


def _options(markdown: bool) -> dict[str, Any]:
    """What bundled and user templates share: strict names, HTML autoescaping, tidy blocks."""
    return {
        "undefined": StrictUndefined,
        "autoescape": not markdown,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }


def _with_filters(env: EnvironmentType) -> EnvironmentType:
    env.filters["md"] = markdown_escape
    env.filters["mdcode"] = markdown_code
    env.filters["mdprose"] = markdown_prose
    env.filters["code"] = inline_code
    return env


EnvironmentType = TypeVar("EnvironmentType", bound=Environment)

_BACKTICKS = re.compile(r"`([^`]+)`")


def inline_code(value: object) -> Markup:
    """HTML for text with `code` spans (the sentences of a smallest change): escaped, with
    each backtick span in ``<code>``."""
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", str(escape(value))))


class _ConfinedLoader(FileSystemLoader):
    """A loader that refuses any file whose real path is outside its folder (symlinks)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.root = os.path.realpath(folder)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if os.path.commonpath([real, self.root]) != self.root:
            raise TemplateNotFound(template)
        record_input(real)
        return source, filename, uptodate


#: What one render of a user's template may cost: loop turns over ``range`` (nested loops
#: multiply) and characters of one string built by ``*``, ``%``, ``center`` and the like.
MAX_TEMPLATE_STEPS = 1_000_000
MAX_TEMPLATE_STRING = 1_000_000
# Filters and string methods whose integer arguments size the string they build.
_SIZING_FILTERS = ("center", "indent", "truncate", "wordwrap", "format")
_SIZING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja2 compiles ``a ~ b`` to a join the sandbox never sees: route it through
    :meth:`_BoundedSandbox.checked_concat`, so ``{% set b = a ~ a %}`` twenty times over stops
    at the first value past the bound."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class _BoundedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox (no attribute of the Python runtime, ranges of at most MAX_RANGE)
    with a budget: every ``range`` turn of one render counts against MAX_TEMPLATE_STEPS, and
    no operator, filter or method may build a string or list past MAX_TEMPLATE_STRING."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.steps = 0
        self.globals["range"] = self._range
        self.globals["lipsum"] = self._lipsum
        for name in _SIZING_FILTERS:
            self.filters[name] = self._bounded_filter(self.filters[name])

    def checked_concat(self, value: Any) -> Any:
        return _check_result(value)

    def _range(self, *args: int) -> Iterator[int]:
        for value in range(*args) if len(range(*args)) <= MAX_RANGE else self._too_big():
            self.steps += 1
            if self.steps > MAX_TEMPLATE_STEPS:
                raise SecurityError(f"the template loops more than {MAX_TEMPLATE_STEPS} times")
            yield value

    def _too_big(self) -> range:
        raise SecurityError(
            f"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MAX_RANGE})."
        )

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        _check_sizes(n, min, max, limit=1000)
        generate: Callable[..., str] = DEFAULT_NAMESPACE["lipsum"]  # type: ignore[assignment]
        return str(generate(n=n, html=html, min=min, max=max))

    def _bounded_filter(self, filter_: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(filter_)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            _check_sizes(*args[1:], *kwargs.values())
            return _check_result(filter_(*args, **kwargs))

        return bounded

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError("the template raises a number to a power above 1000")
        elif operator == "%" and isinstance(left, str):
            _check_sizes(*(int(w) for w in _FORMAT_WIDTH.findall(left)))
        return _check_result(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "__name__", None) in _SIZING_METHODS and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _check_sizes(*args, *kwargs.values())
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"{:>999999999}".format(x)`` (and ``format_map``): widths checked on access."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_sizes(*(int(w) for w in _FORMAT_WIDTH.findall(value.__self__)))
        return wrapped


# A width in a %-format or str.format spec ("%0999999d", "{:>999999}").
_FORMAT_WIDTH = re.compile(r"(?:%[-+ #0]*|:[^}]*?)(\d{4,})")


def _check_sizes(*values: Any, limit: int = MAX_TEMPLATE_STRING) -> None:
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > limit:
            raise SecurityError(f"the template asks for a size above {limit}")


def _check_repeat(sequence: Any, times: Any) -> None:
    if (
        isinstance(sequence, str | list | tuple)
        and isinstance(times, int)
        and len(sequence) * times > MAX_TEMPLATE_STRING
    ):
        raise SecurityError(f"the template builds a value of more than {MAX_TEMPLATE_STRING} items")


def _check_result(value: Any) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > MAX_TEMPLATE_STRING:
        raise SecurityError(f"the template builds a value of more than {MAX_TEMPLATE_STRING} items")
    return value


def user_environment(folder: Path, *, markdown: bool = False) -> SandboxedEnvironment:
    """A bounded sandbox over a user's template folder, with the bundled filters; one per
    render, so that the step budget is one render's."""
    return _with_filters(_BoundedSandbox(loader=_ConfinedLoader(folder), **_options(markdown)))


def render_template(
    name: str, context: Mapping[str, Any], *, markdown: bool, folder: Path | None = None
) -> str:
    """Render template ``name`` (bundled, or from the user's ``folder`` in the sandbox)."""
    if folder is not None and not folder.is_dir():
        raise UsageError(Diagnostic(codes.USAGE, f"--templates {folder}: no such folder"))
    env = (
        template_environment(markdown=markdown)
        if folder is None
        else user_environment(folder, markdown=markdown)
    )
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        if exc.name != name:  # an {% include %} or {% extends %} of something not there
            filename, line = _template_frame(exc.__traceback__, _root(folder))
            raise _template_error(
                f"'{exc.name}' is not in the --templates folder", filename, line, None
            ) from None
        raise UsageError(
            Diagnostic(
                codes.TEMPLATE,
                f"--templates {folder}: no template '{name}' (start from a copy of the bundled "
                f"{templates_dir() / name})",
            )
        ) from None
    except TemplateSyntaxError as exc:
        raise _template_error(
            exc.message or str(exc), exc.filename, exc.lineno, exc.source
        ) from None
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        filename, line = _template_frame(exc.__traceback__, _root(folder))
        raise _template_error(str(exc), filename, line, None) from None
    except RecursionError as exc:  # a template that includes itself, a macro calling itself
        filename, line = _template_frame(exc.__traceback__, _root(folder))
        message = "the template includes, extends or calls itself without end"
        raise _template_error(message, filename, line, None) from None


def _root(folder: Path | None) -> str:
    return os.path.realpath(folder if folder is not None else templates_dir())


def _template_frame(tb: TracebackType | None, root: str) -> tuple[str | None, int]:
    """The template file and line an exception was raised at: Jinja rewrites the traceback
    so that template code appears as frames of the template file."""
    found: tuple[str | None, int] = (None, 1)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if os.path.realpath(filename).startswith(root + os.sep):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_error(
    message: str, filename: str | None, line: int, source: str | None
) -> UsageError:
    where = filename or "<template>"
    if source is None and filename and os.path.isfile(filename):
        source = Path(filename).read_text(encoding="utf-8", errors="replace")
    snippet = source_snippet(source, line, 1) if source else None
    return UsageError(
        Diagnostic(
            codes.TEMPLATE, f"template error: {message}", Span(where, line, 1), snippet=snippet
        )
    )
