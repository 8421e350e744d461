"""The voicemail recorder: after hours, a department whose action is `voicemail` takes the caller's
own recording (docs/call-behaviour.md, "After hours"). The receptionist service decides when
(services/receptionist/voicemail.py); an adapter only speaks, beeps and records on its line:

    LiveKit worker   adapters/livekit/voicemail_recorder.py   the caller's audio track → 16-bit WAV
    text simulator   adapters/simulator/voicemail_line.py     the caller's next typed line, no WAV
    local voice      adapters/voice/local_voicemail.py        the microphone to the end of the next
                                                              utterance → WAV, with the words heard

The recording ends on the first of: silence after the caller spoke (`silence_seconds`), nothing
said at all (`start_seconds`), a key press, the caller hanging up, or `max_seconds`. Whatever was
recorded by then is kept: a caller who hangs up mid-message still leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from switchboard.domain.calls import CallContext
from switchboard.domain.errors import SwitchboardError

DEFAULT_MAX_SECONDS = 120.0  # VOICEMAIL_MAX_SECONDS
DEFAULT_SILENCE_SECONDS = 4.0  # VOICEMAIL_SILENCE_SECONDS
DEFAULT_START_SECONDS = 10.0  # how long the tone waits for the first word


class VoicemailError(SwitchboardError, RuntimeError):
    """The line could not record at all (no audio track, the file could not be written)."""


class VoicemailEnd(StrEnum):
    """Why the recording stopped."""

    SILENCE = "silence"  # the caller stopped talking
    NOTHING_SAID = "nothing_said"  # no word within start_seconds of the tone
    KEY = "key"  # the caller pressed a key
    HUNG_UP = "caller_hung_up"  # the caller left: what was recorded is kept
    MAX_LENGTH = "max_length"  # VOICEMAIL_MAX_SECONDS reached
    FAILED = "failed"  # the line could not record (VoicemailError)


@dataclass(frozen=True, slots=True)
class VoicemailLimits:
    max_seconds: float = DEFAULT_MAX_SECONDS
    silence_seconds: float = DEFAULT_SILENCE_SECONDS
    start_seconds: float = DEFAULT_START_SECONDS


@dataclass(frozen=True, slots=True)
class VoicemailRecording:
    """What the caller left. `audio` is a 16-bit mono WAV file (None on a text line or when nothing
    was kept); `text` is set when the line already has the words (typed, or heard by the local
    voice call's own recogniser): then nothing is transcribed again."""

    ended: VoicemailEnd
    seconds: float = 0.0  # the length of what was kept
    heard: bool = False  # the caller said something (speech detected, or a non-empty line)
    audio: Path | None = None
    text: str | None = None
    typed: bool = False  # a text line: there never was any audio

    @property
    def empty(self) -> bool:
        return not self.heard and not (self.text or "").strip()


class VoicemailRecorder(Protocol):
    async def say(self, call: CallContext, text: str) -> None:
        """Speak `text` to the caller and return once it has played (at once when the caller has
        left). Never raises for a caller who is gone."""
        ...

    async def record(self, call: CallContext, limits: VoicemailLimits) -> VoicemailRecording:
        """Play the tone, then record the caller until one of the ends in `VoicemailEnd`. Never
        raises for the caller leaving (that is `HUNG_UP`, with what was recorded); raises
        VoicemailError when nothing could be recorded at all."""
        ...


class RecordingTranscriber(Protocol):
    async def transcribe_file(self, path: Path) -> str | None:
        """The words of a WAV recording, or None when it could not be transcribed. Never raises."""
        ...
