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

from switchboard.fakes.livekit import (
    InboundRefused,
    RunningFake,
    running_livekit_fake,
    simulate_inbound_call,
)

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


async def guarded_line(lk: api.LiveKitAPI, allowed: list[str], **trunk_fields: str) -> str:
    """Our set-up: a trunk for the number that admits `allowed` only, and a rule for that trunk."""
    trunk = SIPInboundTrunkInfo(
        name="in", numbers=[COMPANY], allowed_addresses=allowed, **trunk_fields
    )
    made = await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=trunk))
    rule = SIPDispatchRuleInfo(
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="c")),
        trunk_ids=[made.sip_trunk_id],
    )
    await lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=rule))
    return str(made.sip_trunk_id)


async def test_an_invite_from_outside_the_allowed_addresses_is_dropped(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await guarded_line(lk, ["54.172.60.0/30", "203.0.113.10"])
    with pytest.raises(InboundRefused, match="drops the INVITE without a final response") as no:
        simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="198.51.100.7")
    assert no.value.sip_status is None  # no final response at all: the caller times out
    with pytest.raises(InboundRefused):  # the next address after Twilio's /30 block
        simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="54.172.60.4")
    assert server.state.rooms == {}
    assert [(c.kind, c.result, c.sip_status) for c in server.state.calls] == [
        ("inbound", "failed", None),
        ("inbound", "failed", None),
    ]


async def test_an_invite_from_inside_is_answered(lk: api.LiveKitAPI, server: RunningFake) -> None:
    trunk_id = await guarded_line(lk, ["54.172.60.0/30", "203.0.113.10"])
    for source in ("54.172.60.3", "203.0.113.10"):  # in the CIDR block; the bare IP exactly
        call = simulate_inbound_call(server.state, CALLER, COMPANY, source_ip=source)
        assert call.trunk_id == trunk_id
    assert simulate_inbound_call(server.state, CALLER, COMPANY).trunk_id == trunk_id  # Twilio


async def test_a_catch_all_rule_still_takes_a_call_no_trunk_admits(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    # LiveKit goes on without a trunk and then only rules without trunk ids can match: the
    # allow-list keeps an outside INVITE off our trunk, not off a catch-all rule.
    await guarded_line(lk, ["54.172.60.0/30"])
    catch_all = SIPDispatchRuleInfo(
        rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="lobby"))
    )
    await lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=catch_all))
    call = simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="198.51.100.7")
    assert (call.room, call.trunk_id) == ("lobby", "")


async def test_invalid_masks_are_skipped_and_none_left_means_any_source(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    # LiveKit stores whatever it is given and skips malformed entries when matching.
    await guarded_line(lk, ["54.172.60.0/30, 54.244.51.0/30"])  # one entry with a comma
    assert simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="198.51.100.7").room


async def test_a_hostname_entry_matches_the_from_host_not_the_source(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await guarded_line(lk, ["sbc.example.com"])
    with pytest.raises(InboundRefused):
        simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="198.51.100.7")
    call = simulate_inbound_call(
        server.state, CALLER, COMPANY, source_ip="198.51.100.7", from_host="sbc.example.com"
    )
    assert call.room


async def test_digest_credentials_are_challenged(lk: api.LiveKitAPI, server: RunningFake) -> None:
    await guarded_line(lk, [], auth_username="lk-user", auth_password="s3cret-Pass")
    with pytest.raises(InboundRefused) as challenged:
        simulate_inbound_call(server.state, CALLER, COMPANY)
    assert challenged.value.sip_status == 407
    with pytest.raises(InboundRefused) as wrong:
        simulate_inbound_call(server.state, CALLER, COMPANY, credentials=("lk-user", "nope"))
    assert wrong.value.sip_status == 401
    good = ("lk-user", "s3cret-Pass")
    assert simulate_inbound_call(server.state, CALLER, COMPANY, credentials=good).room


async def test_an_unparseable_source_is_a_503(lk: api.LiveKitAPI, server: RunningFake) -> None:
    await guarded_line(lk, ["54.172.60.0/30"])
    with pytest.raises(InboundRefused) as refused:
        simulate_inbound_call(server.state, CALLER, COMPANY, source_ip="not-an-ip")
    assert refused.value.sip_status == 503
