"""Speech in and out for a local call (`switchboard call --voice`), with the offline engines.

Listening: caller audio → silero VAD → Whisper (hinted with the directory's names) → one text line
per caller turn; the turn ends early when what was said reads as finished (`TurnTakingSTT`). The audio comes from WAV files
(one utterance per file, in name order: a recorded caller, and how this is tested) or from the
microphone (`sounddevice`, which needs the system library PortAudio: `apt install libportaudio2`).
Speaking: the agent's lines → piper (espeak-ng as the fallback) → WAV files or the speakers.
Heavy work stays off the event loop (the engines run in threads or a separate process).
"""

from __future__ import annotations

import asyncio
import contextlib
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad

from switchboard.adapters.voice.audio import telephone_audio, to_frames
from switchboard.adapters.voice.availability import VoiceUnavailableError
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.tts import OfflineTTS, sentence_audio
from switchboard.adapters.voice.turn_stream import TurnTakingSTT
from switchboard.domain.errors import InvalidValue

RATE = 8000  # what a phone line carries; the local call hears what a real one would
_SILENCE = np.zeros(RATE, dtype=np.int16)  # 1 s: the VAD needs the pause to end a turn
PORTAUDIO_HINT = (
    "speaking into a microphone needs `pip install sounddevice` and the PortAudio library "
    "(Debian/Ubuntu: apt install libportaudio2); or use --audio-in FILES"
)


class Listener(Protocol):
    async def next_line(self) -> str | None:
        """What the caller said next, or None when they are done (hang up)."""
        ...

    async def aclose(self) -> None: ...


class Speaker(Protocol):
    async def say(self, text: str) -> None: ...

    async def aclose(self) -> None: ...


