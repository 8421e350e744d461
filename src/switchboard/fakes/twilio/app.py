"""The fake's ASGI app: Twilio's routes behind HTTP Basic auth and the fault injector."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import time
from email.utils import formatdate

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from switchboard.fakes.twilio import (
    api2010,
    control,
    messages,
    origination,
    sip,
    trunk_links,
    trunking,
)
from switchboard.fakes.twilio.routing import API_PREFIX, TRUNKING_PREFIX
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import ApiError, error_response


def _authenticated(request: Request, state: FakeTwilioState) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # Compare both halves so the answer's timing does not say which one was wrong.
    sid_ok = hmac.compare_digest(user.encode(), state.account_sid.encode())
    token_ok = hmac.compare_digest(password.encode(), state.auth_token.encode())
    return sid_ok and token_ok


async def _guard(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Twilio's clock in the Date header of every answer (the server adds none of its own)."""
    response = await _guarded(request, call_next)
    state: FakeTwilioState = request.app.state.fake
    response.headers["Date"] = formatdate(time.time() + state.clock_skew, usegmt=True)
    return response


async def _guarded(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Authenticate, then apply any armed fault, before the route sees the request."""
    if request.url.path.startswith(control.PREFIX):
        return await call_next(request)
    state: FakeTwilioState = request.app.state.fake
    if not _authenticated(request, state):
        headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
        return error_response(401, 20003, "Authenticate", headers)
    fault = state.faults.take(request.method, request.url.path)
    if fault is not None:
        if fault.delay:
            # Take the body in first: a stalled Twilio has still received the request, and acts
            # on it after the client gave up waiting (the ambiguous timeout clients must handle).
            with contextlib.suppress(ClientDisconnect):
                await request.body()
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            retry = (
                {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            )
            return error_response(fault.status, fault.error_code, fault.message, retry)
    return await call_next(request)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(405, 20004, "Method not allowed")
    path = request.url.path.removeprefix("/api")
    return error_response(exc.status_code, 20404, f"The requested resource {path} was not found")


def create_app(state: FakeTwilioState) -> Starlette:
    """The fake Twilio REST API serving `state`."""
    routes = [
        *control.routes(),
        *api2010.routes(API_PREFIX),
        *messages.routes(API_PREFIX),
        *sip.routes(API_PREFIX),
        *trunking.routes(TRUNKING_PREFIX),
        *origination.routes(TRUNKING_PREFIX),
        *trunk_links.routes(TRUNKING_PREFIX),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=_guard)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.fake = state
    return app
