"""The LiveKit voicemail recorder on real `rtc.AudioFrame`s: speech, silence, the maximum length,
the caller hanging up or pressing a key mid-message, and the WAV file it leaves.

The room and the session are stand-ins: the room is livekit's own `rtc.EventEmitter` emitting the
events `rtc.Room` emits (`participant_disconnected` with the participant, rtc/room.py:771-775;
`sip_dtmf_received` with a `SipDTMF` whose `participant` pressed, rtc/room.py:150-156, 1112); the
session records `say()` calls (agents/voice/agent_session.py:1559) and `input.set_audio_enabled`
(agents/voice/io.py:597). Only the frames' source is replaced (no LiveKit server has media here).
"""

from __future__ import annotations

import asyncio
import wave
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from livekit import rtc

from switchboard.adapters.livekit.voicemail_recorder import (
    SPEECH_RMS,
    LiveKitVoicemailRecorder,
    Take,
    capture,
    mono_16k,
    tone_frames,
)
from switchboard.adapters.voice.recordings import SAMPLE_RATE, RecordingFolder
from switchboard.domain.calls import CallContext
from switchboard.ports.voicemail import VoicemailEnd, VoicemailLimits

CALL = CallContext("call-7", "room-7", "sip_caller", "+16125550177")
LIMITS = VoicemailLimits(max_seconds=10, silence_seconds=2, start_seconds=3)
STEP = SAMPLE_RATE // 50  # 20 ms


def frame(seconds: float = 0.02, level: float = 0.0, rate: int = SAMPLE_RATE) -> rtc.AudioFrame:
    n = round(rate * seconds)
    samples = (np.sin(2 * np.pi * 220 * np.arange(n) / rate) * level).astype(np.int16)
    return rtc.AudioFrame(samples.tobytes(), rate, 1, n)


def speech(seconds: float) -> list[rtc.AudioFrame]:
    return [frame(level=8000) for _ in range(round(seconds * 50))]


def silence(seconds: float) -> list[rtc.AudioFrame]:
    return [frame() for _ in range(round(seconds * 50))]


