"""Per-turn latency read from livekit-agents' chat messages (`ChatMessage.metrics`), emitted by a
real `AgentSession` event emitter as `conversation_item_added`."""

from __future__ import annotations

from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ConversationItemAddedEvent

from switchboard.adapters.livekit.turn_metrics import observe_turns, turn_latencies
from switchboard.ports.metrics import NoCallMetrics, TurnStage


class Recorder(NoCallMetrics):
    def __init__(self) -> None:
        self.turns: list[tuple[TurnStage, float]] = []

    def turn_latency(self, stage: TurnStage, seconds: float) -> None:
        self.turns.append((stage, seconds))


def message(role: Any, **metrics: Any) -> llm.ChatMessage:
    return llm.ChatMessage(role=role, content=["…"], metrics=metrics)


def test_user_and_assistant_messages_carry_their_stages() -> None:
    user = message("user", transcription_delay=0.21, end_of_turn_delay=0.55, stopped_speaking_at=9)
    reply = message("assistant", llm_node_ttft=0.4, tts_node_ttfb=0.18, e2e_latency=1.12)
    assert turn_latencies(user) == [(TurnStage.STT, 0.21), (TurnStage.END_OF_TURN, 0.55)]
    assert turn_latencies(reply) == [
        (TurnStage.LLM, 0.4),
        (TurnStage.TTS, 0.18),
        (TurnStage.FIRST_AUDIO, 1.12),
    ]


def test_missing_or_nonsense_values_are_skipped() -> None:
    assert turn_latencies(message("assistant")) == []  # a reply interrupted before any audio
    assert turn_latencies(message("assistant", e2e_latency=-1.0)) == []  # "not measured"
    assert turn_latencies(message("system", e2e_latency=0.3)) == []  # not a turn
    assert turn_latencies(None) == []


async def test_the_sessions_items_reach_the_metrics() -> None:
    session: AgentSession[Any] = AgentSession()
    recorder = Recorder()
    observe_turns(session, recorder)
    reply = message("assistant", e2e_latency=0.9)
    session.emit("conversation_item_added", ConversationItemAddedEvent(item=reply))
    assert recorder.turns == [(TurnStage.FIRST_AUDIO, 0.9)]
