"""Twilio's STIR/SHAKEN result (X-Twilio-VerStat) read from the SIP participant's attributes,
under the name `headers_to_attributes` gives it or the `sip.h.` name `include_headers` gives it."""

from __future__ import annotations

import pytest

from switchboard.adapters.livekit.sip_attributes import call_from_sip, verstat_or_none


@pytest.mark.parametrize(
    ("attributes", "verstat"),
    [
        ({"sip.verstat": "TN-Validation-Passed-A"}, "TN-Validation-Passed-A"),
        ({"sip.h.x-twilio-verstat": " TN-Validation-Failed-B "}, "TN-Validation-Failed-B"),
        ({"sip.verstat": "No-TN-Validation", "sip.h.x-twilio-verstat": "x"}, "No-TN-Validation"),
        ({}, None),
        ({"sip.verstat": ""}, None),
        ({"sip.verstat": "<script>alert(1)</script>"}, None),  # stored: only a plain token
        ({"sip.verstat": "A" * 65}, None),
    ],
)
def test_verstat_is_read_defensively(attributes: dict[str, str], verstat: str | None) -> None:
    assert verstat_or_none(attributes) == verstat
    call = call_from_sip("room", "sip_1", attributes, fallback_id="AJ_1")
    assert call.verstat == verstat
