"""The call's metrics as a port: the call path says what happened, an adapter counts it.

The agent worker counts into Prometheus (`switchboard.adapters.prometheus`); `switchboard call`,
`simulate` and the tests use `NoCallMetrics` (or a recording fake), so the domain and the
services never import a metrics library.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallOutcome, TransferOutcome


class TurnStage(StrEnum):
    """The parts of one conversational turn whose latency is measured."""

    STT = "stt"  # end of the caller's speech to the final transcript
    END_OF_TURN = "end_of_turn"  # end of speech to the decision that the caller's turn is over
    LLM = "llm"  # the brain's time to first token
    TTS = "tts"  # text to speech: time to the first audio chunk
    FIRST_AUDIO = "first_audio"  # end of the caller's speech to the agent's first audio


class CallMetrics(Protocol):
    def call_started(self) -> None:
        """A call was answered (it is now in progress)."""
        ...

    def call_ended(self, outcome: CallOutcome) -> None:
        """The call's record was closed with `outcome` (it is no longer in progress)."""
        ...

    def transfer_finished(self, outcome: TransferOutcome, hold_seconds: float) -> None:
        """One transfer attempt ended; the caller was on hold for `hold_seconds`."""
        ...

    def turn_latency(self, stage: TurnStage, seconds: float) -> None: ...

    def call_quality(self, quality: CallQuality) -> None:
        """The caller's audio quality over the whole call (called once, when there are stats)."""
        ...

    def job_memory(self, rss_bytes: int) -> None:
        """The resident memory of the process holding the call."""
        ...


class NoCallMetrics:
    """Counts nothing: the offline call, the simulator, tests that do not look."""

    def call_started(self) -> None:
        pass

    def call_ended(self, outcome: CallOutcome) -> None:
        pass

    def transfer_finished(self, outcome: TransferOutcome, hold_seconds: float) -> None:
        pass

    def turn_latency(self, stage: TurnStage, seconds: float) -> None:
        pass

    def call_quality(self, quality: CallQuality) -> None:
        pass

    def job_memory(self, rss_bytes: int) -> None:
        pass
