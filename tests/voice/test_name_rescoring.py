"""Closed-set name rescoring (`NameRescorer`): which words a name may replace, when a name is
written in and when the turn is left alone; then with the real tiny.en on piper's speech."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from rapidfuzz.distance import Levenshtein
from tests.support.voice import phone_line_speech

from switchboard.adapters.voice.availability import piper_available, voice_available
from switchboard.adapters.voice.name_rescoring import NameRescorer, RescoreOptions
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.whisper import WhisperOptions

NAMES = [
    "Kornel Pieczyrak",
    "Cornelia Pieters",
    "Carmen Piedra",
    "Tom Reed",
    "Tom Reid",
    "Priya Raman",
    "Billing",  # a department: one word, never a candidate
]


class Acoustics:
    """A fake Whisper: a hypothesis is as likely as it is close to what was really said (five
    nats per character edit). Records every batch it scores."""

    def __init__(self, said: str) -> None:
        self.said = said
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, prompt: str, texts: Sequence[str]) -> list[float]:
        self.calls.append((prompt, list(texts)))
        return [-5.0 * Levenshtein.distance(t.casefold(), self.said.casefold()) for t in texts]


RESCORER = NameRescorer(NAMES)


def test_candidates_are_full_names_each_with_the_words_it_would_replace() -> None:
    runs = RESCORER.candidates("Could I speak to Cornell Piedsarek please?")
    words = ["Could", "I", "speak", "to", "Cornell", "Piedsarek", "please?"]
    assert runs[0].name == "Kornel Pieczyrak"
    assert words[runs[0].start : runs[0].end] == ["Cornell", "Piedsarek"]
    assert {r.name for r in runs} >= {"Kornel Pieczyrak", "Cornelia Pieters"}
    assert "Billing" not in {r.name for r in runs}
    assert len(runs) <= RESCORER.options.candidates
    for run in runs:  # never "to Cornell" or "Piedsarek please?"
        assert words[run.start] not in ("to", "speak", "I")
        assert words[run.end - 1] != "please?"


def test_the_name_whisper_finds_clearly_most_likely_is_written_in() -> None:
    heard = "Could I speak to Cornell Piedsarek, please?"
    acoustics = Acoustics(said="Could I speak to Kornel Pieczyrak, please?")
    assert RESCORER.rescore(heard, acoustics) == "Could I speak to Kornel Pieczyrak, please?"
    prompt, texts = acoustics.calls[0]
    assert texts[0] == heard  # the transcript as decoded is scored alongside
    assert prompt.startswith("Callers ask for Kornel Pieczyrak")  # prompted as the decode was


def test_the_name_replaces_as_many_words_as_it_has() -> None:
    # "Grant" alone looks most like Olivia Grant; "Alimee" is the garbled first name.
    rescorer = NameRescorer([*NAMES, "Olivia Grant", "Grace Kim"])
    (run, *_) = rescorer.candidates("Alimee Grant, please.")
    assert (run.name, run.start, run.end) == ("Olivia Grant", 1, 2)
    said = "Olivia Grant, please."
    assert rescorer.rescore("Alimee Grant, please.", Acoustics(said)) == said


def test_a_right_name_is_not_swapped_for_a_sound_alike() -> None:
    said = "Is Tom Reid available today?"
    assert RESCORER.rescore(said, Acoustics(said)) == said


def test_a_misheard_sound_alike_is_corrected() -> None:
    heard = "Is Tom Reed available today?"
    assert RESCORER.rescore(heard, Acoustics("Is Tom Reid available today?")) == (
        "Is Tom Reid available today?"
    )


def test_two_names_about_as_likely_leave_the_turn_as_heard() -> None:
    heard = "Could I speak to Cornell Piedsarek, please?"

    def torn(prompt: str, texts: Sequence[str]) -> list[float]:
        return [-5.0 if "Kornel" in t or "Cornelia" in t else -30.0 for t in texts]

    assert RESCORER.rescore(heard, torn) == heard
    wide = NameRescorer(NAMES, RescoreOptions(margin=0.0))
    assert wide.rescore(heard, torn) != heard  # the margin is what kept it


def test_a_name_much_less_likely_than_the_transcript_is_not_written_in() -> None:
    heard = "Could I speak to Cornell Piedsarek, please?"

    def doubtful(prompt: str, texts: Sequence[str]) -> list[float]:
        return [-1.0, *(-25.0 if "Kornel" in t else -45.0 for t in texts[1:])]

    assert RESCORER.rescore(heard, doubtful) == heard
    lenient = RescoreOptions(max_drop=30.0, sure_max_drop=30.0)
    assert NameRescorer(NAMES, lenient).rescore(heard, doubtful) != heard


def test_words_that_barely_look_like_the_name_need_it_to_be_nearly_as_likely() -> None:
    heard = "Is Cornell here today?"  # looks a little like Cornelia Pieters

    def costly(prompt: str, texts: Sequence[str]) -> list[float]:
        return [-1.0, *(-13.0 if "Cornelia" in t else -40.0 for t in texts[1:])]

    (run,) = [r for r in RESCORER.candidates(heard) if r.name == "Cornelia Pieters"]
    assert RESCORER.options.floor <= run.score < RESCORER.options.sure_similarity
    assert RESCORER.rescore(heard, costly) == heard  # 12 nats: too costly for so loose a match
    sure = NameRescorer(NAMES, RescoreOptions(sure_similarity=run.score))
    assert sure.rescore(heard, costly) == "Is Cornelia Pieters here today?"


@pytest.mark.parametrize(
    "turn",
    [
        "Yes.",
        "Billing, please.",
        "Can I just leave a message?",
        "Take a message.",
        "No, that's all, thank you.",
        "Tom Reed, please.",  # a name spelled right and said right
    ],
)
def test_turns_without_a_misheard_name_come_out_unchanged(turn: str) -> None:
    assert RESCORER.rescore(turn, Acoustics(turn)) == turn


def test_nothing_is_scored_after_the_deadline() -> None:
    acoustics = Acoustics(said="Could I speak to Kornel Pieczyrak?")
    heard = "Could I speak to Cornell Piedsarek?"
    assert RESCORER.rescore(heard, acoustics, deadline=time.monotonic() - 0.01) == heard
    assert acoustics.calls == []


@dataclass
class Segment:
    text: str
    avg_logprob: float = -0.2


class ScoringWhisper:
    """A fake short-window model: one transcript, and `scorer` as `ShortWindowWhisper` offers it."""

    def __init__(self, heard: str, said: str) -> None:
        self.heard = heard
        self.acoustics = Acoustics(said)
        self.audio: np.ndarray | None = None

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        self.audio = audio
        return iter([Segment(self.heard)]), None

    def scorer(self, audio: np.ndarray) -> Acoustics | None:
        return self.acoustics if audio is self.audio else None


def _tone(seconds: float) -> rtc.AudioFrame:
    n = int(seconds * 16000)
    tone = (np.sin(np.arange(n) * 2 * np.pi * 440 / 16000) * 8000).astype(np.int16)
    return rtc.AudioFrame(tone.tobytes(), 16000, 1, n)


@pytest.mark.parametrize("rescore", [True, False])
async def test_offline_stt_rescores_unless_switched_off(rescore: bool) -> None:
    model = ScoringWhisper("Cornell Piedsarek, please.", said="Kornel Pieczyrak, please.")
    options = WhisperOptions(rescore_names=rescore, snap_names=False)
    stt = OfflineSTT(hints=NAMES, options=options, model=model)
    event = await stt.recognize(_tone(1.5))
    expected = "Kornel Pieczyrak, please." if rescore else "Cornell Piedsarek, please."
    assert event.alternatives[0].text == expected
    assert len(model.acoustics.calls) == (1 if rescore else 0)
    await stt.aclose()


async def test_offline_stt_skips_rescoring_once_the_turn_is_out_of_time() -> None:
    model = ScoringWhisper("Cornell Piedsarek, please.", said="Kornel Pieczyrak, please.")
    stt = OfflineSTT(hints=NAMES, options=WhisperOptions(snap_names=False), model=model)
    audio = np.zeros(16000, dtype=np.float32)
    assert stt._read(model, audio, deadline=time.monotonic() - 0.01)[0] == (
        "Cornell Piedsarek, please."
    )
    assert model.acoustics.calls == []
    await stt.aclose()


# -- the real model ---------------------------------------------------------------------------

needs_voice = pytest.mark.skipif(
    not (voice_available() and piper_available()),
    reason="needs the [voice] extra with piper",
)


@pytest.fixture(scope="module")
def spoken() -> dict[str, np.ndarray]:
    """16 kHz audio of each request as piper says it over a phone line (piper's noise off)."""
    from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, whisper_input

    lines = phone_line_speech(
        ("Could I speak to Kornel Pieczyrak, please?", "Yes, billing please.")
    )
    return {
        text: whisper_input(rtc.AudioFrame(line.tobytes(), TELEPHONE_SAMPLE_RATE, 1, line.size))
        for text, line in lines.items()
    }


@pytest.fixture(scope="module")
def tiny() -> Any:
    from switchboard.adapters.voice.whisper import load_whisper

    return load_whisper(WhisperOptions())


@needs_voice
def test_whisper_scores_the_name_that_was_said_above_its_sound_alikes(
    tiny: Any, spoken: dict[str, np.ndarray]
) -> None:
    audio = spoken["Could I speak to Kornel Pieczyrak, please?"]
    stt = OfflineSTT(hints=NAMES, model=tiny)
    stt._decode(tiny, audio, time.monotonic() + 10)  # the decode whose encoding is reused
    score = tiny.scorer(audio)
    assert score is not None
    names = ["Cornelia Pieters", "Kornel Pieczyrak", "Carmen Piedra", "Tom Reed"]
    scores = score(
        "Callers ask for " + ", ".join(names) + ".",
        [f"Could I speak to {n}, please?" for n in names],
    )
    ranked = sorted(zip(scores, names, strict=True), reverse=True)
    assert ranked[0][1] == "Kornel Pieczyrak"
    assert ranked[0][0] - ranked[1][0] > RescoreOptions().margin
    assert tiny.scorer(np.zeros(16000, dtype=np.float32)) is None  # not the audio just decoded


@needs_voice
def test_the_real_path_writes_the_name_and_leaves_a_turn_without_one(
    tiny: Any, spoken: dict[str, np.ndarray]
) -> None:
    stt = OfflineSTT(hints=NAMES, options=WhisperOptions(snap_names=False), model=tiny)
    deadline = time.monotonic() + 10
    named, _ = stt._read(tiny, spoken["Could I speak to Kornel Pieczyrak, please?"], deadline)
    assert "Kornel Pieczyrak" in named
    plain, _ = stt._read(tiny, spoken["Yes, billing please."], deadline)
    assert plain == stt._decode(tiny, spoken["Yes, billing please."], deadline)[0]
    assert not any(n in plain for n in NAMES[:-1])
