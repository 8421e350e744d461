"""Energy segmentation, beep detection and the frame-fed screen on generated phone audio.

Tones, noise and speech-like sound (noise shaped by a syllable-rate envelope, or a harmonic
"vowel" gliding in pitch) are made here with numpy; nothing needs the [voice] extra.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest
from livekit import rtc

from switchboard.adapters.livekit.answer_screen import judge_audio
from switchboard.adapters.voice.audio import telephone_audio, to_frames
from switchboard.adapters.voice.line_signals import (
    GateOptions,
    LineListener,
    ToneDetector,
    level_dbfs,
)
from switchboard.domain.answering_machine import Answerer, Beep, ScreenRules, Speech

RATE = 16000
RNG = np.random.default_rng(7)


def silence(seconds: float, dbfs: float = -60.0) -> np.ndarray:
    return _at(RNG.standard_normal(int(seconds * RATE)), dbfs)


def speechlike(seconds: float, dbfs: float = -20.0) -> np.ndarray:
    """Band noise pulsed at ~4 syllables a second with a glottal buzz: voice to an energy meter."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    pitch = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)  # intonation
    buzz = sum(np.sin(2 * np.pi * k * np.cumsum(pitch) / RATE) / k for k in range(1, 15))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
    return _at((buzz + 0.3 * RNG.standard_normal(n)) * envelope, dbfs)


