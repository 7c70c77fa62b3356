"""The workbench API: FastAPI over one served workspace.

:func:`create_app` builds the application for a workspace file. Every route takes
its caller from :func:`crosslink.api.auth.require` (token, permission, a store
session with the caller's clearance), asks :mod:`crosslink.api.queries` or the
stage functions, and answers JSON. An entity the caller may not see answers exactly
as one that does not exist (404 ``{"detail": "not found"}``). OpenAPI at
``/openapi.json``, interactive docs at ``/docs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, UploadFile, status
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from crosslink.api import queries
from crosslink.api.auth import Principal, require
from crosslink.api.service import Service
from crosslink.errors import CrosslinkError
from crosslink.network.analyse import disruption_dict
from crosslink.network.filters import LINK_SCHEMATA, NetworkFilter, parse_grading
from crosslink.network.keyplayer import key_players
from crosslink.store.users import authenticate, issue_token, revoke_token

__all__ = ["create_app"]

NOT_FOUND = "not found"

# One dependency per permission: the only place a route says what it needs.
Search = Annotated[Principal, Depends(require("search"))]
View = Annotated[Principal, Depends(require("view"))]
Judge = Annotated[Principal, Depends(require("judge"))]
Auditor = Annotated[Principal, Depends(require("audit"))]
Ingester = Annotated[Principal, Depends(require("ingest"))]
Anyone = Annotated[Principal, Depends(require(None))]


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: str


class JudgementIn(BaseModel):
    decision: Literal["same", "different", "unsure"]
    reason: str | None = Field(default=None, max_length=2000)


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)


def create_app(workspace_path: str | Path, *, service: Service | None = None) -> FastAPI:
    """The service for one workspace (opened now, closed at shutdown)."""
    svc = service or Service.open(workspace_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        svc.close()

    app = FastAPI(title="crosslink workbench", version="1",
                  description="Need-to-know access to a crosslink workspace; every "
                  "consultation is audited (DPA 2018 s.62).", lifespan=lifespan)
    app.state.service = svc

    @app.exception_handler(CrosslinkError)
    async def _input_error(request: Request, exc: CrosslinkError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(queries.NeedsJustification)
    async def _justify(request: Request, exc: queries.NeedsJustification) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "needs": "justification"}, status_code=403)

    _routes(app, svc)
    from crosslink.api.cases import add_case_routes

    add_case_routes(app)
    from crosslink.web.pages import add_pages

    add_pages(app, svc)
    return app


def login(svc: Service, username: str, password: str) -> tuple[str, datetime]:
    """Check a password and issue a token; both outcomes audited. 401 when wrong."""
    with svc.write() as con:
        user = authenticate(con, username, password)
        if user is None:
            # Audited under the name tried, so an auditor sees guessing; the same answer
            # whether the account exists or not.
            svc.session(con, _nobody(username), "log in").audit(
                "consultation", "login", outcome="refused")
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong user name or password",
                                headers={"WWW-Authenticate": "Bearer"})
        token, expires = issue_token(con, user)
        svc.session(con, user, "log in").audit("consultation", "login", outcome="ok")
    return token, expires


def _nobody(username: str) -> Any:
    from crosslink.store.users import User

    return User(username[:64], "", (), False)


def _routes(app: FastAPI, svc: Service) -> None:  # noqa: C901  (one route table)
    @app.post("/api/token", response_model=Token, tags=["auth"])
    def token(username: Annotated[str, Form(max_length=64)],
              password: Annotated[str, Form(max_length=1024)]) -> Token:
        """OAuth2 password flow: a bearer token for the user (expires after a shift)."""
        access, expires = login(svc, username, password)
        return Token(access_token=access, expires_at=expires.isoformat())

    @app.post("/api/logout", tags=["auth"])
    def logout(who: Anyone) -> dict[str, bool]:
        with svc.write():
            revoked = revoke_token(who.session.con, who.token)
            who.session.audit("consultation", "logout")
        return {"logged_out": revoked}

    @app.get("/api/me", tags=["auth"])
    def me(who: Anyone) -> dict[str, Any]:
        return who.user.as_dict()

    @app.get("/api/search", tags=["entities"])
    def search(who: Search, q: Annotated[str, Query(min_length=1, max_length=200)],
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
        """Entities by name (substring or fuzzy) or selector in any written form."""
        return queries.search(who.session, q, limit=limit,
                              index=svc.search_index.current(svc.version))

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity(who: View, entity_id: Annotated[str, PathParam(max_length=200)],
               justification: Annotated[str | None, Query(max_length=1000)] = None,
               ) -> dict[str, Any]:
        """Every value with its report, grading and handling code. Protected-source or
        H-coded material needs ``justification`` (else 403)."""
        found = queries.entity_profile(who.session, entity_id, justification=justification)
        if found is None:
            raise not_found()
        return found

    @app.get("/api/entities/{entity_id}/graph", tags=["network"])
    def graph(who: View, entity_id: str,
              hops: Annotated[int, Query(ge=1, le=3)] = 1,
              limit: Annotated[int, Query(ge=1, le=5000)] = 200,
              link_types: Annotated[str | None, Query(max_length=300)] = None,
              min_grading: Annotated[str | None, Query(max_length=50)] = None,
              since: Annotated[str | None, Query(max_length=30)] = None,
              until: Annotated[str | None, Query(max_length=30)] = None) -> dict[str, Any]:
        """The entity's neighbourhood, nearest first, capped at ``limit`` nodes;
        ``hidden`` counts what the cap left out. Filters: link types (comma list),
        minimum grading, date window."""
        if entity_id not in queries.visible_ids(who.session, [entity_id]):
            raise not_found()
        net = svc.network(who.session, network_filter(link_types, min_grading, since, until))
        return queries.entity_graph(who.session, net, entity_id, hops=hops, limit=limit)

    @app.get("/api/key-players", tags=["network"])
    def key_player_panel(who: View, k: Annotated[int, Query(ge=1, le=50)] = 5,
                         ) -> dict[str, Any]:
        """Whose removal fragments the visible network most (KPP-Neg)."""
        return key_player_plan(svc, who, k)

    @app.get("/api/review", tags=["review"])
    def review(who: Judge, schema: str = "Person",
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
        """Uncertain pairs, least certain first, each with the model's explanation.
        Pairs with either side outside the caller's clearance are left out."""
        return review_queue(who, schema, limit)

    @app.post("/api/review/{pair}", tags=["review"])
    def judge(who: Judge, pair: str, body: JudgementIn) -> dict[str, Any]:
        """Record same / different / unsure on a pair ``A~B``, with a reason."""
        return record(svc, who, pair, body.decision, body.reason)

    @app.post("/api/ingest", tags=["ingest"])
    def ingest(who: Ingester, file: UploadFile,
               grading: Annotated[str | None, Form(max_length=10)] = None,
               handling: Annotated[str | None, Form(max_length=10)] = None,
               compartment: Annotated[str | None, Form(max_length=100)] = None,
               originator: Annotated[str | None, Form(max_length=200)] = None,
               title: Annotated[str | None, Form(max_length=300)] = None) -> dict[str, Any]:
        """Load one text report (.txt, .docx, .pdf) or FollowTheMoney stream (.ftm.json,
        .jsonl) with the report's grading and handling code; serialised with every
        other write, audited as a collection."""
        return ingest_upload(svc, who, file, grading=grading, handling=handling,
                             compartment=compartment, originator=originator, title=title)

    @app.get("/api/audit", tags=["audit"])
    def audit(who: Auditor, user: str | None = None, entity: str | None = None,
              since: datetime | None = None, until: datetime | None = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> dict[str, Any]:
        """The audit log, newest first, filtered by user, entity (object) and time."""
        return audit_entries(who, user=user, entity=entity, since=since, until=until,
                             limit=limit)


def network_filter(link_types: str | None, min_grading: str | None, since: str | None,
                   until: str | None) -> NetworkFilter:
    """A network filter from query parameters (comma lists); InputError when bad."""
    types = tuple(t.strip() for t in link_types.split(",") if t.strip()) if link_types \
        else LINK_SCHEMATA
    grades = tuple(parse_grading(g.strip()) for g in min_grading.split(",")
                   if g.strip()) if min_grading else ()
    return NetworkFilter(min_gradings=grades, since=since, until=until, link_types=types)


def key_player_plan(svc: Service, who: Principal, k: int) -> dict[str, Any]:
    """Key players of the network the caller may see; audited."""
    net = svc.network(who.session, NetworkFilter())
    if net.m == 0:
        return {"k": 0, "chosen": [], "nodes": net.n, "edges": 0}
    plan = svc.memo(who.session, f"key players {k}",
                    lambda: disruption_dict(net, key_players(net, k, time_budget=10.0)))
    who.session.audit("consultation", "key players", k=k,
                      chosen=[c["id"] for c in plan["chosen"]])
    return {**plan, "nodes": net.n, "edges": net.m}


def review_queue(who: Principal, schema: str, limit: int) -> dict[str, Any]:
    """The review queue without any pair that has a side the caller may not see."""
    from crosslink.resolve.judgements import review_pairs

    pairs = review_pairs(who.session, limit=limit * 4, schema=schema)
    seen = queries.visible_ids(who.session, [p[k] for p in pairs for k in ("a", "b")])
    shown = [dict(p, pair=f"{p['a']}~{p['b']}") for p in pairs
             if p["a"] in seen and p["b"] in seen][:limit]
    return {"pairs": shown}


_UPLOADS = (".txt", ".docx", ".pdf", ".json", ".jsonl", ".ndjson", ".ftm")


def ingest_upload(svc: Service, who: Principal, upload: UploadFile, *, grading: str | None,
                  handling: str | None, compartment: str | None, originator: str | None,
                  title: str | None) -> dict[str, Any]:
    """Save the upload under a temporary directory and ingest it as the caller."""
    import dataclasses
    import re
    import shutil
    import tempfile

    from crosslink.ingest.pipeline import ingest_file
    from crosslink.ingest.reports import ReportOptions

    name = Path(upload.filename or "upload.txt").name
    if not name.lower().endswith(_UPLOADS):
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"file: one of {', '.join(_UPLOADS)} (tabular files need a "
                            "mapping: use `crosslink ingest`)")
    clearance = who.session.clearance
    if compartment and clearance.compartments is not None \
            and compartment not in clearance.compartments:
        # Not cleared for it: the caller may not write what they could not read.
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"compartment {compartment}: you are not cleared for it")
    options = ReportOptions(grading=grading, handling=handling, compartment=compartment or None,
                            originator=originator, title=title)
    with tempfile.TemporaryDirectory(prefix="crosslink-upload-") as tmp:
        path = Path(tmp) / re.sub(r"[^\w.\-]", "_", name)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        with svc.write():
            result = ingest_file(who.session, path, None, options)
    svc.changed()
    return dataclasses.asdict(result)


