"""Case files through the workbench: the same functions as ``crosslink case ...``.

Routes take the caller's session (:func:`crosslink.api.auth.require`), so a case shows
only the suspects, witnesses and evidence its reader may see, and every read and
change is audited by :mod:`crosslink.cases` itself. Writes go through the session's
transaction, which holds the service's write lock.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from crosslink.api.auth import Principal, require
from crosslink.cases import add_evidence, add_suspects, get_case, list_cases, new_case
from crosslink.cases.tables import ensure_tables

__all__ = ["add_case_routes"]

Cases = Annotated[Principal, Depends(require("cases"))]
CaseName = Annotated[str, PathParam(max_length=64)]


class CaseIn(BaseModel):
    name: str = Field(max_length=64)
    offences: list[str] = Field(min_length=1, max_length=20)
    title: str | None = Field(default=None, max_length=300)


class SuspectsIn(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=500)


class EvidenceIn(BaseModel):
    report: str = Field(max_length=200)
    kind: str = Field(default="evidence", max_length=20)
    note: str | None = Field(default=None, max_length=2000)


def _exists(who: Principal, case: str) -> None:
    ensure_tables(who.session.con)
    if not who.session.con.execute("SELECT 1 FROM cases WHERE id = ?", [case]).fetchall():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")


def add_case_routes(app: FastAPI) -> None:
    @app.get("/api/cases", tags=["cases"])
    def cases(who: Cases) -> dict[str, Any]:
        """Every case, with its suspects counted as the caller sees them."""
        return {"cases": list_cases(who.session)}

    @app.post("/api/cases", tags=["cases"], status_code=status.HTTP_201_CREATED)
    def create(who: Cases, body: CaseIn) -> dict[str, Any]:
        """A new case for the listed offences (keys of the offence list, e.g. ``s25``)."""
        return new_case(who.session, body.name, body.offences, title=body.title).to_dict()

    @app.get("/api/cases/{case}", tags=["cases"])
    def show(who: Cases, case: CaseName) -> dict[str, Any]:
        """Suspects, witnesses and victims, and evidence items the caller may see."""
        _exists(who, case)
        return get_case(who.session, case).to_dict()

    @app.post("/api/cases/{case}/suspects", tags=["cases"])
    def suspects(who: Cases, case: CaseName, body: SuspectsIn) -> dict[str, Any]:
        """Add suspects by id or unique prefix; migrants, victims and witnesses are refused."""
        _exists(who, case)
        result = add_suspects(who.session, case, body.ids, via=who.user.username)
        return {"added": result.added, "already": result.already,
                "skipped": [{"id": i, "why": why} for i, why in result.skipped]}

    @app.post("/api/cases/{case}/evidence", tags=["cases"])
    def evidence(who: Cases, case: CaseName, body: EvidenceIn) -> dict[str, Any]:
        """Put a visible report forward as evidence or an exhibit (never protected-source,
        H1 or intelligence-only material: 400 with the reason)."""
        _exists(who, case)
        return {"added": add_evidence(who.session, case, body.report, kind=body.kind, note=body.note)}
