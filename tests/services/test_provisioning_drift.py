"""Drift, foreign resources, --adopt and unrelated resources, against both fakes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from livekit.api import LiveKitAPI
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleDirect,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)
from tests.services.provisioning_world import (
    NUMBER,
    World,
    actions,
    apply_for,
    pending,
    plan_for,
    running_world,
)

from switchboard.adapters.twilio import make_twilio_client
from switchboard.domain.provisioning import Action, Kind
from switchboard.services.provisioning import PlanBlocked
from switchboard.settings import Settings

OTHER_NUMBER = "+15125550199"


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World) -> World:
    module_world.reset()
    return module_world


def _only(store: dict) -> object:  # type: ignore[type-arg]
    (value,) = store.values()
    return value


def _trunk(w: World) -> dict:  # type: ignore[type-arg]
    return _only(w.twilio.state.trunks)  # type: ignore[return-value]


def drift_trunk(w: World, data_dir: Path) -> None:
    _trunk(w)["transfer_mode"] = "enable-all"


def drift_origination(w: World, data_dir: Path) -> None:
    urls = w.twilio.state.origination_urls[_trunk(w)["sid"]]
    _only(urls)["sip_url"] = "sip:old-project.sip.livekit.cloud;transport=udp"  # type: ignore[index]


def lose_password(w: World, data_dir: Path) -> None:
    (data_dir / "secrets" / "sip-credential-switchboard-livekit").unlink()


def detach_credentials(w: World, data_dir: Path) -> None:
    w.twilio.state.trunk_credential_lists[_trunk(w)["sid"]].clear()


def free_number(w: World, data_dir: Path) -> None:
    w.twilio.state.number_by_phone(NUMBER)["trunk_sid"] = None  # type: ignore[index]


def drift_inbound(w: World, data_dir: Path) -> None:
    trunk = _only(w.livekit.state.inbound_trunks)
    trunk.numbers[:] = [OTHER_NUMBER]  # type: ignore[attr-defined]


def drift_outbound(w: World, data_dir: Path) -> None:
    _only(w.livekit.state.outbound_trunks).address = "sip:x.pstn.twilio.com"  # type: ignore[attr-defined]


def drift_rule(w: World, data_dir: Path) -> None:
    rule = _only(w.livekit.state.dispatch_rules)
    del rule.room_config.agents[:]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("mutate", "kind", "action"),
    [
        (drift_trunk, Kind.TWILIO_TRUNK, Action.DRIFTED),
        (drift_origination, Kind.ORIGINATION_URL, Action.DRIFTED),
        (lose_password, Kind.CREDENTIAL, Action.DRIFTED),
        (detach_credentials, Kind.TRUNK_CREDENTIAL_LIST, Action.CREATE),
        (free_number, Kind.PHONE_NUMBER, Action.CREATE),
        (drift_inbound, Kind.LIVEKIT_INBOUND_TRUNK, Action.DRIFTED),
        (drift_outbound, Kind.LIVEKIT_OUTBOUND_TRUNK, Action.DRIFTED),
        (drift_rule, Kind.DISPATCH_RULE, Action.DRIFTED),
    ],
)
async def test_drift_on_each_resource_is_found_and_fixed(
    world: World,
    tmp_path: Path,
    mutate: Callable[[World, Path], None],
    kind: Kind,
    action: Action,
) -> None:
    settings = world.settings(tmp_path)
    assert (await apply_for(settings)).ok
    mutate(world, tmp_path)
    plan = await plan_for(settings)
    found = {k: a for (k, _), a in actions(plan).items() if a is not Action.UNCHANGED}
    assert found[kind] is action
    report = await apply_for(settings)
    assert report.ok, report.error
    assert (await plan_for(settings)).in_sync


async def test_a_reset_password_reaches_twilio_and_livekit(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    first = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    lose_password(world, tmp_path)
    second = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    assert second != first
    assert list(world.twilio.state.passwords.values()) == [second]
    assert _only(world.livekit.state.outbound_trunks).auth_password == second  # type: ignore[attr-defined]


async def _seed_foreign(settings: Settings) -> None:
    """What a person following the old guide by hand would have made, plus unrelated things."""
    twilio = make_twilio_client(settings)
    twilio.trunking.v1.trunks.create(
        friendly_name="LiveKit Switchboard SIP Trunk", domain_name="handmade.pstn.twilio.com"
    )
    twilio.trunking.v1.trunks.create(friendly_name="fax", domain_name="fax.pstn.twilio.com")
    secret = settings.livekit_api_secret.get_secret_value()  # type: ignore[union-attr]
    lk = LiveKitAPI(settings.livekit_url, settings.livekit_api_key, secret)
    try:
        mine = SIPInboundTrunkInfo(name="Twilio Inbound", numbers=[NUMBER])
        await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=mine))
        other = SIPInboundTrunkInfo(name="other office", numbers=[OTHER_NUMBER])
        made = await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=other))
        rule = SIPDispatchRuleInfo(
            name="other office rule",
            trunk_ids=[made.sip_trunk_id],
            rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="front")),
        )
        await lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=rule))
        catch_all = SIPDispatchRuleInfo(
            name="catch-all",
            rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="lobby")),
        )
        await lk.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=catch_all))
    finally:
        await lk.aclose()


def _snapshot(world: World) -> tuple[object, ...]:
    tw, lk = world.twilio.state, world.livekit.state
    unrelated = [t for t in tw.trunks.values() if t["friendly_name"] == "fax"]
    others = [t for t in lk.inbound_trunks.values() if t.name == "other office"]
    rules = [r for r in lk.dispatch_rules.values() if r.name in ("other office rule", "catch-all")]
    assert len(rules) == 2
    return (
        json.dumps(unrelated, sort_keys=True),
        [t.SerializeToString() for t in others],
        [r.SerializeToString() for r in rules],
    )


async def test_foreign_matches_are_blocked_and_nothing_changes(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path, twilio_sip_trunk_id=None)
    await _seed_foreign(settings)
    tk = next(
        t["sid"]
        for t in world.twilio.state.trunks.values()
        if t["domain_name"] == "handmade.pstn.twilio.com"
    )
    settings = world.settings(tmp_path, twilio_sip_trunk_id=tk)
    before = (
        json.dumps(world.twilio.state.trunks, sort_keys=True, default=str),
        {k: v.SerializeToString() for k, v in world.livekit.state.inbound_trunks.items()},
    )
    plan = await plan_for(settings)
    blocked = {k for (k, _), a in actions(plan).items() if a is Action.BLOCKED}
    assert blocked == {Kind.TWILIO_TRUNK, Kind.LIVEKIT_INBOUND_TRUNK}
    assert all("--adopt" in s.reason for s in plan.blocked)
    with pytest.raises(PlanBlocked, match="--adopt"):
        await apply_for(settings)
    after = (
        json.dumps(world.twilio.state.trunks, sort_keys=True, default=str),
        {k: v.SerializeToString() for k, v in world.livekit.state.inbound_trunks.items()},
    )
    assert after == before
    assert len(world.livekit.state.dispatch_rules) == 2  # the unrelated rules only


async def test_adopt_takes_over_and_leaves_unrelated_resources_alone(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path)
    await _seed_foreign(settings)
    tk = next(
        t["sid"]
        for t in world.twilio.state.trunks.values()
        if t["domain_name"] == "handmade.pstn.twilio.com"
    )
    settings = world.settings(tmp_path, twilio_sip_trunk_id=tk)
    unrelated = _snapshot(world)

    plan = await plan_for(settings, adopt=True)
    adopted = {k for (k, _), a in actions(plan).items() if a is Action.UPDATE}
    assert adopted == {Kind.TWILIO_TRUNK, Kind.LIVEKIT_INBOUND_TRUNK}
    report = await apply_for(settings, adopt=True)
    assert report.ok, report.error

    trunk = world.twilio.state.trunks[tk]
    assert trunk["friendly_name"] == "switchboard-trunk"  # renamed: now ours
    assert len(world.twilio.state.trunks) == 2  # the hand-made one was reused, not duplicated
    inbound = [t for t in world.livekit.state.inbound_trunks.values() if NUMBER in t.numbers]
    assert len(inbound) == 1
    assert json.loads(inbound[0].metadata) == {"managed_by": "switchboard"}
    assert _snapshot(world) == unrelated
    plan = await plan_for(settings)
    assert plan.in_sync, pending(plan)


async def test_a_number_on_another_trunk_is_blocked(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    twilio = make_twilio_client(settings)
    other = twilio.trunking.v1.trunks.create(friendly_name="pbx", domain_name="pbx.pstn.twilio.com")
    pn = world.twilio.state.number_by_phone(NUMBER)
    twilio.trunking.v1.trunks(other.sid).phone_numbers.create(phone_number_sid=pn["sid"])  # type: ignore[index]
    plan = await plan_for(settings)
    assert actions(plan)[(Kind.PHONE_NUMBER, NUMBER)] is Action.BLOCKED
    report = await apply_for(settings, adopt=True)
    assert report.ok, report.error
    ours = next(
        t["sid"]
        for t in world.twilio.state.trunks.values()
        if t["friendly_name"] == "switchboard-trunk"
    )
    assert world.twilio.state.number_by_phone(NUMBER)["trunk_sid"] == ours  # type: ignore[index]


async def test_a_number_not_on_the_account_blocks_even_with_adopt(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path, twilio_phone_number="+15125550177")
    plan = await plan_for(settings, adopt=True)
    (step,) = plan.blocked
    assert step.desired.kind is Kind.PHONE_NUMBER
    assert "not a phone number on this Twilio account" in step.reason
