"""What a caller's turn asks for and which slots it answers: plain patterns, tolerant of phrasing
and of speech-recognition noise. Pure.

Caller text is data: these functions only cut pieces out of it; nothing in it is ever obeyed.
"""

from __future__ import annotations

import re
from enum import StrEnum

from switchboard.domain.emergency import is_emergency


class Intent(StrEnum):
    EMERGENCY = "emergency"
    MESSAGE = "message"
    INFO = "info"
    GOODBYE = "goodbye"
    YES = "yes"
    NO = "no"
    URGENT = "urgent"


_F = re.IGNORECASE
_PATTERNS: dict[Intent, re.Pattern[str]] = {
    Intent.MESSAGE: re.compile(
        r"\b(?:leave|take|pass on|give (?:him|her|them))\b.{0,12}\b(?:message|massage|note)|\bvoice ?mail\b",
        _F,
    ),
    Intent.INFO: re.compile(
        r"\b(?:hours|open|clos(?:e|ed|ing)|address|located|location|where are you|directions|"
        r"website|web site|fax)\b",
        _F,
    ),
    Intent.GOODBYE: re.compile(
        r"\b(?:good ?bye|bye|that'?s all|that is all|nothing else|that'?s it|have a (?:good|nice))\b"
        r"|^\s*no,? thanks?(?: you)?\b",
        _F,
    ),
    Intent.YES: re.compile(
        r"^\W*(?:yes|yeah|yep|yup|ya|correct|right|sure|please\W*$|ok(?:ay)?|sounds good|"
        r"absolutely|uh[- ]?huh|that'?s (?:right|correct)|perfect|go ahead)\b",
        _F,
    ),
    Intent.NO: re.compile(
        r"^\W*(?:no|nope|nah|not really|wrong|incorrect|that'?s (?:wrong|not right))\b", _F
    ),
    Intent.URGENT: re.compile(r"\b(?:urgent(?:ly)?|asap|as soon as possible|right away)\b", _F),
}
_CLAUSE_END = re.compile(
    r"[.,;!?]|\s(?:about|regarding|concerning|because|please|and|it'?s|i'?m|my|if|so|"
    r"this is|who|from|at|on|there|available|in the office|calling|looking|trying|here|"
    r"speaking|again|one more time|for me|right now|now|today|then|instead|"
    r"to (?:talk|discuss|ask))\b|\s(?:is|are) (?:he|she|they)\b",
    _F,
)
_TARGET = re.compile(
    r"\b(?:speak|talk|chat)(?: to| with)?\s+|\bconnect(?:ed)? me (?:to|with)\s+|"
    r"\bput me through to\s+|\btransfer(?: me)?(?: over)? to\s+|\blooking for\s+|"
    r"\btrying to (?:reach|get)\s+|\b(?:reach|get hold of|get a hold of)\s+|"
    r"\b(?:message|calling|call|note) for\s+|\bis\s+(?=\w+(?: \w+)? (?:there|available|in)\b)",
    _F,
)
_NAME = re.compile(r"\b(?:this is|my name is|my name'?s|name is|it'?s|it is|i am|i'?m)\s+", _F)
_NOT_A_NAME = re.compile(
    r"^(?:calling|looking|trying|here|fine|good|not|just|about|regarding|on|in|from|a|an|the|"
    r"so|very|really|sorry|hoping|wondering|interested|urgent|with|for|to|at)\b",
    _F,
)
_REASON = re.compile(r"\b(?:about|regarding|concerning|because|re)\s+(.+)", _F)
_MESSAGE = re.compile(
    r"\b(?:tell (?:him|her|them)|let (?:him|her|them) know|(?:the )?message is|"
    r"please tell \w+|can you tell \w+|say that|ask (?:him|her|them) to)\s*:?\s*(?:that\s+)?(.+)",
    _F | re.DOTALL,
)
_FILLER = re.compile(
    r"^\W*(?:(?:yes|yeah|sure|ok(?:ay)?|um+|uh+|hi there|hello there|hi|hello|hey|good (?:morning|afternoon|evening)|"
    r"well|oh|please|so|and|it'?s|sorry|no|nope|actually|i meant|i mean|meant|"
    r"that'?s|my name is|my name'?s|this is|i'?m|i am)\b\W*)+",
    _F,
)


def intents(text: str) -> set[Intent]:
    """Every intent the turn shows; emergency is the caller's own words only."""
    found = {intent for intent, pattern in _PATTERNS.items() if pattern.search(text)}
    if is_emergency(text):
        found.add(Intent.EMERGENCY)
    return found


def _clause(rest: str, max_words: int) -> str:
    cut = _CLAUSE_END.search(rest)
    words = (rest[: cut.start()] if cut else rest).split()
    return " ".join(words[:max_words]).strip(" '\"")


def strip_filler(text: str) -> str:
    """The turn without leading "yes, um, it's …" and trailing punctuation."""
    return _FILLER.sub("", text).strip().rstrip(".!?,")


def first_clause(text: str) -> str | None:
    """The turn's opening words up to the first clause break ("Bob Smith please, …" → "Bob Smith"),
    if short enough to be a name."""
    clause = _clause(strip_filler(text), 6)
    return clause if clause and len(clause.split()) <= 5 else None


def target_phrase(text: str) -> str | None:
    """Who or what the caller asks for ("can I talk to Ann Lee about…" → "Ann Lee")."""
    for m in _TARGET.finditer(text):
        phrase = _clause(text[m.end() :], 5)
        phrase = re.sub(r"^(?:someone|somebody|anyone) (?:in|from)\s+", "", phrase, flags=_F)
        phrase = re.sub(r"^(?:the|a|an|mr|mrs|ms|dr)\.?\s+", "", phrase, flags=_F)
        if phrase and phrase.lower() not in {
            "you",
            "someone",
            "somebody",
            "a message",
            "me",
            "her",
            "him",
            "them",
            "it",
        }:
            return phrase
    return None


def caller_name(text: str, *, asked: bool = False) -> str | None:
    """The caller's name if the turn gives it ("This is Ann Lee"); when the agent has just asked,
    a bare answer ("Ann Lee") counts too."""
    for m in _NAME.finditer(text):
        rest = text[m.end() :]
        if not _NOT_A_NAME.match(rest):
            name = _clause(rest, 4)
            if name and re.fullmatch(r"[^\W\d_][\w' .-]*", name):
                return name
    bare = strip_filler(text)
    if asked and len(bare.split()) <= 4 and not _NOT_A_NAME.match(bare) and not reason(text):
        name = _clause(bare, 4)
        if name and re.fullmatch(r"[^\W\d_][\w' .-]*", name):
            return name
        # An unusual answer to "May I have your name?" is still the caller's name: keep it as
        # data, verbatim (never interpreted), rather than asking again and again.
        odd = bare.strip().strip(".!?").strip()
        return odd[:80] if any(ch.isalpha() for ch in odd) else None
    return None


def reason(text: str) -> str | None:
    """Why they call, when the turn says so ("… about the invoice")."""
    m = _REASON.search(text)
    return m.group(1).strip().rstrip(".!?") if m else None


def message_text(text: str) -> str | None:
    """The message to pass on when the turn dictates one ("Please tell her …"): the caller's whole
    turn, verbatim, so nothing they said is lost."""
    return text.strip() if _MESSAGE.search(text) else None
