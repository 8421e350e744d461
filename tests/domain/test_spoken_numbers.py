"""Spoken and written callback numbers → E.164 (docs/call-behaviour.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switchboard.domain.spoken_numbers import means_own_number, parse_callback_number, spoken_digits

CALLER_ID = "+16125550177"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("six one two, five five five, zero one nine nine", "+16125550199"),
        ("six one two five five five oh one nine nine", "+16125550199"),
        ("area code nine five two, five five five, oh one two three", "+19525550123"),
        ("1-763-555-0171", "+17635550171"),
        ("(414) 555-0166", "+14145550166"),
        ("six one two double five five oh one nine nine", "+16125550199"),
        ("my number is 612 555 0199, thanks", "+16125550199"),
        ("call me at 612.555.0199 after 5", "+16125550199"),
        ("six one two, five five five, zero one, nine nine", "+16125550199"),
        ("one seven six three five five five zero one seven one", "+17635550171"),
        ("+44 20 7946 0958", "+442079460958"),
        ("eight hundred five five five oh one hundred", "+18005550100"),
        ("six one two triple five oh one nine nine", "+16125550199"),
    ],
)
def test_spoken_forms_normalise_to_e164(said: str, expected: str) -> None:
    assert parse_callback_number(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "",
        "I don't know",
        "six one two five five",  # too short
        "612 555 01",
        "1234567890123456789",  # too long
        "000 000 0000",  # not a valid number
    ],
)
def test_no_valid_number_gives_none(said: str) -> None:
    assert parse_callback_number(said, caller_number=None) is None


@pytest.mark.parametrize(
    "said",
    [
        "the number I'm calling from is fine",
        "You can use this number",
        "the same number, please",
        "the one I am calling from",
    ],
)
def test_calling_from_means_caller_id(said: str) -> None:
    assert means_own_number(said)
    assert parse_callback_number(said, caller_number=CALLER_ID) == CALLER_ID


def test_calling_from_without_caller_id_is_not_a_number() -> None:
    assert parse_callback_number("the number I'm calling from", caller_number=None) is None


def test_weak_words_count_only_between_digits() -> None:
    # "to" and "for" are digits only inside a run, never at its edges.
    assert spoken_digits("call me back to talk for a bit") == ""
    assert spoken_digits("six one to five five five") == "612555"


def test_longest_run_wins_over_stray_numbers() -> None:
    assert spoken_digits("at 5 on 612 555 0199 room 12") == "6125550199"


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@given(
    area=st.sampled_from(["312", "612", "952", "763", "414", "212"]),
    line=st.integers(min_value=100, max_value=199),
    style=st.sampled_from(["words", "digits", "dashed", "mixed"]),
    sep=st.sampled_from([" ", ", ", " - "]),
)
def test_any_way_of_saying_a_number_gives_the_same_e164(
    area: str, line: int, style: str, sep: str
) -> None:
    digits = f"{area}555{line:04d}"
    groups = [digits[:3], digits[3:6], digits[6:]]
    if style == "words":
        said = sep.join(" ".join(_WORDS[int(d)] for d in g) for g in groups)
    elif style == "digits":
        said = sep.join(" ".join(g) for g in groups)
    elif style == "dashed":
        said = "-".join(groups)
    else:
        said = f"area code {' '.join(_WORDS[int(d)] for d in groups[0])}{sep}{groups[1]}{sep}{groups[2]}"
    assert parse_callback_number(said) == f"+1{digits}"
