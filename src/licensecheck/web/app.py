"""The ASGI application of ``licensecheck serve``: settings in, a FastAPI app out.

The app holds one open workspace (drafts, history, portfolio) and the packs compiled once;
its pages live in :mod:`.pages`, its HTTP API in :mod:`.api_routes`. Here: the security
middleware (token, request size, headers), the error handlers (every error is a rendered
:class:`~licensecheck.errors.Diagnostic`, never a stack trace) and the static files.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import codes
from .._version import __version__
from ..errors import Diagnostic, LicenseCheckError
from ..sources.limits import current_limits
from . import api_routes, pages, security
from .state import Settings, State
from .views import Views

STATIC = Path(str(files("licensecheck.web") / "static"))


def create_app(settings: Settings) -> FastAPI:
    """The app over ``settings``; ``licensecheck serve`` runs it with uvicorn."""
    app = FastAPI(
        title="licensecheck",
        version=__version__,
        summary="Licensing-readiness assessments: the local web app's HTTP API.",
        docs_url=None,  # FastAPI's docs page loads Swagger UI from a CDN: /docs is our own
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    state = State(settings, Views())
    app.state.lc = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api_routes.router)
    app.include_router(pages.router)
    _install_middleware(app, settings)
    _install_error_handlers(app, state)
    return app


Next = Callable[[Request], Awaitable[Response]]


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    limit = current_limits().max_bytes + security.FORM_OVERHEAD

    @app.middleware("http")
    async def guard(request: Request, call_next: Next) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return _refusal(request, 413, codes.LIMIT, f"the request is larger than {limit} bytes")
        if settings.token is not None and not _authorised(request, settings.token):
            return _refusal(request, 401, codes.USAGE, "this server needs its access token")
        fresh_csrf = None
        if not request.cookies.get(security.CSRF_COOKIE):
            fresh_csrf = request.state.csrf = security.new_csrf_token()
        response = await call_next(request)
        if fresh_csrf is not None:
            response.set_cookie(security.CSRF_COOKIE, fresh_csrf, httponly=True, samesite="strict")
        if settings.token is not None and request.query_params.get("token"):
            response.set_cookie(
                security.TOKEN_COOKIE, settings.token, httponly=True, samesite="strict"
            )
        response.headers.setdefault("Content-Security-Policy", security.PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response


def _authorised(request: Request, token: str) -> bool:
    """The token as a bearer header (the API), a cookie (a browser) or ``?token=`` once."""
    header = request.headers.get("authorization", "")
    given = (header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None) or (
        request.cookies.get(security.TOKEN_COOKIE) or request.query_params.get("token")
    )
    return security.token_matches(given, token)


def _install_error_handlers(app: FastAPI, state: State) -> None:
    @app.exception_handler(LicenseCheckError)
    async def library_error(request: Request, exc: LicenseCheckError) -> Response:
        return error_response(request, state, 422, exc.diagnostics)

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError) -> Response:
        diagnostics = [
            Diagnostic(codes.USAGE, f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].lower()}")
            for e in exc.errors()
        ]
        return error_response(request, state, 422, diagnostics)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "there is no such page", 405: "that method is not allowed here"}.get(
            exc.status_code, str(exc.detail).lower()
        )
        return error_response(request, state, exc.status_code, [Diagnostic(codes.USAGE, message)])

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # Never the stack trace: it would show the server's files to whoever sent the request.
        message = "internal error: the server could not answer this request"
        return error_response(request, state, 500, [Diagnostic(codes.USAGE, message)])


def error_response(
    request: Request, state: State, status: int, diagnostics: Sequence[Diagnostic]
) -> Response:
    """Errors as JSON (``{"errors": [...]}``, the CLI's codes and positions) for the API, as
    a page for a browser, as a fragment for htmx."""
    if _wants_json(request):
        return JSONResponse({"errors": [d.to_json() for d in diagnostics]}, status_code=status)
    lang = state.views.lang_of(request)
    if request.headers.get("hx-request") == "true":
        return HTMLResponse(
            state.views.render("_errors.html.j2", request, diagnostics=diagnostics),
            status_code=status,
        )
    return HTMLResponse(
        state.views.render("error.html.j2", request, diagnostics=diagnostics, status=status),
        status_code=status,
        headers={"Content-Language": lang},
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _refusal(request: Request, status: int, code: str, message: str) -> Response:
    """A refusal before the app runs (no state needed): JSON for the API, text otherwise."""
    diagnostic = Diagnostic(code, message)
    if _wants_json(request):
        return JSONResponse({"errors": [diagnostic.to_json()]}, status_code=status)
    return PlainTextResponse(f"licensecheck: error: {message}\n", status_code=status)
