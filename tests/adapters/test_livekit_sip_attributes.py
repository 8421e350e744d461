"""The caller's SIP participant attributes → CallContext: withheld and malformed numbers are
ordinary, never errors; ids are kept safe for logs and records."""

from __future__ import annotations

import pytest

from switchboard.adapters.livekit.sip_attributes import call_from_sip, number_or_none

SID = "CA" + "0123456789abcdef" * 2


def test_a_normal_twilio_call() -> None:
    call = call_from_sip(
        "call-_+16125550177_Xy",
        "sip_+16125550177",
        {
            "sip.phoneNumber": "+16125550177",
            "sip.trunkPhoneNumber": "+13125550100",
            "sip.callID": "SCL_abc123",
            "sip.twilio.callSid": SID,
        },
        fallback_id="AJ_1",
    )
    assert (call.call_id, call.room_name, call.caller_identity) == (
        "SCL_abc123",
        "call-_+16125550177_Xy",
        "sip_+16125550177",
    )
    assert (call.caller_number, call.dialed_number, call.twilio_call_sid) == (
        "+16125550177",
        "+13125550100",
        SID,
    )


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("+16125550177", "+16125550177"),
        ("6125550177", "+16125550177"),  # national form, default region
        ("sip:+16125550177@pstn.twilio.com;user=phone", "+16125550177"),
        ("tel:+442079460123", "+442079460123"),
        ("anonymous", None),
        ("Restricted", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("+1555", None),  # too short to be a number
        ("+1 000 000 0000", None),  # digits but not a valid number
        ("'; DROP TABLE calls; --", None),
    ],
)
def test_caller_numbers(raw: str | None, number: str | None) -> None:
    assert number_or_none(raw) == number


def test_missing_attributes_fall_back_to_the_job_id() -> None:
    call = call_from_sip("room-1", "sip_anonymous", {}, fallback_id="AJ_77")
    assert call.call_id == "AJ_77"
    assert call.caller_number is None
    assert call.dialed_number is None
    assert call.twilio_call_sid is None


def test_untrusted_ids_are_sanitised() -> None:
    call = call_from_sip(
        "room-1",
        "sip_x",
        {"sip.callID": "evil\nid with spaces/../" + "x" * 100, "sip.twilio.callSid": "CA-nope"},
        fallback_id="AJ_1",
    )
    assert "\n" not in call.call_id
    assert " " not in call.call_id
    assert "/" not in call.call_id
    assert len(call.call_id) <= 64
    assert call.twilio_call_sid is None  # not the shape of a Twilio CallSid
