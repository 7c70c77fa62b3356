"""The workbench pages: server-rendered HTML over the same functions as the API.

Templates are Jinja2 with autoescaping on (every value from the workspace is
escaped); the one piece of script, the network explorer, is vis-network as the
``pyvis`` package ships it, inlined so the pages work offline, and the graph data is
JSON inside a ``<script type="application/json">`` with ``<`` escaped so no value can
close the element. Each page also answers JSON, Datasette style: add ``.json`` to
its path. Log-in sets an ``HttpOnly``, ``SameSite=Strict`` cookie holding a session
token; every form that changes something carries a CSRF token (see
:mod:`crosslink.api.auth`).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from crosslink.api import queries
from crosslink.api.auth import COOKIE, Principal, csrf_token, require_page
from crosslink.api.service import Service
from crosslink.errors import CrosslinkError

__all__ = ["add_pages"]

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
       "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")

PageSearch = Annotated[Principal, Depends(require_page("search"))]
PageView = Annotated[Principal, Depends(require_page("view"))]
PageJudge = Annotated[Principal, Depends(require_page("judge"))]
PageAudit = Annotated[Principal, Depends(require_page("audit"))]
PageAnyone = Annotated[Principal, Depends(require_page(None))]


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("crosslink.web", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


@lru_cache(maxsize=1)
def _vis_js() -> str:
    # The same copy of vis-network the static report inlines (crosslink.report.html).
    lib = resources.files("pyvis") / "lib"
    versions = sorted(p.name for p in lib.iterdir() if p.name.startswith("vis-"))
    return (lib / versions[-1] / "vis-network.min.js").read_text(encoding="utf-8")


def _json_script(value: Any) -> str:
    """JSON safe inside a script element: no ``</script>`` or ``<!--`` can form."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c")


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.query_params.get("_format") == "json"


def _page(request: Request, who: Principal | None, template: str, data: dict[str, Any],
          **context: Any) -> Response:
    if _wants_json(request):
        return JSONResponse(data)
    svc: Service = request.app.state.service
    html = _env().get_template(template).render(
        user=who.user if who else None,
        csrf=csrf_token(svc, who.token) if who else "", **data, **context)
    return HTMLResponse(html)


