"""Guardrails: emergencies, what may never be spoken, who may be dialled and how often, abuse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.policy import (
    WITHHELD,
    WITHHELD_EMAIL,
    AttemptLedger,
    CallMonitor,
    dial_target,
    is_emergency,
    redact_contact_details,
    repeats_private_number,
)

DIRECTORY = Directory(
    company=CompanyProfile(
        name="Acme",
        info={"fax": "+1 312 555 0199", "email": "info@acme.example", "website": "acme.example"},
    ),
    employees=(
        Employee(
            "ann", "Ann Lee", "+13125550101", sms="+13125550112", email="ann.lee@acme.example"
        ),
        Employee("bob", "Bob Smith", "+13125550102", email="bob@acme.example"),
    ),
)


@pytest.mark.parametrize(
    "text",
    [
        "There's a fire in the building",
        "someone is hurt",
        "my colleague collapsed, he's not breathing",
        "call 911",
        "we need an ambulance",
        "I think she's having a heart attack",
        "nine one one please",
        "I smell smoke in the hallway",
        "I think he's having a stroke",
        "my coworker just fainted",
        "someone is having a seizure",
        "there's smoke coming out of the server room",
        "he fell off a ladder",
    ],
)
def test_emergencies_are_recognised(text: str) -> None:
    assert is_emergency(text)


@pytest.mark.parametrize(
    "text",
    [
        "I was fired last week",
        "Can I talk to Ann about the firewall?",
        "It's about our fire safety inspection",
        "I have a burning question about smoke detectors",
        "What a stroke of luck",
        "It's urgent",
        "Not an emergency: a question about the smoke detectors you installed",
        "We sell smoke detectors and fire extinguishers",
        "hello",
        "",
    ],
)
def test_ordinary_calls_are_not_emergencies(text: str) -> None:
    assert not is_emergency(text)


@pytest.mark.parametrize(
    "text",
    [
        "Her number is +1 312 555 0101.",
        "Try 312-555-0101",
        "(312) 555-0101",
        "312.555.0101",
        "+13125550101",
        "three one two five five five zero one zero one",
        "five five five, oh one oh one",
        "3 1 2 5 5 5 0 1 0 1",
        "3,1,2,5,5,5,0,1,0,1",
        "text her on 312 555 0112",  # the sms number
        "three one two, five five five, oh double one two",
    ],
)
def test_employee_numbers_are_redacted_in_any_form(text: str) -> None:
    out = redact_contact_details(text, DIRECTORY)
    assert WITHHELD in out
    assert not any(ch.isdigit() for ch in out)
    assert "zero one zero one" not in out
    assert "oh one" not in out


@pytest.mark.parametrize(
    "text",
    [
        "Write to ann.lee@acme.example",
        "ANN.LEE@ACME.EXAMPLE",
        "ann dot lee at acme dot example",
        "mail bob@acme.example today",
        "someone@elsewhere.example",  # any address that is not a public company fact
    ],
)
def test_emails_are_redacted(text: str) -> None:
    out = redact_contact_details(text, DIRECTORY)
    assert WITHHELD_EMAIL in out
    assert "@" not in out
    assert " dot example" not in out


def test_company_facts_and_ordinary_text_stay() -> None:
    text = "Our fax is +1 312 555 0199, email info@acme.example, one moment, 2 people."
    assert redact_contact_details(text, DIRECTORY) == text


def test_a_number_the_caller_said_is_detected() -> None:
    assert repeats_private_number("is it 312 555 0101?", DIRECTORY)
    assert not repeats_private_number("my number is 612 555 0199", DIRECTORY)


@pytest.mark.parametrize("target", ["+13125550101", "3125550112", "*72", "ext 101", "", "nobody"])
def test_only_directory_employee_ids_are_dialable(target: str) -> None:
    assert dial_target(DIRECTORY, target) is None


def test_directory_employee_id_is_dialable() -> None:
    employee = dial_target(DIRECTORY, "ann")
    assert employee is not None
    assert employee.phone == "+13125550101"


def test_attempt_ledger_allows_two_attempts_per_employee() -> None:
    ledger = AttemptLedger()
    assert ledger.allows("ann")
    assert ledger.record("ann") == 1
    assert ledger.allows("ann")
    assert ledger.record("ann") == 2
    assert not ledger.allows("ann")
    assert ledger.allows("bob")


def test_monitor_ends_after_repeated_abuse() -> None:
    monitor = CallMonitor()
    assert not monitor.observe("you stupid bot")
    assert not monitor.observe("what the fuck")
    assert monitor.observe("you idiot")


def test_monitor_ends_a_loop_of_the_same_words() -> None:
    monitor = CallMonitor()
    assert not monitor.observe("Hello?")
    assert not monitor.observe("hello")
    assert monitor.observe("HELLO!")


def test_monitor_lets_an_ordinary_call_continue() -> None:
    monitor = CallMonitor()
    turns = ["Hi", "Ann Lee please", "yes", "This is Bob", "Yes.", "About it", "yes", "thanks, bye"]
    assert not any(monitor.observe(t) for t in turns)


def test_monitor_ends_overlong_calls() -> None:
    monitor = CallMonitor(max_turns=5)
    assert [monitor.observe(f"turn {i}") for i in range(5)] == [False] * 4 + [True]


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@given(
    number=st.sampled_from(["3125550101", "3125550112", "3125550102"]),
    prefix=st.sampled_from(["", "+1 ", "1 ", "+1-"]),
    style=st.sampled_from(["words", "oh", "digits", "grouped", "paren"]),
    sep=st.sampled_from([" ", ", ", "-", ". ", " , "]),
    before=st.sampled_from(["", "Sure, it's ", "Her line: "]),
)
def test_private_numbers_never_survive_in_any_format(
    number: str, prefix: str, style: str, sep: str, before: str
) -> None:
    groups = [number[:3], number[3:6], number[6:]]
    if style in ("words", "oh"):
        zero = "oh" if style == "oh" else "zero"
        said = sep.join(" ".join(zero if d == "0" else _WORDS[int(d)] for d in g) for g in groups)
    elif style == "digits":
        said = sep.join(number)
    elif style == "grouped":
        said = prefix + sep.join(groups)
    else:
        said = f"({groups[0]}) {groups[1]}-{groups[2]}"
    out = redact_contact_details(before + said + ".", DIRECTORY)
    assert WITHHELD in out
    assert not any(ch.isdigit() for ch in out.replace(before, ""))
