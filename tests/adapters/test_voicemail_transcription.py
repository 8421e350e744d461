"""Voicemails left on the fallback path: the recording fetched over HTTP and transcribed offline
into the message text, the recording still linked; every failure gives "(voicemail, not
transcribed)" and never loses the voicemail."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiohttp import web
from tests.support.webhook_world import World

from switchboard.adapters.voice import voicemail as voicemail_module
from switchboard.adapters.voice.availability import (
    VoiceUnavailableError,
    piper_available,
    voice_available,
)
from switchboard.adapters.voice.voicemail import OfflineVoicemailTranscriber, wav_samples
from switchboard.domain.follow_ups import NOT_TRANSCRIBED, voicemail_text
from switchboard.services.messages.webhooks import (
    Recipient,
    WebhookCollaborators,
    WebhookService,
)


def wav(samples: np.ndarray, rate: int = 8000, width: int = 2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16 if width == 2 else np.uint8).tobytes())
    return out.getvalue()


TONE = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 8000).astype(np.int16)


@dataclass
class Segment:
    text: str
    avg_logprob: float = -0.1


@dataclass
class FakeWhisper:
    said: str
    calls: list[np.ndarray] = field(default_factory=list)

    def transcribe(self, audio: np.ndarray, **_: Any) -> tuple[Iterator[Segment], None]:
        self.calls.append(audio)
        return iter([Segment(self.said)]), None


@dataclass
class Recordings:
    """Twilio's recording media on loopback: `<RecordingUrl>.wav`, basic auth required."""

    body: bytes
    status: int = 200
    delay: float = 0.0
    seen_auth: list[str | None] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.seen_auth.append(request.headers.get("Authorization"))
        await asyncio.sleep(self.delay)
        if request.headers.get("Authorization") is None:
            return web.Response(status=401)
        return web.Response(status=self.status, body=self.body, content_type="audio/x-wav")


