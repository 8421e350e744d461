"""Who is asking: the one place role rules are enforced for pages and the API.

Pages use the session cookie (`PageUser`, `PageAdmin`); the API uses bearer tokens (`ApiUser`,
`ApiAdmin`). A page asked for without a session redirects to /login; the API answers 401. An
employee asking for an admin page or route gets 403, as does any read of another employee's
message or call (raised by the services as `OutOfScope`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from switchboard.domain.errors import Refused, SwitchboardError
from switchboard.services.console.accounts import User
from switchboard.services.console.views import Scope

from .context import Console


class LoginRequired(SwitchboardError):
    """No valid session (pages: redirect to /login) or token (API: 401)."""

    def __init__(self, api: bool) -> None:
        self.api = api


class Forbidden(Refused):
    def __init__(self, reason: str, api: bool) -> None:
        super().__init__(reason)
        self.api = api


class CsrfRefused(Refused):
    pass


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    csrf: str  # empty for API tokens (no cookies, so no CSRF)

    @property
    def scope(self) -> Scope:
        return Scope(None if self.user.is_admin else self.user.employee_id or "")


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


async def page_user(request: Request) -> Principal:
    console = console_of(request)
    session = console.sessions.read(request)
    if session is None:
        raise LoginRequired(api=False)
    user = await console.services.accounts.get_user(session.user_id)
    if user is None or abs(user.password_changed_at.timestamp() - session.password_changed) > 1e-3:
        raise LoginRequired(api=False)  # removed, or the password changed since
    return Principal(user, session.csrf)


async def page_admin(principal: Annotated[Principal, Depends(page_user)]) -> Principal:
    if not principal.user.is_admin:
        raise Forbidden("this page is for admins", api=False)
    return principal


async def api_user(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LoginRequired(api=True)
    user = await console_of(request).services.accounts.user_for_token(token)
    if user is None:
        raise LoginRequired(api=True)
    return Principal(user, "")


async def api_admin(principal: Annotated[Principal, Depends(api_user)]) -> Principal:
    if not principal.user.is_admin:
        raise Forbidden("this route is for admins", api=True)
    return principal


async def csrf_checked(
    principal: Annotated[Principal, Depends(page_user)],
    csrf_token: Annotated[str, Form()] = "",
) -> Principal:
    """Every console POST carries the session's CSRF token in a hidden field."""
    if not hmac.compare_digest(principal.csrf.encode(), csrf_token.encode()):
        raise CsrfRefused()
    return principal


async def csrf_checked_admin(
    principal: Annotated[Principal, Depends(csrf_checked)],
) -> Principal:
    if not principal.user.is_admin:
        raise Forbidden("this action is for admins", api=False)
    return principal


PageUser = Annotated[Principal, Depends(page_user)]
PageAdmin = Annotated[Principal, Depends(page_admin)]
PostUser = Annotated[Principal, Depends(csrf_checked)]
PostAdmin = Annotated[Principal, Depends(csrf_checked_admin)]
ApiUser = Annotated[Principal, Depends(api_user)]
ApiAdmin = Annotated[Principal, Depends(api_admin)]
