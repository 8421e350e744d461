"""API 2010 Messages: create (validated like Twilio), fetch, list."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from switchboard.fakes.twilio import resources
from switchboard.fakes.twilio.callbacks import run_lifecycle
from switchboard.fakes.twilio.paging import page_2010
from switchboard.fakes.twilio.routing import account_state, list_path
from switchboard.fakes.twilio.wire import ApiError, is_e164, not_found, read_form

MAX_BODY = 1600
REJECT_MESSAGES = {
    21211: "The 'To' number is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}


def _validate(form: dict[str, str], owned: bool) -> tuple[str, str, str]:
    to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
    if not to:
        raise ApiError(400, 21604, "A 'To' phone number is required.")
    if not from_:
        raise ApiError(400, 21603, "A 'From' phone number is required.")
    if not body and "MediaUrl" not in form:
        raise ApiError(400, 21602, "Message body is required.")
    if not is_e164(to):
        raise ApiError(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if not is_e164(from_):
        raise ApiError(400, 21212, f"The 'From' number {from_} is not a valid phone number.")
    if not owned:
        raise ApiError(
            400,
            21606,
            f"The From phone number {from_} is not a valid, SMS-capable inbound phone number "
            "or short code for your account.",
        )
    if len(body) > MAX_BODY:
        raise ApiError(
            400, 21617, "The concatenated message body exceeds the 1600 character limit."
        )
    return to, from_, body


async def create_message(request: Request) -> JSONResponse:
    """POST …/Messages.json"""
    state = account_state(request)
    form = await read_form(request)
    owned = state.number_by_phone(form.get("From", "")) is not None
    to, from_, body = _validate(form, owned)
    rule = state.faults.recipient(to)
    if rule is not None and rule.reject_code is not None:
        raise ApiError(400, rule.reject_code, REJECT_MESSAGES[rule.reject_code])
    message = resources.message(state.account_sid, to, from_, body)
    with state.lock:
        state.messages[message["sid"]] = message
        if form.get("StatusCallback"):
            state.status_callback_urls[message["sid"]] = form["StatusCallback"]
        answer = dict(message)
    task = BackgroundTask(run_lifecycle, state, message["sid"])
    return JSONResponse(answer, status_code=201, background=task)


async def fetch_message(request: Request) -> JSONResponse:
    """GET …/Messages/{sid}.json"""
    state = account_state(request)
    with state.lock:
        message = state.messages.get(request.path_params["sid"])
        if message is None:
            raise not_found(request.url.path)
        return JSONResponse(dict(message))


async def list_messages(request: Request) -> JSONResponse:
    """GET …/Messages.json, filtered by To / From, newest first as Twilio lists them."""
    state = account_state(request)
    query = request.query_params
    with state.lock:
        items = [
            dict(m)
            for m in reversed(state.messages.values())
            if query.get("To", m["to"]) == m["to"] and query.get("From", m["from"]) == m["from"]
        ]
    return JSONResponse(page_2010(request, items, "messages", list_path(request)))


def routes(prefix: str) -> list[Route]:
    """The Messages routes under an account prefix."""
    return [
        Route(f"{prefix}/Messages.json", create_message, methods=["POST"]),
        Route(f"{prefix}/Messages.json", list_messages, methods=["GET"]),
        Route(f"{prefix}/Messages/{{sid}}.json", fetch_message, methods=["GET"]),
    ]
