"""The web app's pages: start a questionnaire, answer it (htmx partials), see the results.

Input: requests from a browser. Output: HTML pages and fragments, downloads. Every form post
carries the CSRF token (a hidden field, or htmx's ``X-CSRF-Token`` header) matching its
cookie; every id in a URL is checked before it is used.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from .. import api, codes
from ..authoring.skeleton import format_read
from ..declaration.loader import Declaration
from ..errors import Diagnostic, UsageError
from ..sources.limits import current_limits
from ..workspace.drafts import Draft, list_drafts, load_draft, new_draft_id, save_draft
from ..workspace.history import firm_history
from ..workspace.impact import pack_ref, portfolio_inputs
from ..workspace.portfolio import Filters, portfolio, render_portfolio
from . import security
from .downloads import declaration_yaml, record_draft
from .live import Live, evaluate, plain
from .questions import ListGroup, all_questions, answers_of, list_length
from .state import State, state_of
from .views import LANG_COOKIE, LANGS

router = APIRouter(include_in_schema=False)

#: A list element's index in an answer key (``data_sources[3].kind``)
_ELEMENT_INDEX = re.compile(r"\[\d+\]")
#: Most elements a list of the questionnaire shows (more belong in a file).
MAX_LIST_ELEMENTS = 200


def _page(state: State, request: Request, template: str, **values: Any) -> HTMLResponse:
    return HTMLResponse(state.views.render(template, request, **values))


async def _form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the cookie's."""
    form = await request.form(max_files=1, max_fields=2000)
    sent = request.headers.get(security.CSRF_HEADER) or form.get(security.CSRF_FIELD)
    if not security.csrf_matches(
        request.cookies.get(security.CSRF_COOKIE), sent if isinstance(sent, str) else None
    ):
        raise UsageError(
            Diagnostic(codes.USAGE, "the form's CSRF token is missing or wrong; reload the page")
        )
    return form


# ------------------------------------------------------------------ start


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    state = state_of(request)
    return _page(
        state,
        request,
        "home.html.j2",
        packs=api.list_packs(),
        drafts=list_drafts(state.workspace),
        firms=state.workspace.firms(),
    )


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    if code not in LANGS:
        raise UsageError(
            Diagnostic(codes.USAGE, f"unknown language; use one of {', '.join(LANGS)}")
        )
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, code, samesite="strict", max_age=365 * 86400)
    return response


@router.post("/drafts")
async def new_draft(request: Request) -> Response:
    state = state_of(request)
    form = await _form(request)
    try:
        draft = await _draft_from_form(state, form)
    finally:
        await form.close()  # an uploaded file's temporary copy
    save_draft(state.workspace, draft)
    return RedirectResponse(f"/drafts/{draft.id}", status_code=303)


async def _draft_from_form(state: State, form: FormData) -> Draft:
    pack_ids = [security.pack_id(str(p)) for p in form.getlist("packs")]
    if not pack_ids:
        raise UsageError(Diagnostic(codes.USAGE, "choose at least one pack"))
    firm = str(form.get("firm") or "").strip()
    base: dict[str, Any] = {}
    upload = form.get("upload")
    if isinstance(upload, UploadFile) and upload.filename:
        base = await _uploaded(upload, state, pack_ids[0])
    elif form.get("from_firm"):
        base = _latest_declaration(state, security.firm_key(str(form["from_firm"])))
    company = base.get("company")
    firm = firm or (str(company.get("name", "")) if isinstance(company, dict) else "")
    if not firm:
        raise UsageError(Diagnostic(codes.USAGE, "give the firm's name, or choose a declaration"))
    draft = Draft(new_draft_id(), firm, pack_ids, base=base)
    draft.answers, draft.lists = answers_of(state.questions(pack_ids, "en"), base)
    return draft


