"""Build `twilio.rest.Client` instances from Settings, pointed at TWILIO_API_BASE_URL when set.

See http.py for how the base URL is applied and docs/twilio-fake.md for the whole picture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from twilio.rest import Client

from switchboard.adapters.twilio.http import AsyncBaseUrlHttpClient, BaseUrlHttpClient
from switchboard.domain.errors import InvalidValue
from switchboard.settings import Settings

# Seconds. Twilio's own webhook timeout, so a stuck API call cannot outlive a caller's turn.
DEFAULT_TIMEOUT = 15.0


def _credentials(settings: Settings) -> tuple[str, str]:
    if not settings.twilio_account_sid or settings.twilio_auth_token is None:
        raise InvalidValue("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set to use Twilio")
    return settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value()


def make_twilio_client(settings: Settings, *, request_timeout: float = DEFAULT_TIMEOUT) -> Client:
    """A blocking Twilio client; requests go to TWILIO_API_BASE_URL when it is set.

    Raises ValueError when the account SID or auth token is missing.
    """
    sid, token = _credentials(settings)
    http = BaseUrlHttpClient(settings.twilio_api_base_url, timeout=request_timeout)
    return Client(sid, token, http_client=http)


def make_async_twilio_client(
    settings: Settings, *, request_timeout: float = DEFAULT_TIMEOUT
) -> Client:
    """A Twilio client for the event loop: use the `*_async` methods, then `await close_async_client`.

    Prefer `async_twilio_client`, which closes the aiohttp session for you.
    """
    sid, token = _credentials(settings)
    http = AsyncBaseUrlHttpClient(settings.twilio_api_base_url, timeout=request_timeout)
    return Client(sid, token, http_client=http)


async def close_async_client(client: Client) -> None:
    """Close the aiohttp session behind a client from `make_async_twilio_client`."""
    await client.http_client.close()


@asynccontextmanager
async def async_twilio_client(
    settings: Settings, *, request_timeout: float = DEFAULT_TIMEOUT
) -> AsyncIterator[Client]:
    """`async with async_twilio_client(settings) as client: await client.messages.create_async(…)`."""
    client = make_async_twilio_client(settings, request_timeout=request_timeout)
    try:
        yield client
    finally:
        await close_async_client(client)