@pytest.fixture
async def recordings() -> AsyncIterator[Recordings]:
    media = Recordings(wav(TONE))
    app = web.Application()
    app.router.add_get("/Recordings/RE1.wav", media.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    media.url = f"http://127.0.0.1:{port}/Recordings/RE1"
    yield media
    await runner.cleanup()


def transcriber(model: Any = None, budget: float = 5.0) -> OfflineVoicemailTranscriber:
    return OfflineVoicemailTranscriber(auth=("AC1", "token"), model=model, budget=budget)


def test_wav_is_read_as_whisper_input() -> None:
    samples = wav_samples(wav(TONE))
    assert samples.dtype == np.float32
    assert abs(samples.size - 16000) < 200  # one second at 16 kHz
    with pytest.raises(ValueError, match="not a WAV"):
        wav_samples(b"RIFF nonsense")
    with pytest.raises(ValueError, match="8-bit"):
        wav_samples(wav(np.full(100, 128), width=1))


async def test_the_recording_is_fetched_with_credentials_and_transcribed(
    recordings: Recordings,
) -> None:
    model = FakeWhisper("Hi, this is Dana, please call me back.")
    said = await transcriber(model).transcribe(recordings.url)
    assert said == "Hi, this is Dana, please call me back."
    assert recordings.seen_auth[0] is not None
    assert recordings.seen_auth[0].startswith("Basic ")
    assert len(model.calls) == 1


@pytest.mark.parametrize("status", [401, 404, 500])
async def test_a_refused_download_is_not_transcribed(recordings: Recordings, status: int) -> None:
    recordings.status = status
    assert await transcriber(FakeWhisper("x")).transcribe(recordings.url) is None


async def test_a_download_past_the_budget_is_not_transcribed(recordings: Recordings) -> None:
    recordings.delay = 3.0  # the answer would come, and be transcribed, if the budget were ignored
    assert await transcriber(FakeWhisper("x"), budget=0.5).transcribe(recordings.url) is None


async def test_garbage_audio_is_not_transcribed(recordings: Recordings) -> None:
    recordings.body = b"<html>not audio</html>"
    assert await transcriber(FakeWhisper("x")).transcribe(recordings.url) is None


async def test_without_the_voice_extra_it_says_so_once_and_stops_trying(
    recordings: Recordings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(_: object) -> object:
        raise VoiceUnavailableError("offline STT needs faster-whisper")

    monkeypatch.setattr(voicemail_module, "load_whisper", missing)
    stt = transcriber()
    assert await stt.transcribe(recordings.url) is None
    assert await stt.transcribe(recordings.url) is None
    assert len(recordings.seen_auth) == 1  # the second voicemail did not even download


async def test_the_agents_own_wav_file_is_transcribed(tmp_path: Path) -> None:
    """A department's after-hours voicemail: the WAV the agent wrote, read on the worker thread."""
    path = tmp_path / "voicemail-c1.wav"
    path.write_bytes(wav(TONE, rate=16000))
    model = FakeWhisper("Please call me back about the quote.")
    assert await transcriber(model).transcribe_file(path) == "Please call me back about the quote."
    assert len(model.calls) == 1
    assert abs(model.calls[0].size - 8000) < 200


@pytest.mark.parametrize("content", [None, b"RIFF nonsense"], ids=["missing", "not-a-wav"])
async def test_a_file_that_cannot_be_read_is_not_transcribed(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "voicemail-c1.wav"
    if content is not None:
        path.write_bytes(content)
    model = FakeWhisper("x")
    assert await transcriber(model).transcribe_file(path) is None
    assert model.calls == []


def test_the_message_text() -> None:
    assert voicemail_text("14", "  Hi,   call me back. ") == "Voicemail (14 s): Hi, call me back."
    assert voicemail_text("14", None) == f"Voicemail (14 s): {NOT_TRANSCRIBED}"
    assert voicemail_text("3", "   ") == f"Voicemail (3 s): {NOT_TRANSCRIBED}"
    assert len(voicemail_text("900", "word " * 2000)) == 4000


class Words:
    def __init__(self, said: str | None) -> None:
        self.said = said
        self.urls: list[str] = []

    async def transcribe(self, recording_url: str) -> str | None:
        self.urls.append(recording_url)
        return self.said


def service(world: World, words: Words | None) -> WebhookService:
    return WebhookService(
        WebhookCollaborators(
            status_writer=world, calls=world, employees=world, inbound=world, voicemails=world,
            desk=world, clock=world, front_desk=Recipient("department", "front"),
            transcriber=words,
        )
    )  # fmt: skip


PARAMS = {
    "CallSid": "CA1",
    "RecordingSid": "RE1",
    "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
    "RecordingStatus": "completed",
    "RecordingDuration": "12",
}


@pytest.mark.parametrize(
    ("said", "text"),
    [("Please call me back.", "Voicemail (12 s): Please call me back."),
     (None, f"Voicemail (12 s): {NOT_TRANSCRIBED}")],
)  # fmt: skip
async def test_the_voicemail_message_has_the_words_and_keeps_the_link(
    said: str | None, text: str
) -> None:
    world, words = World(), Words(said)
    await world.expect_voicemail("CA1", "+16125550177")
    await service(world, words).recording(PARAMS, "RE1")
    [taken] = world.taken
    assert taken.text == text  # Twilio's URL (it needs the account's credentials) is not in it
    assert taken.recording_url == PARAMS["RecordingUrl"]
    assert taken.callback_number == "+16125550177"
    assert words.urls == [PARAMS["RecordingUrl"]]


async def test_a_replayed_recording_callback_is_transcribed_once() -> None:
    world, words = World(), Words("Hello")
    await service(world, words).recording(PARAMS, "RE1")
    await service(world, words).recording(PARAMS, "RE1")
    assert len(world.taken) == 1
    assert len(words.urls) == 1


@pytest.mark.skipif(
    not (voice_available() and piper_available()),
    reason="needs the [voice] extra with piper (speech is made by piper, heard by Whisper)",
)
async def test_a_spoken_voicemail_is_transcribed_for_real(recordings: Recordings) -> None:
    from switchboard.adapters.voice.audio import telephone_audio
    from switchboard.adapters.voice.piper_process import PiperProcess
    from switchboard.adapters.voice.tts import OfflineTTS

    spoken = "Hi, this is Dana Whitfield. Please call me back about the invoice."
    tts = OfflineTTS(
        engine=PiperProcess.from_voice_package(
            extra_args=("--noise-scale", "0", "--noise-w-scale", "0")
        )
    )
    try:
        frame = await tts.synthesize(spoken).collect()
    finally:
        await tts.aclose()
    samples = np.frombuffer(frame.data, dtype=np.int16)
    recordings.body = wav(telephone_audio(samples, frame.sample_rate))  # as Twilio records it
    said = await transcriber(budget=60).transcribe(recordings.url)
    assert said is not None
    # Whisper hears this synthetic voice slightly differently from run to run (once "about the
    # end voice"): the test asks for the message's words, not for one of them exactly.
    from rapidfuzz import fuzz

    assert fuzz.token_set_ratio(spoken.lower(), said.lower()) >= 80, said
    assert "call me back" in said.lower(), said