def add_pages(app: FastAPI, svc: Service) -> None:  # noqa: C901  (one route table)
    """Register the pages, their error handling and security headers on ``app``."""

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.url.path.startswith("/docs"):  # Swagger UI loads its own assets
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _errors(request: Request, exc: StarletteHTTPException) -> Response:
        path = request.url.path
        if path.startswith("/api/") or _wants_json(request) or path.startswith("/openapi"):
            return await http_exception_handler(request, exc)
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            return RedirectResponse("/login?next=" + quote(str(request.url.path)),
                                    status_code=status.HTTP_303_SEE_OTHER)
        html = _env().get_template("error.html").render(user=None, status=exc.status_code,
                                                        detail=exc.detail)
        return HTMLResponse(html, status_code=exc.status_code)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/search", status_code=status.HTTP_303_SEE_OTHER)

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        return _page(request, None, "login.html", {}, error=None)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, username: Annotated[str, Form(max_length=64)],
              password: Annotated[str, Form(max_length=1024)],
              next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
        from crosslink.api.app import login as check

        try:
            token, expires = check(svc, username, password)
        except HTTPException:
            html = _env().get_template("login.html").render(
                user=None, error="Wrong user name or password.")
            return HTMLResponse(html, status_code=status.HTTP_401_UNAUTHORIZED)
        # Only a path on this site: never an open redirect to another host.
        from crosslink.store.users import permissions, token_role

        con = svc.cursor()
        try:
            home = "/search" if "search" in permissions(token_role(con, token)) else "/audit"
        finally:
            con.close()
        target = next if next and next.startswith("/") and not next.startswith("//") else home
        response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https",
                            max_age=int((expires - datetime.utcnow()).total_seconds()))  # noqa: DTZ003
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(who: PageAnyone) -> Response:
        from crosslink.store.users import revoke_token

        with svc.write():
            revoke_token(who.session.con, who.token)
            who.session.audit("consultation", "logout")
        response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/search.json", include_in_schema=False)
    @app.get("/search", include_in_schema=False)
    def search(request: Request, who: PageSearch,
               q: Annotated[str | None, Query(max_length=200)] = None) -> Response:
        found = queries.search(
            who.session, q, index=svc.search_index.current(svc.version),
        ) if q and q.strip() else None
        return _page(request, who, "search.html", {"q": q, "found": found})

    @app.get("/entities/{entity_id}/network.json", include_in_schema=False)
    @app.get("/entities/{entity_id}/network", include_in_schema=False)
    def network(request: Request, who: PageView, entity_id: str,
                hops: Annotated[int, Query(ge=1, le=3)] = 2,
                limit: Annotated[int, Query(ge=1, le=5000)] = 500,
                link_types: Annotated[str | None, Query(max_length=300)] = None,
                min_grading: Annotated[str | None, Query(max_length=50)] = None,
                since: Annotated[str | None, Query(max_length=30)] = None,
                until: Annotated[str | None, Query(max_length=30)] = None) -> Response:
        from crosslink.api.app import network_filter

        if entity_id not in queries.visible_ids(who.session, [entity_id]):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
        try:
            flt = network_filter(link_types, min_grading, since or None, until or None)
        except CrosslinkError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
        net = svc.network(who.session, flt)
        graph = queries.entity_graph(who.session, net, entity_id, hops=hops, limit=limit)
        params = {"hops": hops, "limit": limit, "link_types": link_types,
                  "min_grading": min_grading, "since": since, "until": until}
        center = next((n["label"] for n in graph["nodes"] if n["distance"] == 0), entity_id)
        if _wants_json(request):
            return JSONResponse(graph)
        return _page(request, who, "network.html", {"graph": graph}, params=params,
                     entity_id=entity_id, center_label=center, vis_js=_vis_js(),
                     graph_json=_json_script(graph))

    # Decorators apply bottom up: the ``.json`` route must be registered first, or
    # ``/entities/{entity_id}`` would take "x.json" as an id.
    @app.get("/entities/{entity_id}", include_in_schema=False)
    @app.get("/entities/{entity_id}.json", include_in_schema=False)
    def entity(request: Request, who: PageView, entity_id: str,
               justification: Annotated[str | None, Query(max_length=1000)] = None,
               ) -> Response:
        try:
            found = queries.entity_profile(who.session, entity_id, justification=justification)
        except queries.NeedsJustification as exc:
            if _wants_json(request):
                return JSONResponse({"detail": str(exc), "needs": "justification"},
                                    status_code=status.HTTP_403_FORBIDDEN)
            response = _page(request, who, "entity.html", {"entity": None},
                             needs=str(exc), entity_id=entity_id)
            response.status_code = status.HTTP_403_FORBIDDEN
            return response
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
        return _page(request, who, "entity.html", {"entity": found}, needs=None,
                     entity_id=entity_id, justification=justification)

    @app.get("/review.json", include_in_schema=False)
    @app.get("/review", include_in_schema=False)
    def review(request: Request, who: PageJudge, schema: str = "Person",
               message: Annotated[str | None, Query(max_length=200)] = None) -> Response:
        from crosslink.api.app import review_queue

        return _page(request, who, "review.html", review_queue(who, schema, 20),
                     message=message)

    @app.post("/review/{pair}", include_in_schema=False)
    def judge(who: PageJudge, pair: str,
              decision: Annotated[str, Form(pattern="^(same|different|unsure)$")],
              reason: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
        from crosslink.api.app import record

        result = record(svc, who, pair, decision, reason or None)
        note = quote(f"Recorded {result['decision']} for {result['a']} / {result['b']}.")
        return RedirectResponse(f"/review?message={note}", status_code=status.HTTP_303_SEE_OTHER)

    @app.get("/key-players.json", include_in_schema=False)
    @app.get("/key-players", include_in_schema=False)
    def key_players_page(request: Request, who: PageView,
                         k: Annotated[int, Query(ge=1, le=50)] = 5) -> Response:
        from crosslink.api.app import key_player_plan

        return _page(request, who, "key_players.html", {"plan": key_player_plan(svc, who, k)})

    @app.get("/referrals.json", include_in_schema=False)
    @app.get("/referrals", include_in_schema=False)
    def referrals_page(request: Request, who: PageView,
                       status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
                       platform: Annotated[str | None, Query(max_length=40)] = None) -> Response:
        """The online referral queue (crosslink.online.queue), as the caller may see it."""
        from crosslink.online.queue import STATUSES, list_referrals

        found = list_referrals(who.session, status=status_ or None, platform=platform or None, limit=200)
        return _page(request, who, "referrals.html", {"referrals": [r.as_dict() for r in found]},
                     statuses=STATUSES, params={"status": status_, "platform": platform})

    @app.get("/audit.json", include_in_schema=False)
    @app.get("/audit", include_in_schema=False)
    def audit(request: Request, who: PageAudit,
              user: Annotated[str | None, Query(max_length=64)] = None,
              entity: Annotated[str | None, Query(max_length=200)] = None,
              since: Annotated[str | None, Query(max_length=30)] = None,
              until: Annotated[str | None, Query(max_length=30)] = None) -> Response:
        from crosslink.api.app import audit_entries

        try:
            start = datetime.fromisoformat(since) if since else None
            end = datetime.fromisoformat(until) if until else None
        except ValueError:
            raise HTTPException(status.HTTP_400_BAD_REQUEST,
                                "since/until: give a date and time like 2024-03-01T09:00") from None
        log = audit_entries(who, user=user or None, entity=entity or None, since=start,
                            until=end, limit=500)
        params = {"user": user, "entity": entity, "since": since, "until": until}
        return _page(request, who, "audit.html", {"log": log}, params=params)
