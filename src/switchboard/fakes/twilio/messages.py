"""API 2010 Messages: create (validated like Twilio), fetch, list.

Account modes on the state: `trial_account` prefixes bodies, `redact_bodies` blanks them once a
message has left Twilio's queue, `clock_skew` moves every date Twilio writes.
"""

from __future__ import annotations

import re

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from switchboard.fakes.twilio import resources
from switchboard.fakes.twilio.callbacks import run_lifecycle
from switchboard.fakes.twilio.paging import page_2010
from switchboard.fakes.twilio.routing import account_state, list_path
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import (
    ApiError,
    Resource,
    is_e164,
    not_found,
    read_form,
    rfc2822,
    skewed_now,
)

MAX_BODY = 1600
# upstream: https://help.twilio.com/articles/360036052753 ("Twilio Free Trial Limitations": trial
# messages begin with this text); https://www.twilio.com/docs/usage/trials/try-out-sms
TRIAL_PREFIX = "Sent from your Twilio trial account - "
# upstream: https://www.twilio.com/docs/messaging/guides/privacy-message-redaction ("Once Twilio
# sends an outbound SMS/MMS message with Message Redaction enabled, ... message bodies are no
# longer available within Twilio Console, APIs"). What the API shows instead is not documented;
# the fake shows an empty body. Phone-number redaction (last four digits XXXX) is not modelled.
_UNSENT = frozenset({"accepted", "scheduled", "queued"})
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
    service = form.get("MessagingServiceSid")
    # 21701 "Messaging Service does not exist": code from memory of Twilio's error list, not
    # verified against a source; Switchboard only sends well-formed SIDs (settings check them).
    if service is not None and not re.fullmatch(r"MG[0-9a-fA-F]{32}", service):
        raise ApiError(400, 21701, f"The Messaging Service Sid {service} is invalid.")
    if state.trial_account:
        body = TRIAL_PREFIX + body
    message = resources.message(state.account_sid, to, from_, body)
    created = rfc2822(skewed_now(state.clock_skew))
    message.update(date_created=created, date_updated=created, messaging_service_sid=service)
    with state.lock:
        state.messages[message["sid"]] = message
        if form.get("StatusCallback"):
            state.status_callback_urls[message["sid"]] = form["StatusCallback"]
        answer = _shown(state, message)
    task = BackgroundTask(run_lifecycle, state, message["sid"])
    return JSONResponse(answer, status_code=201, background=task)


async def fetch_message(request: Request) -> JSONResponse:
    """GET …/Messages/{sid}.json"""
    state = account_state(request)
    with state.lock:
        message = state.messages.get(request.path_params["sid"])
        if message is None:
            raise not_found(request.url.path)
        return JSONResponse(_shown(state, message))


async def list_messages(request: Request) -> JSONResponse:
    """GET …/Messages.json, filtered by To / From, newest first as Twilio lists them.

    upstream: twilio/twilio-oai#22 ("the list result is sorted from the newest to the oldest");
    twilio/twilio-csharp#65 (lists are ordered by SID, "close to the date/time created sort"):
    here creation order, newest first, whatever the dates say.
    """
    state = account_state(request)
    query = request.query_params
    with state.lock:
        items = [
            _shown(state, m)
            for m in reversed(state.messages.values())
            if query.get("To", m["to"]) == m["to"] and query.get("From", m["from"]) == m["from"]
        ]
    return JSONResponse(page_2010(request, items, "messages", list_path(request)))


def _shown(state: FakeTwilioState, message: Resource) -> Resource:
    """The message as the API shows it: with body redaction on, no body once sent."""
    shown = dict(message)
    if state.redact_bodies and shown["status"] not in _UNSENT:
        shown["body"] = ""
    return shown


def routes(prefix: str) -> list[Route]:
    """The Messages routes under an account prefix."""
    return [
        Route(f"{prefix}/Messages.json", create_message, methods=["POST"]),
        Route(f"{prefix}/Messages.json", list_messages, methods=["GET"]),
        Route(f"{prefix}/Messages/{{sid}}.json", fetch_message, methods=["GET"]),
    ]
