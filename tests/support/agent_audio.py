"""A phone line for a real livekit-agents `AgentSession` with no room: `PushedAudio` is the
caller's side (frames the test or benchmark pushes), `PlayedAudio` the agent's (played instantly,
each reply's first frame timed), `QuietEngine` a TTS engine that says every line as silence and
`ReplyLLM` a model that answers every turn with one fixed line. What each relies on is cited from
livekit-agents 1.8.9 (`livekit/agents/`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from livekit import rtc
from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.voice import io


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
    """The agent's audio, played instantly. An `AudioOutput` counts a segment from its first
    `capture_frame` to `flush`, and must report `on_playback_started` and `on_playback_finished`
    for each (voice/io.py:151-330; `cli/tcp_console.py:70-140` does the same over TCP)."""

    def __init__(self) -> None:
        super().__init__(label="test-speaker", capabilities=io.AudioOutputCapabilities(pause=False))
        self.segments: list[float] = []  # time.perf_counter() of each segment's first frame
        self._played = 0.0
        self._open = False

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._open:
            self._open = True
            self.segments.append(time.perf_counter())
            self.on_playback_started(created_at=time.time())
        self._played += frame.duration

    def flush(self) -> None:
        super().flush()
        self._finish(interrupted=False)

    def clear_buffer(self) -> None:
        self._finish(interrupted=True)

    def _finish(self, *, interrupted: bool) -> None:
        if self._open:
            played, self._played, self._open = self._played, 0.0, False
            self.on_playback_finished(playback_position=played, interrupted=interrupted)


class QuietEngine:
    """A `SpeechEngine` (adapters/voice/engine.py) saying every line as 0.2 s of silence."""

    name, sample_rate = "quiet", 16000

    async def start(self) -> None:
        return None

    async def synthesize(self, text: str) -> bytes:
        return bytes(int(0.2 * self.sample_rate) * 2)

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
