"""LiveKit Cloud failover never replays a dial or a REFER, so an employee never rings twice.

livekit-api 1.2.2 resends a request after a 5xx or a client-side timeout when the host ends in
`.livekit.cloud` (livekit/api/_failover.py: 3 attempts for requests of 5 s or more). Here a
`*.livekit.cloud` URL resolves to the fake, so the SDK's real failover logic runs.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from livekit import api
from livekit.protocol.sip import CreateSIPOutboundTrunkRequest, SIPOutboundTrunkInfo
from tests.adapters.livekit_telephony_support import CALLER, CALLER_ROOM, FakeMedia, place_caller

from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.adapters.livekit.telephony import single_attempt_sip
from switchboard.fakes.livekit import RunningFake
from switchboard.ports.telephony import TelephonyError

PRIYA = "+13125550112"


class _CloudToLocalhost(AbstractResolver):
    """Resolves every name to 127.0.0.1, so acme.livekit.cloud reaches the fake."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


@pytest.fixture
async def cloud(server: RunningFake, lk: api.LiveKitAPI) -> AsyncIterator[api.LiveKitAPI]:
    """A client for https-less `acme.livekit.cloud` (failover on) that talks to the fake."""
    port = server.url.rsplit(":", 1)[1]
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(resolver=_CloudToLocalhost()),
        timeout=aiohttp.ClientTimeout(total=10),
    )
    client = api.LiveKitAPI(
        f"http://acme.livekit.cloud:{port}", server.api_key, server.api_secret, session=session
    )
    try:
        yield client
    finally:
        await client.aclose()
        await session.close()


async def test_the_cloud_client_really_fails_over(
    cloud: api.LiveKitAPI, server: RunningFake
) -> None:
    # The premise: on this host livekit-api replays a request that got a 5xx.
    server.state.fail_next("ListRooms", "unavailable", "region down", times=2)
    await cloud.room.list_rooms(api.ListRoomsRequest())
    assert [r.error for r in server.state.requests_for("ListRooms")] == [
        "unavailable",
        "unavailable",
        None,
    ]


async def test_a_dial_is_sent_once_even_when_livekit_cloud_answers_5xx(
    cloud: api.LiveKitAPI, server: RunningFake, media: FakeMedia
) -> None:
    trunk = SIPOutboundTrunkInfo(name="out", address="acme.pstn.twilio.com", numbers=["+1512"])
    created = await cloud.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=trunk))
    tel = LiveKitTelephony(cloud, outbound_trunk_id=created.sip_trunk_id, media=media)
    server.state.fail_next("CreateSIPParticipant", "unavailable", "region down", times=3)
    with pytest.raises(TelephonyError, match="region down"):
        await tel.dial("call-1-consult-1", PRIYA, identity="employee", ringing_timeout=25)
    assert len(server.state.requests_for("CreateSIPParticipant")) == 1  # never replayed


async def test_a_refer_is_sent_once_even_when_livekit_cloud_answers_5xx(
    cloud: api.LiveKitAPI, server: RunningFake, media: FakeMedia
) -> None:
    tel = LiveKitTelephony(cloud, outbound_trunk_id="ST_x", media=media)
    place_caller(server)
    server.state.fail_next("TransferSIPParticipant", "internal", "bridge crashed", times=3)
    with pytest.raises(TelephonyError, match="bridge crashed"):
        await tel.refer(CALLER_ROOM, CALLER, f"tel:{PRIYA}")
    assert len(server.state.requests_for("TransferSIPParticipant")) == 1


async def test_a_client_built_from_a_token_keeps_its_token(
    server: RunningFake, media: FakeMedia
) -> None:
    token = api.AccessToken(server.api_key, server.api_secret).with_sip_grants(
        api.SIPGrants(call=True)
    )
    async with api.LiveKitAPI.with_token(token.to_jwt(), server.url) as client:
        tel = LiveKitTelephony(client, outbound_trunk_id="ST_missing", media=media)
        with pytest.raises(TelephonyError, match="trunk"):  # authenticated, then not found
            await tel.dial("room", PRIYA, identity="employee", ringing_timeout=5)


async def test_a_livekit_api_without_the_expected_internals_is_refused_at_once(
    server: RunningFake,
) -> None:
    async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as client:
        real = client._session
        client._session = None
        try:
            with pytest.raises(TypeError, match="livekit-api changed"):
                single_attempt_sip(client)
        finally:
            client._session = real
