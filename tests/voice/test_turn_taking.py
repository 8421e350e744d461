"""Ending the caller's turn early when it reads as finished, and speaking replies sentence by
sentence: the pure decision (turns.py) and `TurnTakingSTT` with a fake VAD and a fake STT.

Neither needs the [voice] extra: livekit-agents is a base dependency, and the fakes stand in for
silero and Whisper (tests/support/voice.py, which cites what they copy from silero).
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from livekit import rtc
from tests.support.voice import RATE, WINDOW, FakeSTT, FakeVAD
from tests.support.voice import quiet as _quiet
from tests.support.voice import word as _word

from switchboard.adapters.voice.turn_stream import TurnTakingSTT
from switchboard.adapters.voice.turns import (
    TurnDecision,
    TurnTiming,
    decide,
    sentences,
    sounds_complete,
    speech_chunks,
)

TIMING = TurnTiming(probe_silence=0.1, quick_silence=0.24, max_silence=0.8)


# --- the decision ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Could I speak to Dana Whitfield?",
        "Dana Whitfield, please.",
        "Priya Raman",
        "Dana Whitfield,",  # the name prompt makes Whisper end lone names with a comma
        "Thank you.",
        "Me too.",
        "Is Tom Reed available today?",
        "Yes",
    ],
)
def test_finished_utterances_sound_complete(text: str) -> None:
    assert sounds_complete(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "...",
        "I'd like to speak to",
        "I'd like to speak to...",
        "I'd like to speak too.",  # Whisper's "too" for an unfinished "to"
        "I'd like to speak, too.",
        "I'd like to speak to you.",  # and its "you" for the "um" after it
        "Could I talk to the",
        "My name is",
        "Um,",
        "uh",
        "I'm calling about my bill and",
        "Can you put me through to Mr.",
        "I was wondering -",
    ],
)
def test_unfinished_utterances_do_not(text: str) -> None:
    assert not sounds_complete(text)


def test_decide_waits_reads_then_ends_by_the_words() -> None:
    assert decide(0.0, None, TIMING) is TurnDecision.WAIT
    assert decide(0.05, "Dana Whitfield.", TIMING) is TurnDecision.WAIT  # between words
    assert decide(0.1, None, TIMING) is TurnDecision.TRANSCRIBE
    assert decide(0.15, "Dana Whitfield.", TIMING) is TurnDecision.WAIT  # complete, too soon
    assert decide(0.24, "Dana Whitfield.", TIMING) is TurnDecision.END
    assert decide(0.5, "I'd like to speak to", TIMING) is TurnDecision.WAIT
    assert decide(0.5, None, TIMING) is TurnDecision.TRANSCRIBE  # still reading
    assert decide(0.5, "", TIMING) is TurnDecision.WAIT  # nothing heard: maybe noise


def test_the_long_window_ends_any_turn() -> None:
    for transcript in (None, "", "I'd like to speak to", "Dana Whitfield."):
        assert decide(0.8, transcript, TIMING) is TurnDecision.END


def test_bad_timing_and_negative_silence_are_refused() -> None:
    with pytest.raises(ValueError, match="probe_silence <= quick_silence"):
        TurnTiming(probe_silence=0.3, quick_silence=0.2, max_silence=0.9)
    with pytest.raises(ValueError, match="quick_silence <= max_silence"):
        TurnTiming(quick_silence=1.0, max_silence=0.9)
    with pytest.raises(ValueError, match="0 < probe_silence"):
        TurnTiming(probe_silence=0.0)
    with pytest.raises(ValueError, match="negative"):
        decide(-0.1, None, TIMING)


# --- sentences for streaming TTS ------------------------------------------------------------------
def test_sentences_split_at_sentence_ends_only() -> None:
    text = "Dr. Kim is out until 9 a.m. tomorrow. Write to kim@lakeshore.example! Is 3.5 ok?  fine"
    assert sentences(text) == [
        "Dr. Kim is out until 9 a.m. tomorrow.",
        "Write to kim@lakeshore.example!",
        "Is 3.5 ok?",
        "fine",
    ]
    assert sentences("") == []
    assert sentences("   ") == []
    assert sentences("No punctuation at all") == ["No punctuation at all"]
    assert sentences("Wait... what?") == ["Wait...", "what?"]
    assert sentences('He said "hi." Then left.') == ['He said "hi."', "Then left."]


def test_speech_chunks_speak_a_short_opener_first() -> None:
    assert speech_chunks("Sure, one moment while I connect you. Thanks.") == [
        "Sure,",
        "one moment while I connect you.",
        "Thanks.",
    ]
    # Not worth a split: a long head or a short tail stays one sentence.
    assert speech_chunks("If nobody answers at the desk, I can take a message.") == [
        "If nobody answers at the desk, I can take a message."
    ]
    assert speech_chunks("Sure, thanks.") == ["Sure, thanks."]
    assert speech_chunks("") == []


# --- TurnTakingSTT with fakes (tests/support/voice.py) ---------------------------------------------
async def _listen(
    script: list[str], *parts: np.ndarray, fail: bool = False, spelling: bool = False
) -> tuple[list[tuple[float, str, str]], FakeSTT]:
    """Play `parts` frame by frame through the turn taker; each event with the audio time (s)
    at which it came out. The loop is given a few turns after each frame, as real time would.
    `spelling`: the wrapped STT says the agent asked for a spelling (as `OfflineSTT` does)."""
    fake = FakeSTT(script, fail=fail)
    fake.spelling_expected = lambda: spelling  # type: ignore[attr-defined]
    ears = TurnTakingSTT(stt=fake, vad=FakeVAD(TIMING.spelling_silence + 0.2), timing=TIMING)
    stream = ears.stream()
    pushed = 0
    events: list[tuple[float, str, str]] = []

    async def read() -> None:
        async for ev in stream:
            text = ev.alternatives[0].text if ev.alternatives else ""
            events.append((round(pushed * WINDOW, 2), ev.type.name, text))

    reader = asyncio.create_task(read())
    audio = np.concatenate([_quiet(0.1), *parts, _quiet(1.5)])
    step = int(RATE * WINDOW)
    for i in range(0, audio.size, step):
        stream.push_frame(
            rtc.AudioFrame(audio[i : i + step].tobytes(), RATE, 1, audio[i : i + step].size)
        )
        pushed += 1
        for _ in range(10):
            await asyncio.sleep(0)
    stream.end_input()
    await asyncio.wait_for(reader, 5)
    await stream.aclose()
    return events, fake


def _kinds(events: list[tuple[float, str, str]]) -> list[str]:
    return [kind for _, kind, _ in events]


async def test_a_finished_sentence_ends_the_turn_after_the_short_pause() -> None:
    events, fake = await _listen(["Dana Whitfield, please."], _word(0.5))
    assert _kinds(events) == ["START_OF_SPEECH", "END_OF_SPEECH", "FINAL_TRANSCRIPT"]
    speech_end = 0.1 + 0.5
    ended = events[1][0]
    assert TIMING.quick_silence <= ended - speech_end < TIMING.max_silence - 0.2
    assert events[2][2] == "Dana Whitfield, please."
    assert fake.heard == [1]  # transcribed once, at the pause, not again at the end


async def test_an_unfinished_sentence_waits_through_a_pause_and_is_not_cut_off() -> None:
    script = ["I'd like to speak to", "I'd like to speak to Dana Whitfield."]
    events, fake = await _listen(script, _word(), _quiet(0.6), _word())
    assert _kinds(events) == ["START_OF_SPEECH", "END_OF_SPEECH", "FINAL_TRANSCRIPT"]
    second_word_ends = 0.1 + 0.3 + 0.6 + 0.3
    assert events[1][0] > second_word_ends  # not before the caller finished
    assert events[2][2] == "I'd like to speak to Dana Whitfield."
    assert fake.heard[-1] == 2  # the whole turn, both words, in one transcript


async def test_a_spelled_name_is_one_turn_through_the_pauses_between_letters() -> None:
    letters = [_word(0.3), _quiet(0.6), _word(0.3), _quiet(0.6), _word(0.3)]
    script = ["V.", "V. E.", "V. E. S."]
    events, fake = await _listen(script, *letters, spelling=True)
    assert _kinds(events) == ["START_OF_SPEECH", "END_OF_SPEECH", "FINAL_TRANSCRIPT"]
    last_letter_ends = 0.1 + 3 * 0.3 + 2 * 0.6
    assert events[1][0] - last_letter_ends >= TIMING.spelling_silence - WINDOW / 2
    assert events[2][2] == "V. E. S."
    assert fake.heard[-1] == 3  # every letter in one transcript
    # Not asked to spell, the same audio ends a turn at the first letter ("V." is complete).
    events, _ = await _listen(script, *letters)
    assert _kinds(events)[:3] == ["START_OF_SPEECH", "END_OF_SPEECH", "FINAL_TRANSCRIPT"]
    assert events[2][2] == "V."


async def test_the_long_window_ends_a_turn_that_never_finishes() -> None:
    events, _ = await _listen(["I'd like to speak to"], _word())
    assert _kinds(events) == ["START_OF_SPEECH", "END_OF_SPEECH", "FINAL_TRANSCRIPT"]
    assert events[1][0] - (0.1 + 0.3) >= TIMING.max_silence - WINDOW / 2
    assert events[2][2] == "I'd like to speak to"


async def test_a_caller_who_goes_on_after_an_early_end_gets_a_new_turn() -> None:
    # Past the short pause the first sentence is complete; the caller then adds something while
    # the VAD still counts it as the same speech. Nothing is lost: it becomes the next turn.
    script = ["Dana Whitfield, please.", "Dana Whitfield, please. Thanks."]
    events, fake = await _listen(script, _word(), _quiet(0.5), _word())
    assert _kinds(events) == [
        "START_OF_SPEECH",
        "END_OF_SPEECH",
        "FINAL_TRANSCRIPT",
        "START_OF_SPEECH",
        "END_OF_SPEECH",
        "FINAL_TRANSCRIPT",
    ]
    assert fake.heard[-1] == 1  # the second turn holds the second word only


async def test_a_failing_decoder_gives_no_transcript_and_the_stream_goes_on() -> None:
    events, fake = await _listen(["Dana."], _word(), _quiet(1.2), _word(), fail=True)
    assert _kinds(events) == ["START_OF_SPEECH", "END_OF_SPEECH"] * 2
    assert fake.heard == [1, 1]  # it was asked, once a turn


async def test_the_wrapper_forwards_to_the_wrapped_stt() -> None:
    fake = FakeSTT(["hello"])
    ears = TurnTakingSTT(stt=fake, vad=FakeVAD(1.0))
    assert ears.capabilities.streaming
    assert ears.wrapped_stt is fake
    assert ears.timing == TurnTiming()
    event = await ears.recognize(rtc.AudioFrame(_word().tobytes(), RATE, 1, _word().size))
    assert event.alternatives[0].text == "hello"


async def test_audio_that_ends_mid_turn_still_gives_its_transcript() -> None:
    fake = FakeSTT(["Dana Whitfield, please."])
    stream = TurnTakingSTT(stt=fake, vad=FakeVAD(1.0), timing=TIMING).stream()
    audio = np.concatenate([_quiet(0.1), _word(), _quiet(0.04)])  # stops before any decision
    step = int(RATE * WINDOW)
    for i in range(0, audio.size, step):
        stream.push_frame(rtc.AudioFrame(audio[i : i + step].tobytes(), RATE, 1, step))
    stream.end_input()
    kinds = [
        (ev.type.name, ev.alternatives[0].text if ev.alternatives else "") async for ev in stream
    ]
    await stream.aclose()
    assert kinds == [
        ("START_OF_SPEECH", ""),
        ("END_OF_SPEECH", ""),
        ("FINAL_TRANSCRIPT", "Dana Whitfield, please."),
    ]


async def test_the_wrapped_stts_usage_reaches_the_session() -> None:
    # AgentSession counts STT usage from its STT's metrics_collected; each decode of the wrapped
    # STT emits one (livekit-agents 1.8.9 stt/stt.py:253), passed on as StreamAdapter does.
    fake = FakeSTT(["hello"])
    ears = TurnTakingSTT(stt=fake, vad=FakeVAD(1.0))
    seen: list[object] = []
    ears.on("metrics_collected", seen.append)
    audio = rtc.AudioFrame(_word().tobytes(), RATE, 1, _word().size)
    await fake.recognize(audio)  # as the stream decodes a turn (TurnStream._recognize)
    assert len(seen) == 1
    assert type(seen[0]).__name__ == "STTMetrics"
    assert seen[0].audio_duration == pytest.approx(0.3)  # type: ignore[attr-defined]
    await ears.aclose()
    await fake.recognize(audio)
    assert len(seen) == 1  # no longer passed on once closed
