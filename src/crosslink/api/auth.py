"""Who is asking, and what they may do: resolved in one place for every request.

A request proves who it is with a bearer token (``Authorization: Bearer ...``, from
``POST /api/token``) or, for the pages, the session cookie set at log-in (the same
kind of token, in an ``HttpOnly``, ``SameSite=Strict`` cookie). Every state-changing
page request also carries a CSRF token, an HMAC of the session token under the
workspace's own secret, checked here.

:func:`require` gives a FastAPI dependency that answers 401 without a live token, 403
when the user's role lacks the permission (from ``roles.yml``), and otherwise yields a
:class:`Principal` holding the user and a store session with the user's clearance, on
a cursor of its own that is closed when the request ends.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from crosslink.api.service import Service, ServiceSession
from crosslink.store.users import User

__all__ = ["COOKIE", "CSRF_FIELD", "Principal", "csrf_token", "require", "require_page"]

COOKIE = "crosslink_session"
CSRF_FIELD = "csrf_token"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/token", auto_error=False)


@dataclass
class Principal:
    user: User
    session: ServiceSession
    token: str
    by_cookie: bool


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def csrf_token(service: Service, token: str) -> str:
    return hmac.new(service.secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def _unauthorised() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, "not logged in, or the token expired",
                         headers={"WWW-Authenticate": "Bearer"})


def _principal(request: Request, bearer: str | None, permission: str | None,
               csrf_sent: str | None) -> Iterator[Principal]:
    service = service_of(request)
    token, by_cookie = bearer, False
    if token is None:
        token, by_cookie = request.cookies.get(COOKIE), True
    if not token:
        raise _unauthorised()
    with service.borrow(None) as plain:
        user = service.user_for_token(plain, token)
    if user is None:
        raise _unauthorised()
    if by_cookie and request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = csrf_sent or request.headers.get("x-csrf-token")
        if not sent or not hmac.compare_digest(sent, csrf_token(service, token)):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "missing or wrong CSRF token; reload the page")
    if permission is not None and permission not in user.permissions:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"your role ({user.role}) may not {permission.replace('_', ' ')}")
    purpose = (request.query_params.get("purpose") or "").strip()[:500]
    with service.borrow(user.clearance) as con:
        session = service.session(con, user, purpose or f"workbench: {request.url.path}",
                                  views_ready=True)
        yield Principal(user, session, token, by_cookie)


def require(permission: str | None = None) -> Callable[..., Iterator[Principal]]:
    """A dependency for API routes: the caller, with a session, when they hold
    ``permission``. A cookie-authenticated write must send ``X-CSRF-Token``."""

    def dependency(request: Request, bearer: str | None = Depends(_bearer)) -> Iterator[Principal]:
        yield from _principal(request, bearer, permission, None)

    return dependency


def require_page(permission: str | None = None) -> Callable[..., Iterator[Principal]]:
    """The same for page routes, whose forms send the CSRF token as a hidden field."""

    def dependency(
        request: Request,
        bearer: str | None = Depends(_bearer),
        csrf: str | None = Form(None, alias=CSRF_FIELD),
    ) -> Iterator[Principal]:
        yield from _principal(request, bearer, permission, csrf)

    return dependency
