"""`VoicemailRecorder` (ports/voicemail.py) on a text line: `switchboard call`, `switchboard
simulate` and the local voice call (`switchboard call --voice`, whose lines are what the
microphone path heard, already transcribed).

There is no audio: the caller's next line *is* the voicemail, kept as its words (no WAV file; the
message says it was typed). An empty line is a voicemail in which nothing was said; no line at all
(None) is a caller who hung up at the tone. The prompt and the thanks reach the screen (and the
speaker) through the call record's agent lines, so `say` shows nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from switchboard.domain.calls import CallContext
from switchboard.ports.voicemail import VoicemailEnd, VoicemailLimits, VoicemailRecording

ReadLine = Callable[[], Awaitable[str | None]]


class TextVoicemailRecorder:
    """The next caller line as the recording; `on_tone` shows the beep (an event line)."""

    def __init__(self, read_line: ReadLine, on_tone: Callable[[], None] | None = None) -> None:
        self._read_line = read_line
        self._on_tone = on_tone

    async def say(self, call: CallContext, text: str) -> None:
        return None  # already shown: the service records every line it says

    async def record(self, call: CallContext, limits: VoicemailLimits) -> VoicemailRecording:
        if self._on_tone is not None:
            self._on_tone()
        line = await self._read_line()
        if line is None:
            return VoicemailRecording(VoicemailEnd.HUNG_UP)
        words = " ".join(line.split())
        if not words:
            return VoicemailRecording(VoicemailEnd.NOTHING_SAID)
        return VoicemailRecording(VoicemailEnd.SILENCE, heard=True, text=words, typed=True)
