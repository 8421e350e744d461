"""Simulated inbound calls on the LiveKit fake land where LiveKit SIP would put them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleCallee,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)

from switchboard.fakes.livekit import RunningFake, running_livekit_fake, simulate_inbound_call

COMPANY = "+15125550100"
CALLER = "+16125550123"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningFake]:
    with running_livekit_fake() as fake:
        yield fake


@pytest.fixture
async def lk(server: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    server.state.reset()
    client = api.LiveKitAPI(server.url, server.api_key, server.api_secret)
    yield client
    await client.aclose()


async def provision(lk: api.LiveKitAPI, rule: SIPDispatchRule, *, hide: bool = False) -> str:
    trunk = SIPInboundTrunkInfo(name="in", numbers=[COMPANY])
    trunk_id = (
        await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=trunk))
    ).sip_trunk_id
    agents = [api.RoomAgentDispatch(agent_name="switchboard")]
    info = SIPDispatchRuleInfo(
        rule=rule,
        trunk_ids=[trunk_id],
        hide_phone_number=hide,
        attributes={"company": "acme"},
        room_config=RoomConfiguration(agents=agents),
    )
    await lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=info))
    return trunk_id


async def test_an_inbound_call_joins_the_caller_and_dispatches_the_agent(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    rule = SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call"))
    trunk_id = await provision(lk, rule)
    call = simulate_inbound_call(server.state, CALLER, COMPANY)

    assert call.room.startswith(f"call_{CALLER}_")
    assert call.trunk_id == trunk_id
    listed = await lk.room.list_participants(api.ListParticipantsRequest(room=call.room))
    [caller] = listed.participants
    assert caller.identity == f"sip_{CALLER}"
    assert caller.attributes["sip.phoneNumber"] == CALLER
    assert caller.attributes["sip.trunkPhoneNumber"] == COMPANY
    assert caller.attributes["sip.callStatus"] == "active"
    assert caller.attributes["company"] == "acme"
    assert [d.agent_name for d in await lk.agent_dispatch.list_dispatch(call.room)] == [
        "switchboard"
    ]
    assert server.state.calls[-1].kind == "inbound"


async def test_hidden_numbers_stay_out_of_the_attributes(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await provision(
        lk,
        SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="lobby")),
        hide=True,
    )
    call = simulate_inbound_call(server.state, CALLER, COMPANY)
    assert call.room == "lobby"
    assert "sip.phoneNumber" not in call.participant.attributes


async def test_callee_rules_name_the_room_after_the_dialled_number(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await provision(
        lk, SIPDispatchRule(dispatch_rule_callee=SIPDispatchRuleCallee(room_prefix="line"))
    )
    assert simulate_inbound_call(server.state, CALLER, COMPANY).room == f"line_{COMPANY}"


async def test_calls_without_a_trunk_or_rule_are_rejected(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    with pytest.raises(LookupError, match="no inbound trunk"):
        simulate_inbound_call(server.state, CALLER, COMPANY)
    trunk = SIPInboundTrunkInfo(name="in", numbers=[COMPANY])
    await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=trunk))
    with pytest.raises(LookupError, match="no dispatch rule"):
        simulate_inbound_call(server.state, CALLER, COMPANY)
    assert server.state.rooms == {}
