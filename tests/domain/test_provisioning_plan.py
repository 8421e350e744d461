"""The desired set-up and the plan that reconciles it with what is live (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from switchboard.domain.provisioning import ALL, Action, Desired, Kind, Live, Value, ref, resolve
from switchboard.domain.provisioning.desired import (
    ProvisioningConfigError,
    SetupInputs,
    SetupOptions,
    desired_state,
    origination_url,
    sip_host,
)
from switchboard.domain.provisioning.plan import find_match, plan
from switchboard.domain.provisioning.sources import parse_signalling_ranges

NUMBER = "+15125550100"
RANGES = parse_signalling_ranges(
    {
        "source": "https://www.twilio.com/docs/sip-trunking/ip-addresses",
        "checked": "2026-12-07",
        "edges": {
            "ashburn": {"signalling": ["54.172.60.0/30"]},
            "dublin": {"signalling": ["54.171.127.192/30"]},
        },
    }
)
INPUTS = SetupInputs(
    account_sid="AC" + "0" * 24 + "abcdef12",
    phone_number=NUMBER,
    livekit_sip_uri="sip:abc123.sip.livekit.cloud",
    agent_name="switchboard",
    merge_strategy="move",
    signalling=RANGES,
)


def by_kind(desired: tuple[Desired, ...], kind: Kind) -> Desired:
    return next(d for d in desired if d.kind is kind)


def live_copy(d: Desired, ident: str, **changes: Value) -> Live:
    """A live resource exactly as desired (references replaced by fake ids)."""
    ids = {ref(k): f"id-{k.value}" for k in Kind}
    fields = {k: resolve(v, ids) for k, v in d.fields.items()}
    return Live(d.kind, ident, d.name, {**fields, **changes})


def everything_live(desired: tuple[Desired, ...]) -> list[Live]:
    return [live_copy(d, f"id-{d.kind.value}") for d in desired]


def test_defaults_follow_the_field_notes() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    trunk = by_kind(desired, Kind.TWILIO_TRUNK)
    assert trunk.fields["domain_name"] == "switchboard-abcdef12.pstn.twilio.com"
    assert trunk.fields["transfer_mode"] == "disable-all"
    assert trunk.fields["disaster_recovery_url"] is None
    assert by_kind(desired, Kind.ORIGINATION_URL).fields["sip_url"] == (
        "sip:abc123.sip.livekit.cloud;transport=tcp"
    )
    outbound = by_kind(desired, Kind.LIVEKIT_OUTBOUND_TRUNK)
    assert outbound.fields["address"] == trunk.fields["domain_name"]  # bare host, no sip:
    assert outbound.fields["numbers"] == (NUMBER,)
    inbound = by_kind(desired, Kind.LIVEKIT_INBOUND_TRUNK)
    assert inbound.fields["numbers"] == (NUMBER,)
    # Every edge by default: Twilio may fail a call over to any of them.
    assert inbound.fields["allowed_addresses"] == ("54.172.60.0/30", "54.171.127.192/30")
    rule = by_kind(desired, Kind.DISPATCH_RULE)
    assert rule.fields["agents"] == ("switchboard",)
    assert rule.fields["rule"] == "individual"
    assert rule.fields["room_prefix"] == "call-"
    assert [d.kind for d in desired] == sorted((d.kind for d in desired), key=list(Kind).index)


def test_refer_tls_webhook_and_fallback_change_the_desired_state() -> None:
    inputs = replace(INPUTS, merge_strategy="refer", webhook_base_url="https://x.example")
    options = SetupOptions(tls=True, fallback_uris=("abc123.us-east.sip.livekit.cloud",))
    desired = desired_state(inputs, options)
    trunk = by_kind(desired, Kind.TWILIO_TRUNK)
    assert trunk.fields["transfer_mode"] == "enable-all"
    assert trunk.fields["secure"] is True
    assert trunk.fields["disaster_recovery_url"] == "https://x.example/twilio/voice-fallback"
    urls = [d for d in desired if d.kind is Kind.ORIGINATION_URL]
    assert [(u.fields["sip_url"], u.fields["priority"]) for u in urls] == [
        ("sip:abc123.sip.livekit.cloud;transport=tls", 1),
        ("sip:abc123.us-east.sip.livekit.cloud;transport=tls", 2),
    ]
    assert by_kind(desired, Kind.LIVEKIT_OUTBOUND_TRUNK).fields["transport"] == "tls"


@pytest.mark.parametrize(
    ("uri", "host"),
    [
        ("sip:abc.sip.livekit.cloud", "abc.sip.livekit.cloud"),
        ("sips:abc.sip.livekit.cloud:5061;transport=tls", "abc.sip.livekit.cloud"),
        ("abc.sip.livekit.cloud", "abc.sip.livekit.cloud"),
    ],
)
def test_sip_host_strips_scheme_port_and_params(uri: str, host: str) -> None:
    assert sip_host(uri) == host
    assert origination_url(uri, tls=False) == f"sip:{host};transport=tcp"


@pytest.mark.parametrize("bad", ["", "sip:", "sip:user@host", "http://x y"])
def test_sip_host_rejects_garbage(bad: str) -> None:
    with pytest.raises(ProvisioningConfigError):
        sip_host(bad)


def test_nothing_live_means_create_everything() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    result = plan(desired, [])
    assert {s.action for s in result.steps} == {Action.CREATE}
    assert not result.in_sync


def test_everything_as_desired_is_in_sync() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    result = plan(desired, everything_live(desired))
    assert result.in_sync, [(s.desired.kind, s.differences) for s in result.steps if s.pending]


def test_drift_on_each_resource_is_detected() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    for target in desired:
        field = next(iter(target.fields), None)
        if field is None:
            continue  # credential lists have nothing but their name
        live = everything_live(desired)
        index = desired.index(target)
        live[index] = replace(live[index], fields={**live[index].fields, field: "changed"})
        step = plan(desired, live).steps[index]
        assert step.action is Action.DRIFTED, target.kind
        assert step.differences[0].field == field


def test_a_missing_parent_id_makes_children_differ() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    live = [x for x in everything_live(desired) if x.kind is not Kind.LIVEKIT_INBOUND_TRUNK]
    steps = {s.desired.kind: s for s in plan(desired, live).steps}
    assert steps[Kind.LIVEKIT_INBOUND_TRUNK].action is Action.CREATE
    assert steps[Kind.DISPATCH_RULE].action is Action.DRIFTED  # points at a trunk that is gone


def test_a_foreign_resource_is_blocked_unless_adopted() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    inbound = by_kind(desired, Kind.LIVEKIT_INBOUND_TRUNK)
    theirs = Live(inbound.kind, "ST_theirs", "Twilio Inbound", {"numbers": (NUMBER,)}, False)
    step = next(s for s in plan(desired, [theirs]).steps if s.desired is inbound)
    assert step.action is Action.BLOCKED
    assert "--adopt" in step.reason
    adopted = next(s for s in plan(desired, [theirs], adopt=True).steps if s.desired is inbound)
    assert adopted.action is Action.UPDATE
    assert adopted.live == theirs


def test_unrelated_resources_are_ignored() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    other = Live(Kind.LIVEKIT_INBOUND_TRUNK, "ST_x", "other", {"numbers": ("+15125550999",)}, False)
    steps = plan(desired, [other]).steps
    assert all(s.live is None for s in steps)


def test_a_catch_all_rule_is_left_alone() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    rule = by_kind(desired, Kind.DISPATCH_RULE)
    catch_all = Live(Kind.DISPATCH_RULE, "SDR_x", "legacy", {"trunk_ids": (ALL,)}, False)
    assert find_match(rule, [catch_all], {"@livekit.inbound_trunk": "ST_1"}) is None


def test_a_blocked_observation_stays_blocked_even_with_adopt() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    missing = Live(Kind.PHONE_NUMBER, "", NUMBER, blocked="not on this account")
    step = next(s for s in plan(desired, [missing], adopt=True).steps if s.live == missing)
    assert step.action is Action.BLOCKED
    assert step.reason == "not on this account"


def test_known_trunk_sid_matches_a_differently_named_trunk() -> None:
    inputs = replace(INPUTS, trunk_sid="TK" + "1" * 32)
    desired = desired_state(inputs, SetupOptions())
    trunk = Live(Kind.TWILIO_TRUNK, "TK" + "1" * 32, "LiveKit Switchboard SIP Trunk", {})
    assert find_match(by_kind(desired, Kind.TWILIO_TRUNK), [trunk]) == trunk


def test_a_new_credential_forces_the_outbound_trunk_to_learn_it() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    live = [x for x in everything_live(desired) if x.kind is not Kind.CREDENTIAL]
    steps = {s.desired.kind: s for s in plan(desired, live).steps}
    assert steps[Kind.CREDENTIAL].action is Action.CREATE
    assert steps[Kind.LIVEKIT_OUTBOUND_TRUNK].action is Action.DRIFTED
    assert steps[Kind.LIVEKIT_OUTBOUND_TRUNK].differences[-1].field == "auth_password"


def test_list_fields_compare_as_sets() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    live = everything_live(desired)
    index = next(i for i, d in enumerate(desired) if d.kind is Kind.LIVEKIT_INBOUND_TRUNK)
    live[index] = replace(live[index], fields={"numbers": (NUMBER, "+15125550111")})
    assert plan(desired, live).steps[index].action is Action.DRIFTED


def test_live_setup_turns_ids_back_into_references() -> None:
    from switchboard.domain.provisioning.plan import live_setup

    desired = desired_state(INPUTS, SetupOptions())
    live = everything_live(desired)
    # On Twilio an attached credential list has the list's own SID: the parent must win.
    index = next(i for i, d in enumerate(desired) if d.kind is Kind.TRUNK_CREDENTIAL_LIST)
    live[index] = replace(live[index], id="id-twilio.credential_list")
    setup = live_setup(plan(desired, live))
    assert [d.fields for d in setup] == [d.fields for d in desired]


def test_live_setup_keeps_drifted_values_and_skips_what_is_not_ours() -> None:
    from switchboard.domain.provisioning.plan import live_setup

    desired = desired_state(INPUTS, SetupOptions())
    live = everything_live(desired)
    live[0] = replace(live[0], fields={**live[0].fields, "secure": True})
    rule = next(i for i, x in enumerate(live) if x.kind is Kind.DISPATCH_RULE)
    live[rule] = replace(live[rule], managed=False)
    setup = live_setup(plan(desired, live))
    assert setup[0].fields["secure"] is True
    assert Kind.DISPATCH_RULE not in {d.kind for d in setup}


def test_a_foreign_rule_for_our_inbound_trunk_is_the_same_thing() -> None:
    desired = desired_state(INPUTS, SetupOptions())
    live = [x for x in everything_live(desired) if x.kind is not Kind.DISPATCH_RULE]
    inbound_id = "id-livekit.inbound_trunk"
    theirs = Live(Kind.DISPATCH_RULE, "SDR_theirs", "by hand", {"trunk_ids": (inbound_id,)}, False)
    steps = plan(desired, [*live, theirs]).steps
    (step,) = [s for s in steps if s.desired.kind is Kind.DISPATCH_RULE]
    assert step.action is Action.BLOCKED
    assert step.live == theirs


def test_the_number_is_attached_last_after_the_livekit_side() -> None:
    desired = desired_state(INPUTS, SetupOptions(fallback_uris=("abc123.eu.sip.livekit.cloud",)))
    kinds = [d.kind for d in desired]
    assert kinds[-1] is Kind.PHONE_NUMBER
    assert kinds.index(Kind.DISPATCH_RULE) < kinds.index(Kind.PHONE_NUMBER)
    assert kinds.index(Kind.LIVEKIT_INBOUND_TRUNK) < kinds.index(Kind.PHONE_NUMBER)


def test_a_plan_puts_steps_in_apply_order_whatever_order_it_is_given() -> None:
    # e.g. a backup written when the number came before the LiveKit side
    desired = desired_state(INPUTS, SetupOptions())
    number = by_kind(desired, Kind.PHONE_NUMBER)
    old_order = (*desired[:5], number, *(d for d in desired[5:] if d is not number))
    steps = plan(old_order, []).steps
    assert [s.desired for s in steps] == list(desired)
    assert steps[-1].desired.kind is Kind.PHONE_NUMBER


SMS_NUMBER = "+15125550199"


def test_with_a_webhook_base_url_both_numbers_get_switchboards_sms_webhooks() -> None:
    inputs = replace(INPUTS, webhook_base_url="https://rx.example", sms_number=SMS_NUMBER)
    desired = desired_state(inputs, SetupOptions())
    sms = [d for d in desired if d.kind is Kind.SMS_WEBHOOK]
    assert [d.name for d in sms] == [NUMBER, SMS_NUMBER]
    assert dict(sms[0].fields) == {
        "sms_url": "https://rx.example/twilio/sms",
        "sms_method": "POST",
        "sms_fallback_url": "https://rx.example/twilio/sms-fallback",
        "sms_fallback_method": "POST",
    }
    kinds = [d.kind for d in desired]
    assert kinds.index(Kind.DISPATCH_RULE) < kinds.index(Kind.SMS_WEBHOOK)
    assert kinds[-1] is Kind.PHONE_NUMBER
    # the same number twice is one webhook; no base URL, no SMS settings at all
    same = replace(INPUTS, webhook_base_url="https://rx.example", sms_number=NUMBER)
    assert [d.name for d in desired_state(same, SetupOptions()) if d.kind is Kind.SMS_WEBHOOK] == [
        NUMBER
    ]
    assert Kind.SMS_WEBHOOK not in {d.kind for d in desired_state(INPUTS, SetupOptions())}


def _sms_live(sms_url: str | None, **fields: Value) -> Live:
    values: dict[str, Value] = {
        "sms_url": sms_url,
        "sms_method": "POST",
        "sms_fallback_url": None,
        "sms_fallback_method": "POST",
        "sms_application_sid": None,
        **fields,
    }
    ours = bool(sms_url) and str(sms_url).endswith("/twilio/sms")
    return Live(Kind.SMS_WEBHOOK, "PN1", NUMBER, values, managed=ours)


def test_the_sms_webhook_replaces_someone_elses_url_without_adopt_and_shows_it() -> None:
    inputs = replace(INPUTS, webhook_base_url="https://rx.example")
    desired = [d for d in desired_state(inputs, SetupOptions()) if d.kind is Kind.SMS_WEBHOOK]
    demo = "https://demo.twilio.com/welcome/sms/reply"
    (step,) = plan(desired, [_sms_live(demo)]).steps
    assert step.action is Action.UPDATE
    assert ("sms_url", demo, "https://rx.example/twilio/sms") in {
        (d.field, d.live, d.desired) for d in step.differences
    }
    (ours,) = plan(desired, [_sms_live("https://old.example/twilio/sms")]).steps
    assert ours.action is Action.DRIFTED  # ours, another base URL: put back
    fixed = _sms_live(
        "https://rx.example/twilio/sms", sms_fallback_url="https://rx.example/twilio/sms-fallback"
    )
    assert plan(desired, [fixed]).in_sync


def test_the_plan_notes_what_attaching_the_number_and_an_sms_application_override() -> None:
    inputs = replace(INPUTS, webhook_base_url="https://rx.example")
    desired = desired_state(inputs, SetupOptions())
    number = Live(
        Kind.PHONE_NUMBER,
        "PN1",
        NUMBER,
        {
            "trunk_sid": None,
            "voice_url": "https://old.example/voice",
            "voice_application_sid": "AP" + "1" * 32,
        },
    )
    sms = _sms_live("https://old.example/sms", sms_application_sid="AP" + "2" * 32)
    steps = {s.desired.kind: s for s in plan(desired, [number, sms]).steps}
    attach = steps[Kind.PHONE_NUMBER]
    assert attach.action is Action.CREATE  # a free number
    assert any("AP" + "1" * 32 in n and "deletes" in n for n in attach.notes)
    assert any("https://old.example/voice" in n for n in attach.notes)
    assert any("AP" + "2" * 32 in n and "overrides" in n for n in steps[Kind.SMS_WEBHOOK].notes)
    # Already on our trunk: nothing changes, nothing to say (its old voice URL was ignored before).
    live = [x for x in everything_live(desired) if x.kind is not Kind.PHONE_NUMBER]
    on_trunk = replace(number, fields={**number.fields, "trunk_sid": "id-twilio.trunk"})
    quiet = {s.desired.kind: s for s in plan(desired, [*live, on_trunk]).steps}[Kind.PHONE_NUMBER]
    assert (quiet.action, quiet.notes) == (Action.UNCHANGED, ())
