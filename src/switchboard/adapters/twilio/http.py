"""HTTP clients that send Twilio's requests to TWILIO_API_BASE_URL when it is set.

The twilio library decides the host (`https://<sub>[.<edge>.<region>].twilio.com`) in
`ClientBase.get_hostname` and then hands the full URL to its `HttpClient`. The HTTP client is
therefore the narrowest hook: these subclasses rewrite that URL to `<base>/<sub>/<path>` when a
base URL is configured, and otherwise behave exactly like the library's own clients (edge and
region included).

Both also note Twilio's clock from each response's `Date` header (`server_clock_offset`: Twilio's
time minus ours, in seconds), so code comparing our timestamps with Twilio's can allow for skew.

Both also copy a `Retry-After` header of an error response into the error body's `details`
(as `{"retry_after": "<value>"}`), because `TwilioRestException` keeps the body but not the
headers; `classify_twilio_error` reads it back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientSession, encode_basic_auth
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response


def rewrite_twilio_url(url: str, base_url: str | None) -> str:
    """Map `https://<sub>….twilio.com/<path>?<query>` to `<base>/<sub>/<path>?<query>`.

    Only the first host label (api, trunking, …) is kept: edge/region labels mean nothing to a fake.
    URLs that are not Twilio's, or a missing base URL, pass through unchanged.
    """
    if not base_url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.endswith("twilio.com"):
        return url
    sub = host.split(".")[0]
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url.rstrip('/')}/{sub}{parts.path}{query}"


def _with_retry_after(response: Response) -> Response:
    retry_after = (response.headers or {}).get("Retry-After")
    if response.status_code < 400 or retry_after is None:
        return response
    try:
        payload = json.loads(response.text)
    except ValueError:
        return response
    if isinstance(payload, dict) and not payload.get("details"):
        payload["details"] = {"retry_after": retry_after}
        return Response(response.status_code, json.dumps(payload), response.headers)
    return response


def _clock_offset(response: Response, local_now: float) -> float | None:
    """Twilio's time (the Date header, whole seconds) minus `local_now`; None without one."""
    raw = (response.headers or {}).get("Date")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).timestamp() - local_now
    except (TypeError, ValueError):
        return None


class _ClockWatch:
    """The last offset seen between Twilio's clock and ours (see the module docstring)."""

    server_clock_offset: float | None = None
    local_clock: Callable[[], float] = staticmethod(time.time)

    def _watch(self, response: Response) -> None:
        offset = _clock_offset(response, self.local_clock())
        if offset is not None:
            self.server_clock_offset = offset


# twilio ships no type information, so its classes are `Any` to mypy.
class BaseUrlHttpClient(_ClockWatch, TwilioHttpClient):  # type: ignore[misc]
    """The library's blocking HTTP client, with the base-URL rewrite and Retry-After capture."""

    def __init__(self, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Send the request to the rewritten URL; see the module docstring."""
        response = super().request(method, rewrite_twilio_url(url, self.base_url), *args, **kwargs)
        self._watch(response)
        return _with_retry_after(response)


class AsyncBaseUrlHttpClient(_ClockWatch, AsyncTwilioHttpClient):  # type: ignore[misc]
    """The library's aiohttp client, with the base-URL rewrite and Retry-After capture.

    Create it inside a running event loop (aiohttp binds its session to the loop).
    """

    def __init__(self, base_url: str | None = None, *, timeout: float | None = None) -> None:
        super().__init__(pool_connections=False, timeout=timeout)
        self.session = ClientSession()
        self.base_url = base_url

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the library's HttpClient signature
        allow_redirects: bool = False,
    ) -> Response:
        """Send the request to the rewritten URL; see the module docstring."""
        headers = dict(headers or {})
        if auth is not None:
            # aiohttp deprecates BasicAuth objects, which the library would build from `auth`.
            headers["Authorization"] = encode_basic_auth(auth[0], auth[1])
        response = await super().request(
            method,
            rewrite_twilio_url(url, self.base_url),
            params=params,
            data=data,
            headers=headers,
            # The library passes None through, which aiohttp reads as "no timeout at all".
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )
        self._watch(response)
        return _with_retry_after(response)
