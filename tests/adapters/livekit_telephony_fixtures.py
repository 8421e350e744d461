"""Fixtures for the LiveKit telephony contract tests (shared through tests/adapters/conftest.py).

Every contract test runs against both server versions the fake models: "released" (livekit v1.13.5
+ sip v1.11.0) and "head" (livekit HEAD with protocol 17c16cf4's TransferSIPParticipantResponse).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api
from livekit.protocol.sip import CreateSIPOutboundTrunkRequest, SIPOutboundTrunkInfo
from tests.adapters.livekit_telephony_support import TIME_SCALE, FakeMedia

from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.fakes.livekit import SERVER_VERSIONS, RunningFake, running_livekit_fake


@pytest.fixture(scope="module", params=SERVER_VERSIONS)
def server(request: pytest.FixtureRequest) -> Iterator[RunningFake]:
    secret = "a-secret-of-at-least-32-bytes-long!"
    with running_livekit_fake(api_secret=secret, server_version=request.param) as fake:
        yield fake


@pytest.fixture
async def lk(server: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    server.state.reset()
    server.state.mode = "cloud"
    server.state.time_scale = TIME_SCALE
    server.state.move_unclaimed_seconds = 3.0  # 30 ms at TIME_SCALE
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
