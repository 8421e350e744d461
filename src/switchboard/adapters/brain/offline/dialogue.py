"""The offline brain's dialogue policy: fill whatever slots a turn answers, then ask for the next
missing thing in the reference order (docs/call-behaviour.md, "The simulated caller"). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from switchboard.adapters.brain.offline import intents as nlu
from switchboard.adapters.brain.offline.intents import Intent
from switchboard.adapters.brain.offline.slots import fill_slots
from switchboard.adapters.brain.offline.state import Asking, DialogueState, Reply
from switchboard.adapters.brain.offline.wording import (
    company_answer,
    pick,
    read_back,
    which_one,
)
from switchboard.domain.spoken_numbers import parse_callback_number

EMERGENCY = "If this is an emergency, please hang up and dial 911."
GOODBYE = "Thank you for calling. Goodbye!"
_IS_THIS = re.compile(
    r"^\W*(?:\w+\W+)?(?:is this|am i speaking (?:to|with)|have i reached)\b", re.I
)
_PLAIN = {Intent.YES, Intent.NO, Intent.URGENT}


@dataclass(slots=True)
class Dialogue:
    """One call's conversation. `company` facts answer info questions; `hours` describes them."""

    company_name: str
    info: Mapping[str, str] = field(default_factory=dict)
    hours: str | None = None
    caller_number: str | None = None
    region: str = "US"
    state: DialogueState = field(default_factory=DialogueState)

    def ask(self, what: Asking, text: str) -> Reply:
        self.state.asking = what
        return Reply(text)

    def on_caller(self, text: str) -> Reply:
        """The reply to one caller turn."""
        s, found = self.state, nlu.intents(text)
        asked = s.asking
        if Intent.EMERGENCY in found:
            s.emergency = True
        if s.emergency:  # nothing is looked up or dialled for the rest of the call
            return self.goodbye() if found & {Intent.GOODBYE, Intent.NO} else Reply(EMERGENCY)
        if asked is Asking.CONFIRM_NUMBER:
            new = self._number(text)
            if new and new != s.callback:
                s.callback = new
                return self._read_back()
            if Intent.NO in found:
                s.callback = None
                return self.ask(Asking.NUMBER, "Sorry about that. What number should they call?")
            s.callback_confirmed = True  # a yes, or a substantive answer, confirms
        before = (s.caller_name, s.reason)
        dictated = self._fill(text, found, asked)
        gave_self = (s.caller_name, s.reason) != before  # "I'm Jane from Initech" is not a target
        if asked is Asking.OFFER_MESSAGE and Intent.YES in found:
            s.wants_message = True
        elif asked in (Asking.OFFER_MESSAGE, Asking.ANYTHING_ELSE) and Intent.NO in found:
            return self.goodbye()
        if Intent.GOODBYE in found and not s.wants_message:
            return self.goodbye()
        if asked is Asking.WHICH and s.candidates:
            picked = pick(text, s.candidates)
            if picked is None:
                return self.ask(Asking.WHICH, which_one(self.state.candidates))
            s.target, s.candidates = picked, []
        if _IS_THIS.search(text) and s.target is None:
            return self.ask(
                Asking.TARGET,
                f"Yes, this is {self.company_name}. Who would you like to speak with?",
            )
        phrase = None if dictated else nlu.target_phrase(text)
        if phrase is None and asked is Asking.TARGET and found <= _PLAIN:
            phrase = nlu.first_clause(text)  # a bare answer to "who would you like?"
            if phrase and gave_self and phrase.lower() in f"{s.caller_name} {s.reason}".lower():
                phrase = None  # "I'm Jane Doe from Initech" introduces the caller
        if phrase and (s.target is None or phrase.lower() not in s.target.name.lower()):
            s.last_query = phrase
            return Reply(tool="find_employee", args={"query": phrase})
        if Intent.INFO in found and s.target is None and not s.wants_message:
            return self.ask(
                Asking.ANYTHING_ELSE,
                company_answer(text, self.company_name, self.info, self.hours)
                + " Is there anything else?",
            )
        return self.next_step()

    def _fill(self, text: str, found: set[Intent], asked: Asking) -> bool:
        return fill_slots(self.state, text, found, asked, self._number)

    def _number(self, text: str) -> str | None:
        return parse_callback_number(
            text, caller_number=self.caller_number, default_region=self.region
        )

    def on_tool(self, tool: str, output: str, is_error: bool) -> Reply:
        """The reply after one of the agent's tools answered."""
        # Imported here because `results` builds on this class.
        from switchboard.adapters.brain.offline.results import after_tool

        return after_tool(self, tool, output, is_error)

    def next_step(self) -> Reply:
        """Ask for the next missing thing, or act when nothing is missing."""
        s = self.state
        if s.target is None:
            if s.wants_message:
                return self.ask(Asking.TARGET, "Who is the message for?")
            return self.ask(Asking.TARGET, "Who would you like to speak with?")
        if s.wants_message:
            return self._message_step()
        if not s.target.available:
            note = s.target.note or f"{s.target.name} isn't available right now."
            # The availability note may already offer a message; ask rather than offer twice.
            offer = (
                "Would you like to do that?"
                if "message" in note
                else "Would you like to leave a message?"
            )
            return self.ask(Asking.OFFER_MESSAGE, f"{note} {offer}")
        if not s.caller_name:
            return self.ask(Asking.NAME, "May I have your name, please?")
        if not s.reason:
            return self.ask(Asking.REASON, "And what is the call about?")
        s.asking = Asking.NOTHING
        args = {"employee_id": s.target.id, "caller_name": s.caller_name, "reason": s.reason}
        return Reply(
            # The transfer itself announces the hold; saying it here too would repeat it.
            f"Thank you, {s.caller_name}.",
            "transfer_call",
            args,
        )

    def _message_step(self) -> Reply:
        s = self.state
        assert s.target is not None
        if not s.caller_name:
            return self.ask(Asking.NAME, "Of course. May I have your name?")
        if not s.callback:
            return self.ask(Asking.NUMBER, "What's the best number to reach you?")
        if not s.callback_confirmed:
            return self._read_back()
        if not s.message:
            return self.ask(Asking.MESSAGE, "And what would you like me to pass on?")
        s.asking = Asking.NOTHING
        recipient = s.target.department_id or s.target.id
        args = {"for_id": recipient, "caller_name": s.caller_name, "callback_number": s.callback,
                "message": s.message, "urgent": s.urgent}  # fmt: skip
        return Reply("", "take_message", args)

    def _read_back(self) -> Reply:
        return self.ask(Asking.CONFIRM_NUMBER, read_back(self.state.callback or ""))

    def goodbye(self) -> Reply:
        self.state.finished = True
        return Reply(GOODBYE, "end_call")
