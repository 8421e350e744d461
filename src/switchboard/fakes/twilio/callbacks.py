"""Message lifecycle: move a message queued → sent → delivered (or a scripted failure) and POST
signed status callbacks, as Twilio does, optionally duplicated and out of order."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator

from switchboard.fakes.twilio.faults import RecipientRule
from switchboard.fakes.twilio.records import SentCallback
from switchboard.fakes.twilio.resources import API_VERSION
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import Resource, rfc2822, skewed_now

_CALLBACK_TIMEOUT = 15.0  # Twilio gives webhooks 15 s
_ERROR_MESSAGES = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    # upstream: https://www.twilio.com/docs/api/errors/30034 (US A2P 10DLC, unregistered number)
    30034: "Message from an Unregistered Number",
}

Step = tuple[str, int | None]


def plan_steps(rule: RecipientRule | None) -> list[Step]:
    """The statuses a message reaches after `queued` (each gets a callback), with error codes."""
    if rule is None or rule.final_status is None:
        return [("sent", None), ("delivered", None)]
    if rule.final_status == "failed":
        return [("failed", rule.error_code)]
    return [("sent", None), (rule.final_status, rule.error_code)]


def _apply(state: FakeTwilioState, sid: str, step: Step) -> Resource:
    status, error_code = step
    with state.lock:
        message = state.messages[sid]
        message["status"] = status
        message["date_updated"] = rfc2822(skewed_now(state.clock_skew))
        if status == "sent":
            message["date_sent"] = message["date_updated"]
        if error_code is not None:
            message["error_code"] = error_code
            message["error_message"] = _ERROR_MESSAGES.get(error_code, "Message delivery failed")
        return dict(message)


def callback_params(message: Resource, step: Step) -> dict[str, str]:
    """The form fields Twilio posts to a message's StatusCallback for one status."""
    status, error_code = step
    params = {
        "AccountSid": message["account_sid"],
        "ApiVersion": API_VERSION,
        "From": message["from"],
        "MessageSid": message["sid"],
        "MessageStatus": status,
        "SmsSid": message["sid"],
        "SmsStatus": status,
        "To": message["to"],
    }
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    return params


def signed_headers(state: FakeTwilioState, url: str, params: dict[str, str]) -> dict[str, str]:
    """X-Twilio-Signature by the auth token (HMAC-SHA1), or by the SharedKey when one is set.

    upstream: https://www.twilio.com/docs/usage/webhooks/webhook-shared-keys ("Only the hash
    changes. The signed string is still the full URL followed by the sorted POST parameters";
    the header is `key=<sharedKeyId>,algorithm=<algorithm>`), twilio 9.13 request_validator.py.
    """
    options = state.callbacks
    if options.shared_key is None:
        return {
            "X-Twilio-Signature": RequestValidator(state.auth_token).compute_signature(url, params)
        }
    algorithm = options.signature_algorithm
    signature = RequestValidator(options.shared_key).compute_signature(url, params, algorithm)
    settings = f"key={options.shared_key_id},algorithm={algorithm}"
    return {"X-Twilio-Signature": signature, SIGNATURE_SETTINGS_HEADER: settings}


async def _post(
    state: FakeTwilioState,
    client: httpx.AsyncClient,
    url: str,
    params: dict[str, str],
    token: str | None,
) -> None:
    headers = signed_headers(state, url, params)
    if token is not None:
        headers["I-Twilio-Idempotency-Token"] = token
    try:
        response = await client.post(url, data=params, headers=headers)
        answered: int | None = response.status_code
    except httpx.HTTPError:
        answered = None  # Twilio gives up silently too; the record shows no answer
    with state.lock:
        # A reset during the POST forgot this message; its callback must not leak into the
        # next test's record.
        if params["MessageSid"] in state.messages:
            sent = SentCallback(
                url, params, headers["X-Twilio-Signature"], answered, tuple(headers.items())
            )
            state.sent_callbacks.append(sent)


async def run_lifecycle(state: FakeTwilioState, sid: str) -> None:
    """Drive one message to its final status, POSTing callbacks as `state.callbacks` says.

    In order, each status is stored before its callback goes out; out of order, the message
    reaches its final status first and the callbacks follow newest first.
    """
    try:
        await _drive(state, sid)
    except KeyError:
        return  # the state was reset while this message was in flight: nothing left to drive


async def _drive(state: FakeTwilioState, sid: str) -> None:
    with state.lock:
        url = state.status_callback_urls.get(sid)
        to = state.messages[sid]["to"]
    options = state.callbacks
    steps = plan_steps(state.faults.recipient(to))
    if not url or not options.enabled:
        for step in steps:
            _apply(state, sid, step)
        return
    async with httpx.AsyncClient(timeout=_CALLBACK_TIMEOUT) as client:
        if options.out_of_order:
            applied = [(_apply(state, sid, step), step) for step in steps]
            for message, step in reversed(applied):
                await _deliver(state, client, url, message, step)
        else:
            for step in steps:
                await _deliver(state, client, url, _apply(state, sid, step), step)


async def _deliver(
    state: FakeTwilioState, client: httpx.AsyncClient, url: str, message: Resource, step: Step
) -> None:
    # One token per delivery; a duplicate is a retry of it and carries the same one.
    token = uuid.uuid4().hex if state.callbacks.idempotency_tokens else None
    for _ in range(2 if state.callbacks.duplicate else 1):
        if state.callbacks.step_delay:
            await asyncio.sleep(state.callbacks.step_delay)
        await _post(state, client, url, callback_params(message, step), token)
