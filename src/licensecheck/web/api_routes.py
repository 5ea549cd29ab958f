"""The HTTP API for integrators (a data exchange's supplier onboarding, a lender's vendor
portal): ``/api/v1/…``, described by the OpenAPI document at ``/openapi.json``.

Input: a declaration in the request body (YAML or JSON text), the pack and date as query
parameters. Output: the CLI's own JSON, byte for byte: ``assess`` answers what
``licensecheck check --format json`` prints for the same file, ``plan`` what ``licensecheck
plan --format json`` prints. Errors are ``{"errors": [...]}`` with the CLI's codes and
positions (the app's error handlers).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import api, codes
from ..declaration.loader import DECLARATION_FILE
from ..engine.pipeline import check_lang
from ..errors import Diagnostic, UsageError
from ..packs.loader import DEFAULT_PACK
from ..sources.limits import current_limits
from ..sources.text import too_big
from ..workspace.history import firm_history, render_history
from . import security
from .state import state_of

router = APIRouter(prefix="/api/v1", tags=["api"])

JSON = "application/json"
_BODY = {
    "requestBody": {
        "required": True,
        "description": "The declaration: YAML, or JSON when `filename` ends in .json.",
        "content": {"application/yaml": {"schema": {"type": "string"}}, JSON: {}},
    }
}
_ERRORS = {
    413: {"description": "The body is larger than the declaration limit."},
    422: {"description": '`{"errors": [{file, line, column, level, code, message}]}`'},
}

PackParam = Annotated[str, Query(description="A bundled pack's id.")]
AsOfParam = Annotated[
    str | None, Query(description="The assessment date, YYYY-MM-DD (default: today).")
]
LangParam = Annotated[str, Query(description="The language of rule texts: en or zh.")]
FileParam = Annotated[
    str,
    Query(
        description="The name the declaration is reported under (the `declaration` field "
        "and every position); .json means JSON."
    ),
]


def _check_options(as_of: str | None, lang: str) -> None:
    """The date and language refused before the body is read, as the CLI refuses them."""
    check_lang(lang)
    if as_of is not None:
        api.parse_as_of(as_of)


async def _declaration_text(request: Request, filename: str) -> tuple[str, str]:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or "declaration.yaml"
    limit = current_limits().max_bytes
    raw = bytearray()
    async for chunk in request.stream():  # a chunked body has no length to refuse up front
        raw += chunk
        if len(raw) > limit:
            raise too_big(name, DECLARATION_FILE, limit)
    try:
        return bytes(raw).decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise UsageError(Diagnostic(codes.IO, f"{name}: not UTF-8 text")) from exc


@router.post(
    "/assess",
    summary="Assess a declaration: the JSON report (as check --format json)",
    openapi_extra=_BODY,
    responses={200: {"content": {JSON: {}}}, **_ERRORS},  # type: ignore[dict-item]
)
async def assess(
    request: Request,
    pack: PackParam = DEFAULT_PACK,
    as_of: AsOfParam = None,
    lang: LangParam = "en",
    filename: FileParam = "declaration.yaml",
) -> Response:
    state = state_of(request)
    _check_options(as_of, lang)
    compiled = state.pack(security.pack_id(pack))
    text, name = await _declaration_text(request, filename)
    declaration = api.load_declaration_text(text, name, pack=compiled)
    result = api.assess(declaration, compiled, as_of=as_of or state.settings.as_of, lang=lang)
    return Response(api.render(result, "json", pack=compiled), media_type=JSON)


@router.post(
    "/plan",
    summary="A remediation plan for a declaration (as plan --format json)",
    openapi_extra=_BODY,
    responses={200: {"content": {JSON: {}}}, **_ERRORS},  # type: ignore[dict-item]
)
async def plan(
    request: Request,
    pack: PackParam = DEFAULT_PACK,
    as_of: AsOfParam = None,
    lang: LangParam = "en",
    filename: FileParam = "declaration.yaml",
    assume_fixed: Annotated[list[str], Query(description="Plan as if these rules passed.")] = [],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    state = state_of(request)
    _check_options(as_of, lang)
    compiled = state.pack(security.pack_id(pack))
    text, name = await _declaration_text(request, filename)
    declaration = api.load_declaration_text(text, name, pack=compiled)
    result = api.plan(
        declaration,
        compiled,
        as_of=as_of or state.settings.as_of,
        lang=lang,
        assume_fixed=[security.rule_id(r) for r in assume_fixed],
    )
    return Response(api.render_plan(result, "json"), media_type=JSON)


@router.get("/packs", summary="The bundled packs")
def packs() -> list[dict[str, object]]:
    return [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title,
            "extends": p.extends,
            "rules": p.rules,
        }
        for p in api.list_packs()
    ]


@router.get(
    "/firms/{firm}/history",
    summary="A firm's recorded assessments (as history --format json)",
    responses={200: {"content": {JSON: {}}}, **_ERRORS},  # type: ignore[dict-item]
)
def history(request: Request, firm: str, pack: str | None = None) -> Response:
    state = state_of(request)
    found = firm_history(
        state.workspace, security.firm_key(firm), security.pack_id(pack) if pack else None
    )
    return Response(render_history(found, "json"), media_type=JSON)
