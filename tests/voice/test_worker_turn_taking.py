"""The worker's speech on a real livekit-agents `AgentSession`: the caller's audio goes in through
the session's audio input, frame by frame in real time, and the session must hand the receptionist
the caller's whole turn and reply, taking the end of turn from `TurnTakingSTT`
(`agent_worker._speech`, `turn_stream.stt_turn_handling`).

What is real: `AgentSession` and its audio pipeline, `TurnTakingSTT`, `OfflineSTT` (prompting, name
snapping, its decode thread), `OfflineTTS`, the receptionist agent and the offline brain. What is
not: the models (tests/support/voice.py: tone bursts are words, the fake VAD follows silero's
events and the fake Whisper reads a script line per number of words), the TTS engine (silence) and
the phone line (tests/support/agent_audio.py: `PushedAudio` in, `PlayedAudio` out, which plays
instantly).

The same audio through the worker's previous set-up (livekit's `StreamAdapter` behind the VAD's
0.45 s window, the session ending turns on the VAD) cuts the caller off at the pause: the check
that the new set-up does not is one that can fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from livekit.agents import Agent, AgentSession
from livekit.agents import tts as lk_tts
from structlog.testing import capture_logs
from tests.support.agent_audio import (
    PlayedAudio,
    PushedAudio,
    QuietEngine,
    ReplyLLM,
    call_with,
    worker_settings,
)
from tests.support.calls import DIRECTORY
from tests.support.voice import WINDOW, BurstWhisper, FakeVAD, frames, quiet, word

from switchboard.adapters.voice import tts as tts_module
from switchboard.adapters.voice import vad as vad_module
from switchboard.adapters.voice import whisper as whisper_module
from switchboard.adapters.voice.availability import VoiceUnavailableError
from switchboard.adapters.voice.reply_speech import ReplyTokenizer, reply_tts
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.turn_stream import (
    TurnTakingSTT,
    _ExpectedVadFlush,
    stt_turn_handling,
)
from switchboard.adapters.voice.turns import TurnTiming
from switchboard.adapters.voice.vad import VadOptions
from switchboard.adapters.voice.whisper import WhisperOptions
from switchboard.domain.resolution import Resolver
from switchboard.entrypoints import agent_worker
from switchboard.ports.metrics import TurnStage
from switchboard.settings import Settings

ASK_ANN = "Could I speak to Ann Lee?"
PAUSED = ["I'd like to speak to", "I'd like to speak to Ann Lee."]


def worker_speech(monkeypatch: pytest.MonkeyPatch, whisper: BurstWhisper) -> dict[str, Any]:
    """`agent_worker._speech` as a call gets it, with fake models in place of the prewarmed ones."""
    monkeypatch.setattr(tts_module, "default_engine", QuietEngine)
    settings = worker_settings()
    vad = FakeVAD(agent_worker.vad_options(settings).min_silence_duration)
    hints = Resolver.build(DIRECTORY).recognition_hints()
    return agent_worker._speech(settings, vad, hints, whisper)


# --- the worker's configuration ---------------------------------------------------------------------
def test_offline_speech_takes_turns_from_the_turn_taker(monkeypatch: pytest.MonkeyPatch) -> None:
    whisper = BurstWhisper([ASK_ANN])
    monkeypatch.setattr(tts_module, "default_engine", QuietEngine)
    settings = worker_settings()
    vad = FakeVAD(agent_worker.vad_options(settings).min_silence_duration)
    speech = agent_worker._speech(settings, vad, ["Ann Lee"], whisper)
    stt = speech["stt"]
    assert isinstance(stt, TurnTakingSTT)
    assert stt.capabilities.streaming  # so AgentSession does not wrap it in a StreamAdapter
    assert isinstance(stt.wrapped_stt, OfflineSTT)
    assert stt.wrapped_stt._model is whisper  # the prewarmed model, not a load per call
    assert speech["vad"] is vad
    assert stt._vad is vad
    assert speech["turn_handling"]["turn_detection"] == "stt"
    assert speech["turn_handling"]["endpointing"]["min_delay"] == 0.0
    # The replies are spoken opener first (reply_speech.py), through livekit's stream adapter.
    assert isinstance(speech["tts"], lk_tts.StreamAdapter)
    assert isinstance(speech["tts"]._sentence_tokenizer, ReplyTokenizer)
    # The VAD's own window is the backstop: never shorter than the turn taker's longest wait.
    assert vad.min_silence_duration >= stt.timing.max_silence


async def test_the_caller_and_the_employee_legs_both_take_turns_from_the_turn_taker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    speech = worker_speech(monkeypatch, BurstWhisper([]))
    caller, consult = agent_worker.sessions(None, speech)
    employee = consult()
    for session in (caller, employee):
        assert session.stt is speech["stt"]
        assert session.turn_detection == "stt"
        assert session.options.endpointing["min_delay"] == 0.0
        assert session.options.interruption["mode"] == "vad"
    # livekit writes into the endpointing dict it was given: one per session
    assert caller._opts.endpointing_overrides is not employee._opts.endpointing_overrides


def test_hosted_speech_keeps_livekits_own_handling(monkeypatch: pytest.MonkeyPatch) -> None:
    hosted_stt, hosted_tts = object(), object()  # _speech must pass them through untouched
    monkeypatch.setattr(agent_worker, "build_stt", lambda settings: hosted_stt)
    monkeypatch.setattr(agent_worker, "build_tts", lambda settings: hosted_tts)
    settings = Settings(_env_file=None, switchboard_stt="deepgram/nova-3", switchboard_tts="x/y")
    speech = agent_worker._speech(settings, FakeVAD(0.45), [], None)
    assert speech["stt"] is hosted_stt
    assert speech["tts"] is hosted_tts
    assert "turn_handling" not in speech
    assert agent_worker.vad_options(settings).min_silence_duration == 0.45


# --- a real session, fed audio ---------------------------------------------------------------------
async def test_the_callers_turn_reaches_the_agent_which_replies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with call_with(worker_speech(monkeypatch, BurstWhisper([ASK_ANN]))) as call:
        greetings = len(call.speaker.segments)
        speaking = asyncio.create_task(call.speak(quiet(0.1), word(0.6)))
        try:
            await call.wait_for(lambda: len(call.said_by("assistant")) > 1)
        finally:
            await speaking
        assert call.said_by("user") == [ASK_ANN]
        assert call.items.index(("user", ASK_ANN)) < len(call.items) - 1  # a reply came after
        assert len(call.speaker.segments) > greetings  # and was spoken
        # Per-turn metrics (observe_turns) still come with each turn: the transcript's and the
        # end of turn's delays on the caller's message, the first audio on the reply.
        await call.wait_for(lambda: TurnStage.FIRST_AUDIO in call.metrics.stages)
        assert {TurnStage.STT, TurnStage.END_OF_TURN} <= set(call.metrics.stages)
        # and the session's usage counts Whisper's decodes (passed on by TurnTakingSTT)
        stt_usage = [u for u in call.session.usage.model_usage if u.type == "stt_usage"]
        assert [u.provider for u in stt_usage] == ["faster-whisper"]
        assert stt_usage[0].audio_duration > 0


async def test_a_caller_pausing_mid_sentence_is_not_cut_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whisper = BurstWhisper(PAUSED)
    async with call_with(worker_speech(monkeypatch, whisper)) as call:
        speaking = asyncio.create_task(call.speak(quiet(0.1), word(), quiet(0.7), word()))
        try:
            await call.wait_for(lambda: bool(call.said_by("user")))
        finally:
            await speaking
        assert call.said_by("user") == ["I'd like to speak to Ann Lee."]
        assert whisper.heard[-1] == 2  # the turn's transcript holds both halves


async def test_asked_to_spell_a_name_the_caller_may_pause_between_letters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The offline brain finds nobody and asks for the surname letter by letter; the session hands
    # that line to OfflineSTT (its chat_context capability), so the four letters with pauses
    # between them are one turn, not four ("H, A." reads as a finished sentence).
    script = ["Could I speak to Tumbrie Dish please?", "H, A.", "H, A, L.", "H, A, L, L."]
    whisper = BurstWhisper(script)
    speech = worker_speech(monkeypatch, whisper)
    offline = speech["stt"].wrapped_stt
    async with call_with(speech) as call:
        asked = asyncio.create_task(call.speak(quiet(0.1), word(0.6)))
        try:
            await call.wait_for(lambda: "spell" in " ".join(call.said_by("assistant")))
        finally:
            await asked
        await call.wait_for(lambda: call.session.agent_state == "listening")
        assert offline.spelling_expected()
        letters = [
            word(0.25),
            quiet(0.6),
            word(0.25),
            quiet(0.6),
            word(0.25),
            quiet(0.6),
            word(0.25),
        ]
        spelling = asyncio.create_task(call.speak(quiet(0.1), *letters))
        try:
            await call.wait_for(lambda: len(call.said_by("user")) == 2)
        finally:
            await spelling
        assert call.said_by("user")[1] == "H, A, L, L."
        await call.wait_for(lambda: len(call.said_by("assistant")) > 2)
        assert "that's Chris Hall" in call.said_by("assistant")[-1], call.said_by("assistant")
        assert not offline.spelling_expected()  # the agent's next line asked for no spelling


async def test_a_caller_talking_over_the_reply_interrupts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Barge-in is the session VAD's speech of interruption.min_duration while the agent speaks
    # (stt_turn_handling: interruption mode "vad"); livekit ignores it for the first 3 s the
    # agent speaks (aec_warmup_duration, voice/agent_session.py:2216-2229), so the reply lasts 8 s
    # and the caller keeps trying until it stops.
    speech = worker_speech(monkeypatch, BurstWhisper([ASK_ANN, "Sorry, one more thing."]))
    monkeypatch.setattr(tts_module, "default_engine", lambda: QuietEngine(seconds=2.0))
    speech["tts"] = reply_tts(tts_module.OfflineTTS())
    model = ReplyLLM("Sure, one moment while I look. Ann is in today. She is in sales. Thanks.")
    line, out = PushedAudio(), PlayedAudio(realtime=True)
    async with model, AgentSession(llm=model, **speech) as session:
        session.input.audio, session.output.audio = line, out
        await session.start(Agent(instructions="Answer every caller with the same line."))
        changed = asyncio.Event()
        session.on("agent_state_changed", lambda _: changed.set())

        async def until(done: Callable[[], bool], seconds: float = 10.0) -> None:
            async with asyncio.timeout(seconds):
                while not done():
                    changed.clear()
                    await changed.wait()

        async def say(*parts: np.ndarray) -> None:
            for frame in frames(np.concatenate(parts)):
                line.push(frame)
                await asyncio.sleep(WINDOW)

        await say(quiet(0.1), word(0.6), quiet(0.5))
        await until(lambda: session.agent_state == "speaking")
        replying = len(out.segments)

        async def keep_talking() -> None:
            while True:
                await say(word(1.0), quiet(0.6))

        talking = asyncio.create_task(keep_talking())
        try:
            await until(lambda: out.interrupted > 0)  # the agent stops speaking when cut off
        finally:
            talking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await talking
        assert out.interrupted == 1
        assert len(out.segments) == replying  # cut short, not played to the end and followed


async def test_the_previous_setup_cuts_the_same_caller_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker before TurnTakingSTT: OfflineSTT behind livekit's StreamAdapter (AgentSession
    # wraps a non-streaming STT in one, voice/agent.py:519-530) and the VAD's 0.45 s window.
    monkeypatch.setattr(tts_module, "default_engine", QuietEngine)
    hints = Resolver.build(DIRECTORY).recognition_hints()
    whisper = BurstWhisper(PAUSED)
    speech = {
        "stt": OfflineSTT(hints=hints, model=whisper),  # type: ignore[arg-type]
        "tts": tts_module.OfflineTTS(),
        "vad": FakeVAD(0.45),
        "turn_handling": {"turn_detection": "vad"},
    }
    async with call_with(speech) as call:
        speaking = asyncio.create_task(call.speak(quiet(0.1), word(), quiet(0.7), word()))
        try:
            await call.wait_for(lambda: bool(call.said_by("user")))
        finally:
            await speaking
        # The sentence was cut at the pause: each half transcribed on its own, so a real Whisper
        # reads "I'd like to speak to" and then "Ann Lee." without the request around it.
        assert whisper.heard == [1, 1]
        assert call.said_by("user") != ["I'd like to speak to Ann Lee."]


# --- prewarm -----------------------------------------------------------------------------------------
class Loads:
    """Stands in for the model loaders; notes what each job process would load."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, whisper_fails: bool = False) -> None:
        self.vads: list[VadOptions] = []
        self.whispers = 0
        self.model = BurstWhisper([])

        def load_vad(options: VadOptions | None = None) -> FakeVAD:
            self.vads.append(options or VadOptions())
            return FakeVAD(self.vads[-1].min_silence_duration)

        def load_whisper(options: WhisperOptions) -> BurstWhisper:
            self.whispers += 1
            if whisper_fails:
                raise VoiceUnavailableError("offline STT needs faster-whisper")
            return self.model

        monkeypatch.setattr(vad_module, "load_vad", load_vad)
        monkeypatch.setattr(whisper_module, "load_whisper", load_whisper)


