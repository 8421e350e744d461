"""An employee's phone number or email is never spoken or returned to a caller, whatever the model
writes: numbers (written, spaced, spoken digit by digit) and emails are replaced. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from switchboard.domain.directory import Directory

WITHHELD = "that number"
WITHHELD_EMAIL = "that address"

_SPOKEN_DIGIT = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3}
_PIECE = re.compile(r"\d+|[A-Za-z]+|[^\sA-Za-z\d]")
_JOINER = set("-.,()+/:") | {"dash", "dot", "and", "plus"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_AT = re.compile(r"\bat\b", re.IGNORECASE)


def _key(number: str) -> str:
    # The last seven digits identify a number in any format, with or without country/area code.
    return re.sub(r"\D", "", number)[-7:]


def private_numbers(directory: Directory) -> frozenset[str]:
    """Keys of every employee phone and sms number (never to be spoken)."""
    numbers = [n for e in directory.employees for n in (e.phone, e.sms) if n]
    return frozenset(_key(n) for n in numbers if len(_key(n)) == 7)


def _spoken_email(email: str) -> str:
    local, _, domain = email.lower().partition("@")
    words = [re.escape(w) for w in re.split(r"[.@_-]", local) if w]
    dom = [re.escape(w) for w in domain.split(".") if w]
    sep = r"\W*(?:dot|underscore|dash|hyphen)?\W*"
    return sep.join(words) + r"\W*at\W*" + sep.join(dom)


@dataclass(frozen=True, slots=True)
class _Redactor:
    public: str  # company facts, lower-cased: shareable as they are
    spoken: re.Pattern[str] | None  # every employee email read out ("ann dot lee at acme dot com")
    keys: frozenset[str]


_REDACTORS: dict[int, tuple[Directory, _Redactor]] = {}


def _redactor(directory: Directory) -> _Redactor:
    # Built once per directory: the agent filters every reply, so this is on the hot path.
    cached = _REDACTORS.get(id(directory))
    if cached is not None and cached[0] is directory:
        return cached[1]
    emails = sorted({e.email.lower() for e in directory.employees if e.email})
    spoken = "|".join(f"(?:{_spoken_email(e)})" for e in emails)
    redactor = _Redactor(
        public=" ".join(directory.company.info.values()).lower(),
        spoken=re.compile(spoken, re.IGNORECASE) if spoken else None,
        keys=private_numbers(directory),
    )
    if len(_REDACTORS) > 16:
        _REDACTORS.clear()
    _REDACTORS[id(directory)] = (directory, redactor)
    return redactor


def redact_contact_details(text: str, directory: Directory) -> str:
    """`text` with every employee phone/sms number and email removed, in any written or spoken form.

    Company facts (address, website, fax, public email) stay: they are meant to be shared.
    """
    r = _redactor(directory)
    out = _EMAIL.sub(
        lambda m: m.group(0) if m.group(0).lower() in r.public else WITHHELD_EMAIL, text
    )
    if r.spoken is not None and _AT.search(out):
        out = r.spoken.sub(WITHHELD_EMAIL, out)
    return _redact_numbers(out, r.keys) if r.keys else out


def _redact_numbers(text: str, keys: frozenset[str]) -> str:
    spans: list[tuple[int, int]] = []
    start, end, digits, repeat = -1, -1, "", 1

    def close() -> None:
        if digits and any(k in digits for k in keys):
            spans.append((start, end))

    for m in _PIECE.finditer(text):
        piece = m.group(0).lower()
        if piece.isdigit() or piece in _SPOKEN_DIGIT:
            if start < 0:
                start = m.start()
            digits += (piece if piece.isdigit() else _SPOKEN_DIGIT[piece]) * repeat
            end, repeat = m.end(), 1
        elif piece in _REPEAT:
            repeat = _REPEAT[piece]
            start = m.start() if start < 0 else start
        elif piece in _JOINER and start >= 0:
            continue
        else:
            close()
            start, end, digits, repeat = -1, -1, "", 1
    close()
    for s, e in reversed(spans):
        while s > 0 and text[s - 1] in "+(":  # a leading "+" or "(" belongs to the number
            s -= 1
        text = text[:s] + WITHHELD + text[e:]
    return text


def repeats_private_number(text: str, directory: Directory) -> bool:
    """True when `text` (e.g. what the caller said) contains an employee's number."""
    return redact_contact_details(text, directory) != text
