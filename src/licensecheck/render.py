"""The Jinja2 environment report templates run in.

Bundled templates come from ``templates/``; undefined variables are errors
(``StrictUndefined``) so a template typo cannot silently print nothing. HTML templates are
autoescaped; Markdown output escapes what would break a table or a heading.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .resources import templates_dir

_MARKDOWN_SPECIAL = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "})


def markdown_escape(value: object) -> str:
    """Text safe inside a Markdown table cell or heading."""
    return str(value).translate(_MARKDOWN_SPECIAL)


@cache
def template_environment(*, markdown: bool = False) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        autoescape=not markdown,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_escape
    return env
