"""OfflineSTT with a fake Whisper model: prompting, input shaping, token budget and timeouts."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from structlog.testing import capture_logs

from switchboard.adapters.voice.availability import VoiceUnavailableError
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.whisper import WhisperOptions, decode


@dataclass
class Segment:
    text: str
    avg_logprob: float = -0.1


class FakeWhisper:
    """Records each call; `delay` seconds per segment simulates a slow or looping decode."""

    def __init__(self, segments: list[str], delay: float = 0.0) -> None:
        self.segments = segments
        self.delay = delay
        self.calls: list[tuple[np.ndarray, dict[str, Any]]] = []

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        self.calls.append((audio, options))

        def lazily() -> Iterator[Segment]:
            for text in self.segments:
                time.sleep(self.delay)
                yield Segment(text)

        return lazily(), None


def _speech(seconds: float, rate: int, channels: int = 1) -> rtc.AudioFrame:
    n = int(seconds * rate)
    tone = (np.sin(np.arange(n) * 2 * np.pi * 440 / rate) * 8000).astype(np.int16)
    data = np.repeat(tone, channels)
    return rtc.AudioFrame(data.tobytes(), rate, channels, n)


async def test_recognises_with_directory_names_as_prompt() -> None:
    fake = FakeWhisper([" Could I speak to Priya Raman, please?"])
    stt = OfflineSTT(hints=["Priya Raman", "Tom Reed", "priya raman", ""], model=fake)
    event = await stt.recognize(_speech(1.5, 16000))
    assert event.alternatives[0].text == "Could I speak to Priya Raman, please?"
    assert 0 < event.alternatives[0].confidence <= 1
    _, options = fake.calls[0]
    assert options["initial_prompt"] == "Callers ask for Priya Raman, Tom Reed."
    assert options["language"] == "en"
    assert options["temperature"] == 0.0  # no fallback re-decodes
    assert 16 <= options["max_new_tokens"] <= 40  # budget scales with 1.5 s of audio
    await stt.aclose()


async def test_hotword_mode_and_hint_updates() -> None:
    fake = FakeWhisper(["hello"])
    stt = OfflineSTT(hints=["Ann Lee"], options=WhisperOptions(hint_mode="hotwords"), model=fake)
    stt.update_hints(["Marcus Bell"])
    stt._update_session_keyterms(["Kathryn Doyle"])  # livekit's session keyterms hook
    await stt.recognize(_speech(1.0, 16000))
    _, options = fake.calls[0]
    assert options["hotwords"] == "Callers ask for Marcus Bell, Kathryn Doyle."
    assert "initial_prompt" not in options
    assert stt.capabilities.keyterms
    await stt.aclose()


async def test_phone_audio_is_mixed_and_resampled_to_16k_mono() -> None:
    fake = FakeWhisper(["hi"])
    stt = OfflineSTT(model=fake)
    await stt.recognize([_speech(0.5, 48000, channels=2), _speech(0.5, 48000, channels=2)])
    await stt.recognize(_speech(1.0, 8000))
    for audio, _ in fake.calls:
        assert audio.dtype == np.float32
        assert audio.ndim == 1
        assert abs(audio.size - 16000) < 400
        assert 0.1 < np.abs(audio).max() <= 1.0
    await stt.aclose()


async def test_silence_too_short_to_be_speech_never_reaches_the_model() -> None:
    fake = FakeWhisper(["Thank you."])  # Whisper's favourite hallucination
    stt = OfflineSTT(model=fake)
    assert (await stt.recognize([])).alternatives[0].text == ""
    assert (await stt.recognize(_speech(0.05, 16000))).alternatives[0].text == ""
    assert fake.calls == []
    await stt.aclose()


async def test_a_looping_word_is_collapsed() -> None:
    fake = FakeWhisper([" Priya Priya Priya Priya Priya Priya Raman"])
    stt = OfflineSTT(model=fake)
    event = await stt.recognize(_speech(1.0, 16000))
    assert event.alternatives[0].text == "Priya Raman"
    await stt.aclose()


async def test_a_stuck_decode_times_out_without_blocking_the_event_loop() -> None:
    fake = FakeWhisper(["one", "two"], delay=1.0)
    stt = OfflineSTT(model=fake, options=WhisperOptions(timeout=0.3))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    started = time.monotonic()
    event = await stt.recognize(_speech(1.0, 16000))
    elapsed = time.monotonic() - started
    running.cancel()
    assert event.alternatives[0].text == ""
    assert elapsed < 0.8
    assert ticks >= 10  # the loop kept running while the model was busy
    await stt.aclose()


def test_long_audio_stops_at_the_deadline_between_windows() -> None:
    fake = FakeWhisper(["first window", "second window", "third"], delay=0.15)
    # The decode thread stops after the 30 s window that crosses the deadline.
    text, _ = decode(
        fake,
        np.zeros(16000, dtype=np.float32),
        prompt="",
        options=WhisperOptions(),
        deadline=time.monotonic() + 0.2,
    )
    assert text == "first window second window"
    assert fake.calls[0][1]["initial_prompt"] is None  # no names: no prompt at all


@pytest.mark.parametrize(("seconds", "budget"), [(0.2, 17), (2.0, 32), (30.0, 120), (60.0, 120)])
async def test_token_budget_grows_with_the_audio_up_to_the_cap(seconds: float, budget: int) -> None:
    fake = FakeWhisper(["x"])
    stt = OfflineSTT(model=fake, options=WhisperOptions(max_new_tokens=120))
    await stt.recognize(_speech(seconds, 8000))
    assert fake.calls[0][1]["max_new_tokens"] == budget
    await stt.aclose()


class BrokenWhisper:
    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        raise RuntimeError("corrupt model state")


async def test_a_failed_turn_is_reported_but_does_not_end_the_call() -> None:
    stt = OfflineSTT(model=BrokenWhisper())
    errors: list[Any] = []
    stt.on("error", errors.append)
    event = await stt.recognize(_speech(1.0, 16000))
    assert event.alternatives[0].text == ""
    assert len(errors) == 1
    assert errors[0].recoverable
    await stt.aclose()


async def test_a_failed_model_load_is_retried_on_the_next_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[int] = []

    def flaky_load(options: WhisperOptions) -> FakeWhisper:
        attempts.append(1)
        if len(attempts) == 1:
            raise VoiceUnavailableError("offline STT needs faster-whisper")
        return FakeWhisper(["second time lucky"])

    monkeypatch.setattr("switchboard.adapters.voice.stt.load_whisper", flaky_load)
    stt = OfflineSTT()
    with pytest.raises(VoiceUnavailableError, match="faster-whisper"):
        await stt.recognize(_speech(1.0, 16000))
    event = await stt.recognize(_speech(1.0, 16000))
    assert event.alternatives[0].text == "second time lucky"
    assert len(attempts) == 2
    await stt.aclose()


async def test_a_prewarm_that_fails_is_logged_not_left_unretrieved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_model(options: WhisperOptions) -> FakeWhisper:
        raise VoiceUnavailableError("offline STT needs faster-whisper")

    monkeypatch.setattr("switchboard.adapters.voice.stt.load_whisper", no_model)
    unretrieved: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context))
    stt = OfflineSTT()
    with capture_logs() as logs:
        stt.prewarm()  # nobody awaits it: a worker prewarms, and the extra is missing
        loading = stt._loading
        assert loading is not None
        await asyncio.wait({loading})
        await asyncio.sleep(0)  # done callbacks run on the next loop pass
    del loading
    stt._loading = None
    gc.collect()  # an unretrieved exception is reported when its future is collected
    assert unretrieved == []
    assert [e["event"] for e in logs] == ["offline STT model could not be loaded"]
    assert "faster-whisper" in logs[0]["error"]
    await stt.aclose()


class ScriptedWhisper(FakeWhisper):
    """Answers each call with the next line of `script`."""

    def __init__(self, script: list[str]) -> None:
        super().__init__([])
        self.script = script

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterator[Segment], None]:
        self.segments = [self.script[min(len(self.calls), len(self.script) - 1)]]
        return super().transcribe(audio, **options)


LARGE = [f"Person{i} Surname{i}" for i in range(80)] + ["Siobhan Gallagher"]


async def test_a_large_directory_is_read_again_with_the_closest_names() -> None:
    fake = ScriptedWhisper(
        ["Could I speak to Juan Gallagher?", "Could I speak to Siobhan Gallagher?"]
    )
    stt = OfflineSTT(hints=LARGE, model=fake)
    assert "Siobhan" not in stt.prompt  # the directory does not fit in one prompt
    event = await stt.recognize(_speech(1.5, 16000))
    assert event.alternatives[0].text == "Could I speak to Siobhan Gallagher?"
    first, second = (options["initial_prompt"] for _, options in fake.calls)
    assert first == stt.prompt
    assert second.startswith("Callers ask for Siobhan Gallagher, ")
    await stt.aclose()


async def test_small_directories_silence_and_the_switch_read_once() -> None:
    for hints, script, options in (
        (["Siobhan Gallagher", "Tom Reed"], ["Juan Gallagher"], WhisperOptions()),
        (LARGE, [""], WhisperOptions()),  # nothing heard: nothing to choose names by
        (LARGE, ["Juan Gallagher"], WhisperOptions(reread_with_closest_names=False)),
    ):
        fake = ScriptedWhisper(script)
        stt = OfflineSTT(hints=hints, model=fake, options=options)
        await stt.recognize(_speech(1.0, 16000))
        assert len(fake.calls) == 1
        await stt.aclose()


async def test_a_first_reading_with_a_whole_directory_name_is_not_read_again() -> None:
    # "Siobhan Gallagher" word for word: a second decode (as long as the first) has nothing to
    # correct. "Siobhan Galager" (first name only) and "Person7 Surname8" (two halves of two
    # people) are read again.
    for heard, reads in (
        ("Could I speak to siobhan gallagher, please?", 1),
        ("Could I speak to Siobhan Galager, please?", 2),
        ("Person7 Surname8, please.", 2),
    ):
        fake = ScriptedWhisper([heard, "Could I speak to Siobhan Gallagher?"])
        stt = OfflineSTT(hints=LARGE, model=fake)
        await stt.recognize(_speech(1.0, 16000))
        assert len(fake.calls) == reads, heard
        await stt.aclose()


async def test_names_the_agent_just_said_lead_the_prompt_for_the_answer() -> None:
    fake = ScriptedWhisper(["Juan Gallagher", "Siobhan Gallagher"])
    stt = OfflineSTT(hints=LARGE, model=fake)
    assert not stt.prompt.startswith("Callers ask for Person79 Surname79, Siobhan Gallagher")
    stt.heard_agent_say("Did you mean Person79 Surname79 in Sales or Siobhan Gallagher in IT?")
    assert stt.prompt.startswith("Callers ask for Person79 Surname79, Siobhan Gallagher, ")
    await stt.recognize(_speech(1.0, 16000))
    for _, options in fake.calls:  # the re-read with the closest names too, when there is one
        assert options["initial_prompt"].startswith(
            "Callers ask for Person79 Surname79, Siobhan Gallagher, "
        )
    stt.heard_agent_say("May I have your name, please?")  # no names: back to the directory's
    assert stt.prompt.startswith("Callers ask for Person0 Surname0, ")
    await stt.aclose()
