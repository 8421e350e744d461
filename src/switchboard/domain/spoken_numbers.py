"""Callback numbers as callers say them ("six one two, five five five, oh one nine nine") → E.164.

Speech recognisers hand us words, digits or a mix; this turns any of them into one digit string and
lets `phonenumbers` decide whether it is a real number. Pure: no I/O.
"""

from __future__ import annotations

import re

from switchboard.domain.phone import InvalidPhoneNumber, to_e164

_UNITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "to": "2",
    "too": "2", "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "niner": "9",
}  # fmt: skip
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3}
# Words that may sit inside a spoken number without ending it.
_GLUE = {"area", "code", "plus", "dash", "and", "then", "extension"}
_TOKEN = re.compile(r"\d+|[a-z]+")
# "to", "for" and "o" are digits only between other digits, never at the edges of a run.
_WEAK = {"to", "too", "for", "o"}

_OWN_NUMBER = re.compile(
    r"\b(?:number|one|line|phone)\s+(?:i'?m|i am)\s+(?:calling|ringing|phoning)\s+(?:from|on)\b"
    r"|\b(?:this|my current|the same|same)\s+(?:number|line|phone)\b"
    r"|\b(?:calling|ringing)\s+from\s+is\s+fine\b"
    r"|\bcaller\s*id\b",
    re.IGNORECASE,
)


def spoken_digits(text: str) -> str:
    """The longest run of digits said in `text`, with words, "oh", "double five" and tens read.

    Runs are broken by words that are not part of a number, so "call me at 612 555 0199 after 5"
    yields "6125550199".
    """
    runs: list[str] = []
    current: list[str] = []
    repeat = 1
    tokens = _TOKEN.findall(text.lower())
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            current.append(tok * repeat)
        elif tok in _REPEAT:
            repeat = _REPEAT[tok]
            continue
        elif tok in _UNITS and (tok not in _WEAK or _between_digits(tokens, i)):
            current.append(_UNITS[tok] * repeat)
        elif tok in _TEENS:
            current.append(_TEENS[tok])
        elif tok in _TENS:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            # "fifty five" is 55; "fifty" alone is 50.
            current.append(_TENS[tok] + ("" if nxt in _UNITS and nxt != "oh" else "0"))
        elif tok == "hundred" and current:
            current.append("00")
        elif tok in _GLUE:
            pass
        else:
            if current:
                runs.append("".join(current))
                current = []
        repeat = 1
    if current:
        runs.append("".join(current))
    return max(runs, key=len, default="")


def _between_digits(tokens: list[str], i: int) -> bool:
    def digitish(t: str) -> bool:
        return t.isdigit() or (t in _UNITS and t not in _WEAK) or t in _REPEAT

    return 0 < i < len(tokens) - 1 and digitish(tokens[i - 1]) and digitish(tokens[i + 1])


def means_own_number(text: str) -> bool:
    """True when the caller says the number they are calling from is the one to use."""
    return bool(_OWN_NUMBER.search(text))


def parse_callback_number(
    text: str, *, caller_number: str | None = None, default_region: str = "US"
) -> str | None:
    """The E.164 callback number in what the caller said, or None when there is no valid one.

    "The number I'm calling from" resolves to `caller_number` (the caller ID) when it is known.
    """
    if means_own_number(text) and caller_number:
        return caller_number
    raw = text.strip()
    if raw.startswith("+"):
        try:
            return to_e164(raw, default_region)
        except InvalidPhoneNumber:
            pass
    digits = spoken_digits(text)
    if len(digits) < 7 or len(digits) > 15:
        return None
    candidates = [digits]
    if raw.startswith("+") or text.lower().lstrip().startswith("plus"):
        candidates.insert(0, "+" + digits)
    for candidate in candidates:
        try:
            return to_e164(candidate, default_region)
        except InvalidPhoneNumber:
            continue
    return None
