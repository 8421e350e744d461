"""`SwitchboardAgent`: the receptionist as a livekit-agents `Agent`, the same for every brain.

Guardrails that must not depend on the model live here and in `tools`: emergencies and abuse are
caught on the caller's turn before the model runs, and every reply passes the output filter.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterable
from typing import Any

from livekit.agents import Agent, ModelSettings, RunContext, function_tool, llm
from livekit.agents.utils import is_given
from livekit.agents.voice import SpeechHandle

from switchboard.domain.emergency import is_emergency
from switchboard.domain.redaction import redact_contact_details
from switchboard.domain.resolution import Resolver
from switchboard.domain.screening import BLOCKED_LINE
from switchboard.domain.spoken_numbers import spoken_digits
from switchboard.ports.brain import DirectoryAware
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.guard import Chunk, guard_stream
from switchboard.services.receptionist.instructions import build_instructions, greeting
from switchboard.services.receptionist.tools import GOODBYE_PLAYOUT_SECONDS, ReceptionistTools

EMERGENCY_LINE = "If this is an emergency, please hang up and dial 911."
ABUSE_LINE = "I'm going to end the call now. Thank you for calling. Goodbye."
_INFO = re.compile(
    r"\b(hours|open|close[sd]?|address(?:es)?|located|location|where are you|website|web site|"
    r"fax|parking|e-?mails?\b.{0,30}\b(?:format\w*|domain|pattern|set up|work))\b",
    re.I,
)


class SwitchboardAgent(Agent):
    """The receptionist. `deps` carries the directory, resolver, ports and this call's state."""

    def __init__(self, deps: ReceptionistDeps, *, hours: str | None = None) -> None:
        super().__init__(
            instructions=build_instructions(
                deps.directory,
                hours=hours,
                ai_disclosure=deps.ai_disclosure,
                known_caller=deps.known_caller,
            )
        )
        self.deps = deps
        self.impl = ReceptionistTools(deps)
        self._screened: set[str] = set()
        self._brain_told = False
        deps.state.blocked = deps.blocked  # the outcome is `blocked` however the call ends

    async def on_enter(self) -> None:
        if self.deps.blocked:
            await self._refuse()
            return
        self._tell_brain()
        d = self.deps
        self.say(greeting(d.directory.company, d.ai_disclosure, known_caller=d.known_caller))

    async def _refuse(self) -> None:
        """A blocked caller: one polite line, then the call ends (outcome `blocked`). Nothing
        else runs: no brain, no lookup, no dial."""
        self.deps.state.blocked = True
        self.deps.record("decision", decision="blocked")
        handle = self.say(BLOCKED_LINE)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GOODBYE_PLAYOUT_SECONDS):
                await handle.wait_for_playout()
        await self.impl.end_call()

    def _tell_brain(self) -> None:
        """Hand a directory-aware brain this call's directory and resolver, once."""
        if self._brain_told:
            return
        self._brain_told = True
        brain: object = self.llm if is_given(self.llm) else self.session.llm
        if isinstance(brain, DirectoryAware):
            given: object = self.deps.resolver
            resolver = given if isinstance(given, Resolver) else Resolver.build(self.deps.directory)
            brain.use_directory(self.deps.directory, resolver)

    def say(self, text: str) -> SpeechHandle:
        """Speak a scripted line, through the same filter as model replies."""
        clean = redact_contact_details(text, self.deps.directory)
        self._said(clean)
        return self.session.say(clean)

    def _said(self, text: str) -> None:
        """Note one agent utterance (already filtered): the call record, and any number read back."""
        self.deps.record("agent_turn", text=text)
        self.deps.state.note_agent_said(spoken_digits(text))

    def _screen_caller_turns(self, chat_ctx: llm.ChatContext) -> tuple[str, bool] | None:
        """Check caller turns the agent has not seen yet; (line to say, end the call) when the code,
        not the model, must answer. Runs in `llm_node` so it holds for voice and text turns alike."""
        d, state = self.deps, self.deps.state
        answer: tuple[str, bool] | None = None
        for item in chat_ctx.items:
            if item.type != "message" or item.role != "user" or item.id in self._screened:
                continue
            self._screened.add(item.id)
            state.caller_turns += 1
            text = item.text_content or ""
            d.record("caller_turn", text=redact_contact_details(text, d.directory))
            if _INFO.search(text):
                state.info_requested = True
            if is_emergency(text):
                state.emergency = True  # tools refuse to dial for the rest of the call
                d.record("decision", decision="emergency")
                answer = (EMERGENCY_LINE, False)
            elif state.monitor.observe(text):
                d.record("decision", decision="end_abusive_or_looping")
                answer = (ABUSE_LINE, True)
        return answer

    async def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterable[Chunk]:
        if self.deps.state.caller_left_during_transfer or self.deps.state.blocked:
            return  # the caller hung up while on hold, or is refused: nobody to talk to
        self._tell_brain()
        screened = self._screen_caller_turns(chat_ctx)
        if screened is not None:
            line, end = screened
            self._said(line)
            yield line
            if end:
                call = llm.FunctionToolCall(name="end_call", arguments="{}", call_id="guard_end")
                yield llm.ChatChunk(id="guard", delta=llm.ChoiceDelta(tool_calls=[call]))
            return
        replies = Agent.default.llm_node(self, chat_ctx, tools, model_settings)
        async for chunk in guard_stream(replies, self.deps.directory, on_text=self._said):
            yield chunk

    @function_tool
    async def find_employee(self, query: str) -> str:
        """Find who or which department the caller wants. Returns names, titles, departments and
        availability (never contact details). Status is match, ambiguous, department or none.
        Understands a name anywhere in a sentence, nicknames, surnames with Mr./Ms., misheard
        names, department names and aliases, job titles ("your controller") and topics ("an
        overdue invoice" goes to the department that handles it). Never guesses: none is none.

        Args:
            query: who or what the caller asked for, in their words: a person, department, job
                title or what the call is about. Never the caller's own name.
        """
        return await self.impl.find_employee(query)

    @function_tool
    async def transfer_call(self, employee_id: str, caller_name: str, reason: str) -> str:
        """Put the caller on hold and warm-transfer them to an employee. Refused (say so and offer
        a message) when the employee is unavailable, the company is closed, after an emergency,
        or after two attempts to the same person.

        Args:
            employee_id: the employee's id from find_employee (never a phone number or a name),
                or a department's `route.transfer_to` id to ring its group or on-call person.
            caller_name: the caller's own name, as they gave it ("yes" is not a name).
            reason: why they are calling, in a few words.
        """
        return await self.impl.transfer_call(employee_id, caller_name, reason)

    @function_tool
    async def take_message(
        self, for_id: str, caller_name: str, callback_number: str, message: str, urgent: bool
    ) -> str:
        """Save a message for an employee or department, after reading back the callback number
        and hearing the caller confirm it.

        Args:
            for_id: the employee or department id from find_employee (for "whoever handles X",
                the department's id; for a general message, the front desk's).
            caller_name: the caller's name.
            callback_number: the number to call back, as the caller said it ("the number I'm
                calling from" is fine).
            message: the caller's complete message, verbatim and whole, however long; never a
                summary.
            urgent: true if the caller says it is urgent.
        """
        return await self.impl.take_message(for_id, caller_name, callback_number, message, urgent)

    @function_tool
    async def end_call(self, context: RunContext[Any]) -> str:
        """Hang up, after saying goodbye."""
        return await self.impl.end_call(context)