def record(svc: Service, who: Principal, pair: str, decision: str,
           reason: str | None) -> dict[str, Any]:
    """One judgement, serialised with every other write; both ends must be visible."""
    from crosslink.resolve.judgements import apply_judgement

    a, sep, b = pair.partition("~")
    if not sep or not a or not b:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "pair: give it as A~B")
    if queries.visible_ids(who.session, [a, b]) != {a, b}:
        raise not_found()
    with svc.write():
        result = apply_judgement(who.session, a, b, decision, reason)
    svc.changed()
    return result


def audit_entries(who: Principal, *, user: str | None, entity: str | None,
                  since: datetime | None, until: datetime | None,
                  limit: int) -> dict[str, Any]:
    rows = who.session.con.execute(
        """SELECT seq, logged_at, username, action, purpose, object, detail,
                  count(*) OVER () AS total
           FROM audit_log
           WHERE (?::VARCHAR IS NULL OR username = ?)
             AND (?::VARCHAR IS NULL OR object = ? OR object LIKE '%' || ? || '%')
             AND (?::TIMESTAMP IS NULL OR logged_at >= ?)
             AND (?::TIMESTAMP IS NULL OR logged_at < ?)
           ORDER BY seq DESC LIMIT ?""",
        [user, user, entity, entity, entity, since, since, until, until, limit],
    ).fetchall()
    who.session.audit("consultation", "audit log", user=user, entity=entity,
                      since=since, until=until, entries=len(rows))
    return {
        "total": int(rows[0][7]) if rows else 0,
        "entries": [{"seq": r[0], "at": r[1].isoformat(), "user": r[2], "action": r[3],
                     "purpose": r[4], "object": r[5], "detail": r[6]} for r in rows],
    }
