"""`expect:` checks (docs/scenarios.md): each passes on a matching call and fails with a clear
reason otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from switchboard.adapters.directory_file import read_directory_file
from switchboard.domain.calls import CallOutcome
from switchboard.domain.directory import Directory
from switchboard.ports.telephony import LiveResources
from switchboard.services.local_call import CallLine, LocalCallResult
from switchboard.services.scenarios.expect import check

SUITE = Path(__file__).parents[1] / "scenarios"
CALLER = "+16125550177"


@pytest.fixture(scope="module")
def directory() -> Directory:
    file = read_directory_file(SUITE / "directory.yaml")
    assert file.directory is not None
    return file.directory


def _result(**changes: Any) -> LocalCallResult:
    base: dict[str, Any] = {
        "call_id": "c1",
        "outcome": CallOutcome.MESSAGE_TAKEN,
        "transferred_to": None,
        "attempts": [
            {"employee": "marcus-bell", "result": "no_answer"},
            {"employee": "priya-raman", "result": "declined"},
        ],
        "dialed": ["+13125550103", "+13125550104"],
        "message": {
            "for": "priya-raman",
            "caller_name": "Dana",
            "callback_number": CALLER,
            "text": "Please call me back.",
            "urgent": False,
        },
        "notifications": [],
        "lines": [CallLine("agent", "Please hold."), CallLine("caller", "call me at 555")],
        "sent_to": [("email", "priya.raman@lakeview.example"), ("sms", "+17735550104")],
    }
    base.update(changes)
    return LocalCallResult(**base)


def test_a_matching_call_passes_every_key(directory: Directory) -> None:
    expect = {
        "outcome": "message_taken", "transferred_to": None,
        "attempts": [{"employee": "priya-raman", "result": "declined"}],
        "dialed": ["+13125550103", "+13125550104"],
        "message": {"for": "priya-raman", "urgent": False, "text_min_length": 10},
        "agent_says": ["(?i)please HOLD"], "agent_never_says": ["555"],
        "notify_only_recipient": True, "notified": ["email", "sms"],
    }  # fmt: skip
    assert check(expect, _result(), directory, CALLER) == []


@pytest.mark.parametrize(
    ("expect", "failure"),
    [
        ({"outcome": "transferred"}, "outcome: expected 'transferred', got 'message_taken'"),
        ({"transferred_to": "priya-raman"}, "transferred_to: expected 'priya-raman', got None"),
        ({"attempts": []}, "attempts: expected none"),
        ({"attempts": [{"employee": "priya-raman"}, {"employee": "marcus-bell"}]},
         "not found in order"),
        ({"attempts": [{"employee": "priya-raman", "result": "busy"}]}, "not found in order"),
        ({"dialed": []}, "dialed: expected []"),
        ({"message": None}, "message: expected none, got one for 'priya-raman'"),
        ({"message": {"for": "marcus-bell"}}, "message.for: expected 'marcus-bell'"),
        ({"message": {"urgent": True}}, "message.urgent: expected True, got False"),
        ({"message": {"text_min_length": 2000}}, "message.text: 20 characters, expected ≥ 2000"),
        ({"agent_says": ["transfer"]}, "agent_says: no agent line matches 'transfer'"),
        ({"agent_never_says": ["hold"]}, "agent_never_says: 'hold' matched 'Please hold.'"),
        ({"notified": ["local"]}, "notified: no local notification"),
    ],
)  # fmt: skip
def test_each_mismatch_is_reported(
    directory: Directory, expect: dict[str, Any], failure: str
) -> None:
    failures = check(expect, _result(), directory, CALLER)
    assert len(failures) == 1
    assert failure in failures[0]


def test_caller_lines_never_count_as_the_agent_saying_something(directory: Directory) -> None:
    assert check({"agent_never_says": ["555"]}, _result(), directory, CALLER) == []
    assert check({"agent_says": ["call me"]}, _result(), directory, CALLER) != []


def test_a_notification_to_anyone_else_fails_notify_only_recipient(directory: Directory) -> None:
    leaked = _result(sent_to=[("email", "marcus.bell@lakeview.example"), ("sms", CALLER)])
    failures = check(
        {"notify_only_recipient": True, "notified": ["email"]}, leaked, directory, CALLER
    )
    assert failures == [
        "notify_only_recipient: the email notification went to someone else",
        "notified: no email notification to the recipient",
    ]


def test_a_department_message_belongs_to_its_front_contact(directory: Directory) -> None:
    message = {"for": "billing", "caller_name": "Dana", "callback_number": CALLER, "text": "hi",
               "urgent": False}  # fmt: skip
    result = _result(message=message)
    assert (
        check({"notified": ["email"], "notify_only_recipient": True}, result, directory, CALLER)
        == []
    )


def test_notification_checks_need_a_message(directory: Directory) -> None:
    failures = check({"notified": ["email"]}, _result(message=None), directory, CALLER)
    assert failures == ["notifications: expected some, but no message was taken"]


def test_anything_left_live_on_the_network_always_fails(directory: Directory) -> None:
    stuck = _result(leftovers=LiveResources(holds=(("call-1", "caller-1"),)))
    assert "left live on the phone network" in check({}, stuck, directory, CALLER)[0]
