"""Guardrails that hold whatever the language model says (CALL_CONVENTIONS "Routing and policy").

Emergencies, who may be dialled and how often, what may never be spoken, and when a call has gone
bad (abuse, loops). Pure: no I/O, no framework.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from switchboard.domain.directory import Directory, Employee

MAX_ATTEMPTS_PER_EMPLOYEE = 2
WITHHELD = "that number"
WITHHELD_EMAIL = "that address"

_EMERGENCY = re.compile(
    # "fire" alone counts (safety first), but not in "fire drill", "fire safety" and the like.
    r"\b(?:fire(?! (?:drill|safety|extinguishers?|inspections?|codes?|insurance))|smell smoke|"
    r"smoke in|full of smoke|911|nine one one|ambulance|paramedics?|having a stroke|"
    r"(?:someone|somebody|he|she|they|person|man|woman|colleague)(?:'s| is| are| has been| got)? "
    r"(?:hurt|injured|bleeding|unconscious|not breathing|collapsed|dying)|"
    r"heart attack|can'?t breathe|not breathing|overdose|medical emergency|gas leak)\b",
    re.IGNORECASE,
)


def is_emergency(text: str) -> bool:
    """True when the caller reports a fire, an injury or asks for 911."""
    return bool(_EMERGENCY.search(text))


# --- never speak an employee's number or email -----------------------------------------------

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


# --- dialling ------------------------------------------------------------------------------------


def dial_target(directory: Directory, employee_id: str) -> Employee | None:
    """The employee to dial for `employee_id`, or None. Only a directory employee id qualifies:
    raw numbers, sms numbers, extensions and star codes are never dialled."""
    return directory.employee(employee_id.strip()) if employee_id else None


@dataclass(slots=True)
class AttemptLedger:
    """Transfer attempts per employee in one call; at most `limit` each."""

    limit: int = MAX_ATTEMPTS_PER_EMPLOYEE
    counts: Counter[str] = field(default_factory=Counter)

    def allows(self, employee_id: str) -> bool:
        return self.counts[employee_id] < self.limit

    def record(self, employee_id: str) -> int:
        """Count one attempt; returns the attempts so far for this employee."""
        self.counts[employee_id] += 1
        return self.counts[employee_id]


# --- abuse and loops -----------------------------------------------------------------------------

_ABUSE = re.compile(
    r"\b(?:fuck\w*|shit\w*|bitch\w*|bastard|asshole|cunt|dickhead|moron|idiot|stupid bot|"
    r"kill you|i'?ll hurt you)\b",
    re.IGNORECASE,
)
_ACKS = frozenset(
    {"yes", "yeah", "yep", "no", "nope", "ok", "okay", "sure", "right", "correct", "thanks",
     "thank you", "yes please", "no thanks", "no thank you", "uh huh", "mhm"}
)  # fmt: skip


@dataclass(slots=True)
class CallMonitor:
    """Ends a call politely after repeated abuse, the same thing said over and over, or a call
    that has gone on for too many turns without an end."""

    max_abusive: int = 3
    max_repeats: int = 3
    max_turns: int = 40
    abusive: int = 0
    turns: int = 0
    said: Counter[str] = field(default_factory=Counter)

    def observe(self, caller_text: str) -> bool:
        """Count one caller turn; True when the call should now end."""
        self.turns += 1
        if _ABUSE.search(caller_text):
            self.abusive += 1
        normal = re.sub(r"\W+", " ", caller_text.lower()).strip()
        if normal and normal not in _ACKS:  # "yes" three times is a normal call, not a loop
            self.said[normal] += 1
        return self.should_end

    @property
    def should_end(self) -> bool:
        repeats = max(self.said.values(), default=0)
        return (
            self.abusive >= self.max_abusive
            or repeats >= self.max_repeats
            or self.turns >= self.max_turns
        )
