"""Twilio request authentication: the signed public URL, bounded body reading, form parsing.

Order of checks: body size (413) → signature over the URL Twilio called and the parameters it sent
(403) → parameter shape (400, in the routes). A request whose body cannot even be decoded is 400.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

MAX_BODY_BYTES = (
    64 * 1024
)  # Twilio's largest callbacks are a few KB; this bounds memory per request


@dataclass(frozen=True, slots=True)
class WebhookSecurity:
    """`auth_token` None means signatures are not checked (development only, see create_app)."""

    auth_token: str | None
    public_base_url: str | None  # WEBHOOK_BASE_URL: what Twilio calls, possibly with a path prefix
    trust_forwarded_headers: bool = False
    max_body_bytes: int = MAX_BODY_BYTES


@dataclass(frozen=True, slots=True)
class TwilioRequest:
    """A validated webhook: every value of every parameter, and the first value of each."""

    params: ImmutableMultiDict[str, str]
    public_url: str

    @property
    def first(self) -> dict[str, str]:
        return {key: self.params[key] for key in self.params}


class _SignedParams(dict[str, list[str]]):
    """The parameters as `RequestValidator` reads them, every value of a key in one lookup
    (it asks `getall` first; Starlette's `getlist` scans every pair for every key)."""

    @classmethod
    def of(cls, params: ImmutableMultiDict[str, str]) -> _SignedParams:
        values = cls()
        for key, value in params.multi_items():
            values.setdefault(key, []).append(value)
        return values

    def getall(self, key: str) -> list[str]:
        return self[key]


def _first(header: str | None) -> str | None:
    # Proxies append: "https, http" — the left-most value is the one the client used.
    return header.split(",")[0].strip() if header else None


def public_url(request: Request, security: WebhookSecurity) -> str:
    """The URL Twilio requested: forwarded headers (when trusted), else WEBHOOK_BASE_URL, else as seen."""
    path_query = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if security.trust_forwarded_headers:
        proto = _first(request.headers.get("x-forwarded-proto"))
        host = _first(request.headers.get("x-forwarded-host"))
        if proto and host:
            return f"{proto}://{host}{path_query}"
    if security.public_base_url:
        return security.public_base_url.rstrip("/") + path_query
    return str(request.url)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, or 413 as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise HTTPException(413 if declared.isdigit() else 400, "request body too large or bad")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, "request body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(body: bytes, content_type: str) -> tuple[ImmutableMultiDict[str, str], str | None]:
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            data = json.loads(text) if text else {}
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            pairs = [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in data.items()]
            return ImmutableMultiDict(pairs), text
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
        return ImmutableMultiDict(pairs), None
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, f"malformed body: {type(exc).__name__}") from None


async def verified_twilio_request(request: Request, security: WebhookSecurity) -> TwilioRequest:
    """Read, parse and authenticate a webhook; raises HTTPException 400/403/413."""
    body = await read_body(request, security.max_body_bytes)
    params, raw_json = _parse(body, request.headers.get("content-type", ""))
    url = public_url(request, security)
    if security.auth_token is not None:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            raise HTTPException(403, "missing X-Twilio-Signature")
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        validator = RequestValidator(security.auth_token)
        # JSON bodies are signed through the bodySHA256 query parameter, not as parameters.
        signed: object = raw_json if raw_json is not None else _SignedParams.of(params)
        if raw_json is not None and "bodySHA256" not in request.query_params:
            raise HTTPException(403, "JSON webhook without bodySHA256")
        if not validator.validate(url, signed, signature, algorithm):
            raise HTTPException(403, "invalid X-Twilio-Signature")
    return TwilioRequest(params=params, public_url=url)
