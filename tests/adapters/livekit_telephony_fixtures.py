"""Fixtures for the LiveKit telephony contract tests (loaded with `pytest_plugins`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api
from livekit.protocol.sip import CreateSIPOutboundTrunkRequest, SIPOutboundTrunkInfo
from tests.adapters.livekit_telephony_support import TIME_SCALE, FakeMedia

from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.fakes.livekit import RunningFake, running_livekit_fake


@pytest.fixture(scope="module")
def server() -> Iterator[RunningFake]:
    with running_livekit_fake(api_secret="a-secret-of-at-least-32-bytes-long!") as fake:
        yield fake


@pytest.fixture
async def lk(server: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    server.state.reset()
    server.state.mode = "cloud"
    server.state.time_scale = TIME_SCALE
    client = api.LiveKitAPI(server.url, server.api_key, server.api_secret)
    yield client
    await client.aclose()


@pytest.fixture
async def trunk_id(lk: api.LiveKitAPI) -> str:
    trunk = SIPOutboundTrunkInfo(
        name="out", address="acme.pstn.twilio.com", numbers=["+15125550100"]
    )
    created = await lk.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=trunk))
    return created.sip_trunk_id


@pytest.fixture
def media() -> FakeMedia:
    return FakeMedia()


@pytest.fixture
def tel(lk: api.LiveKitAPI, trunk_id: str, media: FakeMedia) -> LiveKitTelephony:
    return LiveKitTelephony(lk, outbound_trunk_id=trunk_id, media=media, poll_seconds=0.02)
