"""Twilio request authentication: the signed public URL, bounded body reading, form parsing.

Order of checks: body size (413) → signature over the URL Twilio called and the parameters it sent
(403) → parameter shape (400, in the routes). A request whose body cannot even be decoded is 400.

Which secret: Twilio signs with the account's Auth Token (HMAC-SHA1), unless a Webhook Rule for
the URL names a SharedKey; then it signs with that key's secret and the rule's algorithm and says
so in `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<alg>`. Only the secret and the
hash change; the signed string is the same (https://www.twilio.com/docs/usage/webhooks/webhook-shared-keys;
twilio 9.13 `request_validator.py`: `RequestValidator(token)` "the SharedKey secret when the
request carries X-Twilio-Webhooks-Signature-Settings").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from switchboard.logs import get_logger

log = get_logger(__name__)

MAX_BODY_BYTES = (
    64 * 1024
)  # Twilio's largest callbacks are a few KB; this bounds memory per request
_DEFAULT_PORTS = {"https": "443", "http": "80"}


@dataclass(frozen=True, slots=True)
class WebhookSecurity:
    """`auth_token` None means signatures are not checked (development only, see create_app).

    `shared_key` is the SharedKey secret (TWILIO_WEBHOOK_SHARED_KEY) for SharedKey-signed
    requests; without it they are refused.
    """

    auth_token: str | None
    public_base_url: str | None  # WEBHOOK_BASE_URL: what Twilio calls, possibly with a path prefix
    trust_forwarded_headers: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    shared_key: str | None = None

    @property
    def knows_public_url(self) -> bool:
        """False when the URL Twilio signed can only be guessed from what this server sees."""
        return bool(self.public_base_url) or self.trust_forwarded_headers


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


def _with_port(host: str, port: str | None, scheme: str) -> str:
    """`host` plus `:port` unless it already names one or the port is the scheme's default."""
    has_port = host.rsplit("]", 1)[-1].count(":") == 1  # "[::1]:8443" and "a.example:8443"
    if not port or not port.isdigit() or has_port or _DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


def _forwarded_origin(request: Request) -> str | None:
    """`scheme://host[:port]` from X-Forwarded-Proto/-Host/-Port, falling back to Host.

    Many platforms send only X-Forwarded-Proto and pass the public Host through unchanged.
    """
    proto = _first(request.headers.get("x-forwarded-proto"))
    host = _first(request.headers.get("x-forwarded-host")) or request.headers.get("host")
    if not proto or not host:
        return None
    proto = proto.lower()
    return f"{proto}://{_with_port(host, _first(request.headers.get('x-forwarded-port')), proto)}"


def public_url(request: Request, security: WebhookSecurity) -> str:
    """The URL Twilio requested: forwarded headers (when trusted), else WEBHOOK_BASE_URL, else as seen.

    WEBHOOK_BASE_URL's path prefix (a proxy serving Switchboard under /prefix and stripping it)
    is kept in front of the path either way.
    """
    path_query = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    base = security.public_base_url.rstrip("/") if security.public_base_url else None
    prefix = urlsplit(base).path if base else ""
    if prefix and not request.url.path.startswith(prefix + "/"):
        path_query = prefix + path_query
    if security.trust_forwarded_headers and (origin := _forwarded_origin(request)):
        return origin + path_query
    if base:
        parts = urlsplit(base)
        return f"{parts.scheme}://{parts.netloc}{path_query}"
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


def _secret(security: WebhookSecurity, settings_header: str | None, url: str) -> str:
    """The secret this request was signed with: the SharedKey's when the request says so."""
    assert security.auth_token is not None
    if not settings_header or not settings_header.strip():
        return security.auth_token
    if security.shared_key is None:
        log.error(
            "webhook signed with a Twilio SharedKey but TWILIO_WEBHOOK_SHARED_KEY is not set: "
            "refused (set it to the SharedKey's secret, or remove the Webhook Rule)",
            signature_settings=settings_header,
            url=url,
        )
        raise HTTPException(403, "SharedKey-signed webhook but no shared key configured")
    return security.shared_key


async def verified_twilio_request(request: Request, security: WebhookSecurity) -> TwilioRequest:
    """Read, parse and authenticate a webhook; raises HTTPException 400/403/413."""
    body = await read_body(request, security.max_body_bytes)
    params, raw_json = _parse(body, request.headers.get("content-type", ""))
    url = public_url(request, security)
    if security.auth_token is not None:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            raise HTTPException(403, "missing X-Twilio-Signature")
        settings_header = request.headers.get(SIGNATURE_SETTINGS_HEADER)
        algorithm = get_signature_algorithm(settings_header)
        validator = RequestValidator(_secret(security, settings_header, url))
        # JSON bodies are signed through the bodySHA256 query parameter, not as parameters.
        signed: object = raw_json if raw_json is not None else _SignedParams.of(params)
        if raw_json is not None and "bodySHA256" not in request.query_params:
            raise HTTPException(403, "JSON webhook without bodySHA256")
        if not validator.validate(url, signed, signature, algorithm):
            raise HTTPException(403, "invalid X-Twilio-Signature")
    return TwilioRequest(params=params, public_url=url)
