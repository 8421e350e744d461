"""Decide what to do with a failed Twilio call: retry (and when), or give up for good.

Rules (docs/messages.md, "Rules"; codes: https://www.twilio.com/docs/api/errors):
- HTTP 429 or Twilio error 20429: retryable, honouring Retry-After when the API sent one.
- HTTP 5xx, 408 and transport timeouts / connection errors: retryable.
- 21610 (recipient unsubscribed), 21211 and 21614 (invalid / not a mobile number): permanent.
- 21611 (the From number holds more than 10 hours of queued messages; a 400): retryable after
  a minute, because the queue drains (https://www.twilio.com/docs/api/errors/21611). With a
  Messaging Service the same overload fails after creation instead (30001, a status callback).
- Any other 4xx: permanent.

Delivery failures such as 30034 (US A2P 10DLC: message from an unregistered number) are not API
errors: the create succeeds and the status callback later says `undelivered` with ErrorCode 30034,
which the outbox turns into a fallback on the next channel (https://www.twilio.com/docs/api/errors/30034).

List calls (`.list()`, `.page()`) fail differently in twilio 9: a plain `TwilioException("Unable
to fetch page", response)`; its response's JSON body is read here so both kinds classify alike.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import aiohttp
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response

UNSUBSCRIBED = 21610
INVALID_TO_NUMBER = 21211
NOT_MOBILE_NUMBER = 21614
TOO_MANY_REQUESTS = 20429
QUEUE_FULL = 21611
QUEUE_FULL_RETRY_SECONDS = 60.0
PERMANENT_CODES = frozenset({UNSUBSCRIBED, INVALID_TO_NUMBER, NOT_MOBILE_NUMBER})


@dataclass(frozen=True, slots=True)
class TwilioErrorInfo:
    """What a Twilio failure means for the caller. `permanent` is never true with `retryable`."""

    retryable: bool
    retry_after: float | None
    permanent: bool
    code: int | None
    status: int | None
    message: str


def _retry_after(exc: TwilioRestException) -> float | None:
    details = exc.details if isinstance(exc.details, dict) else {}
    raw = details.get("retry_after")
    try:
        seconds = float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None  # an HTTP-date Retry-After; callers fall back to their own back-off
    return seconds if seconds is not None and seconds >= 0 else None


def _classify_rest(exc: TwilioRestException) -> TwilioErrorInfo:
    status = int(exc.status) if exc.status is not None else None
    code = int(exc.code) if isinstance(exc.code, int) else None
    message = str(exc.msg)
    if code in PERMANENT_CODES:
        return TwilioErrorInfo(False, None, True, code, status, message)
    if code == QUEUE_FULL:
        retry_after = _retry_after(exc)
        retry_after = QUEUE_FULL_RETRY_SECONDS if retry_after is None else retry_after
        return TwilioErrorInfo(True, retry_after, False, code, status, message)
    if status == 429 or code == TOO_MANY_REQUESTS:
        return TwilioErrorInfo(True, _retry_after(exc), False, code, status, message)
    if status is not None and (status >= 500 or status == 408):
        return TwilioErrorInfo(True, _retry_after(exc), False, code, status, message)
    return TwilioErrorInfo(False, None, True, code, status, message)


def _page_error(exc: TwilioException) -> TwilioRestException | None:
    response = exc.args[1] if len(exc.args) > 1 else None
    if not isinstance(response, Response):
        return None
    try:
        body = json.loads(response.text)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = body.get("code", response.status_code)
    message = f"{exc.args[0]}: {body.get('message', '')}".rstrip(": ")
    return TwilioRestException(response.status_code, "", message, code, details=body.get("details"))


def classify_twilio_error(exc: BaseException) -> TwilioErrorInfo:
    """Classify an exception raised by a Twilio client call (REST error, timeout, network error).

    Unknown exception types are neither retryable nor permanent: they are bugs, not Twilio's answer.
    """
    if isinstance(exc, TwilioRestException):
        return _classify_rest(exc)
    if isinstance(exc, TwilioException) and (page_error := _page_error(exc)) is not None:
        return _classify_rest(page_error)
    transient = (
        TimeoutError,
        asyncio.TimeoutError,
        requests.Timeout,
        requests.ConnectionError,
        aiohttp.ClientConnectionError,
        aiohttp.ServerTimeoutError,
    )
    if isinstance(exc, transient):
        return TwilioErrorInfo(True, None, False, None, None, type(exc).__name__)
    return TwilioErrorInfo(False, None, False, None, None, type(exc).__name__)
