"""A name spelled letter by letter on the voice path: the recogniser hears that the agent asked
for a spelling (`OfflineSTT.heard_agent_say`, fed by the session's conversation items), reads the
turn as letters, and lets Whisper choose among the directory's spellings (`SpellingRescorer`);
the turn taker waits through the pauses between letters. Fakes of Whisper throughout."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import llm
from livekit.agents.voice.events import ConversationItemAddedEvent
from rapidfuzz.distance import Levenshtein

from switchboard.adapters.brain.offline.dialogue import SPELL
from switchboard.adapters.voice.spelling_rescoring import (
    SPELLING_PROMPT,
    SpellingRescoreOptions,
    SpellingRescorer,
    written,
)
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.turns import TurnDecision, TurnTiming, decide
from switchboard.domain.resolution.spelling import asks_for_spelling

NAMES = ["Marian Veselov", "Eleonora Belov", "Stephane Bedard", "Catalina Martinez", "Sales"]


class Acoustics:
    """A fake Whisper decoder: a text is as likely as it is close to what was really said (four
    nats per character edit). Records every batch."""

    def __init__(self, said: str) -> None:
        self.said = said
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, prompt: str, texts: Sequence[str]) -> list[float]:
        self.calls.append((prompt, list(texts)))
        return [-4.0 * Levenshtein.distance(t, self.said) for t in texts]


def test_a_misheard_spelling_is_written_as_the_directory_spelling_whisper_prefers() -> None:
    rescorer = SpellingRescorer(NAMES)
    acoustics = Acoustics("B-E-L-O-V.")
    assert rescorer.rescore("B-A-L-L-B.", acoustics) == "B-E-L-O-V."
    prompt, texts = acoustics.calls[0]
    assert prompt == SPELLING_PROMPT
    assert texts[0] == "B-A-L-L-B."  # what was decoded is weighed too
    assert written("belov") in texts[1:]


def test_a_spelling_is_left_alone_when_two_spellings_are_about_as_likely() -> None:
    rescorer = SpellingRescorer(["Ann Belov", "Bo Bedov"])
    even = Acoustics("B-E-X-O-V.")  # one letter from each: no clear winner
    assert rescorer.rescore("B-E-T-O-V.", even) == "B-E-T-O-V."
    assert len(even.calls) == 1


def test_a_spelling_far_less_likely_than_what_was_heard_is_not_written_in() -> None:
    rescorer = SpellingRescorer(NAMES, SpellingRescoreOptions(max_drop=3.0))
    acoustics = Acoustics("B-E-L-O-B-Q-Q.")  # what was said is not quite any name here
    assert rescorer.rescore("B-E-L-O-B-Q-Q.", acoustics) == "B-E-L-O-B-Q-Q."


def test_words_and_far_spellings_are_not_rescored() -> None:
    rescorer = SpellingRescorer(NAMES)
    acoustics = Acoustics("anything")
    assert rescorer.rescore("Could I speak to sales?", acoustics) == "Could I speak to sales?"
    assert rescorer.rescore("X-Q-Z-W-Q.", acoustics) == "X-Q-Z-W-Q."  # nothing near enough
    assert acoustics.calls == []
    assert rescorer.rescore("B-E-L-O-V.", acoustics, deadline=time.monotonic() - 1) == "B-E-L-O-V."
    assert acoustics.calls == []


@pytest.mark.parametrize(
    ("line", "asks"),
    [
        (f"I'm sorry, I couldn't find Bin Oak in our directory. {SPELL}", True),
        ("How do you spell that?", True),
        ("Could you spell the last name letter by letter", True),
        ("Thank you — that's Ben Okafor in Engineering. May I have your name, please?", False),
        ("I can't spell out our staff's numbers.", False),
        ("", False),
    ],
)
def test_which_agent_lines_ask_for_a_spelling(line: str, asks: bool) -> None:
    assert asks_for_spelling(line) is asks


def test_while_a_name_is_spelled_only_the_long_silence_ends_the_turn() -> None:
    timing = TurnTiming()
    # "V." reads as a finished sentence: normally the turn would end after quick_silence.
    assert decide(timing.quick_silence, "V.", timing) is TurnDecision.END
    assert decide(timing.max_silence, "V. E.", timing, spelling=True) is TurnDecision.WAIT
    assert decide(timing.spelling_silence, "V. E.", timing, spelling=True) is TurnDecision.END
    with pytest.raises(ValueError, match="spelling_silence"):
        TurnTiming(spelling_silence=0.5)


@dataclass
class Segment:
    text: str
    avg_logprob: float = -0.1


class FakeWhisper:
    """Decodes to `text` whatever the prompt; scores by closeness to `said` (`Acoustics`)."""

    def __init__(self, text: str, said: str) -> None:
        self.text, self.acoustics = text, Acoustics(said)
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        self.calls.append(options)
        return iter([Segment(self.text)]), None

    def scorer(self, audio: np.ndarray) -> Acoustics:
        return self.acoustics


def _speech(seconds: float) -> rtc.AudioFrame:
    n = int(seconds * 16000)
    tone = (np.sin(np.arange(n) * 2 * np.pi * 440 / 16000) * 8000).astype(np.int16)
    return rtc.AudioFrame(tone.tobytes(), 16000, 1, n)


def _agent_says(text: str) -> ConversationItemAddedEvent:
    return ConversationItemAddedEvent(item=llm.ChatMessage(role="assistant", content=[text]))


async def test_after_the_agent_asks_for_a_spelling_the_turn_is_read_as_letters() -> None:
    fake = FakeWhisper("B-A-L-L-B.", said="B-E-L-O-V.")
    stt = OfflineSTT(hints=NAMES, model=fake)
    assert stt.capabilities.chat_context  # the session hands us what the agent says
    stt._push_conversation_item(_agent_says(f"I couldn't find Bella. {SPELL}"))
    assert stt.spelling_expected()
    event = await stt.recognize(_speech(3.0))
    assert event.alternatives[0].text == "B-E-L-O-V."
    assert fake.calls[-1]["initial_prompt"] == SPELLING_PROMPT  # not the directory's names
    # The caller's own words, and the agent's next line, end the spelling.
    stt._push_conversation_item(
        ConversationItemAddedEvent(item=llm.ChatMessage(role="user", content=["B E L O V"]))
    )
    assert stt.spelling_expected()
    stt._push_conversation_item(_agent_says("Thank you — that's Eleonora Belov."))
    assert not stt.spelling_expected()
    await stt.recognize(_speech(1.0))
    assert fake.calls[-1]["initial_prompt"] != SPELLING_PROMPT
    await stt.aclose()


async def test_a_spelling_heard_unasked_is_kept_as_letters_not_snapped_to_a_name() -> None:
    fake = FakeWhisper("B-E-L-O-V.", said="B-E-L-O-V.")
    stt = OfflineSTT(hints=NAMES, model=fake)
    event = await stt.recognize(_speech(2.0))
    assert event.alternatives[0].text == "B-E-L-O-V."
    await stt.aclose()
