"""Who answered a dialled leg: a person or an answering machine (voicemail), from what was heard.

The agent dials an employee for a warm transfer; if their phone goes to voicemail, the briefing
(the caller's name and number) must never be spoken onto the recording and the leg never bridged.
This module decides from a timeline of observations made on the answered leg, counted in seconds
from the moment it was answered:

    Speech(start, end)   a stretch of voice (end None while it goes on)
    Words(at, text)      a transcript of what was said, when one is available
    Beep(at, hz)         a steady tone: the "record after the tone" beep

The rules, first match wins:

1. a beep                                   → machine
2. voicemail words ("leave a message", …)   → machine
3. one turn of speech lasting `long_greeting` or more, with no pause of `answer_gap` in it
                                            → machine (people answer in a word or two, then wait)
4. a shorter turn followed by `answer_gap` of silence → human ("Hello?" … waiting for us)
5. no verdict by the end of the listening window → unsure (silence, or a turn still too short)

Unsure is the caller's choice to make: the LiveKit adapter treats it as a person, because dropping
a real employee costs more than a briefing that a rare slow machine records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Answerer(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Speech:
    """Voice from `start` to `end` seconds after the answer; `end` is None while it goes on."""

    start: float
    end: float | None = None


@dataclass(frozen=True, slots=True)
class Words:
    """A transcript of speech heard on the leg, stamped with when it arrived."""

    at: float
    text: str


@dataclass(frozen=True, slots=True)
class Beep:
    """A steady tone of `hz` that started at `at` and lasted `seconds`."""

    at: float
    hz: float
    seconds: float = 0.0


Observation = Speech | Words | Beep


@dataclass(frozen=True, slots=True)
class ScreenRules:
    """The thresholds, in seconds, chosen with benchmarks/voicemail.py (docs/voicemail-detection.md).

    Twilio's own AMD has the same three knobs, defaults 2.4 s / 1.2 s / 5 s (twilio 9.13:
    rest/api/v2010/account/call/__init__.py:1254-1256, MachineDetectionSpeechThreshold,
    …SpeechEndThreshold, …SilenceTimeout).
    """

    long_greeting: float = 3.0  # one turn this long is a recorded greeting
    answer_gap: float = 1.5  # silence that ends a turn: a person is waiting for us to speak
    window: float = 4.5  # listen this long at most, then the verdict is unsure unless decided

    def __post_init__(self) -> None:
        if not 0 < self.answer_gap < self.window or self.long_greeting <= 0:
            raise ValueError("answer_gap must be positive and shorter than window")


@dataclass(frozen=True, slots=True)
class Verdict:
    answerer: Answerer
    reason: str
    at: float  # seconds after the answer when it was decided

    @property
    def is_machine(self) -> bool:
        return self.answerer is Answerer.MACHINE


# Phrases of voicemail greetings (carrier and personal). Matched on lower-cased words only, so
# "Hello, Dana speaking" or "who's calling?" never match.
VOICEMAIL_PHRASES: tuple[str, ...] = (
    "leave a message",
    "leave your message",
    "leave me a message",
    "leave a voicemail",
    "leave your name",
    "leave a brief message",
    "record your message",
    "after the tone",
    "after the beep",
    "at the tone",
    "at the beep",
    "not available",
    "unavailable",
    "can't take your call",
    "cannot take your call",
    "can't come to the phone",
    "can't get to the phone",
    "unable to take your call",
    "unable to answer",
    "you have reached",
    "you've reached",
    "voicemail",
    "voice mail",
    "mailbox",
    "get back to you",
    "return your call",
    "please hang up",
    "when you are finished",
    "when you have finished",
    "the person you are calling",
    "the number you have dialed",
    "the subscriber",
)
_WORDS = re.compile(r"[a-z']+")
_EPS = 1e-9  # times are sums of float hops: 1.9 - 0.9 must count as a whole second
_PHRASES = [tuple(_WORDS.findall(p)) for p in VOICEMAIL_PHRASES]


def voicemail_phrase(text: str) -> str | None:
    """The first voicemail phrase in `text` (case, punctuation and spacing ignored), or None."""
    words = tuple(_WORDS.findall(text.lower().replace("’", "'")))
    for phrase, parts in zip(VOICEMAIL_PHRASES, _PHRASES, strict=True):
        n = len(parts)
        if any(words[i : i + n] == parts for i in range(len(words) - n + 1)):
            return phrase
    return None


def first_turn(speech: Iterable[Speech], gap: float) -> tuple[float, float | None] | None:
    """(start, end) of the first turn: speech joined across pauses shorter than `gap`.

    `end` is None while the turn goes on. None when nobody has spoken yet.
    """
    turn: tuple[float, float | None] | None = None
    for part in sorted(speech, key=lambda s: s.start):
        if turn is None:
            turn = (part.start, part.end)
            continue
        start, end = turn
        if end is None:
            break
        if part.start - end >= gap - _EPS:
            break
        turn = (start, None if part.end is None else max(end, part.end))
    return turn


def classify(
    observations: Iterable[Observation],
    now: float,
    rules: ScreenRules = ScreenRules(),
) -> Verdict | None:
    """The verdict the observations up to `now` support, or None while it is still open.

    At or after `rules.window` there is always a verdict (unsure when nothing decided it).
    """
    seen = list(observations)
    beeps = [o for o in seen if isinstance(o, Beep)]
    if beeps:
        beep = min(beeps, key=lambda b: b.at)
        return Verdict(Answerer.MACHINE, f"a {beep.hz:.0f} Hz beep", now)
    for words in sorted((o for o in seen if isinstance(o, Words)), key=lambda w: w.at):
        phrase = voicemail_phrase(words.text)
        if phrase is not None:
            return Verdict(Answerer.MACHINE, f"greeting words: {phrase!r}", now)
    turn = first_turn((o for o in seen if isinstance(o, Speech)), rules.answer_gap)
    if turn is not None:
        start, end = turn
        length = (now if end is None else end) - start
        if length >= rules.long_greeting - _EPS:
            return Verdict(
                Answerer.MACHINE, f"a {length:.1f} s greeting without a pause for an answer", now
            )
        if end is not None and now - end >= rules.answer_gap - _EPS:
            return Verdict(Answerer.HUMAN, f"a short greeting ({length:.1f} s), then silence", now)
    if now >= rules.window - _EPS:
        reason = "no speech" if turn is None else "a greeting still too short to judge"
        return Verdict(Answerer.UNSURE, reason, now)
    return None
