"""The answering-machine classifier over timelines of speech, words and beeps (no audio here)."""

from __future__ import annotations

import pytest

from switchboard.domain.answering_machine import (
    Answerer,
    Beep,
    Observation,
    ScreenRules,
    Speech,
    Words,
    classify,
    first_turn,
    voicemail_phrase,
)

RULES = ScreenRules(long_greeting=3.0, answer_gap=1.0, window=4.5)


def test_a_short_hello_then_silence_is_a_person_once_the_gap_has_passed() -> None:
    hello = [Speech(0.4, 0.9)]
    assert classify(hello, 1.5, RULES) is None  # still inside the gap: they may go on
    verdict = classify(hello, 1.9, RULES)
    assert verdict is not None
    assert verdict.answerer is Answerer.HUMAN
    assert "short greeting" in verdict.reason


def test_speech_going_on_past_the_long_greeting_is_a_machine_before_it_ends() -> None:
    greeting = [Speech(0.3, 1.6), Speech(2.0, None)]  # a 0.4 s pause between sentences
    assert classify(greeting, 3.0, RULES) is None
    verdict = classify(greeting, 3.3, RULES)
    assert verdict is not None
    assert verdict.is_machine
    assert "3.0 s greeting" in verdict.reason


def test_a_pause_as_long_as_the_gap_ends_the_turn() -> None:
    # "Hello?" … (they wait) … "Hello?": a person, decided at the first gap.
    twice = [Speech(0.2, 0.7), Speech(2.5, 3.0)]
    verdict = classify(twice, 3.0, RULES)
    assert verdict is not None
    assert verdict.answerer is Answerer.HUMAN
    assert first_turn(twice, RULES.answer_gap) == (0.2, 0.7)


def test_a_beep_is_a_machine_whatever_else_was_heard() -> None:
    verdict = classify([Speech(0.2, 0.6), Beep(1.0, 1000.0, 0.3)], 1.3, RULES)
    assert verdict is not None
    assert verdict.is_machine
    assert "1000 Hz beep" in verdict.reason


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Please leave a message after the tone.", "leave a message"),
        ("The person you are calling is NOT available", "not available"),
        ("Hi, you’ve reached Dana", "you've reached"),
        ("You have reached the voice mail of Dana", "you have reached"),
        ("Record your message at the tone", "record your message"),
    ],
)
def test_voicemail_words_are_found_whatever_the_case_and_punctuation(
    text: str, phrase: str
) -> None:
    assert voicemail_phrase(text) == phrase
    verdict = classify([Speech(0.2, 0.8), Words(0.9, text)], 0.9, RULES)
    assert verdict is not None
    assert verdict.is_machine


@pytest.mark.parametrize(
    "text",
    ["Hello?", "Dana speaking.", "Hi, this is Dana, who's calling?", "Yeah?", "", "leaves a mess"],
)
def test_what_people_say_on_answering_is_not_voicemail_words(text: str) -> None:
    assert voicemail_phrase(text) is None


def test_words_of_a_person_do_not_decide_a_short_turn_early() -> None:
    observed: list[Observation] = [Speech(0.2, 1.0), Words(1.2, "Dana speaking")]
    assert classify(observed, 1.5, RULES) is None


def test_silence_for_the_whole_window_is_unsure_not_a_person() -> None:
    assert classify([], 4.4, RULES) is None
    verdict = classify([], 4.5, RULES)
    assert verdict is not None
    assert (verdict.answerer, verdict.reason) == (Answerer.UNSURE, "no speech")


def test_a_turn_still_short_at_the_end_of_the_window_is_unsure() -> None:
    verdict = classify([Speech(2.5, None)], 4.5, RULES)
    assert verdict is not None
    assert verdict.answerer is Answerer.UNSURE


def test_observations_may_arrive_out_of_order() -> None:
    assert first_turn([Speech(1.5, 2.0), Speech(0.2, 1.2)], 1.0) == (0.2, 2.0)


@pytest.mark.parametrize(
    "rules",
    [
        {"answer_gap": 0.0},
        {"answer_gap": 5.0, "window": 4.5},
        {"long_greeting": 0.0},
    ],
)
def test_nonsense_rules_are_refused(rules: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"answer_gap|positive"):
        ScreenRules(**rules)