async def _uploaded(upload: UploadFile, state: State, pack_id: str) -> dict[str, Any]:
    limit = current_limits().max_bytes
    raw = await upload.read(limit + 1)
    name = (upload.filename or "declaration.yaml").rsplit("/", 1)[-1]
    if len(raw) > limit:
        raise UsageError(
            Diagnostic(codes.IO, f"{name}: the declaration is larger than {limit} bytes")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(Diagnostic(codes.IO, f"{name}: not UTF-8 text")) from exc
    declaration = api.load_declaration_text(text, name, pack=state.pack(pack_id))
    data: dict[str, Any] = plain(declaration.data)
    return data


def _latest_declaration(state: State, key: str) -> dict[str, Any]:
    firm = state.workspace.firm(key)
    for latest in state.workspace.latest_assessments():
        if latest.firm_key == firm.key:
            declaration = api.load_declaration_text(
                latest.declaration.decode("utf-8"), latest.declaration_path
            )
            data: dict[str, Any] = plain(declaration.data)
            return data
    raise UsageError(Diagnostic(codes.USAGE, f"{firm.name} has no recorded declaration"))


# ------------------------------------------------------------------ the questionnaire


def _draft(request: Request, draft_id: str) -> tuple[State, Draft]:
    state = state_of(request)
    return state, load_draft(state.workspace, draft_id)


def _live(state: State, draft: Draft, lang: str) -> Live:
    sections = state.questions(draft.packs, lang)
    packs = [state.pack(p) for p in draft.packs]
    return evaluate(draft, sections, packs, as_of=state.settings.as_of, lang=lang)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def questionnaire_page(request: Request, draft_id: str) -> HTMLResponse:
    state, draft = _draft(request, draft_id)
    lang = state.views.lang_of(request)
    sections = state.questions(draft.packs, lang)
    lengths = {
        group.key: list_length(group, draft.lists, draft.base)
        for section in sections
        for group in section.lists
    }
    return _page(
        state,
        request,
        "questionnaire.html.j2",
        draft=draft,
        sections=sections,
        lengths=lengths,
        live=_live(state, draft, lang),
        changed=[],
        answered=len(draft.answers),
        total=sum(1 for _ in all_questions(sections)),
    )


@router.post("/drafts/{draft_id}/answers", response_class=HTMLResponse)
async def answer(request: Request, draft_id: str) -> HTMLResponse:
    """One changed answer (htmx): saved, then the results panel and the field's errors."""
    state, draft = _draft(request, draft_id)
    form = await _form(request)
    lang = state.views.lang_of(request)
    reads = {format_read(q.path) for q in all_questions(state.questions(draft.packs, lang))}
    multiple = {str(v) for v in form.getlist("_list")}  # boxes of a multiple choice
    changed = sorted({str(n) for n in form} - {security.CSRF_FIELD, "_list"} | multiple)
    for name in changed:
        if _ELEMENT_INDEX.sub("[]", name, count=1) not in reads:
            raise UsageError(
                Diagnostic(codes.USAGE, f"'{name[:80]}' is not a question of this draft")
            )
        values = [str(v) for v in form.getlist(name)]
        draft.answers[name] = values if name in multiple else (values[0] if values else "")
    save_draft(state.workspace, draft)
    live = _live(state, draft, lang)
    return _page(state, request, "_panel.html.j2", draft=draft, live=live, changed=changed)


@router.post("/drafts/{draft_id}/lists")
async def change_list(request: Request, draft_id: str) -> Response:
    """Add an element to a list of the questionnaire, or remove its last one."""
    state, draft = _draft(request, draft_id)
    form = await _form(request)
    sections = state.questions(draft.packs, "en")
    groups = {g.key: g for s in sections for g in s.lists}
    group = groups.get(str(form.get("list")))
    if group is None:
        raise UsageError(Diagnostic(codes.USAGE, "no such list in this questionnaire"))
    count = list_length(group, draft.lists, draft.base)
    if form.get("action") == "add":
        count = min(count + 1, MAX_LIST_ELEMENTS)
    elif count > 0:
        count -= 1
        _forget_element(draft, group, count)
    draft.lists[group.key] = count
    save_draft(state.workspace, draft)
    return RedirectResponse(f"/drafts/{draft.id}#list-{quote(group.key)}", status_code=303)


def _forget_element(draft: Draft, group: ListGroup, index: int) -> None:
    for question in group.questions:
        draft.answers.pop(question.key(index), None)
    items = draft.base
    for key in group.path[:-1]:
        items = items.get(key, {}) if isinstance(items, dict) else {}
    found = items.get(group.path[-1]) if isinstance(items, dict) else None
    if isinstance(found, list) and len(found) > index:
        del found[index:]


# ------------------------------------------------------------------ results


def _pack_of(state: State, draft: Draft, pack: str | None) -> str:
    chosen = pack or draft.packs[0]
    if chosen not in draft.packs:
        raise UsageError(Diagnostic(codes.USAGE, f"this draft is not assessed against '{chosen}'"))
    return security.pack_id(chosen)


def _declaration(state: State, draft: Draft, lang: str) -> Declaration:
    """The draft's declaration as its YAML download reads (so that the report, the JSON and
    the plan are what the CLI gives for the downloaded file, positions included)."""
    text = _declaration_text(state, draft, lang)
    return api.load_declaration_text(text, _file_name(draft), pack=state.pack(draft.packs[0]))


def _declaration_text(state: State, draft: Draft, lang: str) -> str:
    live = _live(state, draft, lang)
    if live.declaration is None:
        raise UsageError(live.errors or [Diagnostic(codes.USAGE, "the answers are not valid")])
    return declaration_yaml(draft, state.questions(draft.packs, lang), live.declaration)


def _file_name(draft: Draft) -> str:
    return f"{draft.id}.yaml"


@router.get("/drafts/{draft_id}/report.{fmt}")
def report(request: Request, draft_id: str, fmt: str, pack: str | None = None) -> Response:
    """The gap report (``html``, the same as ``licensecheck report``), or the assessment as
    ``json`` or ``sarif`` (as ``check --format``)."""
    state, draft = _draft(request, draft_id)
    lang = state.views.lang_of(request)
    compiled = state.pack(_pack_of(state, draft, pack))
    declaration = _declaration(state, draft, lang)
    as_of = state.settings.as_of
    if fmt == "html":
        gap = api.gap_report(declaration, compiled, as_of=as_of, lang=lang)
        html = api.render_report(gap, "html")
        return HTMLResponse(html, headers={"Content-Security-Policy": security.document_csp(html)})
    if fmt not in ("json", "sarif"):
        raise UsageError(Diagnostic(codes.USAGE, "download the report as html, json or sarif"))
    assessment = api.assess(declaration, compiled, as_of=as_of, lang=lang)
    text = api.render(assessment, fmt, pack=compiled)
    name = f"{draft.id}-{compiled.checked.id}.{fmt}"
    return Response(
        text,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/drafts/{draft_id}/plan", response_class=HTMLResponse)
def plan_page(request: Request, draft_id: str, pack: str | None = None) -> HTMLResponse:
    """The plan with what-if toggles: each blocking gap can be assumed fixed."""
    state, draft = _draft(request, draft_id)
    lang = state.views.lang_of(request)
    pack_id = _pack_of(state, draft, pack)
    fixed = [security.rule_id(r) for r in request.query_params.getlist("fixed")]
    live = _live(state, draft, lang)
    result = next((r for r in live.results if r.pack.checked.id == pack_id), None)
    query = urlencode([("pack", pack_id), *(("fixed", r) for r in fixed)])
    return _page(
        state,
        request,
        "plan.html.j2",
        draft=draft,
        pack_id=pack_id,
        result=result,
        fixed=set(fixed),
        frame=f"/drafts/{draft.id}/plan.html?{query}",
    )


@router.get("/drafts/{draft_id}/plan.html", response_class=HTMLResponse)
def plan_document(request: Request, draft_id: str, pack: str | None = None) -> HTMLResponse:
    state, draft = _draft(request, draft_id)
    lang = state.views.lang_of(request)
    compiled = state.pack(_pack_of(state, draft, pack))
    fixed = [security.rule_id(r) for r in request.query_params.getlist("fixed")]
    result = api.plan(
        _declaration(state, draft, lang),
        compiled,
        as_of=state.settings.as_of,
        lang=lang,
        assume_fixed=fixed,
        what_if=True,
    )
    html = api.render_plan(result, "html")
    return HTMLResponse(html, headers={"Content-Security-Policy": security.document_csp(html)})


@router.get("/drafts/{draft_id}/unknowns", response_class=HTMLResponse)
def unknowns(request: Request, draft_id: str, pack: str | None = None) -> HTMLResponse:
    """What is still unknown: the fields to declare, by section (the report's questionnaire)."""
    state, draft = _draft(request, draft_id)
    lang = state.views.lang_of(request)
    compiled = state.pack(_pack_of(state, draft, pack))
    gap = api.gap_report(
        _declaration(state, draft, lang), compiled, as_of=state.settings.as_of, lang=lang
    )
    return _page(state, request, "unknowns.html.j2", draft=draft, gap=gap)


@router.get("/drafts/{draft_id}/declaration.yaml")
def download_declaration(request: Request, draft_id: str) -> Response:
    state, draft = _draft(request, draft_id)
    text = _declaration_text(state, draft, state.views.lang_of(request))
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(draft)}"'},
    )


