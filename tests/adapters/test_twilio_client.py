"""The Twilio client adapter: base-URL rewrite, sync and async clients, error classification."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import aiohttp
import pytest
import requests
from pydantic import SecretStr
from twilio.base.exceptions import TwilioRestException

from switchboard.adapters.twilio import (
    AsyncBaseUrlHttpClient,
    BaseUrlHttpClient,
    TwilioErrorInfo,
    async_twilio_client,
    classify_twilio_error,
    make_async_twilio_client,
    make_twilio_client,
    rewrite_twilio_url,
)
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.settings import Settings

OURS = "+14155550100"
CALLER = "+14155550123"
SID = "AC" + "1" * 32


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as fake:
        yield fake


@pytest.fixture
def fake(shared_fake: RunningTwilioFake) -> RunningTwilioFake:
    shared_fake.state.reset()
    shared_fake.state.add_number(OURS)
    return shared_fake


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "http://fake:9000/api/2010-04-01/Accounts/AC1/Messages.json",
        ),
        (
            "https://trunking.twilio.com/v1/Trunks?PageSize=2",
            "http://fake:9000/trunking/v1/Trunks?PageSize=2",
        ),
        (
            "https://api.sydney.au1.twilio.com/2010-04-01/x.json",
            "http://fake:9000/api/2010-04-01/x.json",
        ),
        ("https://example.com/twilio.json", "https://example.com/twilio.json"),
    ],
)
def test_rewrite_maps_subdomain_to_path(url: str, expected: str) -> None:
    assert rewrite_twilio_url(url, "http://fake:9000/") == expected


def test_rewrite_without_base_url_is_identity() -> None:
    url = "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json"
    assert rewrite_twilio_url(url, None) == url
    assert rewrite_twilio_url(url, "") == url


def test_without_base_url_edge_and_region_still_apply() -> None:
    settings = Settings(twilio_account_sid=SID, twilio_auth_token=SecretStr("t" * 32))
    client = make_twilio_client(settings)
    assert isinstance(client.http_client, BaseUrlHttpClient)
    assert client.http_client.base_url is None
    client.edge, client.region = "sydney", "au1"
    assert client.get_hostname("https://api.twilio.com/x") == "https://api.sydney.au1.twilio.com/x"


def test_missing_credentials_are_refused() -> None:
    with pytest.raises(ValueError, match="TWILIO_AUTH_TOKEN"):
        make_twilio_client(Settings(twilio_account_sid=SID))


def test_sync_client_talks_to_the_fake(fake: RunningTwilioFake) -> None:
    client = make_twilio_client(fake.settings())
    assert client.messages.create(to=CALLER, from_=OURS, body="hi").status == "queued"
    assert len(fake.state.messages) == 1


async def test_async_client_talks_to_the_fake(fake: RunningTwilioFake) -> None:
    async with async_twilio_client(fake.settings()) as client:
        assert isinstance(client.http_client, AsyncBaseUrlHttpClient)
        message = await client.messages.create_async(to=CALLER, from_=OURS, body="hi")
        fetched = await client.messages(message.sid).fetch_async()
    assert fetched.sid == message.sid
    assert message.sid in fake.state.messages


async def test_async_client_surfaces_rate_limits(fake: RunningTwilioFake) -> None:
    fake.state.rate_limit_next("/Messages.json", retry_after=4)
    async with async_twilio_client(fake.settings()) as client:
        with pytest.raises(TwilioRestException) as caught:
            await client.messages.create_async(to=CALLER, from_=OURS, body="hi")
    info = classify_twilio_error(caught.value)
    assert (info.status, info.code, info.retryable, info.retry_after) == (429, 20429, True, 4.0)


async def test_async_client_enforces_its_timeout(fake: RunningTwilioFake) -> None:
    fake.state.delay_next("/Accounts/", 0.6)
    client = make_async_twilio_client(fake.settings(), request_timeout=0.2)
    try:
        with pytest.raises((asyncio.TimeoutError, aiohttp.ServerTimeoutError)) as caught:
            await client.api.v2010.accounts(fake.account_sid).fetch_async()
    finally:
        await client.http_client.close()
    assert classify_twilio_error(caught.value).retryable


def _rest(status: int, code: int | None, details: object = None) -> TwilioRestException:
    return TwilioRestException(status, "https://api.twilio.com/x", "msg", code, "POST", details)


@pytest.mark.parametrize(
    ("exc", "retryable", "permanent", "retry_after"),
    [
        (_rest(429, 20429, {"retry_after": "5"}), True, False, 5.0),
        (_rest(429, 20429), True, False, None),
        (_rest(400, 20429), True, False, None),
        (_rest(429, 20429, {"retry_after": "Wed, 21 Oct 2026 07:28:00 GMT"}), True, False, None),
        (_rest(429, 20429, {"retry_after": "-1"}), True, False, None),
        (_rest(500, 20500), True, False, None),
        (_rest(503, 20503, {"retry_after": "2"}), True, False, 2.0),
        (_rest(408, 408), True, False, None),
        (_rest(400, 21610), False, True, None),
        (_rest(400, 21211), False, True, None),
        (_rest(400, 21614), False, True, None),
        (_rest(500, 21610), False, True, None),
        (_rest(401, 20003), False, True, None),
        (_rest(404, 20404), False, True, None),
        (requests.ConnectionError("refused"), True, False, None),
        (requests.ReadTimeout("slow"), True, False, None),
        (TimeoutError(), True, False, None),
        (aiohttp.ClientConnectionError(), True, False, None),
        (ValueError("a bug"), False, False, None),
    ],
)
def test_classification(
    exc: BaseException, retryable: bool, permanent: bool, retry_after: float | None
) -> None:
    info = classify_twilio_error(exc)
    assert isinstance(info, TwilioErrorInfo)
    assert (info.retryable, info.permanent, info.retry_after) == (retryable, permanent, retry_after)


def test_classification_keeps_code_status_and_message() -> None:
    info = classify_twilio_error(_rest(400, 21610))
    assert (info.code, info.status, info.message) == (21610, 400, "msg")
