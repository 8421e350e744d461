"""`VoicemailRecorder` (ports/voicemail.py) on a real call: the agent worker records the caller's
own audio track in the caller's room.

What this relies on, in the installed livekit 1.1.21 (rtc) and livekit-agents 1.8.9:

* `rtc.AudioStream.from_participant(participant=, track_source=, sample_rate=, num_channels=)`
  (rtc/audio_stream.py:146-197): a second, independent stream of the SIP participant's
  microphone track, resampled to 16 kHz mono by the SDK; iterating it yields `AudioFrameEvent`s
  (`.frame`, rtc/audio_stream.py:35-40, 337) and `aclose()` (:318) releases it. The source is
  the microphone, the one RoomIO itself hears the caller on (agents/voice/room_io/_input.py:369).
* `AgentSession.input.set_audio_enabled(False)` (agents/voice/io.py:597-615): RoomIO then drops the
  caller's frames (agents/voice/room_io/_input.py:203-206), so the agent neither hears nor answers
  the message being recorded; our own stream above is not affected. It stays off from the prompt
  to the goodbye (a voicemail ends the call): a caller's words would otherwise become a user turn
  that interrupts the speech running the `transfer_call` tool (agents/voice/agent_activity.py:
  1917-1923, 2852-2860; an interrupted speech's tasks are cancelled after its timeout,
  voice/speech_handle.py:291-298) and that the agent would answer over the recording.
* `AgentSession.say(text, audio=frames, allow_interruptions=False, add_to_chat_ctx=False)`
  (agents/voice/agent_session.py:1559-1591): plays the given frames instead of TTS
  (agents/voice/agent_activity.py:1730-1800, 3323-3329): that is the tone.
* Room events `participant_disconnected` (the caller hung up, rtc/room.py:771-775) and
  `sip_dtmf_received` with `SipDTMF.participant` (a key press ends the message,
  rtc/room.py:150-156).

The recording itself (`capture`) is plain code over `rtc.AudioFrame`s, unit-tested with real
frames; the room wiring needs a real server (the LiveKit fake has no media).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from livekit import rtc

from switchboard.adapters.voice.audio import resample
from switchboard.adapters.voice.recordings import SAMPLE_RATE, RecordingFolder
from switchboard.domain.calls import CallContext
from switchboard.logs import get_logger
from switchboard.ports.voicemail import VoicemailEnd, VoicemailLimits, VoicemailRecording

log = get_logger(__name__)

SPEECH_RMS = 500.0  # 16-bit RMS at or above which a frame counts as speech (about -36 dBFS)
TONE_HZ, TONE_SECONDS, TONE_LEVEL = 1000.0, 0.5, 0.3
FRAME_MS = 20
GRACE_SECONDS = 5.0  # frames that stop arriving still end the recording after max_seconds + this


@dataclass
class Take:
    """The recording so far (kept whatever ends it): 16-bit mono PCM at SAMPLE_RATE."""

    pcm: bytearray = field(default_factory=bytearray)
    seconds: float = 0.0
    heard: bool = False
    silent_for: float = 0.0
    ended: VoicemailEnd | None = None  # None: the frames ran out first (the track went away)


def mono_16k(frame: rtc.AudioFrame) -> np.ndarray:
    """The frame's samples as 16 kHz mono int16 (the stream is asked for exactly that)."""
    pcm = np.frombuffer(frame.data, dtype=np.int16)[
        : frame.samples_per_channel * frame.num_channels
    ]
    if frame.num_channels > 1:
        pcm = pcm.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
    if frame.sample_rate != SAMPLE_RATE:
        pcm = resample(pcm, frame.sample_rate, SAMPLE_RATE).astype(np.int16)
    return pcm


async def capture(
    frames: AsyncIterable[rtc.AudioFrame], limits: VoicemailLimits, take: Take
) -> None:
    """Append frames to `take` until silence after speech, nothing said, or the maximum length
    (`take.ended` says which); returns with `ended` None when the frames run out. Time is the
    audio's own duration, so the limits hold however fast frames arrive."""
    async for frame in frames:
        pcm = mono_16k(frame)
        room = max(0, round((limits.max_seconds - take.seconds) * SAMPLE_RATE))
        pcm = pcm[:room]
        seconds = len(pcm) / SAMPLE_RATE
        take.pcm += pcm.tobytes()
        take.seconds += seconds
        level = math.sqrt(float(np.mean(pcm.astype(np.float64) ** 2))) if len(pcm) else 0.0
        if level >= SPEECH_RMS:
            take.heard, take.silent_for = True, 0.0
        else:
            take.silent_for += seconds
        if take.seconds >= limits.max_seconds - 1e-9:
            take.ended = VoicemailEnd.MAX_LENGTH
        elif take.heard and take.silent_for >= limits.silence_seconds:
            take.ended = VoicemailEnd.SILENCE
        elif not take.heard and take.seconds >= limits.start_seconds:
            take.ended = VoicemailEnd.NOTHING_SAID
        if take.ended is not None:
            return


def tone_frames(rate: int = SAMPLE_RATE) -> list[rtc.AudioFrame]:
    """The beep: TONE_SECONDS of a TONE_HZ sine in FRAME_MS frames."""
    n = round(rate * TONE_SECONDS)
    wave = (np.sin(2 * np.pi * TONE_HZ * np.arange(n) / rate) * TONE_LEVEL * 32767).astype(np.int16)
    step = rate * FRAME_MS // 1000
    return [
        rtc.AudioFrame(chunk.tobytes(), rate, 1, len(chunk))
        for chunk in (wave[i : i + step] for i in range(0, n, step))
    ]


