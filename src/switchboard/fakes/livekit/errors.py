"""Twirp errors as livekit-server writes them: JSON `{"code", "msg", "meta"}` with a matching status.

`livekit.api` turns any non-200 answer into `ServerError(code, msg, status, metadata)`; when `meta`
carries `sip_status_code` the SIP calls re-raise it as `SipCallError`. A SIP failure's Twirp code
follows livekit/protocol's SIP-to-gRPC table (`sipCodeToGRPCCode`). No released server sends
`sip_transfer_reason` (only the SDK knows the key), so the fake never does either. The auth
middleware's 401s are plain text, not Twirp JSON (`PlainHttpError`).
"""

from __future__ import annotations

import json
from http import HTTPStatus

# Twirp's own code → HTTP status table.
# upstream: twitchtv/twirp@v8.1.3:errors.go:267-309 (ServerHTTPStatusFromErrorCode)
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

# livekit/protocol's SIP → gRPC table, gRPC codes written as Twirp codes (xtwirp.ErrorCodeFromGRPC).
# upstream: livekit/protocol@28e604c:livekit/sip.go:57-131 (the commit livekit v1.13.5 pins)
# upstream: livekit/protocol@28e604c:utils/xtwirp/errors.go:24-61
_SIP_TO_TWIRP: dict[int, str] = {
    300: "invalid_argument", 301: "not_found", 302: "not_found", 305: "invalid_argument",
    380: "invalid_argument",
    400: "invalid_argument", 401: "permission_denied", 402: "permission_denied",
    403: "permission_denied", 404: "not_found", 405: "invalid_argument", 406: "invalid_argument",
    407: "unauthenticated", 408: "deadline_exceeded", 409: "failed_precondition", 410: "not_found",
    411: "invalid_argument", 412: "failed_precondition", 413: "invalid_argument",
    414: "invalid_argument", 415: "invalid_argument", 416: "out_of_range", 417: "invalid_argument",
    420: "invalid_argument", 421: "invalid_argument", 422: "invalid_argument",
    423: "invalid_argument", 424: "invalid_argument", 425: "invalid_argument",
    428: "unauthenticated", 429: "invalid_argument", 430: "invalid_argument",
    433: "permission_denied", 436: "unauthenticated", 437: "unauthenticated",
    438: "unauthenticated", 439: "invalid_argument", 440: "resource_exhausted",
    469: "invalid_argument", 470: "permission_denied", 480: "resource_exhausted",
    481: "not_found", 482: "failed_precondition", 483: "failed_precondition",
    484: "invalid_argument", 485: "invalid_argument", 486: "resource_exhausted", 487: "aborted",
    488: "invalid_argument", 489: "invalid_argument", 491: "aborted", 493: "invalid_argument",
    494: "unauthenticated",
    500: "failed_precondition", 501: "failed_precondition", 502: "failed_precondition",
    503: "failed_precondition", 504: "deadline_exceeded", 505: "invalid_argument",
    513: "invalid_argument",
    600: "resource_exhausted", 603: "permission_denied", 604: "not_found", 606: "invalid_argument",
    607: "permission_denied", 608: "permission_denied",
}  # fmt: skip


class PlainHttpError(Exception):
    """A non-Twirp answer: livekit-server's auth middleware writes `err.Error()` as plain text.

    livekit-api cannot parse it as JSON, so it raises `ServerError("unknown", "", status=401)`.
    """

    # upstream: livekit/livekit@v1.13.5:pkg/service/utils.go:83-85
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


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


def sip_error(code: int, reason: str | None = None, *, prefix: str = "") -> TwirpError:
    """A failure carrying a SIP status: Twirp code from the table, the status in `meta`.

    `prefix` is what livekit-sip wraps the status in: "INVITE failed: " for a dial
    (pkg/sip/outbound.go:1042), "call transfer failed: " for a REFER (pkg/sip/protocol.go:420).
    """
    phrase = reason or sip_reason(code)
    # upstream: livekit/sip@v1.11.0:pkg/errors/errors.go:34-41 (ApplySIPStatus picks the code)
    twirp_code = _SIP_TO_TWIRP.get(code)
    if twirp_code is None:
        # upstream: livekit/protocol@28e604c:livekit/sip.go:133-148 (fallback by class)
        twirp_code = "failed_precondition" if 500 <= code < 600 else "invalid_argument"
    # upstream: livekit/protocol@28e604c:livekit/sip.go:160-168 (SIPStatus.TwirpErrorMeta)
    meta = {"sip_status_code": str(code), "sip_status": phrase}
    # upstream: livekit/protocol@28e604c:livekit/sip.go:49-54 (SIPStatus.Error)
    return TwirpError(twirp_code, f"{prefix}sip status: {code}: {phrase}", meta)


def invalid(msg: str) -> TwirpError:
    """Shorthand for the most common answer to a bad request."""
    return TwirpError("invalid_argument", msg)


def not_found(msg: str) -> TwirpError:
    """Shorthand for a missing room, participant, trunk, rule or dispatch."""
    return TwirpError("not_found", msg)