def read_wav(path: Path) -> np.ndarray:
    """A WAV file (16-bit PCM, any rate, mono or stereo) as 8 kHz phone-line audio."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise InvalidValue(f"{path}: only 16-bit PCM WAV files are supported")
        channels, rate = w.getnchannels(), w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return telephone_audio(samples, rate)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())


async def transcribe(stt: OfflineSTT, vad: lk_vad.VAD, audio: np.ndarray) -> str:
    """VAD → STT over one recorded utterance, turn by turn (`TurnTakingSTT`)."""
    stream = TurnTakingSTT(stt=stt, vad=vad).stream()
    for frame in to_frames(np.concatenate([_SILENCE, audio, _SILENCE]), RATE):
        stream.push_frame(frame)
    stream.end_input()
    texts = [
        e.alternatives[0].text
        async for e in stream
        if e.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT and e.alternatives
    ]
    await stream.aclose()
    return " ".join(t.strip() for t in texts if t.strip())


class FileListener:
    """One utterance per WAV file: `paths` in order, or every *.wav in a folder by name."""

    def __init__(self, stt: OfflineSTT, vad: lk_vad.VAD, paths: Sequence[Path]) -> None:
        self._stt, self._vad = stt, vad
        self._pending = list(paths)
        self._tap: list[np.ndarray] | None = None  # files read since start_recording()

    @classmethod
    def from_path(cls, stt: OfflineSTT, vad: lk_vad.VAD, path: Path) -> FileListener:
        files = sorted(path.glob("*.wav")) if path.is_dir() else [path]
        if not files:
            raise InvalidValue(f"{path}: no .wav files")
        return cls(stt, vad, files)

    async def next_line(self) -> str | None:
        while self._pending:
            audio = await asyncio.to_thread(read_wav, self._pending.pop(0))
            if self._tap is not None:
                self._tap.append(audio)
            text = await transcribe(self._stt, self._vad, audio)
            if text:
                return text
        return None

    def start_recording(self) -> None:
        """Keep the audio of the files read from now on (a voicemail, adapters/voice/
        local_voicemail.py)."""
        self._tap = []

    def stop_recording(self) -> np.ndarray:
        """The audio kept since `start_recording` (RATE, int16), and stop keeping it."""
        tap, self._tap = self._tap or [], None
        return np.concatenate(tap) if tap else np.zeros(0, dtype=np.int16)

    async def aclose(self) -> None:
        return None


class MicrophoneListener:
    """The microphone, continuously: every end of speech gives one line."""

    def __init__(self, stt: OfflineSTT, vad: lk_vad.VAD) -> None:
        sd = _sounddevice()
        self._loop = asyncio.get_running_loop()
        self._stream = TurnTakingSTT(stt=stt, vad=vad).stream()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._tap: list[np.ndarray] | None = None  # audio since start_recording() (a voicemail)
        self._input = sd.InputStream(
            samplerate=RATE, channels=1, dtype="int16", blocksize=RATE // 50, callback=self._audio
        )
        self._input.start()
        self._reader = asyncio.create_task(self._read())

    def _audio(self, data: Any, frames: int, when: Any, status: Any) -> None:
        samples = np.asarray(data, dtype=np.int16).reshape(-1).copy()
        self._loop.call_soon_threadsafe(self._keep, samples)
        for frame in to_frames(samples, RATE):
            self._loop.call_soon_threadsafe(self._stream.push_frame, frame)

    def _keep(self, samples: np.ndarray) -> None:
        if self._tap is not None:  # on the event loop: no lock needed
            self._tap.append(samples)

    def start_recording(self) -> None:
        """Keep the microphone's audio from now on (a voicemail, adapters/voice/
        local_voicemail.py)."""
        self._tap = []

    def stop_recording(self) -> np.ndarray:
        """The audio kept since `start_recording` (RATE, int16), and stop keeping it."""
        tap, self._tap = self._tap or [], None
        return np.concatenate(tap) if tap else np.zeros(0, dtype=np.int16)

    async def _read(self) -> None:
        async for event in self._stream:
            if event.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
                text = event.alternatives[0].text.strip()
                if text:
                    self._lines.put_nowait(text)

    async def next_line(self) -> str | None:
        return await self._lines.get()

    async def aclose(self) -> None:
        self._input.stop()
        self._input.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self._stream.aclose()


class FileSpeaker:
    """Each agent line becomes `agent-001.wav`, `agent-002.wav`, … in `folder`."""

    def __init__(self, tts: OfflineTTS, folder: Path) -> None:
        self._tts, self._folder, self._count = tts, folder, 0
        self.written: list[Path] = []

    async def say(self, text: str) -> None:
        samples = await _synthesize(self._tts, text)
        self._count += 1
        path = self._folder / f"agent-{self._count:03d}.wav"
        await asyncio.to_thread(write_wav, path, samples, self._tts.sample_rate)
        self.written.append(path)

    async def aclose(self) -> None:
        return None


class SoundSpeaker:
    """The speakers (through `sounddevice`), sentence by sentence: the first sentence plays while
    the next is synthesised."""

    def __init__(self, tts: OfflineTTS) -> None:
        self._sd, self._tts = _sounddevice(), tts

    async def say(self, text: str) -> None:
        rate = self._tts.sample_rate
        async for pcm in sentence_audio(self._tts, text):
            samples = np.frombuffer(pcm, dtype=np.int16)

            def play(samples: np.ndarray = samples) -> None:
                self._sd.play(samples, rate)
                self._sd.wait()

            await asyncio.to_thread(play)

    async def aclose(self) -> None:
        return None


async def _synthesize(tts: OfflineTTS, text: str) -> np.ndarray:
    chunks = [np.frombuffer(pcm, dtype=np.int16) async for pcm in sentence_audio(tts, text)]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def _sounddevice() -> Any:
    try:
        import sounddevice  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except (ImportError, OSError) as exc:  # OSError: the module is there, PortAudio is not
        raise VoiceUnavailableError(PORTAUDIO_HINT) from exc
    return sounddevice


__all__ = [
    "FileListener",
    "FileSpeaker",
    "Listener",
    "MicrophoneListener",
    "SoundSpeaker",
    "Speaker",
    "read_wav",
    "transcribe",
    "write_wav",
]
