"""Scenario-file scripts for simulated employees and callers."""

from __future__ import annotations

import pytest

from switchboard.adapters.simulator import (
    AnswerMode,
    CallerScript,
    DecisionMode,
    EmployeeScript,
    HangupPoint,
    scripts_by_target,
)
from switchboard.domain.directory import Employee
from switchboard.ports.telephony import Reply


def test_the_issue_example_reads() -> None:
    script = EmployeeScript.from_spec({"answer": True, "decision": "accept"})
    assert (script.answer, script.decision, script.by_keypad) == (
        AnswerMode.ANSWER,
        DecisionMode.ACCEPT,
        False,
    )
    assert script.replies() == (Reply(text="Yes, put them through."),)


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        (True, AnswerMode.ANSWER),
        (False, AnswerMode.NO_ANSWER),
        ("true", AnswerMode.ANSWER),
        ("busy", AnswerMode.BUSY),
        ("voicemail", AnswerMode.VOICEMAIL),
        ("failed", AnswerMode.FAILED),
    ],
)
def test_answer_modes(raw: object, mode: AnswerMode) -> None:
    assert EmployeeScript.from_spec({"answer": raw}).answer is mode


def test_defaults_are_an_unanswered_phone() -> None:
    script = EmployeeScript.from_spec({})
    assert script.answer is AnswerMode.NO_ANSWER
    assert (script.answer_after, script.decide_after, script.sip_status) == (4.0, 2.0, 503)


def test_keypad_and_timing_and_phrases() -> None:
    script = EmployeeScript.from_spec(
        {
            "answer": True,
            "decision": "message",
            "by": "keypad",
            "answer_after": 6,
            "decide_after": 1.5,
        }
    )
    assert script.replies() == (Reply(digits="3"),)
    assert (script.answer_after, script.decide_after) == (6.0, 1.5)
    assert EmployeeScript.from_spec({"say": "hmm"}).replies() == (Reply(text="hmm"),)
    assert EmployeeScript.from_spec({"say": ["a", "b"]}).replies() == (Reply("a"), Reply("b"))


@pytest.mark.parametrize("decision", ["hangup", "none"])
def test_decisions_without_a_reply(decision: str) -> None:
    assert EmployeeScript.from_spec({"answer": True, "decision": decision}).replies() == ()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"answer": "maybe"}, "bad employee script"),
        ({"decision": "transfer"}, "bad employee script"),
        ({"by": "fax"}, "voice or keypad"),
        ({"answer_after": -1}, "must not be negative"),
        ({"answer_after": "soon"}, "bad employee script"),
        ({"sip_status": "x"}, "bad employee script"),
        ({"answer": True, "pickup": 3}, "unknown employee keys: pickup"),
    ],
)
def test_bad_employee_specs_say_what_is_wrong(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmployeeScript.from_spec(spec)


def test_caller_hangup_points() -> None:
    assert CallerScript.from_spec(None) == CallerScript()
    assert CallerScript.from_spec({"after_turn": 2}) == CallerScript()
    script = CallerScript.from_spec({"during": "ringing"})
    assert (script.hangup_during, script.hangup_after) == (HangupPoint.RINGING, 1.0)
    assert CallerScript.from_spec({"during": "hold", "after": 0}).hangup_after == 0.0


@pytest.mark.parametrize("spec", [{"during": "lunch"}, {"during": "hold", "after": -2}])
def test_bad_caller_hangups_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="bad caller hangup"):
        CallerScript.from_spec(spec)


def test_scenario_employees_are_keyed_by_their_phone() -> None:
    people = [
        Employee("priya-raman", "Priya Raman", "+13125550112"),
        Employee("sam-okafor", "Sam Okafor", "+13125550113"),
    ]
    scripts = scripts_by_target(people, {"priya-raman": {"answer": True, "decision": "accept"}})
    assert list(scripts) == ["+13125550112"]
    assert scripts["+13125550112"].answer is AnswerMode.ANSWER


def test_scenario_employee_not_in_the_directory_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the directory: nobody"):
        scripts_by_target([], {"nobody": {"answer": True}})
