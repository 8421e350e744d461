"""When the caller's turn is over: a short pause after a complete sentence, a long one otherwise.

Pure (no audio, no clock): `TurnTaker` in turn_stream.py feeds it the silence so far and the
transcript of the turn up to the pause, and acts on the answer.

A fixed silence window is a bad compromise on the phone: long enough not to cut off "I'd like to
speak to… um… Dana" makes every "Dana Whitfield, please." wait for nothing. So the turn is
transcribed at the first short pause, while the caller may still go on, and the words decide:

- a transcript that reads as finished ("Could I speak to Priya Raman?", "Dana, please.") ends the
  turn after `quick_silence`;
- one that stops on a word that announces more ("…speak to", "my name is", "um", "and") or on a
  trailing "..." / comma, or nothing heard yet, waits the full `max_silence`;
- `max_silence` always ends the turn, whatever was said;
- while the agent waits for a name spelled letter by letter, only `spelling_silence` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Words a sentence does not end on: articles, prepositions, conjunctions, fillers, auxiliaries,
# possessives and the verbs of a request still waiting for their object.
OPEN_ENDINGS = frozenset(
    """
    a an the this that these those my your his her our their its some any
    to for with from of at in on by about into onto like as than
    and or but so because if then also plus
    um umm uh uhh er erm eh ah hmm mm
    is are was were be been am i i'm im it's its that's there's he's she's we're they're
    i'd id i'll ill we'd we'll you'd could can would will should may might must do does did
    have has had get got let let's want wanted wanna need needed trying try looking
    speak talk reach call ring connect transfer put get leave send
    name name's called mister mr mrs ms miss dr doctor professor
    who what which where when how
    """.split()  # noqa: SIM905 - a word table reads better than a list literal
)
# Whisper writes a trailing "..." or "-" where the speaker trailed off. Not a comma: prompted with
# "Callers ask for A, B, C." it ends a lone name with one ("Dana Whitfield,").
_TRAILING_OFF = re.compile(r"(\.\.\.|…|-|;|:)\s*$")
# Whisper hears the "to" of an unfinished "I'd like to speak to…" as "too", and the "um" after it
# as "you" ("…speak to you."): after a request verb both mean the name is still to come.
_REQUEST_VERBS = frozenset(
    [
        "speak",
        "speaking",
        "talk",
        "talking",
        "reach",
        "through",
        "transfer",
        "transferred",
        "connect",
        "connected",
    ]
)
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class TurnTiming:
    """Seconds of caller silence (as the VAD measures it) for each decision."""

    # Start transcribing the turn so far once the caller has paused this long: early enough that
    # the transcript is ready by `quick_silence`, late enough to skip the gaps between words.
    probe_silence: float = 0.1
    # End a turn that reads as complete after this much silence.
    quick_silence: float = 0.2
    # End any turn after this much silence (the old fixed window was 0.45 s plus the VAD's lag);
    # long enough for a mid-sentence "… um …".
    max_silence: float = 0.9
    # A caller spelling a name pauses between letters, and each letter reads as complete
    # ("V." "E." "S."): while the agent waits for a spelling, only this much silence ends the turn.
    spelling_silence: float = 1.3

    def __post_init__(self) -> None:
        if not 0 < self.probe_silence <= self.quick_silence <= self.max_silence:
            raise ValueError(
                "TurnTiming needs 0 < probe_silence <= quick_silence <= max_silence, got "
                f"{self.probe_silence}, {self.quick_silence}, {self.max_silence}"
            )
        if self.spelling_silence < self.max_silence:
            raise ValueError(
                "TurnTiming needs spelling_silence >= max_silence, got "
                f"{self.spelling_silence} < {self.max_silence}"
            )


class TurnDecision(Enum):
    WAIT = "wait"  # the caller may go on
    TRANSCRIBE = "transcribe"  # pause long enough to read what was said so far
    END = "end"  # the turn is over: hand the transcript on


def sounds_complete(text: str) -> bool:
    """Does `text` read as a finished utterance? False for empty text and trailing-off endings.

    >>> sounds_complete("Could I speak to Dana Whitfield?")
    True
    >>> sounds_complete("I'd like to speak to... um...")
    False
    """
    stripped = text.strip()
    if not stripped or _TRAILING_OFF.search(stripped):
        return False
    words = _WORD.findall(stripped.casefold().replace("’", "'"))
    if not words:
        return False
    if words[-1] == "you" and len(words) > 2 and words[-2] in ("to", "too"):
        words = words[:-1]
    if words[-1] == "too" and len(words) > 1 and words[-2] in _REQUEST_VERBS:
        return False
    return words[-1] not in OPEN_ENDINGS


def decide(
    silence: float,
    transcript: str | None,
    timing: TurnTiming,
    *,
    spelling: bool = False,
) -> TurnDecision:
    """What to do after `silence` seconds of quiet, given the turn's transcript up to this pause
    (None: not transcribed yet). `spelling`: the caller was asked to spell a name, so only
    `spelling_silence` ends the turn."""
    if silence < 0:
        raise ValueError(f"silence cannot be negative: {silence}")
    if spelling:
        return TurnDecision.END if silence >= timing.spelling_silence else TurnDecision.WAIT
    if silence >= timing.max_silence:
        return TurnDecision.END
    if silence < timing.probe_silence:
        return TurnDecision.WAIT
    if transcript is None:
        return TurnDecision.TRANSCRIBE
    if silence >= timing.quick_silence and sounds_complete(transcript):
        return TurnDecision.END
    return TurnDecision.WAIT


def sentences(text: str) -> list[str]:
    """Split a reply into sentences for speaking one at a time (the first plays while the rest is
    synthesised). Keeps each sentence's punctuation; never splits inside "Dr. Kim", "a.m.",
    "3.5" or an e-mail address; a trailing fragment without punctuation is a sentence too."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        piece = text[start:end].strip()
        if piece and not _ABBREVIATION.search(piece):
            out.append(piece)
            start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def speech_chunks(text: str) -> list[str]:
    """`sentences(text)`, with the first one split after a leading "Sure," / "Of course," when
    at least three words follow: synthesis time grows with the text, so the caller hears the short
    opener sooner, and the comma is a pause in the speech anyway."""
    parts = sentences(text)
    if parts:
        head, comma, tail = parts[0].partition(", ")
        if comma and len(head.split()) <= 3 and len(tail.split()) >= 3:
            parts[:1] = [head + ",", tail]
    return parts


# A sentence ends at . ! ? (or …) followed by whitespace; "3.5" and "a@b.example" have none.
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*(?=\s)")
# …unless the "sentence" ends on a title or a one-letter initial ("Dr.", "Mr.", "J.", "a.m.").
_ABBREVIATION = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|prof|st|mt|jr|sr|vs|etc|no|ext|approx|inc|ltd|co|dept)\.|"
    r"\b[a-z]\.(?:[a-z]\.)*|\b[a-z]\.[a-z]\.)$",
    re.IGNORECASE,
)
