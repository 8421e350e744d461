"""`setup apply` against the Twilio and LiveKit fakes, through the real clients."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from livekit.protocol.sip import SIP_MEDIA_ENCRYPT_REQUIRE, SIP_TRANSPORT_TLS
from tests.services.provisioning_world import (
    NUMBER,
    World,
    actions,
    apply_for,
    pending,
    plan_for,
    running_world,
)

from switchboard.domain.provisioning import Action, Kind
from switchboard.domain.provisioning.desired import SetupOptions
from switchboard.fakes.twilio.resources import sms_target, voice_target


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World) -> World:
    module_world.reset()
    return module_world


async def test_empty_accounts_get_the_whole_setup(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    plan = await plan_for(settings)
    assert set(actions(plan).values()) == {Action.CREATE}

    report = await apply_for(settings)
    assert report.ok, report.error
    assert len(report.applied) == len(plan.steps)

    tw, lk = world.twilio.state, world.livekit.state
    (trunk,) = tw.trunks.values()
    assert trunk["friendly_name"] == "switchboard-trunk"
    assert trunk["domain_name"].endswith(".pstn.twilio.com")
    (urls,) = tw.origination_urls.values()
    (url,) = urls.values()
    assert url["sip_url"] == "sip:abc123.sip.livekit.cloud;transport=tcp"
    assert (url["priority"], url["weight"], url["enabled"]) == (1, 1, True)
    assert tw.number_by_phone(NUMBER)["trunk_sid"] == trunk["sid"]  # type: ignore[index]
    (attached,) = tw.trunk_credential_lists[trunk["sid"]].values()
    (cl,) = tw.credential_lists.values()
    assert attached["sid"] == cl["sid"]

    (inbound,) = lk.inbound_trunks.values()
    assert list(inbound.numbers) == [NUMBER]
    assert json.loads(inbound.metadata) == {"managed_by": "switchboard"}
    (outbound,) = lk.outbound_trunks.values()
    assert outbound.address == trunk["domain_name"]
    assert outbound.auth_username == "switchboard-livekit"
    (rule,) = lk.dispatch_rules.values()
    assert list(rule.trunk_ids) == [inbound.sip_trunk_id]
    assert rule.rule.dispatch_rule_individual.room_prefix == "call-"
    assert [a.agent_name for a in rule.room_config.agents] == ["switchboard"]


async def test_the_password_is_strong_stored_0600_and_matches_both_sides(
    world: World, tmp_path: Path
) -> None:
    report = await apply_for(world.settings(tmp_path))
    password = report.new_secrets["switchboard-livekit"]
    assert len(password) >= 12
    assert any(c.isdigit() for c in password)
    assert password.lower() != password != password.upper()
    secret = tmp_path / "secrets" / "sip-credential-switchboard-livekit"
    assert secret.read_text() == password
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert password in world.twilio.state.passwords.values()
    (outbound,) = world.livekit.state.outbound_trunks.values()
    assert outbound.auth_password == password
    assert password not in repr(report)


async def test_second_apply_changes_nothing(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    requests_before = len(world.livekit.state.requests)
    plan = await plan_for(settings)
    assert plan.in_sync, pending(plan)
    report = await apply_for(settings)
    assert report.applied == []
    writes = [r for r in world.livekit.state.requests[requests_before:] if "List" not in r.method]
    assert writes == []


async def test_partial_state_creates_only_the_missing_parts(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    lk = world.livekit.state
    rule_id = next(iter(lk.dispatch_rules))
    del lk.dispatch_rules[rule_id]
    trunk_sid = next(iter(world.twilio.state.trunks))
    world.twilio.state.origination_urls[trunk_sid].clear()

    plan = await plan_for(settings)
    assert pending(plan) == [
        ("twilio.origination_url", "switchboard-livekit-1", "create"),
        ("livekit.dispatch_rule", "switchboard-dispatch", "create"),
    ]
    report = await apply_for(settings)
    assert [s.desired.kind for s in report.applied] == [Kind.ORIGINATION_URL, Kind.DISPATCH_RULE]
    assert (await plan_for(settings)).in_sync


async def test_options_change_the_live_setup(world: World, tmp_path: Path) -> None:
    settings = world.settings(
        tmp_path, transfer_merge_strategy="refer", webhook_base_url="https://rx.example"
    )
    options = SetupOptions(prefix="acme", tls=True, fallback_uris=("abc123.eu.sip.livekit.cloud",))
    report = await apply_for(settings, options)
    assert report.ok, report.error
    (trunk,) = world.twilio.state.trunks.values()
    assert trunk["friendly_name"] == "acme-trunk"
    assert trunk["transfer_mode"] == "enable-all"
    assert trunk["secure"] is True
    assert trunk["disaster_recovery_url"] == "https://rx.example/twilio/voice-fallback"
    urls = sorted(
        world.twilio.state.origination_urls[trunk["sid"]].values(), key=lambda u: u["priority"]
    )
    assert [u["sip_url"] for u in urls] == [
        "sip:abc123.sip.livekit.cloud;transport=tls",
        "sip:abc123.eu.sip.livekit.cloud;transport=tls",
    ]
    (inbound,) = world.livekit.state.inbound_trunks.values()
    (outbound,) = world.livekit.state.outbound_trunks.values()
    assert inbound.media_encryption == outbound.media_encryption == SIP_MEDIA_ENCRYPT_REQUIRE
    assert outbound.transport == SIP_TRANSPORT_TLS
    assert (await plan_for(settings, options)).in_sync


async def test_removing_the_webhook_clears_the_fallback_url(world: World, tmp_path: Path) -> None:
    await apply_for(world.settings(tmp_path, webhook_base_url="https://rx.example"))
    settings = world.settings(tmp_path)
    plan = await plan_for(settings)
    assert pending(plan) == [("twilio.trunk", "switchboard-trunk", "drifted")]
    assert (await apply_for(settings)).ok
    (trunk,) = world.twilio.state.trunks.values()
    assert not trunk["disaster_recovery_url"]
    assert (await plan_for(settings)).in_sync


async def test_the_number_is_matched_exactly_not_by_twilios_partial_filter(
    world: World, tmp_path: Path
) -> None:
    # Twilio's PhoneNumber filter also returns numbers that merely contain ours; list one first.
    tw = world.twilio.state
    tw.numbers.clear()
    decoy = tw.add_number(NUMBER + "9")
    ours = tw.add_number(NUMBER)
    report = await apply_for(world.settings(tmp_path))
    assert report.ok, report.error
    (trunk,) = tw.trunks.values()
    assert (ours["trunk_sid"], decoy["trunk_sid"]) == (trunk["sid"], None)


async def test_only_a_partial_match_means_the_number_is_not_on_the_account(
    world: World, tmp_path: Path
) -> None:
    tw = world.twilio.state
    tw.numbers.clear()
    decoy = tw.add_number(NUMBER + "9")
    plan = await plan_for(world.settings(tmp_path))
    (step,) = [s for s in plan.steps if s.desired.kind is Kind.PHONE_NUMBER]
    assert step.action is Action.BLOCKED
    assert f"{NUMBER} is not a phone number on this Twilio account" in step.reason
    assert decoy["trunk_sid"] is None


SMS_NUMBER = "+15125550199"
DEMO_SMS = "https://demo.twilio.com/welcome/sms/reply"


async def test_apply_points_both_numbers_texts_at_switchboard(world: World, tmp_path: Path) -> None:
    tw = world.twilio.state
    phone = tw.number_by_phone(NUMBER)
    assert phone is not None
    phone["sms_url"] = DEMO_SMS
    sms_only = tw.add_number(SMS_NUMBER)
    settings = world.settings(
        tmp_path, webhook_base_url="https://rx.example", twilio_sms_number=SMS_NUMBER
    )
    plan = await plan_for(settings)
    sms_steps = [s for s in plan.steps if s.desired.kind is Kind.SMS_WEBHOOK]
    assert [(s.desired.name, s.action) for s in sms_steps] == [
        (NUMBER, Action.UPDATE),
        (SMS_NUMBER, Action.UPDATE),
    ]
    assert ("sms_url", DEMO_SMS) in {(d.field, d.live) for d in sms_steps[0].differences}

    report = await apply_for(settings)
    assert report.ok, report.error
    for number in (phone, sms_only):
        assert sms_target(number) == ("url", "https://rx.example/twilio/sms")
        assert number["sms_fallback_url"] == "https://rx.example/twilio/sms-fallback"
        assert (number["sms_method"], number["sms_fallback_method"]) == ("POST", "POST")
    assert sms_only["trunk_sid"] is None  # only the phone number joins the trunk
    assert (await plan_for(settings)).in_sync

    # A new public URL: the webhooks are ours, so they are drifted and put right.
    moved = world.settings(
        tmp_path, webhook_base_url="https://rx2.example", twilio_sms_number=SMS_NUMBER
    )
    assert {a for (k, _), a in actions(await plan_for(moved)).items() if k is Kind.SMS_WEBHOOK} == {
        Action.DRIFTED
    }
    assert (await apply_for(moved)).ok
    assert sms_target(sms_only) == ("url", "https://rx2.example/twilio/sms")


async def test_without_a_webhook_base_url_texts_are_left_alone(
    world: World, tmp_path: Path
) -> None:
    phone = world.twilio.state.number_by_phone(NUMBER)
    assert phone is not None
    phone["sms_url"] = DEMO_SMS
    report = await apply_for(world.settings(tmp_path))
    assert report.ok, report.error
    assert Kind.SMS_WEBHOOK not in {s.desired.kind for s in report.applied}
    assert sms_target(phone) == ("url", DEMO_SMS)


async def test_an_sms_number_not_on_the_account_blocks_the_plan(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(
        tmp_path, webhook_base_url="https://rx.example", twilio_sms_number=SMS_NUMBER
    )
    plan = await plan_for(settings)
    (step,) = [s for s in plan.steps if s.desired.name == SMS_NUMBER]
    assert step.action is Action.BLOCKED
    assert "not a phone number on this Twilio account" in step.reason


async def test_the_plan_shows_the_voice_routing_and_sms_application_it_overrides(
    world: World, tmp_path: Path
) -> None:
    voice_app, sms_app = "AP" + "1" * 32, "AP" + "2" * 32
    phone = world.twilio.state.number_by_phone(NUMBER)
    assert phone is not None
    phone.update(
        voice_url="https://old.example/voice",
        voice_application_sid=voice_app,
        sms_application_sid=sms_app,
    )
    settings = world.settings(tmp_path, webhook_base_url="https://rx.example")
    steps = {s.desired.kind: s for s in (await plan_for(settings)).steps}
    notes = " ".join(steps[Kind.PHONE_NUMBER].notes)
    assert voice_app in notes
    assert "https://old.example/voice" in notes
    assert sms_app in " ".join(steps[Kind.SMS_WEBHOOK].notes)

    assert (await apply_for(settings)).ok
    (trunk,) = world.twilio.state.trunks.values()
    assert voice_target(phone) == ("trunk", trunk["sid"])  # Twilio deleted the voice app
    # setup does not remove an SMS application (it may be the A2P Messaging Service)
    assert sms_target(phone) == ("application", sms_app)