async def kept(
    folder: RecordingFolder, call: CallContext, take: Take, ended: VoicemailEnd
) -> VoicemailRecording:
    """The recording as the service sees it: a WAV file when the caller said anything. A disk
    that refuses the file still leaves a message ("not transcribed"), without the link."""
    if not take.heard:
        return VoicemailRecording(ended, take.seconds)
    try:
        path = await folder.write(call.call_id, bytes(take.pcm))
    except OSError as exc:
        log.error("voicemail.not_written", error=repr(exc))
        return VoicemailRecording(ended, take.seconds, heard=True)
    return VoicemailRecording(ended, take.seconds, heard=True, audio=path)


class Room(Protocol):
    """What we use of `rtc.Room`."""

    @property
    def remote_participants(self) -> Mapping[str, Any]: ...

    def on(self, event: Any, callback: Callable[..., Any] | None = None) -> Any: ...

    def off(self, event: Any, callback: Callable[..., Any]) -> None: ...


class Session(Protocol):
    """What we use of `AgentSession`."""

    @property
    def input(self) -> Any: ...

    def say(
        self,
        text: str,
        *,
        audio: Any = ...,
        allow_interruptions: Any = ...,
        add_to_chat_ctx: bool = ...,
    ) -> Any: ...


def open_stream(participant: Any) -> AsyncGenerator[rtc.AudioFrame, None]:
    """The caller's microphone track as 16 kHz mono frames; `aclose()` releases the stream."""

    async def frames() -> AsyncGenerator[rtc.AudioFrame, None]:
        stream = rtc.AudioStream.from_participant(
            participant=participant,
            track_source=rtc.TrackSource.SOURCE_MICROPHONE,
            sample_rate=SAMPLE_RATE,
            num_channels=1,
        )
        try:
            async for event in stream:
                yield event.frame
        finally:
            await stream.aclose()

    return frames()


class LiveKitVoicemailRecorder:
    """VoicemailRecorder in the caller's room, speaking through the call's own AgentSession."""

    def __init__(
        self,
        room: Room,
        session: Session,
        folder: RecordingFolder,
        *,
        frames: Callable[[Any], AsyncGenerator[rtc.AudioFrame, None]] = open_stream,
    ) -> None:
        self._room, self._session, self._folder, self._frames = room, session, folder, frames
        self._deaf = False

    def _deafen(self) -> None:
        """From the prompt on, the agent's session hears nothing more from the caller."""
        if not self._deaf:
            self._deaf = True
            self._session.input.set_audio_enabled(False)

    async def say(self, call: CallContext, text: str) -> None:
        self._deafen()
        if call.caller_identity not in self._room.remote_participants:
            return  # the caller left: nobody to speak to
        await self._play(text)

    async def _play(self, text: str, audio: list[rtc.AudioFrame] | None = None) -> None:

        async def frames(audio: list[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
            for frame in audio:
                yield frame

        try:
            if audio is None:
                handle = self._session.say(text, allow_interruptions=False, add_to_chat_ctx=False)
            else:
                handle = self._session.say(
                    text, audio=frames(audio), allow_interruptions=False, add_to_chat_ctx=False
                )
        except RuntimeError as exc:  # the session is closing: the caller is gone
            log.info("voicemail.not_said", error=str(exc))
            return
        await handle.wait_for_playout()

    async def record(self, call: CallContext, limits: VoicemailLimits) -> VoicemailRecording:
        participant = self._room.remote_participants.get(call.caller_identity)
        if participant is None:
            return VoicemailRecording(VoicemailEnd.HUNG_UP)
        stop: asyncio.Future[VoicemailEnd] = asyncio.get_running_loop().create_future()

        def end(why: VoicemailEnd) -> None:
            if not stop.done():
                stop.set_result(why)

        def on_left(left: Any) -> None:
            if getattr(left, "identity", None) == call.caller_identity:
                end(VoicemailEnd.HUNG_UP)

        def on_dtmf(event: Any) -> None:
            who = getattr(event, "participant", None)
            if who is not None and who.identity == call.caller_identity:
                end(VoicemailEnd.KEY)

        take = Take()
        self._room.on("participant_disconnected", on_left)
        self._room.on("sip_dtmf_received", on_dtmf)
        self._deafen()  # the agent does not answer the message
        task: asyncio.Task[None] | None = None
        frames: AsyncGenerator[rtc.AudioFrame, None] | None = None
        try:
            await self._play("", tone_frames())
            frames = self._frames(participant)
            task = asyncio.create_task(capture(frames, limits, take))
            waits: set[asyncio.Future[Any]] = {task, stop}
            done, _ = await asyncio.wait(
                waits,
                timeout=limits.max_seconds + GRACE_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if stop.done():
                ended = stop.result()
            elif task in done:
                task.result()  # a broken stream raises here (the caller's words so far are kept)
                ended = take.ended or VoicemailEnd.HUNG_UP  # no more frames: the track went
            else:
                ended = VoicemailEnd.MAX_LENGTH  # frames stopped arriving: the wall clock ends it
        except Exception as exc:
            log.warning("voicemail.recording_broke", error=repr(exc))
            ended = VoicemailEnd.HUNG_UP if stop.done() else VoicemailEnd.FAILED
        finally:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if frames is not None:
                await frames.aclose()  # the AudioStream is released now, not when collected
            stop.cancel()
            self._room.off("participant_disconnected", on_left)
            self._room.off("sip_dtmf_received", on_dtmf)
        return await kept(self._folder, call, take, ended)
