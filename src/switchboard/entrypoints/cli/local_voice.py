"""`switchboard call --voice`: the same local call, spoken. Offline engines only ([voice] extra)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver
from switchboard.services.local_call import CallLine

if TYPE_CHECKING:
    from switchboard.adapters.voice.local_audio import Listener, Speaker
    from switchboard.adapters.voice.local_voicemail import SpokenVoicemailRecorder


@dataclass
class SpokenCall:
    """Caller lines from speech, agent lines to speech (in order, one at a time)."""

    listener: Listener
    speaker: Speaker
    heard: Callable[[str], None]
    # What the agent says reaches the recogniser too: a request to spell a name makes the next
    # turn letters (`OfflineSTT.heard_agent_say`).
    agent_said: Callable[[str], None] = lambda _text: None
    _queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None

    def on_line(self, line: CallLine) -> None:
        """Whatever the agent says to the caller is spoken."""
        if line.role == "agent" and line.leg == "caller":
            self.agent_said(line.text)
            self._queue.put_nowait(line.text)

    async def _speak(self) -> None:
        while True:
            text = await self._queue.get()
            try:
                await self.speaker.say(text)
            finally:
                self._queue.task_done()

    async def read_line(self) -> str | None:
        """The caller's next utterance, once the agent has finished speaking (no barge-in)."""
        if self._task is None:
            self._task = asyncio.create_task(self._speak())
        await self._queue.join()
        line: str | None = await self.listener.next_line()
        if line is not None:
            self.heard(line)
        return line

    async def quiet(self) -> None:
        """Return once everything the agent said so far has been spoken."""
        await self._queue.join()

    def voicemail_recorder(self, folder: Path) -> Callable[..., SpokenVoicemailRecorder]:
        """A department's after-hours voicemail records the microphone (or --audio-in) into
        `folder` (VOICEMAIL_DIR), from the tone to the end of the next utterance."""
        from switchboard.adapters.voice.local_audio import RATE
        from switchboard.adapters.voice.local_voicemail import SpokenVoicemailRecorder
        from switchboard.adapters.voice.recordings import RecordingFolder

        def make(read_line: Any, tone: Callable[[], None]) -> SpokenVoicemailRecorder:
            listener: Any = self.listener
            return SpokenVoicemailRecorder(
                read_line, listener, RecordingFolder(folder, rate=RATE), on_tone=tone,
                quiet=self.quiet,
            )  # fmt: skip

        return make

    async def aclose(self) -> None:
        if self._task is not None:
            await self._queue.join()  # the goodbye is still said
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.listener.aclose()
        await self.speaker.aclose()


@contextlib.asynccontextmanager
async def spoken_call(
    directory: Directory,
    heard: Callable[[str], None],
    *,
    audio_in: Path | None = None,
    audio_out: Path | None = None,
) -> AsyncIterator[SpokenCall]:
    """Load the offline engines (raises VoiceUnavailableError naming what is missing)."""
    from switchboard.adapters.voice import (
        OfflineSTT,
        OfflineTTS,
        VadOptions,
        load_vad,
        require_voice,
    )
    from switchboard.adapters.voice.local_audio import (
        FileListener,
        FileSpeaker,
        MicrophoneListener,
        SoundSpeaker,
    )

    require_voice()
    hints = Resolver.build(directory).recognition_hints()
    stt, tts = OfflineSTT(hints=hints), OfflineTTS()
    from switchboard.adapters.voice.turns import TurnTiming

    # The turn taker ends turns itself (quick after a finished sentence, else at max_silence,
    # or at spelling_silence while a name is spelled); the VAD's own window is only the
    # backstop. livekit plugins register on the main thread: well under a second, before the call.
    vad = load_vad(VadOptions(min_silence_duration=TurnTiming().spelling_silence))
    listener = (
        FileListener.from_path(stt, vad, audio_in)
        if audio_in is not None
        else MicrophoneListener(stt, vad)
    )
    speaker = FileSpeaker(tts, audio_out) if audio_out is not None else SoundSpeaker(tts)
    call = SpokenCall(listener, speaker, heard, agent_said=stt.heard_agent_say)
    try:
        yield call
    finally:
        await call.aclose()