@router.post("/drafts/{draft_id}/record")
async def record(request: Request, draft_id: str) -> Response:
    """Record the draft's assessments in the workspace: a point in the firm's history."""
    state, draft = _draft(request, draft_id)
    await _form(request)
    lang = state.views.lang_of(request)
    live = _live(state, draft, lang)
    if live.declaration is None:
        raise UsageError(live.errors or [Diagnostic(codes.USAGE, "the answers are not valid")])
    key = record_draft(state.workspace, draft, live)
    return RedirectResponse(f"/firms/{quote(key, safe='')}/history", status_code=303)


@router.get("/firms/{key}/history", response_class=HTMLResponse)
def history(request: Request, key: str) -> HTMLResponse:
    state = state_of(request)
    found = firm_history(state.workspace, security.firm_key(key))
    return _page(state, request, "history.html.j2", history=found)


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, pack: str | None = None) -> HTMLResponse:
    state = state_of(request)
    filters = Filters(pack_id=security.pack_id(pack) if pack else None)
    html = render_portfolio(portfolio(state.workspace, filters), "html")
    return HTMLResponse(html, headers={"Content-Security-Policy": security.document_csp(html)})


@router.get("/impact", response_class=HTMLResponse)
def impact_page(request: Request, old: str = "", new: str = "") -> HTMLResponse:
    """Pick an OLD and a NEW pack (a bundled id, or ``id@version`` stored in the workspace)
    and see what the update does to every firm's latest recorded declaration."""
    state = state_of(request)
    frame = None
    if old or new:
        refs = [("old", security.pack_ref(old)), ("new", security.pack_ref(new))]
        frame = f"/impact.html?{urlencode(refs)}"
    return _page(
        state,
        request,
        "impact.html.j2",
        old=old,
        new=new,
        frame=frame,
        packs=[p.id for p in api.list_packs()],
    )


