"""Trunking v1, SIP credential lists and phone numbers through the real twilio client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from switchboard.adapters.twilio import make_twilio_client
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.fakes.twilio.resources import sms_target, voice_target

DOMAIN = "switchboard-test.pstn.twilio.com"
LIVEKIT = "sip:abc.sip.livekit.cloud;transport=tcp"
GOOD_PASSWORD = "IWasAtSignal2018"


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as fake:
        yield fake


@pytest.fixture
def fake(shared_fake: RunningTwilioFake) -> RunningTwilioFake:
    shared_fake.state.reset()
    return shared_fake


@pytest.fixture
def client(fake: RunningTwilioFake) -> Client:
    return make_twilio_client(fake.settings())


def _origination(client: Client, trunk_sid: str, **overrides: object) -> Any:
    args: dict[str, object] = {
        "weight": 1,
        "priority": 1,
        "enabled": True,
        "friendly_name": "LiveKit",
        "sip_url": LIVEKIT,
    }
    return client.trunking.v1.trunks(trunk_sid).origination_urls.create(**{**args, **overrides})


def test_trunk_lifecycle(client: Client, fake: RunningTwilioFake) -> None:
    trunk = client.trunking.v1.trunks.create(
        friendly_name="Switchboard",
        domain_name=DOMAIN,
        transfer_mode="enable-all",
        secure=True,
        disaster_recovery_url="https://example.com/twilio/voice",
    )
    assert trunk.sid.startswith("TK")
    assert (trunk.domain_name, trunk.transfer_mode, trunk.secure) == (DOMAIN, "enable-all", True)
    assert trunk.url == f"https://trunking.twilio.com/v1/Trunks/{trunk.sid}"
    assert trunk.date_created is not None  # ISO 8601 parsed by the client
    updated = client.trunking.v1.trunks(trunk.sid).update(transfer_mode="sip-only", secure=False)
    assert (updated.transfer_mode, updated.secure) == ("sip-only", False)
    assert client.trunking.v1.trunks(trunk.sid).fetch().transfer_mode == "sip-only"
    assert client.trunking.v1.trunks(trunk.sid).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        client.trunking.v1.trunks(trunk.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_trunk_list_pages_with_meta(client: Client) -> None:
    sids = {client.trunking.v1.trunks.create(friendly_name=f"t{i}").sid for i in range(3)}
    assert {t.sid for t in client.trunking.v1.trunks.list(page_size=2)} == sids
    page = client.trunking.v1.trunks.page(page_size=2)
    assert page.next_page_url is not None
    assert page.next_page().next_page_url is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"domain_name": "switchboard.example.com"}, 21245),
        ({"transfer_mode": "sometimes"}, 20001),
    ],
)
def test_trunk_validation(client: Client, kwargs: dict[str, str], code: int) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.trunking.v1.trunks.create(**kwargs)
    assert (caught.value.status, caught.value.code) == (400, code)


def test_trunk_domain_must_be_unique(client: Client) -> None:
    first = client.trunking.v1.trunks.create(domain_name=DOMAIN)
    with pytest.raises(TwilioRestException) as caught:
        client.trunking.v1.trunks.create(domain_name=DOMAIN)
    assert caught.value.code == 21248
    assert client.trunking.v1.trunks(first.sid).update(domain_name=DOMAIN).domain_name == DOMAIN


def test_origination_url_lifecycle(client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    created = _origination(client, trunk.sid)
    assert created.sid.startswith("OU")
    assert (created.weight, created.priority, created.enabled, created.sip_url) == (
        1,
        1,
        True,
        LIVEKIT,
    )
    origination = client.trunking.v1.trunks(trunk.sid).origination_urls
    assert [u.sid for u in origination.list()] == [created.sid]
    assert origination(created.sid).update(weight=10, enabled=False).weight == 10
    assert origination(created.sid).fetch().enabled is False
    origination(created.sid).delete()
    assert origination.list() == []


def test_origination_url_requires_all_five_fields(fake: RunningTwilioFake, client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    url = f"{fake.base_url}/trunking/v1/Trunks/{trunk.sid}/OriginationUrls"
    auth = (fake.account_sid, fake.auth_token)
    form = {"Weight": "1", "Priority": "1", "Enabled": "true", "FriendlyName": "x"}
    answer = requests.post(url, data=form, auth=auth, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["code"] == 20001
    assert "SipUrl" in answer.json()["message"]


def test_origination_url_rejects_non_sip_url(client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    with pytest.raises(TwilioRestException) as caught:
        _origination(client, trunk.sid, sip_url="https://not-sip.example.com")
    assert caught.value.status == 400


def test_credential_lists_and_credentials(client: Client) -> None:
    created = client.sip.credential_lists.create(friendly_name="livekit")
    assert created.sid.startswith("CL")
    credentials = client.sip.credential_lists(created.sid).credentials
    credential = credentials.create(username="switchboard", password=GOOD_PASSWORD)
    assert (credential.sid[:2], credential.username) == ("CR", "switchboard")
    assert [c.username for c in credentials.list()] == ["switchboard"]
    credentials(credential.sid).delete()
    assert credentials.list() == []
    assert [c.friendly_name for c in client.sip.credential_lists.list()] == ["livekit"]
    client.sip.credential_lists(created.sid).delete()
    assert client.sip.credential_lists.list() == []


@pytest.mark.parametrize(
    "password", ["Short1A", "nodigitsHereAtAll", "alllower12345", "ALLUPPER12345"]
)
def test_weak_sip_password_is_refused(client: Client, password: str) -> None:
    created = client.sip.credential_lists.create(friendly_name="livekit")
    with pytest.raises(TwilioRestException) as caught:
        client.sip.credential_lists(created.sid).credentials.create(username="u", password=password)
    assert (caught.value.status, caught.value.code) == (400, 21622)


def test_trunk_credential_lists_attach_and_detach(client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    credential_list = client.sip.credential_lists.create(friendly_name="livekit")
    attached = client.trunking.v1.trunks(trunk.sid).credentials_lists
    link = attached.create(credential_list_sid=credential_list.sid)
    assert (link.sid, link.friendly_name, link.trunk_sid) == (
        credential_list.sid,
        "livekit",
        trunk.sid,
    )
    assert [c.sid for c in attached.list()] == [credential_list.sid]
    attached(credential_list.sid).delete()
    assert attached.list() == []
    with pytest.raises(TwilioRestException):
        attached.create(credential_list_sid="CL" + "0" * 32)


def test_phone_numbers_belong_to_one_trunk(client: Client, fake: RunningTwilioFake) -> None:
    number = client.incoming_phone_numbers.create(phone_number="+14155550100")
    assert client.incoming_phone_numbers.list(phone_number="+14155550100")[0].sid == number.sid
    first = client.trunking.v1.trunks.create(friendly_name="a")
    second = client.trunking.v1.trunks.create(friendly_name="b")
    linked = client.trunking.v1.trunks(first.sid).phone_numbers.create(phone_number_sid=number.sid)
    assert (linked.phone_number, linked.trunk_sid) == ("+14155550100", first.sid)
    assert client.incoming_phone_numbers(number.sid).fetch().trunk_sid == first.sid
    with pytest.raises(TwilioRestException) as caught:
        client.trunking.v1.trunks(second.sid).phone_numbers.create(phone_number_sid=number.sid)
    assert (caught.value.status, caught.value.code) == (400, 21222)
    client.trunking.v1.trunks(first.sid).phone_numbers(number.sid).delete()
    assert client.trunking.v1.trunks(first.sid).phone_numbers.list() == []
    assert client.incoming_phone_numbers(number.sid).fetch().trunk_sid is None


def test_deleting_a_trunk_frees_its_numbers(client: Client, fake: RunningTwilioFake) -> None:
    number = fake.state.add_number("+14155550100")
    trunk = client.trunking.v1.trunks.create(friendly_name="a")
    client.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=number["sid"])
    client.trunking.v1.trunks(trunk.sid).delete()
    assert client.incoming_phone_numbers(number["sid"]).fetch().trunk_sid is None


def test_ip_access_control_lists_list(client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="a")
    acls = client.trunking.v1.trunks(trunk.sid).ip_access_control_lists
    assert acls.list() == []
    acls.create(ip_access_control_list_sid="AL" + "a" * 32)
    assert [a.sid for a in acls.list()] == ["AL" + "a" * 32]


def test_incoming_numbers_update_and_validation(client: Client) -> None:
    number = client.incoming_phone_numbers.create(phone_number="+14155550100")
    updated = client.incoming_phone_numbers(number.sid).update(sms_url="https://example.com/sms")
    assert updated.sms_url == "https://example.com/sms"
    with pytest.raises(TwilioRestException) as caught:
        client.incoming_phone_numbers.create(phone_number="+14155550100")
    assert caught.value.status == 400
    with pytest.raises(TwilioRestException):
        client.incoming_phone_numbers.create(phone_number="555-0100")
    client.incoming_phone_numbers(number.sid).delete()
    assert client.incoming_phone_numbers.list() == []


def test_the_phone_number_filter_is_partial_with_wildcards(
    client: Client, fake: RunningTwilioFake
) -> None:
    # Real Twilio: "You can specify partial numbers and use '*' as a wildcard for any digit."
    for phone in ("+14155550100", "+14155550101", "+13125550100"):
        fake.state.add_number(phone)

    def listed(pattern: str) -> set[str]:
        return {n.phone_number for n in client.incoming_phone_numbers.list(phone_number=pattern)}

    assert listed("+14155550100") == {"+14155550100"}
    assert listed("+1415555010") == {"+14155550100", "+14155550101"}
    assert listed("5550100") == {"+14155550100", "+13125550100"}
    assert listed("+1***5550100") == {"+14155550100", "+13125550100"}
    assert listed("+19995550100") == set()


def test_joining_a_trunk_deletes_the_voice_application_and_ignores_the_voice_url(
    client: Client, fake: RunningTwilioFake
) -> None:
    app = "AP" + "1" * 32
    number = fake.state.add_number(
        "+14155550100", voice_url="https://example.com/voice", voice_application_sid=app
    )
    assert voice_target(number) == ("application", app)
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    client.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=number["sid"])
    fetched = client.incoming_phone_numbers(number["sid"]).fetch()
    assert fetched.voice_application_sid is None
    assert fetched.voice_url == "https://example.com/voice"  # kept, but not used
    assert voice_target(number) == ("trunk", trunk.sid)
    # "and vice versa": a voice application takes the number off the trunk.
    updated = client.incoming_phone_numbers(number["sid"]).update(voice_application_sid=app)
    assert (updated.trunk_sid, updated.voice_application_sid) == (None, app)
    assert client.trunking.v1.trunks(trunk.sid).phone_numbers.list() == []


def test_texts_go_to_the_sms_application_else_the_sms_url(
    client: Client, fake: RunningTwilioFake
) -> None:
    number = fake.state.add_number("+14155550100")
    assert sms_target(number) is None
    client.incoming_phone_numbers(number["sid"]).update(sms_url="https://rx.example/twilio/sms")
    assert sms_target(number) == ("url", "https://rx.example/twilio/sms")
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    client.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=number["sid"])
    assert sms_target(number) == ("url", "https://rx.example/twilio/sms")  # a trunk is voice only
    app = "AP" + "2" * 32
    client.incoming_phone_numbers(number["sid"]).update(sms_application_sid=app)
    assert sms_target(number) == ("application", app)
    client.incoming_phone_numbers(number["sid"]).update(sms_application_sid="")
    assert sms_target(number) == ("url", "https://rx.example/twilio/sms")


@pytest.mark.parametrize(
    "overrides",
    [{"weight": 0}, {"weight": 65536}, {"priority": -1}, {"sip_url": "sips:abc.example.com"}],
)
def test_origination_url_values_twilio_refuses(client: Client, overrides: dict[str, Any]) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    with pytest.raises(TwilioRestException) as caught:
        _origination(client, trunk.sid, **overrides)
    assert caught.value.status == 400


def test_origination_priority_zero_is_allowed(client: Client) -> None:
    trunk = client.trunking.v1.trunks.create(friendly_name="t")
    assert _origination(client, trunk.sid, priority=0, weight=65535).priority == 0
