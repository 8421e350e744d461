"""A text conversation with the receptionist: the real agent and AgentSession, no room, no audio.

Imports nothing that needs PortAudio, so `switchboard call` works on a bare server.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import AgentSession, ConversationItemAddedEvent, llm

from switchboard.domain.calls import CallOutcome
from switchboard.services.receptionist.agent import SwitchboardAgent
from switchboard.services.receptionist.deps import ReceptionistDeps

ReadLine = Callable[[], Awaitable[str | None]]
WriteLine = Callable[[str], Awaitable[None] | None]


async def run_text_conversation(
    deps: ReceptionistDeps,
    read_line: ReadLine,
    write_line: WriteLine,
    *,
    brain: llm.LLM[Any],
    hours: str | None = None,
) -> CallOutcome:
    """Hold one call in text: agent lines go to `write_line`, caller lines come from `read_line`
    (None means the caller hung up). `brain` is the offline brain or a hosted LLM, chosen by the
    caller of this function (the composition root). Returns the call outcome."""
    lines: list[str] = []

    def on_item(event: ConversationItemAddedEvent) -> None:
        item = event.item
        if item.type == "message" and item.role == "assistant" and item.text_content:
            lines.append(item.text_content)

    async def flush() -> None:
        while lines:
            written = write_line(lines.pop(0))
            if inspect.isawaitable(written):
                await written

    caller_hung_up = False
    async with AgentSession(llm=brain) as session:
        session.on("conversation_item_added", on_item)
        await session.start(SwitchboardAgent(deps, hours=hours))
        if session.current_speech is not None:  # let the greeting come first
            await session.current_speech.wait_for_playout()
        while not deps.state.ended and not deps.state.transferred_to and not deps.blocked:
            await flush()
            line = await read_line()
            if line is None:
                caller_hung_up = True
                deps.record("decision", decision="caller_hung_up")
                break
            if line.strip():
                await session.run(user_input=line)
        await flush()
    outcome = deps.state.outcome(caller_hung_up=caller_hung_up)
    if not deps.state.ended:
        deps.record("outcome", outcome=outcome.value)
    return outcome
