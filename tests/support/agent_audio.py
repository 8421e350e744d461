"""A phone line for a real livekit-agents `AgentSession` with no room: `PushedAudio` is the
caller's side (frames the test or benchmark pushes), `PlayedAudio` the agent's (played instantly,
each reply's first frame timed), `QuietEngine` a TTS engine that says every line as silence and
`ReplyLLM` a model that answers every turn with one fixed line. What each relies on is cited from
livekit-agents 1.8.9 (`livekit/agents/`). `call_with` starts the receptionist (offline brain, fake
ports from calls.py) on such a line, with the speech a test gives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import AgentSession, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.voice import io

from switchboard.adapters.brain.offline import OfflineBrain
from switchboard.adapters.livekit.turn_metrics import observe_turns
from switchboard.domain.availability import reachability
from switchboard.domain.resolution import Resolver
from switchboard.ports.metrics import NoCallMetrics, TurnStage
from switchboard.services.receptionist.agent import SwitchboardAgent
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.settings import Settings
from tests.support.calls import (
    CALL,
    DIRECTORY,
    HOURS_TEXT,
    OPEN_AT,
    FakeCallControl,
    FakeMessageDesk,
    FakeRecorder,
)
from tests.support.clocks import ManualClock
from tests.support.voice import WINDOW, frames, quiet

REPLY_WAIT_S = 10.0  # generous: the machine is shared; nothing here measures speed


class PushedAudio(io.AudioInput):
    """The caller's line: an `AudioInput` is an async iterator of frames (voice/io.py:42-62; the
    console's `cli/tcp_console.py:20-66` feeds one from a queue the same way)."""

    def __init__(self) -> None:
        super().__init__(label="test-line")
        self._frames: asyncio.Queue[rtc.AudioFrame] = asyncio.Queue()

    def push(self, frame: rtc.AudioFrame) -> None:
        self._frames.put_nowait(frame)

    async def __anext__(self) -> rtc.AudioFrame:
        return await self._frames.get()


class PlayedAudio(io.AudioOutput):
    """The agent's audio. An `AudioOutput` counts a segment from its first `capture_frame` to
    `flush`, must report `on_playback_started` and `on_playback_finished` for each, and stops at
    once on `clear_buffer` (voice/io.py:151-330; `cli/tcp_console.py:70-140` does the same over
    TCP). Played instantly, or with `realtime` for as long as the audio lasts, so that a caller
    can talk over it."""

    def __init__(self, *, realtime: bool = False) -> None:
        super().__init__(label="test-speaker", capabilities=io.AudioOutputCapabilities(pause=False))
        self.realtime = realtime
        self.segments: list[float] = []  # time.perf_counter() of each segment's first frame
        self.interrupted = 0  # segments cut short by clear_buffer
        self._played = 0.0
        self._open = False
        self._playing: asyncio.TimerHandle | None = None

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._open:
            self._open = True
            self.segments.append(time.perf_counter())
            self.on_playback_started(created_at=time.time())
        self._played += frame.duration

    def flush(self) -> None:
        super().flush()
        if not self._open:
            return
        if not self.realtime:
            self._finish(interrupted=False)
            return
        left = self.segments[-1] + self._played - time.perf_counter()
        loop = asyncio.get_running_loop()
        self._playing = loop.call_later(max(0.0, left), self._finish, False)

    def clear_buffer(self) -> None:
        if self._playing is not None:
            self._playing.cancel()
        if self._open:
            self.interrupted += 1
        self._finish(interrupted=True)

    def _finish(self, interrupted: bool) -> None:
        self._playing = None
        if self._open:
            played, self._played, self._open = self._played, 0.0, False
            self.on_playback_finished(playback_position=played, interrupted=interrupted)


class QuietEngine:
    """A `SpeechEngine` (adapters/voice/engine.py) saying every line as `seconds` of silence."""

    name, sample_rate = "quiet", 16000

    def __init__(self, seconds: float = 0.2) -> None:
        self.seconds = seconds

    async def start(self) -> None:
        return None

    async def synthesize(self, text: str) -> bytes:
        return bytes(int(self.seconds * self.sample_rate) * 2)

    async def aclose(self) -> None:
        return None


class ReplyLLM(llm.LLM[Any]):
    """Answers every turn with `reply`, at once (an `LLMStream` sends `ChatChunk`s on its event
    channel from `_run`: llm/llm.py; the same shape as the scripted models in tests/services)."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply
        self.heard: list[str] = []

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        return _Reply(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _Reply(llm.LLMStream):
    async def _run(self) -> None:
        model = self._llm
        assert isinstance(model, ReplyLLM)
        said = [m for m in self._chat_ctx.messages() if m.role == "user"]
        model.heard.append(said[-1].text_content or "" if said else "")
        delta = llm.ChoiceDelta(role="assistant", content=model.reply)
        self._event_ch.send_nowait(llm.ChatChunk(id="reply", delta=delta))


class Recorder(NoCallMetrics):
    def __init__(self) -> None:
        self.stages: list[TurnStage] = []

    def turn_latency(self, stage: TurnStage, seconds: float) -> None:
        self.stages.append(stage)


@dataclass
class Call:
    session: AgentSession[Any]
    line: PushedAudio
    speaker: PlayedAudio
    metrics: Recorder
    items: list[tuple[str, str]] = field(default_factory=list)  # (role, text) as added
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def said_by(self, role: str) -> list[str]:
        return [text for who, text in self.items if who == role]

    async def wait_for(self, done: Callable[[], bool], seconds: float = REPLY_WAIT_S) -> None:
        async with asyncio.timeout(seconds):
            while not done():
                self.changed.clear()
                await self.changed.wait()

    async def speak(self, *parts: np.ndarray, then_quiet: float = 1.5) -> None:
        """Play `parts` into the line in real time, then keep the line open (silence) a while,
        as a phone line does."""
        for frame in frames(np.concatenate([*parts, quiet(then_quiet)])):
            self.line.push(frame)
            await asyncio.sleep(WINDOW)


def worker_settings() -> Settings:
    return Settings(_env_file=None, switchboard_stt="offline", switchboard_tts="offline")


@contextlib.asynccontextmanager
async def call_with(speech: dict[str, Any]) -> AsyncIterator[Call]:
    """A started receptionist session with `speech` (AgentSession keyword arguments), its
    greeting played, listening."""
    deps = ReceptionistDeps(
        directory=DIRECTORY, resolver=Resolver.build(DIRECTORY), reachability=reachability,
        clock=ManualClock(OPEN_AT, sleep_moves=False), calls=FakeCallControl(),
        messages=FakeMessageDesk(), recorder=FakeRecorder(), call=CALL,
    )  # fmt: skip
    brain = OfflineBrain(DIRECTORY.company, hours=HOURS_TEXT, caller_number=CALL.caller_number)
    async with brain, AgentSession(llm=brain, **speech) as session:
        call = Call(session, PushedAudio(), PlayedAudio(), Recorder())
        observe_turns(session, call.metrics)

        def added(event: Any) -> None:
            role = getattr(event.item, "role", None)  # handoffs and tool calls have none
            if role is not None:
                call.items.append((role, event.item.text_content or ""))
            call.changed.set()

        session.on("conversation_item_added", added)
        session.on("agent_state_changed", lambda _: call.changed.set())
        session.input.audio = call.line
        session.output.audio = call.speaker
        await session.start(SwitchboardAgent(deps, hours=HOURS_TEXT))
        await call.wait_for(lambda: bool(call.said_by("assistant")))  # the greeting
        await call.wait_for(lambda: session.agent_state == "listening")
        yield call
