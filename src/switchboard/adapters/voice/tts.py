"""`OfflineTTS`: a livekit `tts.TTS` that speaks with a local engine (piper, else espeak-ng).

Non-streaming: `AgentSession` wraps it in livekit's sentence-splitting `tts.StreamAdapter`, so the
first sentence is spoken while the rest is still being written. Engine failures surface as
retryable `APIConnectionError`s, and the framework's retry restarts the engine's process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Literal

from livekit.agents import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions, tts, utils

from switchboard.adapters.voice.availability import (
    VoiceUnavailableError,
    espeak_available,
    missing_voice_parts,
    piper_available,
)
from switchboard.adapters.voice.engine import SpeechEngine
from switchboard.adapters.voice.turns import speech_chunks
from switchboard.logs import get_logger

# Pushed instead of nothing when the text has no speakable characters ("..."), so the framework
# does not treat an empty reply as a failed synthesis and retry it.
_SILENCE_SECONDS = 0.02

logger = get_logger(__name__)


def default_engine() -> SpeechEngine:
    """piper when installed (natural), else espeak-ng (robotic but light), else a clear error."""
    if piper_available():
        from switchboard.adapters.voice.piper_process import PiperProcess

        return PiperProcess.from_voice_package()
    if espeak_available():
        from switchboard.adapters.voice.espeak import EspeakEngine

        return EspeakEngine()
    raise VoiceUnavailableError("offline TTS is unavailable: " + "; ".join(missing_voice_parts()))


class OfflineTTS(tts.TTS[Literal["metrics_collected", "error"]]):
    """Offline text-to-speech for the agent; pass `engine` to choose one explicitly."""

    def __init__(self, *, engine: SpeechEngine | None = None) -> None:
        self._engine = engine if engine is not None else default_engine()
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=self._engine.sample_rate,
            num_channels=1,
        )
        self._warming: asyncio.Task[None] | None = None

    @property
    def engine(self) -> SpeechEngine:
        return self._engine

    @property
    def model(self) -> str:
        return str(getattr(self._engine, "model", self._engine.name))

    @property
    def provider(self) -> str:
        return self._engine.name

    def prewarm(self) -> None:
        """Start the engine's process in the background when called inside an event loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # livekit may call this from a plain thread; the first reply starts it instead
        if self._warming is None:
            self._warming = loop.create_task(self._engine.start(), name="OfflineTTS.prewarm")
            self._warming.add_done_callback(_report_failed_warm_up)

    async def warm_up(self) -> None:
        """Start the engine and speak a throwaway word, so the first real reply is fast."""
        await self._engine.start()
        await self._engine.synthesize("Hello.")

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> OfflineChunkedStream:
        """Speak `text` as one chunked stream of 16-bit mono frames."""
        return OfflineChunkedStream(tts=self, input_text=text, conn_options=conn_options)

    async def aclose(self) -> None:
        """Stop the engine's process."""
        if self._warming is not None:
            await utils.aio.cancel_and_wait(self._warming)
        await self._engine.aclose()


def _report_failed_warm_up(task: asyncio.Task[None]) -> None:
    # A failed warm-up is not fatal (the first reply retries the start), but it must be visible.
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.warning("offline TTS warm-up failed", error=str(error))


class OfflineChunkedStream(tts.ChunkedStream):
    """One utterance through the engine, emitted as raw PCM."""

    def __init__(
        self, *, tts: OfflineTTS, input_text: str, conn_options: APIConnectOptions
    ) -> None:
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._engine = tts.engine

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        pcm = await self._engine.synthesize(self.input_text)
        if not pcm and self.input_text.strip():
            pcm = bytes(2 * int(self._tts.sample_rate * _SILENCE_SECONDS))
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=self._tts.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(pcm)
        output_emitter.flush()


async def sentence_audio(tts: OfflineTTS, text: str) -> AsyncIterator[bytes]:
    """`text` spoken sentence by sentence (`speech_chunks`): 16-bit mono PCM at
    `tts.sample_rate`, one chunk per sentence, in order. The next one is synthesised while this
    one plays, so the caller hears the first after its own synthesis time, not the whole reply's.
    """
    parts = speech_chunks(text)
    ahead: asyncio.Task[bytes] | None = None
    try:
        for i, part in enumerate(parts):
            current = ahead if ahead is not None else asyncio.create_task(_pcm(tts, part))
            ahead = asyncio.create_task(_pcm(tts, parts[i + 1])) if i + 1 < len(parts) else None
            yield await current
    finally:
        if ahead is not None:
            await utils.aio.cancel_and_wait(ahead)


async def _pcm(tts: OfflineTTS, text: str) -> bytes:
    chunks: list[bytes] = []
    async with tts.synthesize(text) as stream:
        async for audio in stream:
            chunks.append(bytes(audio.frame.data))
    return b"".join(chunks)
