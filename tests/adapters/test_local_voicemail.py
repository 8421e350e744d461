"""The local voice call's voicemail: the caller's audio from the tone to the end of their next
utterance, as a WAV file with the words the call already heard; and the text line's voicemail."""

from __future__ import annotations

import asyncio
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from switchboard.adapters.simulator.voicemail_line import TextVoicemailRecorder
from switchboard.adapters.voice import local_audio
from switchboard.adapters.voice.local_audio import RATE, FileListener, write_wav
from switchboard.adapters.voice.local_voicemail import SpokenVoicemailRecorder
from switchboard.adapters.voice.recordings import RecordingFolder
from switchboard.domain.calls import CallContext
from switchboard.ports.voicemail import VoicemailEnd, VoicemailLimits

CALL = CallContext("local-1", "room-1", "caller", "+16125550177")
LIMITS = VoicemailLimits(max_seconds=3, silence_seconds=2)


@dataclass
class Listener:
    """Hands back `audio` for whatever was 'heard' between start and stop."""

    audio: np.ndarray
    events: list[str] = field(default_factory=list)

    def start_recording(self) -> None:
        self.events.append("start")

    def stop_recording(self) -> np.ndarray:
        self.events.append("stop")
        return self.audio


def lines(*said: str | None) -> Any:
    queue = list(said)

    async def read() -> str | None:
        return queue.pop(0)

    return read


def seconds_in(path: Path) -> float:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        return w.getnframes() / RATE


async def test_the_next_utterance_is_written_with_the_words_heard(tmp_path: Path) -> None:
    listener = Listener(np.full(RATE * 2, 3000, dtype=np.int16))
    order: list[str] = []

    async def quiet() -> None:
        order.append("quiet")

    rec = SpokenVoicemailRecorder(
        lines("Please call me back"), listener, RecordingFolder(tmp_path, rate=RATE),
        on_tone=lambda: order.append("tone"), quiet=quiet,
    )  # fmt: skip
    got = await rec.record(CALL, LIMITS)
    assert order == ["quiet", "tone"]  # the prompt has been spoken before the tone
    assert listener.events == ["start", "stop"]
    assert got.ended is VoicemailEnd.SILENCE
    assert got.text == "Please call me back"
    assert got.audio == tmp_path / "voicemail-local-1.wav"
    assert seconds_in(got.audio) == pytest.approx(2)
    assert not got.typed


async def test_a_long_message_is_cut_at_the_maximum(tmp_path: Path) -> None:
    listener = Listener(np.full(RATE * 5, 3000, dtype=np.int16))
    rec = SpokenVoicemailRecorder(lines("a long one"), listener, RecordingFolder(tmp_path, RATE))
    got = await rec.record(CALL, LIMITS)
    assert got.ended is VoicemailEnd.MAX_LENGTH
    assert got.audio is not None
    assert seconds_in(got.audio) == pytest.approx(3)


@pytest.mark.parametrize(("said", "ended"), [(None, "caller_hung_up"), ("  ", "nothing_said")])
async def test_no_words_leave_no_file(tmp_path: Path, said: str | None, ended: str) -> None:
    listener = Listener(np.zeros(RATE, dtype=np.int16))
    rec = SpokenVoicemailRecorder(lines(said), listener, RecordingFolder(tmp_path, RATE))
    got = await rec.record(CALL, LIMITS)
    assert got.ended.value == ended
    assert got.empty
    assert got.audio is None
    assert listener.events == ["start", "stop"]


async def test_a_file_listener_keeps_the_audio_it_read_while_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard = iter(["hello", "", "please call me"])

    async def transcribe(stt: object, vad: object, audio: np.ndarray) -> str:
        return next(heard)

    monkeypatch.setattr(local_audio, "transcribe", transcribe)
    paths = []
    for i, seconds in enumerate((1.0, 0.5, 2.0)):
        path = tmp_path / f"in-{i}.wav"
        write_wav(path, np.full(round(RATE * seconds), 2000, dtype=np.int16), RATE)
        paths.append(path)
    listener = FileListener(None, None, paths)  # type: ignore[arg-type]
    assert await listener.next_line() == "hello"  # before the tone: not kept
    listener.start_recording()
    assert await listener.next_line() == "please call me"  # an empty file, then the message
    kept = listener.stop_recording()
    assert len(kept) == round(RATE * 2.5)
    assert len(listener.stop_recording()) == 0


async def test_the_text_line_takes_the_next_typed_line() -> None:
    tones: list[int] = []
    rec = TextVoicemailRecorder(lines(" Call   me "), on_tone=lambda: tones.append(1))
    got = await rec.record(CALL, LIMITS)
    assert (got.text, got.typed, got.audio, tones) == ("Call me", True, None, [1])
    hung_up = await TextVoicemailRecorder(lines(None)).record(CALL, LIMITS)
    assert hung_up.ended is VoicemailEnd.HUNG_UP
    assert hung_up.empty
    await asyncio.gather(rec.say(CALL, "hello"))  # shown through the call record: a no-op
