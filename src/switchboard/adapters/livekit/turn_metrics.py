"""Per-turn latency from livekit-agents' own measurements, into `CallMetrics`.

livekit-agents 1.8.9 puts each turn's timings on the chat message it adds to the conversation
(`ChatMessage.metrics`, a `MetricsReport`: `llm/chat_context.py:286-350`), emitted as the
session's `conversation_item_added` event (`voice/events.py:435-438`). We read those rather than
the `metrics_collected` event carrying STTMetrics / LLMMetrics / TTSMetrics / EOUMetrics
(`metrics/base.py:21-149`, emitted at `voice/agent_activity.py:2189-2205` and `:2989-2997`):
in this release `AgentSession.on("metrics_collected")` logs a deprecation warning on every
subscription and points to `ChatMessage.metrics` for per-turn latency
(`voice/agent_session.py:770-777`, `voice/events.py:416-418`). The same numbers, per turn:

| stage        | message   | field                | what                                               |
|--------------|-----------|----------------------|----------------------------------------------------|
| stt          | user      | transcription_delay  | end of speech → final transcript (EOUMetrics)      |
| end_of_turn  | user      | end_of_turn_delay    | end of speech → turn judged over (EOUMetrics)      |
| llm          | assistant | llm_node_ttft        | time to the brain's first token (LLMMetrics.ttft)  |
| tts          | assistant | tts_node_ttfb        | first text → first audio chunk (TTSMetrics.ttfb)   |
| first_audio  | assistant | e2e_latency          | end of the caller's speech → the agent's first audio|
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from switchboard.ports.metrics import CallMetrics, TurnStage

_FIELDS: dict[str, tuple[tuple[str, TurnStage], ...]] = {
    "user": (
        ("transcription_delay", TurnStage.STT),
        ("end_of_turn_delay", TurnStage.END_OF_TURN),
    ),
    "assistant": (
        ("llm_node_ttft", TurnStage.LLM),
        ("tts_node_ttfb", TurnStage.TTS),
        ("e2e_latency", TurnStage.FIRST_AUDIO),
    ),
}


def turn_latencies(item: Any) -> list[tuple[TurnStage, float]]:
    """The latencies a conversation item carries (none for tool calls, handoffs, system text)."""
    report: Mapping[str, Any] = getattr(item, "metrics", None) or {}
    found = []
    for name, stage in _FIELDS.get(getattr(item, "role", ""), ()):
        value = report.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            found.append((stage, float(value)))
    return found


def observe_turns(session: Any, metrics: CallMetrics) -> Callable[[Any], None]:
    """Count every turn's latencies of `session` (an `AgentSession`); returns the listener."""

    def on_item(event: Any) -> None:
        for stage, seconds in turn_latencies(getattr(event, "item", None)):
            metrics.turn_latency(stage, seconds)

    session.on("conversation_item_added", on_item)
    return on_item
