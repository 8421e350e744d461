"""Fakes of silero and Whisper for the turn-taking tests: tone bursts are the caller's words.

`FakeVAD` reports windows in silero's order (livekit-plugins-silero 1.8.9, vad.py `_main_task`:
INFERENCE_DONE with the silence accumulated *before* the window, then START_OF_SPEECH carrying the
buffered speech with its prefix, or END_OF_SPEECH after `min_silence_duration` below the
threshold). A flush (`VADStream.flush`, livekit-agents 1.8.9 vad.py:155-165: "drop any accumulated
speech/silence state") starts a fresh segment, as silero's `_reset_state` does (silero vad.py:
321-336, 359-360). `FakeSTT` and `BurstWhisper` read the n-th line of a script for audio holding n
words, so a test can tell a whole turn from a cut-off one by its transcript.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from livekit import rtc
from livekit.agents import NOT_GIVEN, APIConnectOptions, LanguageCode, NotGivenOr, utils
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad

RATE = 8000
WINDOW = 0.02  # one fake VAD window per 20 ms frame


class FakeVAD(lk_vad.VAD):
    """Loud 20 ms frames are speech; events as silero sends them (see module docstring)."""

    def __init__(self, min_silence: float) -> None:
        super().__init__(capabilities=lk_vad.VADCapabilities(update_interval=WINDOW))
        self.min_silence = min_silence

    @property
    def min_silence_duration(self) -> float:  # as silero's VAD exposes it
        return self.min_silence

    def stream(self) -> lk_vad.VADStream:
        return FakeVADStream(self)


class FakeVADStream(lk_vad.VADStream):
    async def _main_task(self) -> None:
        vad = self._vad
        assert isinstance(vad, FakeVAD)
        speaking, silence, speech = False, 0.0, 0.0
        prefix: deque[rtc.AudioFrame] = deque(maxlen=5)
        buffered: list[rtc.AudioFrame] = []
        n = 0
        async for frame in self._input_ch:
            if isinstance(frame, self._FlushSentinel):
                speaking, silence, speech, buffered = False, 0.0, 0.0, []
                continue
            n += 1
            loud = loudest(frame) > 1000
            self._event_ch.send_nowait(
                lk_vad.VADEvent(
                    type=lk_vad.VADEventType.INFERENCE_DONE,
                    samples_index=n,
                    timestamp=n * WINDOW,
                    speech_duration=speech,
                    silence_duration=silence,
                    frames=[frame],
                    speaking=speaking,
                    raw_accumulated_silence=silence,
                    raw_accumulated_speech=speech,
                    probability=1.0 if loud else 0.0,
                )
            )
            if loud:
                silence, speech = 0.0, speech + WINDOW
                buffered = [*(buffered if speaking else prefix), frame]
                if not speaking:
                    speaking = True
                    self._event_ch.send_nowait(self._event("START_OF_SPEECH", n, buffered))
            else:
                silence += WINDOW
                speech = 0.0
                if speaking:
                    buffered.append(frame)
                    if silence >= vad.min_silence - 1e-9:
                        speaking = False
                        self._event_ch.send_nowait(self._event("END_OF_SPEECH", n, buffered))
                prefix.append(frame)

    def _event(self, kind: str, n: int, frames: list[rtc.AudioFrame]) -> lk_vad.VADEvent:
        return lk_vad.VADEvent(
            type=lk_vad.VADEventType[kind],
            samples_index=n,
            timestamp=n * WINDOW,
            speech_duration=0.0,
            silence_duration=0.0,
            frames=list(frames),
        )


def loudest(frame: rtc.AudioFrame) -> int:
    return int(np.abs(np.frombuffer(frame.data, dtype=np.int16)).max(initial=0))


def bursts(audio: np.ndarray, rate: int = RATE, threshold: float = 1000) -> int:
    """How many separate loud stretches (words) the audio holds."""
    step = int(rate * WINDOW)
    loud = [
        np.abs(audio[i : i + step]).max(initial=0) > threshold for i in range(0, audio.size, step)
    ]
    return sum(1 for i, on in enumerate(loud) if on and (i == 0 or not loud[i - 1]))


def scripted(script: list[str], words: int) -> str:
    return script[min(words, len(script)) - 1] if words else ""


class FakeSTT(lk_stt.STT[Literal["metrics_collected", "error"]]):
    """Non-streaming STT that reads the n-th line of `script` for audio holding n words."""

    def __init__(self, script: list[str], *, fail: bool = False) -> None:
        super().__init__(
            capabilities=lk_stt.STTCapabilities(streaming=False, interim_results=False)
        )
        self.script, self.fail = script, fail
        self.heard: list[int] = []

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> lk_stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer)
        words = bursts(np.frombuffer(frame.data, dtype=np.int16), frame.sample_rate)
        self.heard.append(words)
        if self.fail:
            raise RuntimeError("decoder exploded")
        return lk_stt.SpeechEvent(
            type=lk_stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[
                lk_stt.SpeechData(language=LanguageCode("en"), text=scripted(self.script, words))
            ],
        )


@dataclass
class Segment:
    text: str
    avg_logprob: float = -0.1


class BurstWhisper:
    """A Whisper model (`whisper.Transcriber`) for `OfflineSTT`: it gets 16 kHz float32 audio
    (`audio.whisper_input`) and reads the script line for the number of words in it."""

    def __init__(self, script: list[str]) -> None:
        self.script = script
        self.heard: list[int] = []

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        words = bursts(audio, 16000, threshold=1000 / 32768)
        self.heard.append(words)
        text = scripted(self.script, words)
        return iter([Segment(text)] if text else []), None


def word(seconds: float = 0.3, rate: int = RATE) -> np.ndarray:
    n = int(seconds * rate)
    return (np.sin(np.arange(n) * 2 * np.pi * 300 / rate) * 8000).astype(np.int16)


def quiet(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.int16)


def frames(audio: np.ndarray, rate: int = RATE) -> Iterator[rtc.AudioFrame]:
    """`audio` in 20 ms frames, as a phone line delivers it."""
    step = int(rate * WINDOW)
    for i in range(0, audio.size, step):
        chunk = audio[i : i + step]
        yield rtc.AudioFrame(chunk.tobytes(), rate, 1, chunk.size)


def phone_line_speech(texts: Iterator[str] | list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each text spoken by piper through `OfflineTTS`, then as a phone line delivers it (8 kHz
    int16). piper adds random noise to each synthesis; it is off here, so a test hears the same
    audio every run (benchmarks/voice.py keeps the noise for variety). Needs the [voice] extra."""
    import asyncio

    from switchboard.adapters.voice.audio import telephone_audio
    from switchboard.adapters.voice.piper_process import PiperProcess
    from switchboard.adapters.voice.tts import OfflineTTS

    async def speak_all() -> dict[str, np.ndarray]:
        still = ("--noise-scale", "0", "--noise-w-scale", "0")
        tts = OfflineTTS(engine=PiperProcess.from_voice_package(extra_args=still))
        try:
            spoken = {}
            for text in texts:
                frame = await tts.synthesize(text).collect()
                samples = np.frombuffer(frame.data, dtype=np.int16)
                spoken[text] = telephone_audio(samples, frame.sample_rate)
            return spoken
        finally:
            await tts.aclose()

    return asyncio.run(speak_all())
