"""Who picked up a dialled employee leg, a person or voicemail, decided on the leg's audio.

Two screens, both returning a `domain.answering_machine.Verdict`:

- `EnergyScreen` (offline, the default): the leg's audio track at 16 kHz through `LineListener`
  (voice/silence and beeps, numpy only) plus whatever the consultation session's STT transcribes,
  judged by `classify` after every frame. Works without the [voice] extra; with no STT it decides
  from timing and beeps alone.
- `AmdScreen`: livekit-agents' `AMD` (livekit/agents/voice/amd/detector.py in livekit-agents
  1.8.9), which classifies the greeting's transcript with an LLM, run alongside `EnergyScreen`.
  Used when a hosted brain is configured; the offline verdict decides when AMD cannot.

Both stop after `ScreenRules.window` seconds (plus a little for the track to arrive) with an
unsure verdict, so a screen never holds a dial much past the answer. See docs/voicemail-detection.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Protocol

import numpy as np
from livekit import rtc
from livekit.agents import AMD, AgentSession, AMDCategory, UserInputTranscribedEvent
from livekit.agents.utils.participant import wait_for_participant

from switchboard.adapters.voice.line_signals import LineListener
from switchboard.domain.answering_machine import Answerer, ScreenRules, Verdict, classify
from switchboard.logs import get_logger

log = get_logger(__name__)

SCREEN_SAMPLE_RATE = 16000
DEFAULT_RULES = ScreenRules()
TRACK_SLACK = 1.5  # wall-clock seconds beyond the window for the track to be subscribed


class AnswerScreen(Protocol):
    async def screen(self, room: rtc.Room, session: AgentSession[Any], identity: str) -> Verdict:
        """Listen to `identity` in `room` (whose `session` transcribes it) and decide."""
        ...


async def judge_audio(
    frames: AsyncIterable[rtc.AudioFrame],
    words: asyncio.Queue[str],
    rules: ScreenRules = DEFAULT_RULES,
) -> Verdict:
    """Feed frames (and any transcripts queued meanwhile) to the classifier until it decides.

    The audio clock decides the window; the stream ending early (the leg hung up) is unsure.
    """
    listener: LineListener | None = None
    async for frame in frames:
        if listener is None:
            listener = LineListener(frame.sample_rate)
        samples = np.frombuffer(frame.data, dtype=np.int16)
        if frame.num_channels > 1:
            samples = samples.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
        listener.push(samples)
        while not words.empty():
            listener.hear_words(words.get_nowait())
        verdict = classify(listener.observations(), listener.now, rules)
        if verdict is not None:
            return verdict
    return Verdict(Answerer.UNSURE, "the leg's audio ended", listener.now if listener else 0.0)


class EnergyScreen:
    """The offline screen: timing, beeps and (when the session has STT) voicemail words."""

    def __init__(self, rules: ScreenRules = DEFAULT_RULES) -> None:
        self.rules = rules

    async def screen(self, room: rtc.Room, session: AgentSession[Any], identity: str) -> Verdict:
        words: asyncio.Queue[str] = asyncio.Queue()

        def on_transcript(event: UserInputTranscribedEvent) -> None:
            if event.transcript.strip():
                words.put_nowait(event.transcript)

        try:
            async with asyncio.timeout(self.rules.window + TRACK_SLACK):
                # The answer is reported by the API before the rtc room may show the participant.
                participant = await wait_for_participant(room, identity=identity)
                stream = rtc.AudioStream.from_participant(
                    participant=participant,
                    track_source=rtc.TrackSource.SOURCE_MICROPHONE,
                    sample_rate=SCREEN_SAMPLE_RATE,
                    num_channels=1,
                )
                session.on("user_input_transcribed", on_transcript)
                try:
                    return await judge_audio(_frames(stream), words, self.rules)
                finally:
                    session.off("user_input_transcribed", on_transcript)
                    await stream.aclose()
        except TimeoutError:
            return Verdict(
                Answerer.UNSURE, "no verdict from the leg's audio in time", self.rules.window
            )


async def _frames(stream: rtc.AudioStream) -> AsyncIterator[rtc.AudioFrame]:
    async for event in stream:
        yield event.frame


class AmdScreen:
    """livekit-agents' LLM-based AMD side by side with the offline screen.

    `llm` is the hosted brain's LLM (an `llm.LLM` or a LiveKit Inference model string); AMD reads
    the consultation session's own transcripts. The first machine verdict from either screen wins
    at once (AMD waits for the greeting to end, a beep does not); otherwise AMD's person stands,
    and when AMD is uncertain or cannot run (no usable LLM) the offline verdict decides.
    """

    def __init__(
        self, llm: Any, *, rules: ScreenRules = DEFAULT_RULES, offline: AnswerScreen | None = None
    ) -> None:
        self.llm, self.rules = llm, rules
        self.offline = offline or EnergyScreen(rules)

    async def screen(self, room: rtc.Room, session: AgentSession[Any], identity: str) -> Verdict:
        amd = asyncio.ensure_future(self.amd(session, identity))
        offline = asyncio.ensure_future(self.offline.screen(room, session, identity))
        try:
            pending: set[asyncio.Future[Verdict]] = {amd, offline}
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.exception() is None and task.result().is_machine:
                        return task.result()
            if amd.exception() is None and amd.result().answerer is not Answerer.UNSURE:
                return amd.result()
            if amd.exception() is not None:
                log.warning("answer_screen.amd_unavailable", error=repr(amd.exception()))
            return offline.result()
        finally:
            for task in (amd, offline):
                task.cancel()
            await asyncio.gather(amd, offline, return_exceptions=True)

    async def amd(self, session: AgentSession[Any], identity: str) -> Verdict:
        """AMD's verdict, unsure when it gives none in time.

        Raises ValueError when AMD has no usable LLM (detector.py `_run`).
        """
        try:
            async with (
                asyncio.timeout(self.rules.window + TRACK_SLACK),
                AMD(
                    session,
                    llm=self.llm,
                    stt=None,  # the consultation session's STT transcribes the leg already
                    interrupt_on_machine=False,  # we hang the leg up ourselves
                    ivr_detection=False,
                    participant_identity=identity,
                    # At `timeout` AMD settles: its LLM verdict if it has one, else uncertain.
                    detection_options={"timeout": self.rules.window},
                    wait_until_finished=False,
                ) as detector,
            ):
                result = await detector.execute()
        except TimeoutError:
            return Verdict(Answerer.UNSURE, "AMD gave no verdict in time", self.rules.window)
        answerer = _ANSWERERS.get(result.category, Answerer.UNSURE)
        return Verdict(answerer, f"AMD {result.category.value}: {result.reason}", result.delay)


_ANSWERERS = {
    AMDCategory.HUMAN: Answerer.HUMAN,
    AMDCategory.MACHINE_VM: Answerer.MACHINE,
    AMDCategory.MACHINE_UNAVAILABLE: Answerer.MACHINE,
    AMDCategory.MACHINE_IVR: Answerer.MACHINE,
    AMDCategory.UNCERTAIN: Answerer.UNSURE,
}


def answer_screen(hosted_llm: Any | None, rules: ScreenRules = DEFAULT_RULES) -> AnswerScreen:
    """AMD when a hosted LLM is configured, else the offline screen."""
    return AmdScreen(hosted_llm, rules=rules) if hosted_llm is not None else EnergyScreen(rules)
