"""The block list, STIR/SHAKEN verdicts, and what caller memory remembers and says."""

from __future__ import annotations

import pytest

from switchboard.domain.caller_memory import open_message_note, rememberable_name, welcome_back
from switchboard.domain.screening import (
    BlockList,
    BlockListError,
    Screening,
    ScreeningPolicy,
    Verification,
    verification,
)


def test_block_list_matches_numbers_and_prefixes_but_never_a_withheld_number() -> None:
    blocked = BlockList.parse(["+1900", " +1 (612) 555-0166 ", ""])
    assert blocked.entries == ("+1900", "+16125550166")
    assert blocked.blocks("+19005550123")
    assert blocked.blocks("+16125550166")
    assert not blocked.blocks("+16125550167")
    assert not blocked.blocks("+4419005550123")  # +1900 is a prefix of the whole number only
    assert not blocked.blocks(None)
    assert not BlockList().blocks("+19005550123")


@pytest.mark.parametrize("entry", ["1900", "+0123", "+1900abc", "+12345678901234567"])
def test_block_list_entries_must_be_e164_numbers_or_prefixes(entry: str) -> None:
    with pytest.raises(BlockListError, match=r"E\.164"):
        BlockList.parse([entry])


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ("TN-Validation-Passed-A", Verification.PASSED),
        ("tn-validation-passed-c", Verification.PASSED),
        ("TN-Validation-Failed-B", Verification.FAILED),
        ("TN-Validation-Failed", Verification.FAILED),
        ("No-TN-Validation", Verification.NOT_VERIFIED),
        ("", Verification.UNKNOWN),
        (None, Verification.UNKNOWN),
        ("something-else", Verification.UNKNOWN),
    ],
)
def test_verstat_values(value: str | None, meaning: Verification) -> None:
    assert verification(value) is meaning


def test_screening_blocks_first_then_sends_failed_attestation_to_messages_when_asked() -> None:
    policy = ScreeningPolicy(BlockList.parse(["+1900"]), failed_to_message=True)
    assert policy.screen("+19005550123", "TN-Validation-Passed-A") is Screening.BLOCK
    assert policy.screen("+16125550100", "TN-Validation-Failed-A") is Screening.MESSAGE_ONLY
    assert policy.screen("+16125550100", "No-TN-Validation") is Screening.ALLOW
    assert policy.screen(None, None) is Screening.ALLOW
    lenient = ScreeningPolicy(failed_to_message=False)
    assert lenient.screen("+16125550100", "TN-Validation-Failed-A") is Screening.ALLOW


def test_from_settings_reads_the_comma_separated_list() -> None:
    policy = ScreeningPolicy.from_settings("+1900, +16125550166,", True)
    assert policy.blocked.entries == ("+1900", "+16125550166")
    assert policy.failed_to_message
    with pytest.raises(BlockListError):
        ScreeningPolicy.from_settings("+1900,premium", False)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("  Ann   Lee ", "Ann Lee"),
        ("a caller who did not give a name", None),
        ("yes", None),
        ("Call 612 555 0199", None),
        ("ann@example.com", None),
        ("x" * 81, None),
        (None, None),
    ],
)
def test_only_real_names_are_remembered(given: str | None, kept: str | None) -> None:
    assert rememberable_name(given) == kept


def test_welcome_back_goes_before_the_question() -> None:
    assert welcome_back("Thank you for calling Acme. How can I help you?", "Ann Lee") == (
        "Thank you for calling Acme. Welcome back, Ann! How can I help you?"
    )
    assert welcome_back("Acme, good morning", "Ann Lee") == "Acme, good morning Welcome back, Ann!"


def test_open_message_note() -> None:
    assert open_message_note(0) == ""
    assert "a message" in open_message_note(1)
    assert "3 messages" in open_message_note(3)


def test_the_briefing_reason_tells_of_open_messages_in_a_sentence() -> None:
    from switchboard.domain.caller_memory import reason_with_open_messages
    from switchboard.domain.transfer.words import briefing

    assert reason_with_open_messages("the invoice.", 0) == "the invoice"
    with_reason = briefing("Nora Diaz", "Ann", reason_with_open_messages("the invoice", 1), None)
    assert (
        "about the invoice (they also left you a message earlier that is still open)" in with_reason
    )
    bare = briefing("Nora Diaz", "Ann", reason_with_open_messages("", 2), None)
    assert "on the line about 2 messages they left earlier that are still open." in bare
    assert "about (" not in bare
