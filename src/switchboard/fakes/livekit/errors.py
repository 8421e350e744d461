"""Twirp errors as livekit-server writes them: JSON `{"code", "msg", "meta"}` with a matching status.

`livekit.api` turns any non-200 answer into `ServerError(code, msg, status, metadata)`; when `meta`
carries `sip_status_code` (or `sip_transfer_reason`) the SIP calls re-raise it as `SipCallError`.
A SIP failure's Twirp code follows livekit/protocol's SIP-to-gRPC table (`sipCodeToGRPCCode`).
"""

from __future__ import annotations

import json
from http import HTTPStatus

# Twirp's own code → HTTP status table (twitchtv/twirp errors.go).
HTTP_STATUS: dict[str, int] = {
    "canceled": 408,
    "unknown": 500,
    "invalid_argument": 400,
    "malformed": 400,
    "deadline_exceeded": 408,
    "not_found": 404,
    "bad_route": 404,
    "already_exists": 409,
    "permission_denied": 403,
    "unauthenticated": 401,
    "resource_exhausted": 429,
    "failed_precondition": 412,
    "aborted": 409,
    "out_of_range": 400,
    "unimplemented": 501,
    "internal": 500,
    "unavailable": 503,
    "dataloss": 500,
}

# The SIP statuses a phone call realistically ends with; anything else falls back by class.
_SIP_TO_TWIRP: dict[int, str] = {
    400: "invalid_argument",
    401: "permission_denied",
    403: "permission_denied",
    404: "not_found",
    407: "unauthenticated",
    408: "deadline_exceeded",
    410: "not_found",
    480: "resource_exhausted",
    484: "invalid_argument",
    486: "resource_exhausted",
    487: "aborted",
    488: "invalid_argument",
    500: "failed_precondition",
    502: "failed_precondition",
    503: "failed_precondition",
    504: "deadline_exceeded",
    600: "resource_exhausted",
    603: "permission_denied",
    604: "not_found",
}


class TwirpError(Exception):
    """A Twirp error answer. Raise it from a handler; the app renders it."""

    def __init__(self, code: str, msg: str, meta: dict[str, str] | None = None) -> None:
        if code not in HTTP_STATUS:
            raise ValueError(f"unknown twirp code {code!r}")
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.meta = dict(meta or {})

    @property
    def status(self) -> int:
        """The HTTP status Twirp uses for this code."""
        return HTTP_STATUS[self.code]

    def to_json(self) -> bytes:
        """The response body: always JSON, whatever the request's encoding was."""
        body: dict[str, object] = {"code": self.code, "msg": self.msg}
        if self.meta:
            body["meta"] = self.meta
        return json.dumps(body).encode()


_REASONS: dict[int, str] = {
    480: "Temporarily Unavailable",
    486: "Busy Here",
    487: "Request Terminated",
    603: "Decline",
}


def sip_reason(code: int) -> str:
    """The usual SIP reason phrase for `code` ("Busy Here" for 486)."""
    if code in _REASONS:
        return _REASONS[code]
    try:
        # SIP borrowed most of its phrases from HTTP (408 Request Timeout, 503 Service Unavailable).
        return HTTPStatus(code).phrase
    except ValueError:
        return f"SIP {code}"


def sip_error(code: int, reason: str | None = None, **extra_meta: str) -> TwirpError:
    """The error a failed dial surfaces as: the SIP status in `meta`, the Twirp code from the table."""
    phrase = reason or sip_reason(code)
    twirp_code = _SIP_TO_TWIRP.get(code)
    if twirp_code is None:
        twirp_code = "failed_precondition" if 500 <= code < 600 else "invalid_argument"
    meta = {"sip_status_code": str(code), "sip_status": phrase, **extra_meta}
    return TwirpError(twirp_code, f"sip status {code}: {phrase}", meta)


def invalid(msg: str) -> TwirpError:
    """Shorthand for the most common answer to a bad request."""
    return TwirpError("invalid_argument", msg)


def not_found(msg: str) -> TwirpError:
    """Shorthand for a missing room, participant, trunk, rule or dispatch."""
    return TwirpError("not_found", msg)
