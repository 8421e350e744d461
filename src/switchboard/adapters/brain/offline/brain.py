"""`OfflineBrain`: a deterministic livekit `llm.LLM` that drives the receptionist with no model.

It reads the chat context the agent session hands it, feeds what is new (caller turns, tool
results) to the dialogue policy, and streams back the reply text and real tool calls, exactly as
a hosted model would. One instance per call: it remembers the conversation's slots.
"""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from livekit.agents import llm
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from switchboard.adapters.brain.offline.company import department_hours, email_format, front_desk
from switchboard.adapters.brain.offline.dialogue import Dialogue
from switchboard.adapters.brain.offline.state import Reply
from switchboard.domain.directory import CompanyProfile, Directory
from switchboard.domain.resolution import Resolver


class OfflineBrain(llm.LLM[Any]):
    """The rules-and-resolver brain for one call (the resolver runs inside `find_employee`)."""

    def __init__(
        self,
        company: CompanyProfile,
        *,
        hours: str | None = None,
        caller_number: str | None = None,
        default_region: str = "US",
        directory: Directory | None = None,
    ) -> None:
        super().__init__()
        self.dialogue = Dialogue(
            company_name=company.name, info=dict(company.info), hours=hours,
            caller_number=caller_number, region=default_region,
        )  # fmt: skip
        self._seen: set[str] = set()
        self._ids = count(1)
        if directory is not None:
            self.use_directory(directory, Resolver.build(directory))

    def use_directory(self, directory: Directory, resolver: Resolver) -> None:
        """Understand caller turns against `directory` (its people, teams, titles and topics).
        The agent calls this with the call's own directory and resolver before the first turn."""
        self.dialogue.use_directory(
            resolver, email_format(directory), front_desk(directory), department_hours(directory)
        )

    def know_caller(self, name: str) -> None:
        """A returning caller (caller memory): their name is known, so it is never asked for."""
        if not self.dialogue.state.caller_name:
            self.dialogue.state.caller_name = name

    @property
    def model(self) -> str:
        return "offline"

    @property
    def provider(self) -> str:
        return "switchboard"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _OfflineStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)

    def respond(self, chat_ctx: llm.ChatContext) -> Reply:
        """The reply to everything new in `chat_ctx` (the last new event decides)."""
        reply = Reply()
        for item in chat_ctx.items:
            if item.id in self._seen:
                continue
            self._seen.add(item.id)
            if item.type == "message" and item.role == "user":
                reply = self.dialogue.on_caller(item.text_content or "")
            elif item.type == "message" and item.role == "assistant":
                # Lines the agent said in code (the emergency line) bind the brain too.
                if "911" in (item.text_content or ""):
                    self.dialogue.state.emergency = True
            elif item.type == "function_call_output":
                reply = self.dialogue.on_tool(item.name, item.output, item.is_error)
        return reply

    def chunk(self, reply: Reply) -> llm.ChatChunk:
        """`reply` as one streamed chunk with its tool call, if any."""
        calls = []
        if reply.tool:
            call_id = f"offline_{next(self._ids)}"
            calls.append(
                llm.FunctionToolCall(
                    name=reply.tool, arguments=json.dumps(reply.args), call_id=call_id
                )
            )
        delta = llm.ChoiceDelta(role="assistant", content=reply.text or None, tool_calls=calls)
        return llm.ChatChunk(id=f"offline_{next(self._ids)}", delta=delta)


class _OfflineStream(llm.LLMStream):
    async def _run(self) -> None:
        brain = self._llm
        assert isinstance(brain, OfflineBrain)
        reply = brain.respond(self._chat_ctx)
        if reply.text or reply.tool:
            self._event_ch.send_nowait(brain.chunk(reply))