def test_prewarm_loads_the_turn_takers_vad_and_whisper_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads = Loads(monkeypatch)
    warm = agent_worker.warm_voice(worker_settings())
    assert [o.min_silence_duration for o in loads.vads] == [TurnTiming().spelling_silence]
    assert warm["whisper"] is loads.model
    assert isinstance(warm["vad"], FakeVAD)


def test_a_whisper_that_does_not_load_is_logged_and_left_to_the_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads = Loads(monkeypatch, whisper_fails=True)
    with capture_logs() as logs:
        warm = agent_worker.warm_voice(worker_settings())
    assert "whisper" not in warm
    assert "vad" in warm
    assert loads.whispers == 1
    assert [e["event"] for e in logs] == ["prewarm.whisper_failed"]
    assert "faster-whisper" in logs[0]["error"]


def test_hosted_voice_loads_no_offline_models(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch)
    hosted = Settings(_env_file=None, switchboard_stt="deepgram/nova-3", switchboard_tts="x/y")
    assert agent_worker.warm_voice(hosted) == {}
    # Hosted STT with the offline TTS: the VAD as before (0.45 s window), no Whisper.
    mixed = Settings(_env_file=None, switchboard_stt="deepgram/nova-3", switchboard_tts="offline")
    assert set(agent_worker.warm_voice(mixed)) == {"vad"}
    assert [o.min_silence_duration for o in loads.vads] == [VadOptions().min_silence_duration]
    assert loads.whispers == 0


# --- livekit's log ------------------------------------------------------------------------------------
def test_the_expected_vad_flush_warning_is_lowered_and_nothing_else() -> None:
    stt_turn_handling()
    stt_turn_handling()  # installed once
    target = logging.getLogger("livekit.agents")
    assert sum(isinstance(f, _ExpectedVadFlush) for f in target.filters) == 1

    def record(msg: str) -> logging.LogRecord:
        return target.makeRecord("livekit.agents", logging.WARNING, __file__, 1, msg, (), None)

    flush = record("stt end of speech received while vad is still in a speech segment, flushing")
    other = record("failed to recognize speech")
    assert target.filter(flush)
    assert flush.levelno == logging.DEBUG
    assert target.filter(other)
    assert other.levelno == logging.WARNING