async def stream(frames: list[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
    for f in frames:
        yield f


async def test_speech_then_silence_ends_after_the_silence_timeout() -> None:
    take = Take()
    await capture(stream(silence(1) + speech(2) + silence(5)), LIMITS, take)
    assert take.ended is VoicemailEnd.SILENCE
    assert take.heard
    assert take.seconds == pytest.approx(1 + 2 + 2)  # stops once 2 s of silence followed speech
    assert len(take.pcm) == round(take.seconds * SAMPLE_RATE) * 2


async def test_a_pause_shorter_than_the_timeout_does_not_end_it() -> None:
    take = Take()
    await capture(stream(speech(1) + silence(1.5) + speech(1) + silence(3)), LIMITS, take)
    assert take.ended is VoicemailEnd.SILENCE
    assert take.seconds == pytest.approx(1 + 1.5 + 1 + 2)


async def test_nothing_said_ends_after_the_start_wait_with_nothing_heard() -> None:
    take = Take()
    quiet = [frame(level=SPEECH_RMS / 4) for _ in range(500)]  # line noise, not speech
    await capture(stream(quiet), LIMITS, take)
    assert take.ended is VoicemailEnd.NOTHING_SAID
    assert not take.heard
    assert take.seconds == pytest.approx(LIMITS.start_seconds)


async def test_the_maximum_length_cuts_the_last_frame_exactly() -> None:
    take = Take()
    long = [frame(seconds=0.03, level=8000) for _ in range(1000)]  # 30 ms frames
    await capture(stream(long), LIMITS, take)
    assert take.ended is VoicemailEnd.MAX_LENGTH
    assert len(take.pcm) == LIMITS.max_seconds * SAMPLE_RATE * 2


async def test_frames_that_run_out_leave_what_was_recorded() -> None:
    take = Take()
    await capture(stream(speech(1)), LIMITS, take)
    assert take.ended is None
    assert take.heard
    assert take.seconds == pytest.approx(1)


def test_other_rates_and_stereo_become_16k_mono() -> None:
    stereo = np.full(960 * 2, 1000, dtype=np.int16)
    f = rtc.AudioFrame(stereo.tobytes(), 48000, 2, 960)
    pcm = mono_16k(f)
    assert pcm.dtype == np.int16
    assert abs(len(pcm) - 320) <= 16


def test_the_tone_is_half_a_second_of_20ms_frames() -> None:
    frames = tone_frames()
    assert sum(f.samples_per_channel for f in frames) == SAMPLE_RATE // 2
    assert all(f.sample_rate == SAMPLE_RATE and f.num_channels == 1 for f in frames)


# --- the recorder in a (stand-in) room ------------------------------------------------------------


@dataclass
class Participant:
    identity: str


@dataclass
class Handle:
    async def wait_for_playout(self) -> None:
        return None


@dataclass
class Input:
    changes: list[bool] = field(default_factory=list)

    def set_audio_enabled(self, enable: bool) -> None:
        self.changes.append(enable)


@dataclass
class Session:
    input: Input = field(default_factory=Input)
    said: list[tuple[str, bool]] = field(default_factory=list)  # (text, with audio)
    closing: bool = False

    def say(self, text: str, **kwargs: Any) -> Handle:
        if self.closing:
            raise RuntimeError("AgentSession is closing, cannot use say()")
        assert kwargs["allow_interruptions"] is False
        assert kwargs["add_to_chat_ctx"] is False
        self.said.append((text, "audio" in kwargs))
        return Handle()


class Room(rtc.EventEmitter[str]):
    def __init__(self) -> None:
        super().__init__()
        self.remote_participants: dict[str, Any] = {
            CALL.caller_identity: Participant(CALL.caller_identity)
        }


class Line:
    """The caller's frames, fed by the test: `push` some, then `hang_up`/`press` or `end`."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.queue: asyncio.Queue[rtc.AudioFrame | None] = asyncio.Queue()
        self.opened: list[Any] = []
        self.closed = 0
        self.drained = asyncio.Event()

    def frames(self, participant: Any) -> AsyncGenerator[rtc.AudioFrame, None]:
        self.opened.append(participant)

        async def gen() -> AsyncGenerator[rtc.AudioFrame, None]:
            try:
                while True:
                    if self.queue.empty():
                        self.drained.set()
                    item = await self.queue.get()
                    if item is None:
                        return
                    yield item
            finally:
                self.closed += 1  # as open_stream's AudioStream.aclose()

        return gen()

    def push(self, frames: list[rtc.AudioFrame]) -> None:
        for f in frames:
            self.queue.put_nowait(f)


def recorder(tmp_path: Path) -> tuple[LiveKitVoicemailRecorder, Room, Session, Line]:
    room, session = Room(), Session()
    line = Line(room)
    rec = LiveKitVoicemailRecorder(room, session, RecordingFolder(tmp_path), frames=line.frames)
    return rec, room, session, line


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        return w.getnframes() / w.getframerate()


async def test_a_message_is_written_as_16_bit_wav_and_the_agent_stops_listening(
    tmp_path: Path,
) -> None:
    rec, room, session, line = recorder(tmp_path)
    line.push(speech(1.5) + silence(3))
    got = await rec.record(CALL, LIMITS)
    assert got.ended is VoicemailEnd.SILENCE
    assert got.heard
    assert got.audio == tmp_path / "voicemail-call-7.wav"
    assert wav_seconds(got.audio) == pytest.approx(3.5)
    assert session.said == [("", True)]  # the tone, as audio
    assert line.closed == 1  # the caller's stream is released as soon as it is done
    assert session.input.changes == [False]  # deaf from here to the end of the call
    assert not room._events.get("participant_disconnected")  # handlers removed


async def test_hanging_up_mid_message_keeps_what_was_recorded(tmp_path: Path) -> None:
    rec, room, session, line = recorder(tmp_path)
    line.push(speech(2))
    task = asyncio.create_task(rec.record(CALL, LIMITS))
    await line.drained.wait()
    del room.remote_participants[CALL.caller_identity]
    room.emit("participant_disconnected", Participant(CALL.caller_identity))
    got = await task
    assert got.ended is VoicemailEnd.HUNG_UP
    assert line.closed == 1  # released though it was waiting for a frame
    assert got.audio is not None
    assert wav_seconds(got.audio) == pytest.approx(2)
    assert session.input.changes == [False]


async def test_someone_else_leaving_does_not_end_it_but_a_key_press_does(tmp_path: Path) -> None:
    rec, room, _, line = recorder(tmp_path)
    line.push(speech(1))
    task = asyncio.create_task(rec.record(CALL, LIMITS))
    await line.drained.wait()
    room.emit("participant_disconnected", Participant("employee-leg"))
    room.emit("sip_dtmf_received", rtc.SipDTMF(code=11, digit="#", participant=None))
    # Still recording: it takes the next second too (a wrongly ended recording finishes first).
    line.drained.clear()
    line.push(speech(1))
    drained = asyncio.create_task(line.drained.wait())
    await asyncio.wait({task, drained}, return_when=asyncio.FIRST_COMPLETED)
    assert not task.done()
    dtmf = rtc.SipDTMF(code=11, digit="#", participant=Participant(CALL.caller_identity))  # type: ignore[arg-type]
    room.emit("sip_dtmf_received", dtmf)
    got = await task
    assert got.ended is VoicemailEnd.KEY
    assert got.audio is not None
    assert wav_seconds(got.audio) == pytest.approx(2)


async def test_hanging_up_before_a_word_leaves_no_file(tmp_path: Path) -> None:
    rec, room, _, line = recorder(tmp_path)
    line.push(silence(0.5))
    task = asyncio.create_task(rec.record(CALL, LIMITS))
    await line.drained.wait()
    room.emit("participant_disconnected", Participant(CALL.caller_identity))
    got = await task
    assert got.empty
    assert got.audio is None
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 (a test looking at its own folder)


async def test_a_caller_already_gone_is_not_recorded_or_spoken_to(tmp_path: Path) -> None:
    rec, room, session, line = recorder(tmp_path)
    room.remote_participants.clear()
    await rec.say(CALL, "hello")
    got = await rec.record(CALL, LIMITS)
    assert got.ended is VoicemailEnd.HUNG_UP
    assert got.empty
    assert session.said == []
    assert line.opened == []
    assert session.input.changes == [False]  # the prompt deafened the session, once


async def test_a_closing_session_is_not_an_error(tmp_path: Path) -> None:
    rec, _, session, _ = recorder(tmp_path)
    session.closing = True
    await rec.say(CALL, "Thank you.")  # nothing raised: the caller is going anyway


async def test_a_disk_that_refuses_still_returns_a_message_without_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    room, session = Room(), Session()
    line = Line(room)
    rec = LiveKitVoicemailRecorder(room, session, RecordingFolder(blocker), frames=line.frames)
    line.push(speech(1) + silence(3))
    got = await rec.record(CALL, LIMITS)
    assert got.heard
    assert got.audio is None
    assert not got.empty


def test_the_worker_gives_each_call_a_recorder_and_each_process_one_transcriber(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    from switchboard.adapters.voice.voicemail import OfflineVoicemailTranscriber
    from switchboard.entrypoints.agent_worker import _voicemail
    from switchboard.settings import Settings

    settings = Settings(_env_file=None, voicemail_dir=tmp_path / "vm")  # type: ignore[call-arg]
    ctx: Any = SimpleNamespace(room=Room(), proc=SimpleNamespace(userdata={}))
    first, second = _voicemail(ctx, Session(), settings), _voicemail(ctx, Session(), settings)  # type: ignore[arg-type]
    assert isinstance(first["voicemail"], LiveKitVoicemailRecorder)
    assert first["voicemail"] is not second["voicemail"]
    assert isinstance(first["transcriber"], OfflineVoicemailTranscriber)
    assert first["transcriber"] is second["transcriber"]  # Whisper is loaded once per process
    first["transcriber"].close()
    off = Settings(_env_file=None, voicemail_transcription=False)  # type: ignore[call-arg]
    ctx2: Any = SimpleNamespace(room=Room(), proc=SimpleNamespace(userdata={}))
    assert _voicemail(ctx2, Session(), off)["transcriber"] is None  # type: ignore[arg-type]
