"""SIP trunks and dispatch rules on the LiveKit fake, through the real livekit-api client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    DeleteSIPDispatchRuleRequest,
    DeleteSIPTrunkRequest,
    ListSIPDispatchRuleRequest,
    ListSIPInboundTrunkRequest,
    ListSIPOutboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from switchboard.fakes.livekit import RunningFake, running_livekit_fake

NUMBER = "+15125550100"


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


def inbound(
    *numbers: str, allowed_addresses: tuple[str, ...] = (), allowed_numbers: tuple[str, ...] = ()
) -> CreateSIPInboundTrunkRequest:
    trunk = SIPInboundTrunkInfo(
        name="in",
        numbers=numbers,
        allowed_addresses=allowed_addresses,
        allowed_numbers=allowed_numbers,
    )
    return CreateSIPInboundTrunkRequest(trunk=trunk)


def outbound(
    address: str = "acme.pstn.twilio.com", numbers: tuple[str, ...] = (NUMBER,)
) -> CreateSIPOutboundTrunkRequest:
    return CreateSIPOutboundTrunkRequest(
        trunk=SIPOutboundTrunkInfo(name="out", address=address, numbers=numbers)
    )


def individual_rule(
    *trunk_ids: str, inbound_numbers: tuple[str, ...] = ()
) -> CreateSIPDispatchRuleRequest:
    rule = SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call-"))
    info = SIPDispatchRuleInfo(
        rule=rule, trunk_ids=trunk_ids, name="calls", inbound_numbers=inbound_numbers
    )
    return CreateSIPDispatchRuleRequest(dispatch_rule=info)


async def expect_error(call: object, code: str, fragment: str) -> api.TwirpError:
    with pytest.raises(api.TwirpError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code == code
    assert fragment in caught.value.message
    return caught.value


async def test_inbound_trunk_is_created_listed_updated_and_deleted(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    trunk = await lk.sip.create_inbound_trunk(inbound(NUMBER))
    assert trunk.sip_trunk_id.startswith("ST_")
    assert server.state.inbound_trunks[trunk.sip_trunk_id].numbers == [NUMBER]

    listed = await lk.sip.list_inbound_trunk(ListSIPInboundTrunkRequest(numbers=[NUMBER]))
    assert [t.sip_trunk_id for t in listed.items] == [trunk.sip_trunk_id]
    assert (
        await lk.sip.list_inbound_trunk(ListSIPInboundTrunkRequest(numbers=["+19999"]))
    ).items == []

    updated = await lk.sip.update_inbound_trunk_fields(
        trunk.sip_trunk_id, name="main", numbers=api.ListUpdate(add=["+15125550101"])
    )
    assert updated.name == "main"
    assert list(updated.numbers) == [NUMBER, "+15125550101"]

    replaced = await lk.sip.update_inbound_trunk(
        trunk.sip_trunk_id, SIPInboundTrunkInfo(name="r", numbers=["+15125550102"])
    )
    assert replaced.sip_trunk_id == trunk.sip_trunk_id
    assert list(replaced.numbers) == ["+15125550102"]

    deleted = await lk.sip.delete_trunk(DeleteSIPTrunkRequest(sip_trunk_id=trunk.sip_trunk_id))
    assert deleted.sip_trunk_id == trunk.sip_trunk_id
    assert server.state.inbound_trunks == {}


async def test_inbound_trunk_needs_numbers_addresses_or_auth(lk: api.LiveKitAPI) -> None:
    await expect_error(
        lk.sip.create_inbound_trunk(inbound()), "invalid_argument", "one of the fields must be set"
    )
    # Any one of the three is enough.
    await lk.sip.create_inbound_trunk(inbound(allowed_addresses=("203.0.113.0/24",)))


async def test_two_inbound_trunks_with_one_number_conflict(lk: api.LiveKitAPI) -> None:
    first = await lk.sip.create_inbound_trunk(inbound(NUMBER))
    err = await expect_error(
        lk.sip.create_inbound_trunk(inbound(NUMBER)),
        "invalid_argument",
        "Conflicting inbound SIP Trunks",
    )
    assert first.sip_trunk_id in err.message
    assert err.status == 400
    # allowed_numbers tells trunks for the same number apart.
    await lk.sip.create_inbound_trunk(inbound(NUMBER, allowed_numbers=("+14155550000",)))


async def test_update_into_a_conflict_is_refused_and_keeps_the_trunk(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await lk.sip.create_inbound_trunk(inbound(NUMBER))
    other = await lk.sip.create_inbound_trunk(inbound("+15125550199"))
    await expect_error(
        lk.sip.update_inbound_trunk_fields(other.sip_trunk_id, numbers=[NUMBER]),
        "invalid_argument",
        "Conflicting",
    )
    assert list(server.state.inbound_trunks[other.sip_trunk_id].numbers) == ["+15125550199"]


async def test_updating_or_deleting_an_unknown_trunk_is_not_found(lk: api.LiveKitAPI) -> None:
    await expect_error(
        lk.sip.update_inbound_trunk_fields("ST_nope", name="x"), "not_found", "does not exist"
    )
    await expect_error(
        lk.sip.update_outbound_trunk_fields("ST_nope", name="x"), "not_found", "does not exist"
    )
    await expect_error(
        lk.sip.delete_trunk(DeleteSIPTrunkRequest(sip_trunk_id="ST_nope")),
        "not_found",
        "does not exist",
    )
    await expect_error(
        lk.sip.delete_trunk(DeleteSIPTrunkRequest()), "invalid_argument", "trunk ID is required"
    )


async def test_outbound_trunk_round_trip(lk: api.LiveKitAPI, server: RunningFake) -> None:
    trunk = await lk.sip.create_outbound_trunk(outbound())
    assert server.state.outbound_trunks[trunk.sip_trunk_id].address == "acme.pstn.twilio.com"
    updated = await lk.sip.update_outbound_trunk_fields(
        trunk.sip_trunk_id, auth_username="lk", auth_password="Secret12345678"
    )
    assert (updated.auth_username, updated.address) == ("lk", "acme.pstn.twilio.com")
    listed = await lk.sip.list_outbound_trunk(ListSIPOutboundTrunkRequest())
    assert [t.sip_trunk_id for t in listed.items] == [trunk.sip_trunk_id]
    # An inbound listing does not show outbound trunks.
    assert (await lk.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())).items == []


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("sip:acme.pstn.twilio.com", "not SIP URI"),
        ("acme.pstn.twilio.com;transport=tcp", "should not contain transport parameter"),
        ("user@acme.pstn.twilio.com", "not SIP URI"),
        ("", "no outbound address"),
    ],
)
async def test_outbound_trunk_address_must_be_a_bare_host(
    lk: api.LiveKitAPI, address: str, fragment: str
) -> None:
    await expect_error(
        lk.sip.create_outbound_trunk(outbound(address)), "invalid_argument", fragment
    )


async def test_outbound_trunk_needs_numbers(lk: api.LiveKitAPI, server: RunningFake) -> None:
    await expect_error(
        lk.sip.create_outbound_trunk(outbound(numbers=())), "invalid_argument", "no trunk numbers"
    )
    trunk = await lk.sip.create_outbound_trunk(outbound())
    await expect_error(
        lk.sip.update_outbound_trunk_fields(
            trunk.sip_trunk_id, numbers=api.ListUpdate(remove=[NUMBER])
        ),
        "invalid_argument",
        "no trunk numbers",
    )
    await expect_error(
        lk.sip.update_outbound_trunk_fields(trunk.sip_trunk_id, address="sips:x.example"),
        "invalid_argument",
        "not SIP URI",
    )
    assert server.state.outbound_trunks[trunk.sip_trunk_id].address == "acme.pstn.twilio.com"


async def test_a_trunk_id_may_not_be_chosen_by_the_client(lk: api.LiveKitAPI) -> None:
    req = inbound(NUMBER)
    req.trunk.sip_trunk_id = "ST_mine"
    await expect_error(
        lk.sip.create_inbound_trunk(req), "invalid_argument", "trunk id must not be set"
    )


async def test_dispatch_rule_round_trip(lk: api.LiveKitAPI, server: RunningFake) -> None:
    trunk = await lk.sip.create_inbound_trunk(inbound(NUMBER))
    rule = await lk.sip.create_dispatch_rule(individual_rule(trunk.sip_trunk_id))
    assert rule.sip_dispatch_rule_id.startswith("SDR_")
    assert (
        server.state.dispatch_rules[
            rule.sip_dispatch_rule_id
        ].rule.dispatch_rule_individual.room_prefix
        == "call-"
    )

    listed = await lk.sip.list_dispatch_rule(
        ListSIPDispatchRuleRequest(trunk_ids=[trunk.sip_trunk_id])
    )
    assert [r.sip_dispatch_rule_id for r in listed.items] == [rule.sip_dispatch_rule_id]
    assert (
        await lk.sip.list_dispatch_rule(ListSIPDispatchRuleRequest(dispatch_rule_ids=["SDR_other"]))
    ).items == []

    updated = await lk.sip.update_dispatch_rule_fields(
        rule.sip_dispatch_rule_id, name="renamed", attributes={"a": "1"}
    )
    assert (updated.name, dict(updated.attributes)) == ("renamed", {"a": "1"})
    assert list(updated.trunk_ids) == [trunk.sip_trunk_id]

    deleted = await lk.sip.delete_dispatch_rule(
        DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule.sip_dispatch_rule_id)
    )
    assert deleted.name == "renamed"
    assert server.state.dispatch_rules == {}


async def test_dispatch_rule_from_the_older_flat_fields(lk: api.LiveKitAPI) -> None:
    rule = SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="c-"))
    made = await lk.sip.create_dispatch_rule(
        CreateSIPDispatchRuleRequest(rule=rule, trunk_ids=["ST_a"], name="flat")
    )
    assert (made.name, list(made.trunk_ids)) == ("flat", ["ST_a"])


async def test_dispatch_rules_for_the_same_trunk_conflict(lk: api.LiveKitAPI) -> None:
    first = await lk.sip.create_dispatch_rule(individual_rule("ST_a"))
    err = await expect_error(
        lk.sip.create_dispatch_rule(individual_rule("ST_a", "ST_b")),
        "invalid_argument",
        "Conflicting SIP Dispatch Rules",
    )
    assert first.sip_dispatch_rule_id in err.message
    # Different trunks, or different caller numbers on one trunk, do not conflict.
    await lk.sip.create_dispatch_rule(individual_rule("ST_b"))
    await lk.sip.create_dispatch_rule(individual_rule("ST_a", inbound_numbers=("+14155550000",)))


async def test_wildcard_dispatch_rules_conflict(lk: api.LiveKitAPI) -> None:
    await lk.sip.create_dispatch_rule(individual_rule())
    await expect_error(
        lk.sip.create_dispatch_rule(individual_rule()),
        "invalid_argument",
        "Conflicting SIP Dispatch Rules",
    )


async def test_dispatch_rule_needs_a_rule_kind(lk: api.LiveKitAPI, server: RunningFake) -> None:
    await expect_error(
        lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(trunk_ids=["ST_a"])),
        "invalid_argument",
        "missing rule",
    )
    await expect_error(
        lk.sip.update_dispatch_rule_fields("SDR_nope", name="x"), "not_found", "does not exist"
    )
    await expect_error(
        lk.sip.delete_dispatch_rule(DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id="SDR_nope")),
        "not_found",
        "does not exist",
    )
    assert server.state.dispatch_rules == {}


async def test_list_update_cannot_mix_set_and_add(lk: api.LiveKitAPI) -> None:
    trunk = await lk.sip.create_inbound_trunk(inbound(NUMBER))
    mixed = api.ListUpdate(set=["+1"], add=["+2"])
    await expect_error(
        lk.sip.update_inbound_trunk_fields(trunk.sip_trunk_id, numbers=mixed),
        "invalid_argument",
        "cannot combine",
    )
