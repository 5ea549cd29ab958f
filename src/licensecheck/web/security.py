"""What keeps the local web app safe by default: the access token, CSRF, request sizes,
the Content-Security-Policy and ids taken from URLs.

Input: each request (an ASGI scope and its headers). Output: the request let through, or a
refusal (401, 403, 413) rendered by the app's error handlers; security headers on every
response. Nothing here knows about pages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from .. import codes
from ..errors import Diagnostic, UsageError

#: Hosts that reach only this machine: serving on them needs no token.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: The cookie and header of the double-submit CSRF token.
CSRF_COOKIE = "lc_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
#: The cookie a browser keeps the access token in once it has given it (``?token=``).
TOKEN_COOKIE = "lc_token"
#: Extra bytes a form may carry beyond the declaration limit (field names, the CSRF token).
FORM_OVERHEAD = 64 * 1024

#: The app's own pages: scripts and styles from /static only, nothing inline, no eval.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; "
    "base-uri 'none'"
)

_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_PACK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")
_FIRM_KEY = re.compile(r"[^/\\\x00-\x1f]{1,500}")
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")


def needs_token(host: str) -> bool:
    return host not in LOOPBACK


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the time taken tells nothing about the token."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_matches(cookie: str | None, sent: str | None) -> bool:
    return bool(cookie) and sent is not None and hmac.compare_digest(cookie or "", sent)


def document_csp(html: str) -> str:
    """The policy for a self-contained document (the gap report, the plan, the portfolio):
    its inline styles, and its own inline scripts by hash, nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _SCRIPT.findall(html)
    )
    script = f"script-src {hashes}; " if hashes else ""
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; {script}"
        "frame-ancestors 'self'; base-uri 'none'"
    )


def pack_id(text: str) -> str:
    """A bundled pack's id as a URL or form gives it: never a path (no ``/``, no ``..``)."""
    if _PACK_ID.fullmatch(text) is None or ".." in text:
        raise _bad_id("pack id", text)
    return text


def pack_ref(text: str) -> str:
    """A pack as the impact view takes it: a bundled id or ``id@version`` (a version stored in
    the workspace); never a path."""
    pack, at, version = text.rpartition("@")
    if not at:
        return pack_id(text)
    pack_id(pack)
    if _VERSION.fullmatch(version) is None or ".." in version:
        raise _bad_id("pack version", text)
    return text


def firm_key(text: str) -> str:
    if _FIRM_KEY.fullmatch(text) is None or text in (".", ".."):
        raise _bad_id("firm", text)
    return text


def rule_id(text: str) -> str:
    if _RULE_ID.fullmatch(text) is None:
        raise _bad_id("rule id", text)
    return text


def _bad_id(what: str, text: str) -> UsageError:
    shown = text[:40].encode("unicode_escape").decode("ascii")
    return UsageError(Diagnostic(codes.USAGE, f"'{shown}' is not a {what}"))
