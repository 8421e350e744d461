"""Doctor findings and the error-code explanations."""

from __future__ import annotations

import pytest

from switchboard.domain.diagnosis import (
    SIP_STATUSES,
    TWILIO_ERRORS,
    Check,
    Status,
    exit_code,
    explain_sip_status,
    explain_twilio_code,
    fail,
    ok,
    warn,
    worst,
)


def test_constructors_set_the_status_and_keep_the_fix() -> None:
    assert ok("a", "fine") == Check("a", Status.OK, "fine", "")
    assert warn("b", "hmm", "look") == Check("b", Status.WARN, "hmm", "look")
    assert fail("c", "broken", "mend it").fix == "mend it"


@pytest.mark.parametrize(
    ("statuses", "expected", "code"),
    [
        ((), Status.OK, 0),
        ((Status.OK, Status.OK), Status.OK, 0),
        ((Status.OK, Status.WARN), Status.WARN, 0),
        ((Status.WARN, Status.FAIL, Status.OK), Status.FAIL, 1),
        ((Status.FAIL,), Status.FAIL, 1),
    ],
)
def test_the_worst_status_decides_the_exit_code(
    statuses: tuple[Status, ...], expected: Status, code: int
) -> None:
    checks = [Check(f"c{i}", s, "") for i, s in enumerate(statuses)]
    assert worst(checks) is expected
    assert exit_code(checks) == code


def test_as_dict_is_the_json_shape() -> None:
    assert fail("smtp", "login refused", "check the password").as_dict() == {
        "name": "smtp",
        "status": "fail",
        "summary": "login refused",
        "fix": "check the password",
    }


@pytest.mark.parametrize("code", [32011, 32010, 32102, 32203, 13224, 21211, 21610, 20003, 20429])
def test_the_twilio_codes_the_issue_names_are_explained(code: int) -> None:
    found = explain_twilio_code(code)
    assert found is not None
    assert found.meaning
    assert found.fix


@pytest.mark.parametrize("status", [401, 403, 404, 408, 480, 486, 488, 500, 503, 603])
def test_the_sip_statuses_are_explained(status: int) -> None:
    found = explain_sip_status(status)
    assert found is not None
    assert found.meaning
    assert found.fix


def test_unknown_codes_have_no_explanation() -> None:
    assert explain_twilio_code(99999) is None
    assert explain_sip_status(299) is None
    assert explain_sip_status(-1) is None


def test_the_explanations_point_at_the_right_fix() -> None:
    assert "enable-all" in SIP_STATUSES[603].fix  # REFER needs the trunk's transfer mode
    assert "numbers" in SIP_STATUSES[401].fix or "number" in SIP_STATUSES[401].fix
    assert "TWILIO_AUTH_TOKEN" in TWILIO_ERRORS[20003].fix
    assert "retry" in TWILIO_ERRORS[20429].fix
    assert "do not retry" in TWILIO_ERRORS[21610].fix
    assert "LIVEKIT_SIP_URI" in TWILIO_ERRORS[32011].fix