def tone(hz: float, seconds: float, dbfs: float = -18.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return _at(np.sin(2 * np.pi * hz * t), dbfs)


def _at(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return x * 10 ** (dbfs / 20) * 32768.0 / rms


def line(*parts: np.ndarray, noise_dbfs: float = -58.0) -> np.ndarray:
    """Parts in a row, line noise under all of it, through an 8 kHz µ-law phone line, at 16 kHz."""
    body = np.concatenate(parts)
    body = body + _at(RNG.standard_normal(body.size), noise_dbfs)
    phone = telephone_audio(np.clip(body, -32768, 32767).astype(np.int16), RATE)
    from switchboard.adapters.voice.audio import resample

    return resample(phone, 8000, RATE)


def listen(samples: np.ndarray, chunk: int = 320) -> LineListener:
    listener = LineListener(RATE)
    for i in range(0, samples.size, chunk):
        listener.push(samples[i : i + chunk])
    return listener


def test_level_of_full_scale_and_of_nothing() -> None:
    assert level_dbfs(np.full(160, 32767, dtype=np.int16)) == pytest.approx(0.0, abs=0.01)
    assert level_dbfs(np.zeros(160, dtype=np.int16)) == -120.0
    assert level_dbfs(np.zeros(0, dtype=np.int16)) == -120.0


def test_speech_between_silences_is_one_segment_with_its_timing() -> None:
    heard = listen(line(silence(0.5), speechlike(0.8), silence(1.5)))
    [segment] = heard.gate.segments
    assert segment.start == pytest.approx(0.5, abs=0.1)
    assert segment.end == pytest.approx(1.3, abs=0.15)
    assert heard.tones.beeps == []


@pytest.mark.parametrize("noise_dbfs", [-70.0, -50.0, -42.0])
def test_line_noise_alone_is_never_speech(noise_dbfs: float) -> None:
    heard = listen(line(silence(3.0, dbfs=noise_dbfs), noise_dbfs=noise_dbfs))
    assert heard.gate.segments == []


def test_speech_that_goes_on_is_an_open_segment() -> None:
    heard = listen(line(silence(0.3), speechlike(2.0)))
    assert heard.gate.segments[-1].end is None


def test_a_quiet_talker_is_still_heard_over_a_quiet_line() -> None:
    heard = listen(line(silence(0.5), speechlike(0.8, dbfs=-36.0), silence(1.0)))
    assert len(heard.gate.segments) == 1


def test_a_click_is_not_speech() -> None:
    click = np.zeros(int(0.04 * RATE))
    click[:20] = 20000
    heard = listen(line(silence(0.5), click, silence(1.0)))
    assert heard.gate.segments == []


@pytest.mark.parametrize("hz", [440.0, 850.0, 1000.0, 1400.0, 2000.0])
def test_voicemail_beeps_are_found_at_their_pitch(hz: float) -> None:
    heard = listen(line(silence(0.3), speechlike(1.0), silence(0.4), tone(hz, 0.3), silence(0.5)))
    [beep] = heard.tones.beeps
    assert beep.hz == pytest.approx(hz, abs=15)
    assert beep.at == pytest.approx(1.7, abs=0.1)


def test_a_blip_shorter_than_a_beep_is_not_one() -> None:
    heard = listen(line(silence(0.3), tone(1000.0, 0.08), silence(0.5)))
    assert heard.tones.beeps == []


def test_a_voice_gliding_in_pitch_is_not_a_beep() -> None:
    heard = listen(line(silence(0.3), speechlike(3.0), silence(0.5)))
    assert heard.tones.beeps == []


def test_the_tone_detector_refuses_noise_and_silence() -> None:
    detector = ToneDetector(RATE)
    assert detector.pitch(np.zeros(640, dtype=np.int16)) is None
    assert detector.pitch(_at(RNG.standard_normal(640), -20).astype(np.int16)) is None
    assert detector.pitch(tone(1000.0, 0.04).astype(np.int16)) == pytest.approx(1000, abs=10)


def test_chunk_size_does_not_change_what_is_heard() -> None:
    audio = line(silence(0.4), speechlike(0.7), silence(0.5), tone(850.0, 0.3), silence(0.3))
    whole, small, odd = listen(audio, 320), listen(audio, 80), listen(audio, 333)
    assert whole.observations() == small.observations() == odd.observations()


def test_a_sample_rate_below_telephone_audio_is_refused() -> None:
    with pytest.raises(ValueError, match="below telephone"):
        LineListener(4000)


def test_gate_options_can_demand_louder_speech() -> None:
    listener = LineListener(RATE, gate=GateOptions(absolute_dbfs=-10.0))
    listener.push(line(silence(0.3), speechlike(0.8, dbfs=-25.0), silence(1.0)).astype(np.int16))
    assert listener.gate.segments == []


async def _frames(samples: np.ndarray) -> AsyncIterator[rtc.AudioFrame]:
    for frame in to_frames(samples.astype(np.int16), RATE):
        yield frame


RULES = ScreenRules()


async def test_hello_then_silence_is_a_person_about_a_gap_after_they_stop() -> None:
    audio = line(silence(0.4), speechlike(0.6), silence(4.0))
    verdict = await judge_audio(_frames(audio), asyncio.Queue(), RULES)
    assert verdict.answerer is Answerer.HUMAN
    assert verdict.at == pytest.approx(1.0 + RULES.answer_gap, abs=0.4)


async def test_a_long_greeting_is_a_machine_before_it_ends() -> None:
    greeting = [speechlike(1.6), silence(0.4), speechlike(2.5)]
    verdict = await judge_audio(_frames(line(silence(0.3), *greeting)), asyncio.Queue(), RULES)
    assert verdict.is_machine
    assert verdict.at < 0.3 + 1.6 + 0.4 + 2.5


async def test_a_short_greeting_with_a_beep_is_a_machine() -> None:
    audio = line(silence(0.3), speechlike(1.0), silence(0.3), tone(1000.0, 0.4), silence(3.0))
    verdict = await judge_audio(_frames(audio), asyncio.Queue(), RULES)
    assert verdict.is_machine
    assert "beep" in verdict.reason


async def test_transcribed_voicemail_words_decide_a_short_greeting() -> None:
    words: asyncio.Queue[str] = asyncio.Queue()
    words.put_nowait("Dana, leave a message")
    audio = line(silence(0.3), speechlike(1.0), silence(3.0))
    verdict = await judge_audio(_frames(audio), words, RULES)
    assert verdict.is_machine
    assert "leave a message" in verdict.reason


async def test_a_silent_leg_is_unsure_at_the_end_of_the_window() -> None:
    verdict = await judge_audio(_frames(line(silence(6.0))), asyncio.Queue(), RULES)
    assert verdict.answerer is Answerer.UNSURE
    assert verdict.at == pytest.approx(RULES.window)


async def test_audio_that_stops_early_is_unsure() -> None:
    verdict = await judge_audio(_frames(line(silence(0.5))), asyncio.Queue(), RULES)
    assert verdict.answerer is Answerer.UNSURE
    assert "ended" in verdict.reason


async def test_stereo_frames_are_mixed_down() -> None:
    mono = line(silence(0.4), speechlike(0.6), silence(3.0)).astype(np.int16)
    stereo = np.repeat(mono, 2)

    async def frames() -> AsyncIterator[rtc.AudioFrame]:
        step = 320
        for i in range(0, mono.size, step):
            chunk = stereo[2 * i : 2 * (i + step)]
            yield rtc.AudioFrame(chunk.tobytes(), RATE, 2, chunk.size // 2)

    verdict = await judge_audio(frames(), asyncio.Queue(), RULES)
    assert verdict.answerer is Answerer.HUMAN


def test_observation_types_are_the_domains() -> None:
    heard = listen(line(silence(0.3), speechlike(0.5), silence(0.3), tone(900.0, 0.3)))
    assert {type(o) for o in heard.observations()} == {Speech, Beep}


def test_a_low_pure_hum_is_not_a_beep() -> None:
    # A voice's strong low harmonic near 300 Hz once passed for a "297 Hz beep" (benchmark set A).
    heard = listen(line(silence(0.3), tone(300.0, 0.5), silence(0.5)))
    assert heard.tones.beeps == []
