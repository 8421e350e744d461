"""/login and /logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard.services.console.accounts import LoginRefused

from .auth import PostUser, console_of
from .rendering import page

router = APIRouter(include_in_schema=False)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str) -> str:
    """Only a path on this site (never //host or a full URL: no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_page(
    request: Request, *, next: str, error: str = "", email: str = "", status_code: int = 200
) -> HTMLResponse:
    sessions = console_of(request).sessions
    token, signed = sessions.login_token(request)
    response = page(request, None, "login.html", status_code=status_code,
                    next=_safe_next(next), error=error, email=email, login_csrf=token)  # fmt: skip
    sessions.set_login_cookie(response, signed)
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next=next)


@router.post("/login")
async def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    console = console_of(request)
    if not console.sessions.login_token_ok(request, csrf_token):
        return _login_page(request, next=next, email=email, status_code=400,
                           error="The form expired; please try again.")  # fmt: skip
    try:
        user = await console.services.accounts.login(email, password, _address(request))
    except LoginRefused as exc:
        status = 429 if exc.locked_until is not None else 401
        return _login_page(request, next=next, email=email, status_code=status,
                           error=str(exc)[:1].upper() + str(exc)[1:] + ".")  # fmt: skip
    response = RedirectResponse(_safe_next(next), status_code=303)
    console.sessions.start(response, user.id, user.password_changed_at.timestamp())
    return response


@router.post("/logout")
async def logout(request: Request, principal: PostUser) -> Response:
    response = RedirectResponse("/login", status_code=303)
    console_of(request).sessions.end(response)
    return response
