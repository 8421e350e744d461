"""The `/__fake__/…` control API: the state's Python controls, for out-of-process use.

No authentication: the fake is a loopback test tool. Bodies are JSON; answers are JSON.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from switchboard.fakes.twilio.faults import Fault
from switchboard.fakes.twilio.records import CallbackOptions
from switchboard.fakes.twilio.routing import fake_state

PREFIX = "/__fake__"


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise ValueError("the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _bad(problem: Exception) -> JSONResponse:
    return JSONResponse({"error": str(problem)}, status_code=400)


async def add_fault(request: Request) -> JSONResponse:
    """{"path", "times"?, "status"?, "code"?, "retry_after"?, "delay"?, "method"?} → armed fault."""
    try:
        fault = fake_state(request).faults.arm(Fault(**await _body(request)))
    except (TypeError, ValueError) as exc:
        return _bad(exc)
    return JSONResponse(asdict(fault), status_code=201)


async def set_recipient(request: Request) -> JSONResponse:
    """{"number", "reject_code"} or {"number", "error_code"?, "final_status"?}."""
    state = fake_state(request)
    try:
        body = await _body(request)
        number = str(body["number"])
        if "reject_code" in body:
            state.reject_messages_to(number, int(body["reject_code"]))
        else:
            status = str(body.get("final_status", "undelivered"))
            state.undeliver_messages_to(
                number, error_code=int(body.get("error_code", 30003)), status=status
            )
    except (KeyError, TypeError, ValueError) as exc:
        return _bad(exc)
    return JSONResponse({"number": number}, status_code=201)


async def callbacks(request: Request) -> JSONResponse:
    """GET: the callbacks sent so far. POST: set delivery options (see CallbackOptions)."""
    state = fake_state(request)
    if request.method == "GET":
        with state.lock:
            return JSONResponse([asdict(sent) for sent in state.sent_callbacks])
    try:
        state.callbacks = CallbackOptions(**await _body(request))
    except (TypeError, ValueError) as exc:
        return _bad(exc)
    return JSONResponse(asdict(state.callbacks))


async def account_modes(request: Request) -> JSONResponse:
    """{"trial_account"?, "redact_bodies"?, "clock_skew"?} → the account's modes (GET: read)."""
    state = fake_state(request)
    if request.method == "POST":
        try:
            body = await _body(request)
            with state.lock:
                state.trial_account = bool(body.get("trial_account", state.trial_account))
                state.redact_bodies = bool(body.get("redact_bodies", state.redact_bodies))
                state.clock_skew = float(body.get("clock_skew", state.clock_skew))
        except (TypeError, ValueError) as exc:
            return _bad(exc)
    with state.lock:
        modes = {
            "trial_account": state.trial_account,
            "redact_bodies": state.redact_bodies,
            "clock_skew": state.clock_skew,
        }
    return JSONResponse(modes)


async def seed_number(request: Request) -> JSONResponse:
    """{"phone_number", …snake_case overrides} → the IncomingPhoneNumber."""
    try:
        body = await _body(request)
        phone = str(body.pop("phone_number"))
    except (KeyError, ValueError) as exc:
        return _bad(exc)
    return JSONResponse(fake_state(request).add_number(phone, **body), status_code=201)


async def seed_call(request: Request) -> JSONResponse:
    """{"to", "from", "status"?, "direction"?, "start_time"? (ISO 8601), "duration"?, "trunk_sid"?}."""
    try:
        body = await _body(request)
        start = body.get("start_time")
        call = fake_state(request).seed_call(
            str(body["to"]),
            str(body["from"]),
            status=str(body.get("status", "completed")),
            direction=str(body.get("direction", "inbound")),
            start_time=datetime.fromisoformat(start) if start else None,
            duration=body.get("duration", 60.0),
            trunk_sid=body.get("trunk_sid"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        return _bad(exc)
    return JSONResponse(call, status_code=201)


async def reset(request: Request) -> JSONResponse:
    """Forget everything but the account."""
    fake_state(request).reset()
    return JSONResponse({"reset": True})


async def health(request: Request) -> JSONResponse:
    """Liveness, and the account the fake serves."""
    return JSONResponse({"ok": True, "account_sid": fake_state(request).account_sid})


def routes() -> list[Route]:
    """The control routes."""
    return [
        Route(f"{PREFIX}/faults", add_fault, methods=["POST"]),
        Route(f"{PREFIX}/recipients", set_recipient, methods=["POST"]),
        Route(f"{PREFIX}/callbacks", callbacks, methods=["GET", "POST"]),
        Route(f"{PREFIX}/account", account_modes, methods=["GET", "POST"]),
        Route(f"{PREFIX}/numbers", seed_number, methods=["POST"]),
        Route(f"{PREFIX}/calls", seed_call, methods=["POST"]),
        Route(f"{PREFIX}/reset", reset, methods=["POST"]),
        Route(f"{PREFIX}/health", health, methods=["GET"]),
    ]
