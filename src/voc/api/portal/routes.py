"""The web portal: /login, /logout and the pages under /app/ (server-rendered, Jinja2).

Routes stay thin: they check the session, read the query, call :mod:`voc.api.portal.data`
(which calls :mod:`voc.api.services`) with the caller's scoped repository, and render.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from voc.api.deps import (
    SESSION_COOKIE,
    Principal,
    csrf_ok,
    get_accounts,
    get_pool,
    get_settings,
    get_store,
    session_principal,
)
from voc.api.portal import charts, data
from voc.api.portal.i18n import LANGUAGES, choose_language, translator
from voc.api.schemas_cases import CasePatch
from voc.api.services_cases import case_repository, update_case
from voc.config import Settings
from voc.errors import InputError
from voc.io.writers import score
from voc.jobs import AnalyzerPool
from voc.jobs.analyzers import taxonomy_of
from voc.nlp.taxonomy import DEFAULT_TAXONOMY, Taxonomy, parse_taxonomy
from voc.store import NotFoundError, Store, WorkspaceRepository
from voc.store.cases import CASE_STATUSES
from voc.store.records import HitRecord

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("voc.api.portal").joinpath("templates")))
# A figure with no data behind it shows "n/a", never 0 (the API answers null).
templates.env.filters["score"] = score
LOGIN_CSRF_COOKIE = "voc_login_csrf"
LANG_COOKIE = "voc_lang"


class SignInRequired(Exception):
    """An /app page without a live session: the handler redirects to /login."""

    def __init__(self, next_path: str):
        self.next_path = next_path


def install(app: FastAPI) -> None:
    """Static files and the redirect of signed-out /app requests."""
    app.mount(
        "/app/static",
        StaticFiles(directory=str(files("voc.api.portal").joinpath("static"))),
        name="portal-static",
    )

    @app.exception_handler(SignInRequired)
    async def _to_login(_: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse("/login?" + urlencode({"next": exc.next_path}), status_code=303)


mount_static = install


# --- helpers ----------------------------------------------------------------------
def _secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def _language(request: Request, settings: Settings) -> str:
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        settings.ui_language,
        request.headers.get("accept-language", ""),
    )


def _safe_next(path: str | None) -> str:
    """Only our own /app pages: never an open redirect to another site."""
    if path and path.startswith("/app") and "//" not in path and "\\" not in path:
        return path
    return "/app/"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    settings: Settings,
    status_code: int = 200,
) -> HTMLResponse:
    lang = _language(request, settings)
    response = templates.TemplateResponse(
        request,
        name,
        {"t": translator(lang), "lang": lang, "languages": LANGUAGES, **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    return response


SettingsDep = Annotated[Settings, Depends(get_settings)]


def page_caller(request: Request) -> Principal:
    """The signed-in user, or a redirect to /login (API keys do not open pages)."""
    principal = session_principal(request)
    if principal is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    request.state.workspace_id = principal.workspace_id
    return principal


Caller = Annotated[Principal, Depends(page_caller)]


def page_repo(
    caller: Caller, store: Annotated[Store, Depends(get_store)]
) -> Iterator[WorkspaceRepository]:
    with store.workspace(caller.workspace_id) as repo:
        yield WorkspaceRepository(repo.session, repo.workspace_id, caller.scope)


def page_write_repo(
    caller: Caller, store: Annotated[Store, Depends(get_store)]
) -> Iterator[WorkspaceRepository]:
    """For pages that write (cases, corrections): the transaction begins as a writer."""
    with store.workspace(caller.workspace_id, write=True) as repo:
        yield WorkspaceRepository(repo.session, repo.workspace_id, caller.scope)


Repo = Annotated[WorkspaceRepository, Depends(page_repo)]
WriteRepo = Annotated[WorkspaceRepository, Depends(page_write_repo)]


def page_taxonomy(repo: Repo, pool: Annotated[AnalyzerPool, Depends(get_pool)]) -> Taxonomy:
    return taxonomy_of(repo.latest_taxonomy(), pool.base.taxonomy)


TaxonomyDep = Annotated[Taxonomy, Depends(page_taxonomy)]


def _check_csrf(caller: Principal, token: str) -> None:
    if caller.session is None or not csrf_ok(caller.session, token):
        raise InputError("the form is out of date (CSRF token missing or wrong): reload the page")


def _base(caller: Principal, request: Request, active: str) -> dict[str, Any]:
    assert caller.session is not None  # pages are reached with a session only
    return {
        "caller": caller,
        "csrf": caller.session.csrf_token,
        "active": active,
        "query": request.url.query,
        "can_upload": caller.role in ("analyst", "admin"),
        "can_correct": caller.role in ("analyst", "admin"),
    }


def highlight(text: str, hits: tuple[HitRecord, ...], theme_id: str | None) -> Markup:
    """The comment with the evidence spans of ``theme_id`` (all themes if None) marked."""
    spans = sorted(
        (h.start, h.end, h.theme_id)
        for h in hits
        if (theme_id is None or h.theme_id == theme_id) and 0 <= h.start < h.end <= len(text)
    )
    out, at = [], 0
    for start, end, tid in spans:
        if start < at:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[at:start]))
        out.append(Markup('<mark title="{}">{}</mark>').format(tid, text[start:end]))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _filters_from(request: Request, prefix: str = "") -> data.ResultFilters:
    q = request.query_params
    return data.page_filters(
        q.get(prefix + "period_from"),
        q.get(prefix + "period_to"),
        [s for s in q.getlist(prefix + "segment") if s],
        q.get(prefix + "language"),
    )


# --- sign-in ------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep, next: str = "/app/") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", {"csrf": token, "next": _safe_next(next), "error": None}, settings
    )
    _set_login_csrf(response, token, request, settings)
    return response


def _set_login_csrf(response: Response, token: str, request: Request, settings: Settings) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/login",
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    settings: SettingsDep,
    workspace: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/app/",
) -> Response:
    """Sign in: a new session id every time (the one the browser had is dropped)."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_again(request, settings, next, "login_failed", 403)
    accounts = get_accounts(request)
    outcome = accounts.sign_in(workspace, email, password)
    if outcome.user is None:
        reason = "login_locked" if outcome.locked else "login_failed"
        return _login_again(request, settings, next, reason, 429 if outcome.locked else 401)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        accounts.end_session(old)  # no fixation: a session id set before sign-in is void
    _session, token = accounts.start_session(outcome.user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _login_again(
    request: Request, settings: Settings, next_path: str, reason: str, status: int
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    context = {"csrf": token, "next": _safe_next(next_path), "error": reason}
    response = render(request, "login.html", context, settings, status_code=status)
    _set_login_csrf(response, token, request, settings)
    return response


@router.post("/logout")
def logout(
    request: Request, caller: Caller, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> RedirectResponse:
    _check_csrf(caller, csrf_token)
    get_accounts(request).end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- pages --------------------------------------------------------------------------
@router.get("/app", response_class=HTMLResponse)
@router.get("/app/", response_class=HTMLResponse)
def overview_page(request: Request, caller: Caller, repo: Repo, settings: SettingsDep) -> Response:
    f = _filters_from(request)
    view = data.overview(repo, f, settings)
    band = charts.nps_band_chart(
        [
            charts.BandPoint(p.period, p.estimate.nps, p.estimate.ci_low, p.estimate.ci_high)
            for p in view.nps.periods
            # A period with no answers has no estimate (null, never 0): no point on the chart.
            if p.estimate.nps is not None
            and p.estimate.ci_low is not None
            and p.estimate.ci_high is not None
        ],
        translator(_language(request, settings))("nps_over_time"),
    )
    context = {
        **_base(caller, request, "overview"),
        "view": view,
        "band": band,
        "filters": f,
        "options": data.filter_options(repo),
        "languages_bars": charts.share_bars(view.languages, "languages"),
    }
    return render(request, "overview.html", context, settings)


@router.get("/app/themes", response_class=HTMLResponse)
def themes_page(
    request: Request, caller: Caller, repo: Repo, taxonomy: TaxonomyDep, settings: SettingsDep
) -> Response:
    from voc.api.services import improvement_areas

    f = _filters_from(request)
    rows = data.themes(repo, f, taxonomy, settings)
    query = request.url.query
    chart = charts.impact_chart(
        [
            charts.Whisker(
                r.result.label,
                r.result.impact,
                r.result.impact_ci_low,
                r.result.impact_ci_high,
                f"/app/themes/{r.result.theme_id}" + (f"?{query}" if query else ""),
            )
            for r in rows
            if r.result.n_comments > 0
            and r.result.impact is not None
            and r.result.impact_ci_low is not None
            and r.result.impact_ci_high is not None
        ],
        translator(_language(request, settings))("impact_chart"),
    )
    sparks = {r.result.theme_id: charts.sparkline(r.trend, r.result.label) for r in rows}
    context = {
        **_base(caller, request, "themes"),
        "rows": rows,
        "chart": chart,
        "sparks": sparks,
        "drivers": improvement_areas(repo, f, taxonomy, settings, 10),
        "model": data.drivers(repo, f, taxonomy, settings),
        "labels": {r.result.theme_id: r.result.label for r in rows},
        "alone": {r.result.theme_id: r.result.impact for r in rows},
        "filters": f,
        "options": data.filter_options(repo),
    }
    return render(request, "themes.html", context, settings)


@router.get("/app/themes/{theme_id}", response_class=HTMLResponse)
def theme_page(
    theme_id: str,
    request: Request,
    caller: Caller,
    repo: Repo,
    taxonomy: TaxonomyDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    if theme_id not in taxonomy.ids:
        raise NotFoundError("theme", theme_id)
    f = data.with_theme(_filters_from(request), theme_id)
    size = 25
    comments = repo.results.comments(f, offset=(page - 1) * size, limit=size)
    lang = _language(request, settings)
    context = {
        **_base(caller, request, "themes"),
        "theme": taxonomy[theme_id],
        "label": taxonomy[theme_id].label(lang),
        "comments": [(c, highlight(c.comment, c.themes, theme_id)) for c in comments],
        "total": repo.results.count_comments(f),
        "page": page,
        "size": size,
        # The pager keeps the page's filters: only ``page`` changes.
        "keep": urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "saved")]
        ),
        "all_themes": [(t.id, t.label(lang)) for t in taxonomy.themes],
        "saved": request.query_params.get("saved"),
    }
    return render(request, "theme.html", context, settings)


@router.get("/app/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, caller: Caller, repo: Repo, taxonomy: TaxonomyDep, settings: SettingsDep
) -> Response:
    a, b = _filters_from(request, "a_"), _filters_from(request, "b_")
    view = data.compare(repo, a, b, taxonomy, settings)
    lang = _language(request, settings)
    context = {
        **_base(caller, request, "compare"),
        "view": view,
        "labels": {t.id: t.label(lang) for t in taxonomy.themes},
        "options": data.filter_options(repo),
        "a": a,
        "b": b,
    }
    return render(request, "compare.html", context, settings)


@router.get("/app/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    caller: Caller,
    repo: WriteRepo,
    settings: SettingsDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    cases = case_repository(repo)
    listed = cases.list(status if status in CASE_STATUSES else None)
    context = {
        **_base(caller, request, "cases"),
        "cases": [cases.get(c.id) for c in listed],
        "statuses": CASE_STATUSES,
        "status": status,
        "can_work": caller.user_role == "seller" or caller.role in ("analyst", "admin"),
    }
    return render(request, "cases.html", context, settings)


@router.post("/app/cases/{case_id}")
def update_case_form(
    case_id: str,
    caller: Caller,
    repo: WriteRepo,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    owner: Annotated[str, Form(max_length=320)] = "",
    status: Annotated[str, Form(max_length=20)] = "new",
    note: Annotated[str, Form(max_length=4000)] = "",
    called_on: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    _check_csrf(caller, csrf_token)
    if not (caller.user_role == "seller" or caller.role in ("analyst", "admin")):
        raise _forbidden()
    try:
        patch = CasePatch.model_validate(
            {"owner": owner or None, "status": status, "note": note, "called_on": called_on or None}
        )
    except ValueError as exc:
        raise InputError(f"case {case_id}: {exc}") from None
    update_case(repo, caller.actor, case_id, patch)
    return RedirectResponse(f"/app/cases#case-{case_id}", status_code=303)


def _forbidden() -> Exception:
    from voc.api.problems import ForbiddenError

    return ForbiddenError("your role cannot do this")


@router.post("/app/corrections")
def add_correction(
    caller: Caller,
    repo: WriteRepo,
    pool: Annotated[AnalyzerPool, Depends(get_pool)],
    settings: SettingsDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(min_length=1, max_length=2000)] = "",
    theme_id: Annotated[str, Form(max_length=100)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/app/themes",
) -> RedirectResponse:
    """ "This comment is about availability": the next taxonomy version gets the correction."""
    _check_csrf(caller, csrf_token)
    if caller.role not in ("analyst", "admin"):
        raise _forbidden()
    content = _current_taxonomy_text(repo, settings)
    raw = yaml.safe_load(content)
    raw.setdefault("corrections", [])
    raw["corrections"] = [*(raw["corrections"] or []), {"text": text.strip(), "theme": theme_id}]
    new_content = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    taxonomy = parse_taxonomy(new_content, source="correction")  # TaxonomyError -> 422
    record = repo.add_taxonomy(taxonomy.name, taxonomy.version, new_content)
    target = _safe_next(back)
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}saved={record.number}", status_code=303)


def _current_taxonomy_text(repo: WorkspaceRepository, settings: Settings) -> str:
    record = repo.latest_taxonomy()
    if record is not None:
        return record.content
    if settings.taxonomy_path is not None:
        return settings.taxonomy_path.read_text("utf-8")
    return files("voc.data").joinpath(DEFAULT_TAXONOMY).read_text("utf-8")


@router.get("/app/uploads", response_class=HTMLResponse)
def uploads_page(request: Request, caller: Caller, repo: Repo, settings: SettingsDep) -> Response:
    if caller.role not in ("analyst", "admin"):
        t = translator(_language(request, settings))
        context = {**_base(caller, request, "uploads"), "message": t("forbidden")}
        return render(request, "forbidden.html", context, settings, status_code=403)
    from voc.api.services import job_out

    context = {
        **_base(caller, request, "uploads"),
        "uploads": repo.list_uploads(),
        "jobs": [job_out(r) for r in repo.list_runs()],
    }
    return render(request, "uploads.html", context, settings)
