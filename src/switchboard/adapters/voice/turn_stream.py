"""`TurnTakingSTT`: a streaming livekit STT made of a non-streaming one (`OfflineSTT`) and a VAD,
that ends the caller's turn as soon as what they said reads as finished (see turns.py).

livekit's `stt.StreamAdapter` waits for the VAD's fixed silence window, then transcribes: every
reply pays the whole window plus the decode. Here the VAD reports every 32 ms window
(`INFERENCE_DONE`, with the silence accumulated so far); at the first short pause the turn so far
is transcribed in the background, and `turns.decide` ends the turn after `quick_silence` when the
transcript is complete, or waits up to `max_silence` when it is not ("I'd like to speak to… um…").
The transcript is usually ready when the turn ends, so the decode is no longer added to the wait.

Events are those `StreamAdapter` emits (START_OF_SPEECH, END_OF_SPEECH, FINAL_TRANSCRIPT), so it
drops in wherever the adapter was used. If the caller starts again right after an early end (the
VAD still counts it as the same speech), a new turn opens with the last 0.3 s of audio in front.

In an `AgentSession` the turn taker only decides when the session is told to take the end of turn
from the STT: `AgentSession(stt=TurnTakingSTT(...), vad=..., turn_handling=stt_turn_handling())`
(see `stt_turn_handling` for what livekit-agents 1.8.9 does with each event).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any, Literal

from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    LanguageCode,
    NotGivenOr,
    TurnHandlingOptions,
    utils,
)
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad

from switchboard.adapters.voice.turns import TurnDecision, TurnTiming, decide
from switchboard.logs import get_logger

logger = get_logger(__name__)

QUIET_PROBABILITY = 0.5
_PREFIX_WINDOWS = 10  # ≈ 0.3 s of silero windows kept in front of a turn that resumes
# Silence kept of each pause inside a turn: Whisper (tiny.en) reads "I'd like to speak to … um …
# Dana" far worse with the long pauses in it ("…speak to you for your ramen").
_KEPT_PAUSE_S = 0.3


def stt_turn_handling() -> TurnHandlingOptions:
    """`AgentSession(turn_handling=...)` for a session whose STT is a `TurnTakingSTT`: the turn ends
    when the turn taker says so, not after the session's own wait. Paths are in livekit-agents
    1.8.9's `livekit/agents/`.

    - `turn_detection="stt"`: without it the session picks its default end-of-turn model,
      `inference.TurnDetector()` (voice/agent_session.py:576-578), which waits on the VAD's silence
      and its own prediction whatever the STT decided. "stt" is the mode that ends the turn on the
      STT's END_OF_SPEECH (voice/turn.py:95-104).
    - What the session then does (voice/audio_recognition.py): our END_OF_SPEECH marks the turn
      over and anchors it at the event's `speech_end_time` (:1389-1432); with no transcript yet it
      waits for one (:1582-1588, :1827-1829), and our FINAL_TRANSCRIPT, which follows it, runs the
      end of turn again (:1312-1333). A START_OF_SPEECH (the caller went on) cancels a turn end
      still pending (:1434-1447). The session's own VAD ends no turn in this mode: its
      END_OF_SPEECH runs the end of turn only once the STT has ended it (:1518-1522); when our
      END_OF_SPEECH comes first the session flushes its VAD stream (:1394-1411, a warning in
      livekit's log each time) so that speech going on is seen as new speech.
    - `endpointing.min_delay=0`: the session still waits `min_delay` after the anchor
      (:1816-1824), 0.5 s by default (voice/turn.py:135-140). The turn taker has already waited
      (`TurnTiming.quick_silence` after a finished sentence, `max_silence` otherwise), so any
      further wait is pure latency.
    - `interruption.mode="vad"`: barge-in is the session VAD's speech of
      `interruption.min_duration` (0.5 s) while the agent speaks (voice/agent_activity.py:2502-2516,
      which in "stt" mode also tells an early STT end from speech still going on). Without a mode,
      `agent dev` and LiveKit Cloud hosting turn on the adaptive detector, a LiveKit Inference
      model (voice/agent_activity.py:5310-5317); the offline voice keeps every model local.
    """
    _quiet_expected_vad_flush()
    return TurnHandlingOptions(
        turn_detection="stt",
        endpointing={"min_delay": 0.0},
        interruption={"mode": "vad"},
    )


_VAD_FLUSH = "stt end of speech received while vad is still in a speech segment"


class _ExpectedVadFlush(logging.Filter):
    """livekit-agents warns whenever the STT ends a turn while its VAD still counts the speech
    as going on (voice/audio_recognition.py:1394-1411). With the turn taker that is every turn
    ended early, by design, so the record goes down to DEBUG; every other record passes as is."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith(_VAD_FLUSH):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def _quiet_expected_vad_flush() -> None:
    target = logging.getLogger("livekit.agents")
    if not any(isinstance(f, _ExpectedVadFlush) for f in target.filters):
        target.addFilter(_ExpectedVadFlush())


class TurnTakingSTT(lk_stt.STT[Literal["metrics_collected", "error"]]):
    """Streaming STT from `stt` (non-streaming) and `vad`; the VAD's own silence window should be
    at least `timing.spelling_silence` (`load_vad(VadOptions(min_silence_duration=...))`)."""

    def __init__(
        self, *, stt: lk_stt.STT[Any], vad: lk_vad.VAD, timing: TurnTiming | None = None
    ) -> None:
        super().__init__(
            capabilities=lk_stt.STTCapabilities(
                streaming=True,
                interim_results=False,
                keyterms=stt.capabilities.keyterms,
                chat_context=stt.capabilities.chat_context,  # passed on: `_push_conversation_item`
            )
        )
        self._stt, self._vad = stt, vad
        self.timing = timing or TurnTiming()
        # The session counts STT usage from its STT's `metrics_collected` (livekit-agents 1.8.9
        # voice/agent_activity.py:927, :2189-2209); the wrapped STT emits one per decode
        # (stt/stt.py:253). livekit's own StreamAdapter passes them on the same way
        # (stt/stream_adapter.py:37, :85-89).
        self._stt.on("metrics_collected", self._on_metrics_collected)

    @property
    def wrapped_stt(self) -> lk_stt.STT[Any]:
        return self._stt

    @property
    def model(self) -> str:
        return self._stt.model

    @property
    def provider(self) -> str:
        return self._stt.provider

    def _update_session_keyterms(self, keyterms: list[str]) -> None:
        self._stt._update_session_keyterms(keyterms)

    def _push_conversation_item(self, item: Any) -> None:
        self._stt._push_conversation_item(item)

    def prewarm(self) -> None:
        self._stt.prewarm()

    def _on_metrics_collected(self, *args: Any, **kwargs: Any) -> None:
        self.emit("metrics_collected", *args, **kwargs)

    async def aclose(self) -> None:
        self._stt.off("metrics_collected", self._on_metrics_collected)

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> lk_stt.SpeechEvent:
        return await self._stt.recognize(
            buffer=buffer, language=language, conn_options=conn_options
        )

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> TurnStream:
        return TurnStream(self, language=language, conn_options=conn_options)


class _Turn:
    """The caller's turn in progress: its audio and what was read of it at each pause."""

    def __init__(self, frames: list[rtc.AudioFrame]) -> None:
        self.frames = list(frames)
        self.pause = 0  # counts the pauses; a transcript belongs to one
        self.silent = False
        self.jobs: dict[int, asyncio.Task[str]] = {}

    def transcript(self) -> str | None:
        job = self.jobs.get(self.pause)
        if job is None or not job.done() or job.cancelled() or job.exception() is not None:
            return None
        return job.result()


class TurnStream(lk_stt.RecognizeStream):
    def __init__(
        self,
        stt: TurnTakingSTT,
        *,
        language: NotGivenOr[str],
        conn_options: APIConnectOptions,
    ) -> None:
        # The wrapped STT's `recognize` retries on its own; the stream does not retry.
        super().__init__(
            stt=stt, conn_options=APIConnectOptions(max_retry=0, timeout=conn_options.timeout)
        )
        self._owner = stt
        self._timing = stt.timing
        self._language = language
        self._inner_options = conn_options
        self._jobs: set[asyncio.Task[str]] = set()

    async def _run(self) -> None:
        vad_stream = self._owner._vad.stream()

        async def forward() -> None:
            async for item in self._input_ch:
                if isinstance(item, self._FlushSentinel):
                    vad_stream.flush()
                else:
                    vad_stream.push_frame(item)
            vad_stream.end_input()

        forwarder = asyncio.create_task(forward(), name="TurnStream.forward")
        try:
            await self._follow(vad_stream)
            await forwarder
        finally:
            await utils.aio.cancel_and_wait(forwarder, *self._jobs)
            await vad_stream.aclose()

    async def _follow(self, vad_stream: lk_vad.VADStream) -> None:
        turn: _Turn | None = None
        recent: deque[rtc.AudioFrame] = deque(maxlen=_PREFIX_WINDOWS)
        ended_early = False  # we closed the turn; the VAD still counts the speech as going on
        quiet = 0.0
        async for ev in vad_stream:
            if ev.type == lk_vad.VADEventType.START_OF_SPEECH:
                ended_early = False
                if turn is None:
                    turn = self._open(ev.frames)
            elif ev.type == lk_vad.VADEventType.END_OF_SPEECH:
                if turn is not None:  # the VAD's own (full) window ran out first
                    await self._close(turn, ev.silence_duration)
                    turn = None
                ended_early = False
            elif ev.type == lk_vad.VADEventType.INFERENCE_DONE:
                # Quiet from the first window below even odds, not from silero's lower exit
                # threshold: its smoothed probability takes ~0.1 s to fall from one to the other.
                if ev.probability < QUIET_PROBABILITY:
                    quiet += sum(f.duration for f in ev.frames)
                else:
                    quiet = 0.0
                silence = max(quiet, ev.raw_accumulated_silence)
                if turn is None:
                    if ended_early and ev.speaking and silence == 0.0:
                        # Speaking again right after we ended the turn: a new turn.
                        logger.info("caller went on after the turn ended")
                        turn = self._open([*recent, *ev.frames])
                        ended_early = False
                    else:
                        recent.extend(ev.frames)
                    continue
                if silence <= _KEPT_PAUSE_S:
                    turn.frames.extend(ev.frames)
                if silence == 0.0:
                    if turn.silent:  # speech again: what was read at the pause is stale
                        stale = turn.jobs.pop(turn.pause, None)
                        if stale is not None:
                            stale.cancel()  # frees the single decode worker if not started
                        turn.pause += 1
                    turn.silent = False
                    continue
                turn.silent = True
                decision = decide(
                    silence, turn.transcript(), self._timing, spelling=self._spelling()
                )
                if decision is TurnDecision.TRANSCRIBE and turn.pause not in turn.jobs:
                    turn.jobs[turn.pause] = self._transcribe(turn.frames)
                elif decision is TurnDecision.END:
                    await self._close(turn, silence)
                    turn, ended_early = None, ev.speaking
                    recent.clear()
        # The audio ended mid-turn (a recording, a hang-up): keep what was said.
        if turn is not None:
            await self._close(turn, 0.0)

    def _spelling(self) -> bool:
        """The agent has asked the caller to spell a name (`OfflineSTT.spelling_expected`)."""
        expected = getattr(self._owner.wrapped_stt, "spelling_expected", None)
        return bool(expected()) if callable(expected) else False

    def _open(self, frames: list[rtc.AudioFrame]) -> _Turn:
        self._event_ch.send_nowait(lk_stt.SpeechEvent(lk_stt.SpeechEventType.START_OF_SPEECH))
        return _Turn(frames)

    def _transcribe(self, frames: list[rtc.AudioFrame]) -> asyncio.Task[str]:
        job = asyncio.create_task(self._recognize(list(frames)), name="TurnStream.transcribe")
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return job

    async def _recognize(self, frames: list[rtc.AudioFrame]) -> str:
        event = await self._owner.wrapped_stt.recognize(
            buffer=utils.merge_frames(frames),
            language=self._language,
            conn_options=self._inner_options,
        )
        return event.alternatives[0].text.strip() if event.alternatives else ""

    async def _close(self, turn: _Turn, silence: float) -> None:
        speech_end_time = time.time() - silence
        self._event_ch.send_nowait(
            lk_stt.SpeechEvent(
                type=lk_stt.SpeechEventType.END_OF_SPEECH, speech_end_time=speech_end_time
            )
        )
        job = turn.jobs.get(turn.pause) or self._transcribe(turn.frames)
        try:
            text = await job
        except Exception:  # OfflineSTT reports its own failures; the caller is asked again
            logger.exception("turn transcription failed")
            text = ""
        if text:
            self._event_ch.send_nowait(
                lk_stt.SpeechEvent(
                    type=lk_stt.SpeechEventType.FINAL_TRANSCRIPT,
                    alternatives=[lk_stt.SpeechData(language=LanguageCode("en"), text=text)],
                    speech_end_time=speech_end_time,
                )
            )
