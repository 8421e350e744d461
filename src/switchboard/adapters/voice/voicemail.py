"""Voicemail transcription with the offline STT: fetch the recording (or read the agent's own WAV
file), decode it, run Whisper.

Twilio's recording is fetched as WAV (`<RecordingUrl>.wav`, https://www.twilio.com/docs/voice/
api/recording#fetch-a-recording-media-file) with the account's credentials, since accounts can
require HTTP basic auth for media (not verified against a live account: the Twilio fake serves
no recording media). Everything blocking (the WAV decode, loading the model, Whisper) runs on one
worker thread, so the event loop never waits; the whole job has a time budget. Any failure —
the `voice` extra missing, the download refused, a decode error, the budget spent — gives None,
and the caller writes "(voicemail, not transcribed)" with the recording still linked.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
import wave
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import numpy as np

from switchboard.adapters.voice.audio import WHISPER_SAMPLE_RATE, resample
from switchboard.adapters.voice.availability import VoiceUnavailableError
from switchboard.adapters.voice.whisper import Transcriber, WhisperOptions, decode, load_whisper
from switchboard.logs import get_logger

log = get_logger(__name__)

MAX_RECORDING_BYTES = 20 * 1024 * 1024  # ~20 minutes of 8 kHz 16-bit WAV; longer is not fetched
DEFAULT_BUDGET = 10.0  # seconds for download + transcription (Twilio waits 15 s for our answer)
# A voicemail the agent recorded on the call (up to VOICEMAIL_MAX_SECONDS of speech) gets longer,
# still well inside the 45 s the worker lets a tool finish once the caller has gone
# (services/live_call/hold.py DRAIN_SECONDS): the message is stored either way.
CALL_BUDGET = 30.0


def wav_samples(data: bytes) -> np.ndarray:
    """16 kHz mono float32 samples (Whisper's input) from 16-bit PCM WAV bytes; ValueError else."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"{8 * wav.getsampwidth()}-bit WAV; expected 16-bit PCM")
            rate, channels = wav.getframerate(), wav.getnchannels()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a WAV file: {exc}") from None
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return resample(pcm, rate, WHISPER_SAMPLE_RATE).astype(np.float32) / 32768.0


class OfflineVoicemailTranscriber:
    """`transcribe(recording_url)` → the words, or None. `auth` is (account SID, auth token)."""

    def __init__(
        self,
        *,
        auth: tuple[str, str] | None = None,
        options: WhisperOptions | None = None,
        model: Transcriber | None = None,
        budget: float = DEFAULT_BUDGET,
    ) -> None:
        # HTTP basic auth built by hand: aiohttp's BasicAuth helper is deprecated in newer versions.
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode() if auth else None
        self._headers = {"Authorization": f"Basic {token}"} if token else {}
        # Voicemails are long: Whisper's own 30 s windows, more tokens, a longer decode.
        self._opts = options or WhisperOptions(window_seconds=None, max_new_tokens=440, timeout=8)
        self._model = model
        self._budget = budget
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicemail-stt")
        self._unavailable = False

    async def transcribe(self, recording_url: str) -> str | None:
        """A recording Twilio holds (the fallback path's `<Record>`): downloaded, then transcribed."""

        async def work() -> str:
            audio = await self._download(recording_url)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._transcribe, audio)

        return await self._guarded(work)

    async def transcribe_file(self, path: Path) -> str | None:
        """A WAV file the agent recorded itself (a department's after-hours voicemail,
        ports/voicemail.py `RecordingTranscriber`): read and transcribed on the worker thread."""

        async def work() -> str:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._transcribe_path, path)

        return await self._guarded(work)

    async def _guarded(self, work: Callable[[], Awaitable[str]]) -> str | None:
        """`work()` within the budget; None on any failure (the voicemail is kept, untranscribed)."""
        if self._unavailable:
            return None
        try:
            async with asyncio.timeout(self._budget):
                return await work()
        except VoiceUnavailableError as exc:
            self._unavailable = True  # said once; every later voicemail is simply not transcribed
            log.warning("voicemail.not_transcribed", reason=str(exc))
        except Exception as exc:  # any failure keeps the voicemail, untranscribed
            log.warning("voicemail.not_transcribed", reason=repr(exc))
        return None

    async def _download(self, recording_url: str) -> bytes:
        url = recording_url if recording_url.endswith(".wav") else recording_url + ".wav"
        async with (
            aiohttp.ClientSession(headers=self._headers) as session,
            session.get(url) as response,
        ):
            response.raise_for_status()
            data = await response.content.read(MAX_RECORDING_BYTES + 1)
        if len(data) > MAX_RECORDING_BYTES:
            raise ValueError("recording too large to transcribe")
        return data

    def _transcribe_path(self, path: Path) -> str:
        if path.stat().st_size > MAX_RECORDING_BYTES:
            raise ValueError("recording too large to transcribe")
        return self._transcribe(path.read_bytes())

    def _transcribe(self, data: bytes) -> str:
        audio = wav_samples(data)
        if self._model is None:
            self._model = load_whisper(self._opts)
        text, _ = decode(
            self._model,
            audio,
            prompt="",
            options=self._opts,
            deadline=time.monotonic() + self._opts.timeout,
        )
        return text.strip()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
