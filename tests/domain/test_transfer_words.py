"""Understanding the employee's reply, and what the agent says on each leg."""

from __future__ import annotations

import pytest

from switchboard.domain.calls import TransferOutcome
from switchboard.domain.transfer.events import EmployeeDecision, MergeStrategy
from switchboard.domain.transfer.words import (
    briefing,
    checkin,
    first_name,
    hold_intro,
    parse_employee_decision,
    to_caller_after,
    to_employee_connecting,
)

ACCEPT, DECLINE, MESSAGE = (
    EmployeeDecision.ACCEPT,
    EmployeeDecision.DECLINE,
    EmployeeDecision.MESSAGE,
)


@pytest.mark.parametrize(
    ("reply", "decision"),
    [
        ("1", ACCEPT),
        ("2", DECLINE),
        ("3", MESSAGE),
        (" 1# ", ACCEPT),
        ("11", ACCEPT),
        ("3*", MESSAGE),
        ("one", ACCEPT),
        ("Two.", DECLINE),
        ("three", MESSAGE),
        ("Yes, put them through.", ACCEPT),
        ("Sure!", ACCEPT),
        ("okay go ahead", ACCEPT),
        ("No problem, put her through", ACCEPT),
        ("Accept", ACCEPT),
        ("No, I can't take it right now.", DECLINE),
        ("not now, I'm in a meeting", DECLINE),
        ("Don't put them through", DECLINE),
        ("decline", DECLINE),
        ("Could you take a message for me?", MESSAGE),
        ("No, take a message please", MESSAGE),
        ("yes, have them leave a message", MESSAGE),
        ("send them to voicemail", MESSAGE),
    ],
)
def test_parse_employee_decision(reply: str, decision: EmployeeDecision) -> None:
    assert parse_employee_decision(reply) is decision


@pytest.mark.parametrize(
    "reply", ["", "   ", "4", "0", "#", "hmm", "who is this?", "yesterday", "knowledge", "nobody"]
)
def test_unclear_replies_are_none(reply: str) -> None:
    assert parse_employee_decision(reply) is None


def test_briefing_names_caller_reason_and_number_in_speakable_groups() -> None:
    text = briefing("Priya Raman", "Dana Whitfield", "an invoice.", "+16125550177")
    assert text.startswith("Hi Priya,")
    assert "Dana Whitfield on the line about an invoice, calling from 612 555 0177." in text
    assert "press 1" in text
    assert "press 2" in text
    assert "press 3" in text


def test_briefing_without_reason_or_number_or_name_still_reads_well() -> None:
    text = briefing("Priya Raman", "", "  ", None)
    assert "I have a caller on the line. Say accept" in text
    assert "calling from" not in text


def test_international_caller_numbers_are_grouped() -> None:
    assert "442 079 460 958" in briefing("Priya", "Ann", "", "+442079460958")


def test_first_name_falls_back_for_an_empty_name() -> None:
    assert first_name("Priya Raman") == "Priya"
    assert first_name("  ") == "them"


@pytest.mark.parametrize(
    "outcome", [o for o in TransferOutcome if o is not TransferOutcome.CONNECTED]
)
def test_every_non_connected_outcome_offers_a_message_or_someone_else(
    outcome: TransferOutcome,
) -> None:
    text = to_caller_after(outcome, "Priya Raman")
    assert "Priya" in text
    assert "message" in text or "pass on" in text
    assert "someone else" in text


def test_hold_words_offer_a_message() -> None:
    assert "Priya" in hold_intro("Priya Raman")
    assert "take a message instead" in checkin("Priya Raman")


def test_connecting_words_depend_on_the_merge() -> None:
    assert "ring" in to_employee_connecting(MergeStrategy.REFER)
    assert "ring" not in to_employee_connecting(MergeStrategy.MOVE)
