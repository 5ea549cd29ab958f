"""The web app's pages: Jinja2 templates (autoescaped) in the chosen language.

Input: a template name, the request (its language and CSRF cookie) and the page's values.
Output: HTML. Every phrase comes from :mod:`licensecheck.i18n` (``web.*``); the language is
the ``lang`` cookie set by the switch on every page (English by default).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request

from ..i18n import phrases
from . import security

TEMPLATES = Path(str(files("licensecheck.web") / "templates"))
LANG_COOKIE = "lang"
LANGS = ("en", "zh")


class Views:
    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["slug"] = slug
        self._words = {lang: phrases("web.", lang) for lang in LANGS}
        self._status = {lang: phrases("status.", lang) for lang in LANGS}

    def lang_of(self, request: Request) -> str:
        lang = request.cookies.get(LANG_COOKIE, "en")
        return lang if lang in LANGS else "en"

    def render(self, template: str, request: Request, **values: Any) -> str:
        lang = self.lang_of(request)
        return self.env.get_template(template).render(
            lang=lang,
            t=self._words[lang],
            statuses=self._status[lang],
            csrf=csrf_of(request),
            here=request.url.path,
            **values,
        )


def csrf_of(request: Request) -> str:
    """The request's CSRF token: the cookie's, or the one the CSRF middleware just made."""
    token = getattr(request.state, "csrf", None) or request.cookies.get(security.CSRF_COOKIE)
    return str(token or "")


def slug(key: str) -> str:
    """An HTML id for an answer key (``data_sources[0].kind`` → ``f-data_sources-0-kind``)."""
    out = "".join(c if c.isalnum() or c == "_" else "-" for c in key)
    return "f-" + out.strip("-")
