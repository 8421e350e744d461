"""`to_e164`'s direct path for North American numbers already in E.164 gives exactly what the
general phonenumbers path gives: the same number, or the same refusal."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from switchboard.domain.phone import InvalidPhoneNumber, to_e164


def general(raw: str) -> str | None:
    parsed = phonenumbers.parse(raw, "US")
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def fast(raw: str) -> str | None:
    try:
        return to_e164(raw, "GB")  # the default region plays no part for a +1 number
    except InvalidPhoneNumber:
        return None


def test_the_direct_path_agrees_with_phonenumbers_on_valid_and_invalid_numbers() -> None:
    rng = random.Random(3)
    numbers = [f"+1{rng.randint(200, 999)}{rng.randint(0, 9_999_999):07d}" for _ in range(3000)]
    numbers += ["+12125550100", "+18005550100", "+19999999999", "+12000000000", "+16045550100"]
    verdicts = [(n, fast(n)) for n in numbers]
    assert verdicts == [(n, general(n)) for n in numbers]
    valid = sum(v is not None for _, v in verdicts)
    assert 0 < valid < len(numbers)  # both outcomes were exercised


@pytest.mark.parametrize(
    "raw", ["+1 212 555 0100", "+1-212-555-0100", "+10125550100", "(212) 555-0100"]
)
def test_other_forms_still_take_the_general_path(raw: str) -> None:
    assert fast(raw) == (general(raw) if not raw.startswith("(") else None)


def test_a_refusal_names_the_number() -> None:
    with pytest.raises(InvalidPhoneNumber, match=r"'\+19999999999' is not a valid"):
        to_e164("+19999999999")