@router.get("/impact.html", response_class=HTMLResponse)
def impact_document(request: Request, old: str, new: str) -> HTMLResponse:
    """The impact report (``impact --portfolio --format html``) of OLD → NEW."""
    state = state_of(request)
    refs = security.pack_ref(old), security.pack_ref(new)
    with ExitStack() as stack:
        old_pack, new_pack = (
            stack.enter_context(pack_ref(ref, lambda: state.workspace)) for ref in refs
        )
        compiled_new = api.prepare_pack(new_pack)
        inputs = portfolio_inputs(state.workspace, compiled_new.checked.id)
        if not inputs:
            raise UsageError(
                Diagnostic(
                    codes.USAGE,
                    f"no firm has an assessment recorded with {compiled_new.checked.id}",
                    hint="record a firm's declaration first (the questionnaire's Record button)",
                )
            )
        report = api.impact(old_pack, compiled_new, inputs, as_of=state.settings.as_of)
    html = api.render_impact(report, "html")
    return HTMLResponse(html, headers={"Content-Security-Policy": security.document_csp(html)})


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The HTTP API, read from the OpenAPI document (no Swagger UI from a CDN)."""
    state = state_of(request)
    schema = request.app.openapi()
    return _page(state, request, "docs.html.j2", openapi=schema)
