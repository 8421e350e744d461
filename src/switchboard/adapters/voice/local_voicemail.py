"""`VoicemailRecorder` (ports/voicemail.py) for the local voice call (`switchboard call --voice`):
the microphone (or the `--audio-in` WAV files) from the tone to the end of the caller's next
utterance, written as a 16-bit mono WAV file (8 kHz: the phone-line audio the local call hears)
in VOICEMAIL_DIR. The words the listener already heard (offline Whisper) are its transcript, so it
is not transcribed twice. The utterance ends where the local call's turn taking ends a turn; the
file is cut at VOICEMAIL_MAX_SECONDS. The tone is shown on screen, not played.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import numpy as np

from switchboard.adapters.voice.recordings import RecordingFolder
from switchboard.domain.calls import CallContext
from switchboard.logs import get_logger
from switchboard.ports.voicemail import VoicemailEnd, VoicemailLimits, VoicemailRecording

log = get_logger(__name__)

ReadLine = Callable[[], Awaitable[str | None]]


class RecordingListener(Protocol):
    """What `MicrophoneListener` and `FileListener` (local_audio.py) offer for a voicemail."""

    def start_recording(self) -> None: ...

    def stop_recording(self) -> np.ndarray: ...


class SpokenVoicemailRecorder:
    """`read_line` is the call's own (the next heard utterance); `quiet` returns once the agent
    has finished speaking, so the prompt is not recorded from the speakers."""

    def __init__(
        self,
        read_line: ReadLine,
        listener: RecordingListener,
        folder: RecordingFolder,
        *,
        on_tone: Callable[[], None] | None = None,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._read_line, self._listener, self._folder = read_line, listener, folder
        self._on_tone, self._quiet = on_tone, quiet

    async def say(self, call: CallContext, text: str) -> None:
        return None  # spoken already: the call speaks every agent line of its record

    async def record(self, call: CallContext, limits: VoicemailLimits) -> VoicemailRecording:
        if self._quiet is not None:
            await self._quiet()
        if self._on_tone is not None:
            self._on_tone()
        self._listener.start_recording()
        try:
            line = await self._read_line()
        finally:
            audio = self._listener.stop_recording()
        audio = audio[: round(limits.max_seconds * self._folder.rate)]
        seconds = len(audio) / self._folder.rate
        words = " ".join((line or "").split())
        if not words:
            ended = VoicemailEnd.HUNG_UP if line is None else VoicemailEnd.NOTHING_SAID
            return VoicemailRecording(ended, seconds)
        ended = (
            VoicemailEnd.MAX_LENGTH
            if seconds >= limits.max_seconds - 1e-9
            else VoicemailEnd.SILENCE
        )
        try:
            path = await self._folder.write(call.call_id, audio.astype(np.int16).tobytes())
        except OSError as exc:
            log.error("voicemail.not_written", error=repr(exc))
            return VoicemailRecording(ended, seconds, heard=True, text=words)
        return VoicemailRecording(ended, seconds, heard=True, audio=path, text=words)
