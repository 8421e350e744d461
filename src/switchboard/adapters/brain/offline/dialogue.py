"""The offline brain's dialogue policy: each caller turn is understood (`understanding`: its act and
every slot it fills, in any order), then the agent acts or asks for the next missing thing in the
reference order (docs/call-behaviour.md, "The simulated caller"). A slot already filled is never asked
for again, and no question is asked a third time: the front desk or a message is offered instead.
Pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from switchboard.adapters.brain.offline.acts import INFO_ACTS, Act
from switchboard.adapters.brain.offline.state import Asking, DialogueState, Reply, Target
from switchboard.adapters.brain.offline.understanding import Entity, Heard, Listener
from switchboard.adapters.brain.offline.wording import (
    DepartmentHours,
    company_answer,
    named_department,
    pick,
    read_back,
    which_one,
)
from switchboard.domain.resolution import Resolver
from switchboard.domain.spoken_numbers import parse_callback_number

EMERGENCY = "If this is an emergency, please hang up and dial 911."
GOODBYE = "Thank you for calling. Goodbye!"
PRIVATE = "I'm sorry, I can't give out our staff's personal contact details."
CIVIL = "I'm happy to help, but please keep it civil."
NO_NAME = "a caller who did not give a name"
_SPELL_IT = "spell their last name for me, letter by letter?"
SPELL = f"Could you {_SPELL_IT}"
SPELL_IF_A_NAME = f"If that's someone's name, could you {_SPELL_IT}"
SPELL_AGAIN = "Could you spell it once more, slowly, letter by letter?"
MAX_SPELLINGS = 2
_IS_THIS = re.compile(
    r"^\W*(?:\w+\W+)?(?:is this|am i speaking (?:to|with)|have i reached)\b", re.I
)
_GENERAL = re.compile(
    r"\b(?:general|whoever|anyone|anybody|no one in particular|nobody in particular|"
    r"doesn'?t matter|not sure who|don'?t know who|any ?one)\b",
    re.I,
)
_AGAIN = re.compile(r"\b(?:again|retry|one more time|another try|try (?:him|her|them))\b", re.I)
_HUMAN = re.compile(
    r"\b(?:a (?:real |live )?(?:person|human)|someone real|an? (?:operator|representative)|"
    r"the operator|a receptionist|somebody in the office)\b",
    re.I,
)
_RESTATED_NAME = re.compile(r"\b(?:my name is|my name'?s|this is)\b", re.I)
_BOSS_WORDS = frozenset({"manag", "director", "head", "lead", "supervisor", "controll", "chief"})
_WHY = re.compile(r"^\W*(?:why|what for|how come)\b", re.I)
_BECAUSE = {
    Asking.NAME: "So I can tell them who's calling.",
    Asking.REASON: "So they know what the call is about before they pick up.",
    Asking.NUMBER: "So they can call you back.",
}
_MAX_ASKS = 2  # a question is asked at most twice


@dataclass(frozen=True, slots=True)
class FrontDesk:
    """Where a caller goes when nobody is named: a department (its front contact) or a person."""

    query: str  # what find_employee is asked for
    label: str  # how the agent says it ("our front desk")
    reception: bool = True  # a reception desk, not just the first department


@dataclass(slots=True)
class Dialogue:
    """One call's conversation. `company` facts answer info questions; `hours` describes them;
    `resolver` (the directory) lets every turn be scanned for the company's people and teams."""

    company_name: str
    info: Mapping[str, str] = field(default_factory=dict)
    hours: str | None = None
    caller_number: str | None = None
    region: str = "US"
    resolver: Resolver | None = None
    email_format: str | None = None
    front_desk: FrontDesk | None = None
    department_hours: tuple[DepartmentHours, ...] = ()  # departments with hours of their own
    state: DialogueState = field(default_factory=DialogueState)
    asked: Counter[Asking] = field(default_factory=Counter)
    note: str = ""  # said before the next question (a refusal, "That sounds like Billing")
    last_question: str = ""  # the last question asked, to say again on "sorry, what?"
    offer_after_lookup: bool = False  # after a refusal: "I can put you through to X, or …"
    spellings: int = 0  # how often a name was asked to be spelled this call (twice at most)
    unheard_name: bool = False  # the last caller turn asked for someone by words nobody is
    said_back: bool = False  # the agent's last words named whom it found ("Bob Smith, of course.")
    _listener: Listener | None = None

    def listener(self) -> Listener:
        if self._listener is None:
            self._listener = Listener(self.resolver, self._number)
        return self._listener

    def use_directory(
        self,
        resolver: Resolver,
        email_format: str | None,
        front_desk: FrontDesk | None,
        department_hours: tuple[DepartmentHours, ...] = (),
    ) -> None:
        self.resolver, self.email_format, self.front_desk = resolver, email_format, front_desk
        self.department_hours = department_hours
        self._listener = None

    # --- asking -------------------------------------------------------------------------------

    def ask(self, what: Asking, text: str, *, bounded: bool = True) -> Reply:
        """Ask `what` (with any pending note first); a third time offers a way out instead.
        `bounded=False`: a request bounded otherwise (a spelling: `MAX_SPELLINGS`)."""
        if bounded and self.asked[what] >= _MAX_ASKS and what in _WAY_OUT:
            return self._way_out(what)
        self.asked[what] += 1
        self.state.asking = what
        self.last_question = text
        return Reply(self._noted(text))

    def ask_to_spell(self, heard: str) -> Reply:
        """A name nobody here has, as heard: say what was heard and ask for the surname letter
        by letter; a spelling that finds nobody is asked for once more (letters are easily
        misheard on the phone), then the usual way out follows. Spellings are bounded by
        `MAX_SPELLINGS`, not by how often the caller was asked who they want."""
        self.spellings += 1
        if self.spellings > 1:
            lead = "I'm sorry, I couldn't find that spelling in our directory either."
            return self.ask(Asking.TARGET, f"{lead} {SPELL_AGAIN}", bounded=False)
        if not 0 < len(heard.split()) <= 4:
            text = f"I'm sorry, I didn't quite catch the name. {SPELL}"
        elif any(w[:1].isupper() for w in heard.split()):  # written as a name: it was one
            text = f"I'm sorry, I couldn't find {heard} in our directory. {SPELL}"
        else:  # "the warehouse", or a name written as everyday words ("the jury all well")
            text = f"I'm sorry, I couldn't find {heard} in our directory. {SPELL_IF_A_NAME}"
        return self.ask(Asking.TARGET, text, bounded=False)

    @property
    def expects_spelling(self) -> bool:
        """The agent's last words asked the caller to spell a name: the next turn is letters."""
        asked = self.last_question
        return self.state.asking is Asking.TARGET and asked.endswith((_SPELL_IT, SPELL_AGAIN))

    def _noted(self, text: str) -> str:
        note, self.note = self.note, ""
        return f"{note} {text}".strip() if note else text

    def _way_out(self, what: Asking) -> Reply:
        s = self.state
        if what is Asking.NAME:
            s.caller_name = NO_NAME  # asked twice: carry on rather than loop
            return self.next_step()
        if what is Asking.REASON:
            s.reason = "not given"
            return self.next_step()
        if what is Asking.MESSAGE:
            s.message = "The caller asked to be called back."
            return self.next_step()
        if what is Asking.NUMBER and self.caller_number and s.callback != self.caller_number:
            # Asked twice for a number: offer the one they are calling from instead.
            s.callback, s.callback_confirmed = self.caller_number, False
            return self._read_back()
        if what is Asking.OFFER_MESSAGE or self.front_desk is None:
            return self.goodbye()
        s.asking = Asking.FALLBACK
        self.asked[Asking.FALLBACK] += 1
        return Reply(
            self._noted(
                f"I'm sorry, I'm having trouble with that. I can put you through to "
                f"{self.front_desk.label}, or take a message. Which would you prefer?"
            )
        )

    # --- a caller turn ----------------------------------------------------------------------

    def on_caller(self, text: str) -> Reply:
        """The reply to one caller turn."""
        s = self.state
        asked = s.asking
        h = self.listener().hear(text, asked)
        self.unheard_name = h.unheard_name
        said_back, self.said_back = self.said_back, False
        if said_back and self._puts_right(h):
            return self._misheard_target()
        if h.act is Act.EMERGENCY:
            s.emergency = True
        if s.emergency:  # nothing is looked up or dialled for the rest of the call
            if h.act in (Act.GOODBYE, Act.DENY):
                return self.goodbye()
            return Reply(EMERGENCY)
        if h.act is Act.ABUSE:
            self.note = CIVIL
            return self._repeat(asked)
        if h.act is Act.OTHER and _WHY.search(text) and self.last_question:
            why = _BECAUSE.get(asked, "")
            if why:  # "why do you need my name?": say why, then ask again (not counted)
                return Reply(f"{why} {self.last_question}")
        if h.act in (Act.REPEAT, Act.PAUSE) and self.last_question:
            # Said again (or after the pause) without counting as a second asking.
            lead = "Of course, take your time." if h.act is Act.PAUSE else ""
            return Reply(f"{lead} {self.last_question}".strip())
        if h.abusive:
            self.note = CIVIL
        confirmed = self._fill(h, asked, text)
        if confirmed is not None:
            return confirmed
        return self._act(h, asked, text)

    def _fill(self, h: Heard, asked: Asking, text: str) -> Reply | None:
        """Put what the turn says into its slots; a reply when the read-back needs one."""
        s = self.state
        restated = bool(_RESTATED_NAME.search(text))  # "sorry, my name is actually Anne"
        if h.caller_name and (not s.caller_name or asked is Asking.NAME or restated):
            s.caller_name = h.caller_name
        if h.reason and (not s.reason or asked is Asking.REASON):
            s.reason = h.reason
        s.urgent = s.urgent or h.urgent
        if h.act is Act.MESSAGE or (
            asked is Asking.OFFER_MESSAGE and (h.act is Act.AFFIRM or h.message)
        ):
            s.wants_message = True  # "Sure, tell her the invoice was paid twice."
        if h.message and (s.wants_message or h.act is Act.GIVE_MESSAGE):
            s.message = h.message
        if h.act is Act.GIVE_MESSAGE:
            s.wants_message = True
            number = self._number(h.message or "") if not s.callback else None
            if number:  # "tell him to call me at 612 555 0199": read back before it counts
                s.callback, s.callback_confirmed = number, False
        if asked is Asking.CONFIRM_NUMBER:
            if h.number and h.number != s.callback:
                s.callback, s.callback_confirmed = h.number, False
                return self._read_back()
            if h.act is Act.DENY:
                s.callback = None
                return self.ask(Asking.NUMBER, "Sorry about that. What number should they call?")
            s.callback_confirmed = True  # a yes, or a substantive answer, confirms
        elif h.number and h.number != s.callback:
            s.callback, s.callback_confirmed = h.number, False
        return None

    def _act(self, h: Heard, asked: Asking, text: str) -> Reply:
        s = self.state
        act = h.act
        if act is Act.GOODBYE:
            return self.goodbye()
        if act in INFO_ACTS:
            return self._info(h, text)
        if act is Act.PRIVATE:
            self.note = PRIVATE
            if h.entity and not self._is_target(h.entity):
                self.offer_after_lookup = True
                return self._lookup(h.entity)
            if s.target is not None and not s.wants_message:
                self.note += f" I can put you through to {s.target.name}, or take a message."
            return self.next_step()
        if h.other and act in (Act.DENY_REQUEST, Act.TRANSFER):
            someone = self._someone_else(h.other)
            if someone is not None:
                s.wants_message = False
                return someone
        if act in (Act.DENY_REQUEST, Act.CORRECTION) and h.entity:
            s.wants_message = s.wants_message and act is Act.CORRECTION
            return self._lookup(h.entity, fresh=True)
        if act is Act.MESSAGE:
            s.wants_message = True
            if h.entity and not self._is_target(h.entity):
                return self._lookup(h.entity)
            if (
                s.target is None
                and self.front_desk
                and (_GENERAL.search(text) or asked is Asking.FALLBACK)
            ):
                return self._lookup_desk()
            return self.next_step()
        if (
            _IS_THIS.search(text)
            and s.target is None
            and (h.entity is None or h.entity.status == "query")
        ):
            self.note = f"Yes, this is {self.company_name}."
            return self.next_step()
        if s.target is None and _HUMAN.search(text) and not s.wants_message:
            if self.front_desk and self.front_desk.reception:
                return self._lookup_desk()
            self.note = "You're speaking with the receptionist, and I can put you through."
            return self.ask(Asking.TARGET, "Who would you like, or what is the call about?")
        if asked is Asking.FALLBACK:
            return self._fallback(h, text)
        if asked is Asking.WHICH and s.candidates:
            return self._which(h, text)
        if act is Act.TRANSFER and h.entity:
            if self._is_target(h.entity):
                if s.target is not None:
                    s.failed.discard(s.target.id)  # asked for again: try again
                return self.next_step()
            return self._lookup(h.entity)
        if asked is Asking.OFFER_MESSAGE and s.target is not None and _AGAIN.search(text):
            s.failed.discard(s.target.id)
            return self.next_step()
        if asked is Asking.OFFER_MESSAGE:
            if act is Act.AFFIRM:
                s.wants_message = True
            elif act is Act.DENY:
                return self.goodbye()
        if asked is Asking.ANYTHING_ELSE and act is Act.DENY:
            return self.goodbye()
        if s.target is None and self.front_desk and s.wants_message and _GENERAL.search(text):
            return self._lookup_desk()
        return self.next_step()

    def _repeat(self, asked: Asking) -> Reply:
        """Ask the current question again (after an abusive turn)."""
        if asked is Asking.CONFIRM_NUMBER and self.state.callback:
            return self._read_back()
        return self.next_step()

    def _is_target(self, entity: Entity) -> bool:
        t = self.state.target
        if t is None:
            return False
        return t.id in entity.ids or (t.department_id is not None and t.department_id in entity.ids)

    def _lookup(self, entity: Entity, *, fresh: bool = False) -> Reply:
        s = self.state
        if fresh:
            s.target, s.candidates = None, []
        if entity.status == "ambiguous":
            s.which_query = entity.query
            s.candidates = [
                Target(id=i, name=n, department=d)
                for i, n, d in zip(entity.ids, entity.names, entity.departments, strict=False)
            ]
            return self.ask(Asking.WHICH, which_one(s.candidates))
        s.last_query = entity.query
        s.via = "topic" if entity.described else entity.via
        return Reply(self._noted(""), "find_employee", {"query": entity.query})

    def _someone_else(self, kind: str) -> Reply | None:
        """A colleague of the current (or last failed) target, or the one in charge there."""
        s = self.state
        current = s.target
        if current is None or self.resolver is None:
            return None
        others = [c for c in self.resolver.colleagues(current.id) if c.id not in s.failed]
        if kind == "boss":
            bosses = [c for c in others if set(self.resolver.title_of(c.id)) & _BOSS_WORDS]
            others = bosses or others
        if not others:
            return None
        s.target, s.candidates = None, []
        s.last_query, s.via = others[0].name, "name"
        return Reply(self._noted(""), "find_employee", {"query": others[0].name})

    def _lookup_desk(self) -> Reply:
        assert self.front_desk is not None
        s = self.state
        s.last_query, s.via = self.front_desk.query, "department"
        return Reply(self._noted(""), "find_employee", {"query": self.front_desk.query})

    def _which(self, h: Heard, text: str) -> Reply:
        s = self.state
        picked = pick(text, s.candidates)
        if picked is None and self.resolver is not None:
            # "the one in sales who's an engineer": the names asked about plus the answer.
            found = self.resolver.scan(f"{s.which_query} {text}")
            chosen = [c for c in s.candidates if found.best and c.id == found.best.id]
            if found.status.value == "match" and chosen:
                picked = chosen[0]
        if picked is None and h.entity and h.entity.status == "department":
            shared = {c.department for c in s.candidates}
            if shared == {h.entity.names[0]}:  # every candidate is in it: no help choosing
                return self.ask(Asking.WHICH, which_one(s.candidates))
        if picked is None and h.entity:
            among = [c for c in s.candidates if c.id in h.entity.ids]
            picked = among[0] if len(among) == 1 else None
            if picked is None and not among:  # somebody else altogether
                return self._lookup(h.entity, fresh=True)
        if picked is None:
            return self.ask(Asking.WHICH, which_one(s.candidates))
        # Namesakes ("Ann Lee in Sales or Ann Lee in Support?") are told apart by department:
        # the name alone would find both again.
        query = picked.name
        namesakes = [c for c in s.candidates if c.name.casefold() == picked.name.casefold()]
        if len(namesakes) > 1 and picked.department:
            query = f"{picked.name} in {picked.department}"
        s.candidates = []
        s.last_query, s.via = query, "name"
        return Reply("", "find_employee", {"query": query})

    def _fallback(self, h: Heard, text: str) -> Reply:
        s = self.state
        if h.act is Act.MESSAGE or re.search(r"\bmessage\b", text, re.I):
            s.wants_message = True
            return self._lookup_desk() if s.target is None else self.next_step()
        if h.act is Act.DENY:
            return self.goodbye()
        if h.entity and h.act in (Act.TRANSFER, Act.CORRECTION, Act.DENY_REQUEST):
            return self._lookup(h.entity, fresh=True)
        return self._lookup_desk()

    def _info(self, h: Heard, text: str) -> Reply:
        s = self.state
        answer = company_answer(
            h.info, text, self.company_name, self.info, self.hours, self.email_format,
            self._hours_of(text),
        )  # fmt: skip
        if s.target is not None or s.wants_message:
            self.note = answer
            return self.next_step()
        self.asked[Asking.ANYTHING_ELSE] = 0  # a fresh question each time
        return self.ask(Asking.ANYTHING_ELSE, f"{answer} Is there anything else I can help with?")

    def _hours_of(self, text: str) -> DepartmentHours | None:
        """The department whose own hours a question is about: the one it names, else the
        department the caller asked for ("when do you close?" while routed to Support)."""
        named = named_department(text, self.department_hours)
        target = self.state.target
        if named is None and target is not None and target.department_id is not None:
            named = next((d for d in self.department_hours if d.id == target.department_id), None)
        return named

    def _number(self, text: str) -> str | None:
        return parse_callback_number(
            text, caller_number=self.caller_number, default_region=self.region
        )

    def on_tool(self, tool: str, output: str, is_error: bool) -> Reply:
        """The reply after one of the agent's tools answered."""
        # Imported here because `results` builds on this class.
        from switchboard.adapters.brain.offline.results import after_tool

        return after_tool(self, tool, output, is_error)

    # --- the next step ------------------------------------------------------------------------

    def next_step(self) -> Reply:
        """Ask for the next missing thing, or act when nothing is missing."""
        s = self.state
        if s.target is None:
            if self._name_came_as_words():
                return self.ask_to_spell("")
            if s.wants_message:
                return self.ask(Asking.TARGET, "Who is the message for?")
            return self.ask(Asking.TARGET, "Who would you like to speak with?")
        if s.wants_message:
            return self._message_step()
        if s.target.id in s.failed and s.asking is not Asking.NOTHING:
            # The transfer already failed: offer a message rather than dial again unasked.
            return self.ask(
                Asking.OFFER_MESSAGE, f"Would you like to leave a message for {s.target.name}?"
            )
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
        # The transfer itself announces the hold; saying it here too would repeat it.
        return Reply(self._noted(f"Thank you, {s.caller_name}."), "transfer_call", args)

    def _puts_right(self, h: Heard) -> bool:
        """Straight after the person found was said back (whatever was asked next), the caller
        says it is not whom they asked for and names nobody the recogniser could read ("No, I'd
        like to speak to you about all the Skazoloskas"): the name was misheard."""
        if h.entity is not None or h.other is not None:  # someone named, or "someone else"
            return False
        return h.asks_for_someone and h.act in (Act.DENY, Act.CORRECTION, Act.DENY_REQUEST)

    def _misheard_target(self) -> Reply:
        """Forget the person found; the letters, while spellings are left, else "who?"."""
        s = self.state
        s.target, s.candidates = None, []
        self.asked[Asking.NAME] = self.asked[Asking.REASON] = 0  # those questions never counted
        if self.spellings < MAX_SPELLINGS and self.resolver is not None:
            self.spellings += 1
            return self.ask(Asking.TARGET, f"I'm sorry about that. {SPELL}", bounded=False)
        return self.ask(Asking.TARGET, "I'm sorry about that. Who would you like to speak with?")

    def _name_came_as_words(self) -> bool:
        """Asked who once already, and the caller again asked for someone in words that name
        nobody ("I'd like to speak to so annoy me"): the recogniser hears the name as everyday
        words, so the letters are asked for instead of the same question again."""
        unheard, self.unheard_name = self.unheard_name, False
        return (
            unheard
            and self.state.asking is Asking.TARGET
            and self.asked[Asking.TARGET] >= 1
            and self.spellings == 0
            and self.resolver is not None
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
        return Reply(self._noted(""), "take_message", args)

    def _read_back(self) -> Reply:
        return self.ask(Asking.CONFIRM_NUMBER, read_back(self.state.callback or ""))

    def goodbye(self) -> Reply:
        self.state.finished = True
        return Reply(self._noted(GOODBYE), "end_call")


_WAY_OUT = frozenset(
    {Asking.TARGET, Asking.WHICH, Asking.NAME, Asking.REASON, Asking.NUMBER,
     Asking.CONFIRM_NUMBER, Asking.MESSAGE}
)  # fmt: skip
