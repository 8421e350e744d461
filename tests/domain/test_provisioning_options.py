"""`switchboard.yaml` validation (pure: the document is already parsed)."""

from __future__ import annotations

import pytest

from switchboard.domain.provisioning.desired import ProvisioningConfigError, SetupOptions
from switchboard.domain.provisioning.options import PLAIN_SIP_REFUSED, parse_setup_options


def test_empty_document_gives_defaults() -> None:
    assert parse_setup_options(None) == SetupOptions()
    assert parse_setup_options({}) == SetupOptions()


def test_every_option_is_read() -> None:
    options = parse_setup_options(
        {
            "prefix": "acme",
            "domain_name": "acme-sip.pstn.twilio.com",
            "sip_username": "acme-livekit",
            "tls": True,
            "fallback_uris": ["sip:abc.us-east.sip.livekit.cloud"],
            "transfer_mode": "enable-all",
            "room_prefix": "acme-call-",
        }
    )
    assert options == SetupOptions(
        prefix="acme",
        domain_name="acme-sip.pstn.twilio.com",
        sip_username="acme-livekit",
        tls=True,
        fallback_uris=("sip:abc.us-east.sip.livekit.cloud",),
        transfer_mode="enable-all",
        room_prefix="acme-call-",
    )


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"prefx": "acme"}, "prefx: unknown key"),
        ({"prefix": "has space"}, "prefix:"),
        ({"prefix": 7}, "prefix:"),
        ({"sip_username": "a" * 33}, "sip_username: use 1-32 "),
        ({"sip_username": "has space"}, "sip_username:"),
        ({"domain_name": "acme.sip.twilio.com"}, "domain_name:"),
        ({"tls": "yes"}, "tls:"),
        ({"transfer_mode": "sometimes"}, "transfer_mode:"),
        ({"room_prefix": ""}, "room_prefix:"),
        ({"fallback_uris": "sip:abc"}, "fallback_uris:"),
        ({"fallback_uris": ["sip:a@b"]}, "fallback_uris:"),
        (["prefix"], "mapping"),
    ],
)
def test_bad_values_are_named(document: object, complaint: str) -> None:
    with pytest.raises(ProvisioningConfigError, match=complaint):
        parse_setup_options(document)


def test_all_problems_are_listed_at_once() -> None:
    with pytest.raises(ProvisioningConfigError) as caught:
        parse_setup_options({"tls": 1, "transfer_mode": "x", "extra": True})
    message = str(caught.value)
    assert "tls:" in message
    assert "transfer_mode:" in message
    assert "extra: unknown key" in message


def test_a_sip_username_may_have_32_characters() -> None:
    # Twilio: a SIP credential username "can be up to 32 characters long" (twilio-python 9.13.0).
    assert parse_setup_options({"sip_username": "a" * 32}).sip_username == "a" * 32
    assert parse_setup_options({"prefix": "p" * 40}).prefix == "p" * 40


def test_production_encrypts_sip_unless_told_twice() -> None:
    assert parse_setup_options(None, production=True).tls is True
    assert parse_setup_options({"prefix": "acme"}, production=True).tls is True
    assert parse_setup_options(None).tls is False  # development: plain, as before
    with pytest.raises(ProvisioningConfigError, match="refused in production") as refused:
        parse_setup_options({"tls": False}, production=True)
    assert PLAIN_SIP_REFUSED in str(refused.value)
    plain = parse_setup_options({"tls": False, "allow_plain_sip": True}, production=True)
    assert (plain.tls, plain.allow_plain_sip) == (False, True)
    with pytest.raises(ProvisioningConfigError, match="allow_plain_sip: must be true or false"):
        parse_setup_options({"tls": False, "allow_plain_sip": "yes"}, production=True)
