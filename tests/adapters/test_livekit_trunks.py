"""Finding the outbound trunk `setup apply` created (marked as ours), through the real client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from livekit import api

from switchboard.adapters.livekit.trunks import managed_outbound_trunk
from switchboard.fakes.livekit import RunningFake, running_livekit_fake

OURS = json.dumps({"managed_by": "switchboard"})


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with running_livekit_fake() as running:
        yield running


async def add_trunk(lk: api.LiveKitAPI, name: str, metadata: str, number: str) -> str:
    trunk = api.SIPOutboundTrunkInfo(
        name=name, address="acme.pstn.twilio.com", numbers=[number], metadata=metadata
    )
    created = await lk.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=trunk))
    return str(created.sip_trunk_id)


async def test_the_one_marked_trunk_is_found_and_others_ignored(fake: RunningFake) -> None:
    async with api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret) as lk:
        assert await managed_outbound_trunk(lk) is None  # nothing yet
        await add_trunk(lk, "someone else's", "", "+13125550100")
        await add_trunk(lk, "broken metadata", "{not json", "+13125550101")
        ours = await add_trunk(lk, "switchboard", OURS, "+13125550102")
        assert await managed_outbound_trunk(lk) == ours
        await add_trunk(lk, "switchboard 2", OURS, "+13125550103")
        assert await managed_outbound_trunk(lk) is None  # ambiguous: settings must say which
