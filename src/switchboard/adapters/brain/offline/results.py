"""How the offline dialogue carries on after each tool result (found, transferred, saved). Pure."""

from __future__ import annotations

from switchboard.adapters.brain.offline.dialogue import EMERGENCY, MAX_SPELLINGS, NO_NAME, Dialogue
from switchboard.adapters.brain.offline.state import Asking, Reply
from switchboard.adapters.brain.offline.wording import (
    department_target,
    target,
    targets,
    tool_json,
    which_one,
)


def after_tool(d: Dialogue, tool: str, output: str, is_error: bool) -> Reply:
    """The reply after one of the agent's tools answered."""
    s = d.state
    data = tool_json(output)
    if tool == "end_call":
        s.finished = True
        return Reply()
    if is_error:
        if tool == "take_message" and "callback" in output:
            s.callback, s.callback_confirmed = None, False
            return d.ask(
                Asking.NUMBER,
                "I'm sorry, I need a different number. What's the best number to reach you?",
            )
        return d.next_step()
    if tool == "find_employee":
        return _found(d, data)
    if tool == "transfer_call":
        status = data.get("status")
        if status in ("connected", "voicemail"):  # a voicemail ends the call by itself
            s.finished = True
            return Reply()
        if data.get("reason") == "emergency":
            return Reply(EMERGENCY)
        s.transfer_failed = True
        if s.target is not None:
            s.failed.add(s.target.id)
        if data.get("outcome") == "message_requested":  # the employee asked us to take one
            s.wants_message = True
            return d.next_step()
        name = s.target.name if s.target else "They"
        return d.ask(
            Asking.OFFER_MESSAGE,
            f"I'm sorry, {name} isn't available right now. Would you like to leave a message?",
        )
    if tool == "take_message":
        who = s.target.name if s.target else "them"
        s.finished = True
        return Reply(f"Thank you. I'll make sure {who} gets your message. Goodbye!", "end_call")
    return d.next_step()


def _found(d: Dialogue, data: dict[str, object]) -> Reply:
    s = d.state
    status = data.get("status")
    people = targets(data.get("candidates"))
    dept, route = data.get("department"), data.get("route")
    if status == "department" and isinstance(dept, dict) and isinstance(route, dict):
        # A ring group or an after-hours rule: the department itself is dialled (or not), even
        # when none of the ring members is listed in the department itself.
        s.target = department_target(str(dept.get("id")), str(dept.get("name")), route)
        if route.get("kind") == "voicemail" and route.get("voicemail"):
            # A recorded voicemail: the receptionist says it is closed and records the caller.
            s.asking = Asking.NOTHING
            name = s.caller_name if s.caller_name != NO_NAME else None
            args = {"employee_id": s.target.id, "caller_name": name or "",
                    "reason": s.reason or ""}  # fmt: skip
            d.note = ""  # the voicemail's own prompt says it is closed
            return Reply("", "transfer_call", args)
        if route.get("kind") == "voicemail":  # no recorder: straight to taking the message
            s.wants_message = True
            d.note = f"{d.note} {s.target.note}".strip()
        elif s.via == "topic":
            d.note = f"{d.note} That sounds like {s.target.name}.".strip()
    elif status == "department" and isinstance(data.get("front_contact"), dict):
        s.target = target(data["front_contact"])  # type: ignore[arg-type]
        dept = data.get("department")
        s.target.department_id = dept.get("id") if isinstance(dept, dict) else None
        dept_name = dept.get("name") if isinstance(dept, dict) else None
        if s.via == "topic" and dept_name:
            d.note = f"{d.note} That sounds like {dept_name} — let me get {s.target.name}.".strip()
            d.said_back = True  # a topic misread from a name ("bug and burn it") is put right
        elif dept_name and not s.wants_message:
            d.note = f"{d.note} {s.target.name} in {dept_name} can help you.".strip()
    elif status == "match" and people:
        s.target = people[0]
        if s.via == "title" and s.target.department:
            d.note = f"{d.note} That's {s.target.name}.".strip()
        elif s.via == "spelled":  # said back, so a misread spelling can be put right
            where = f" in {s.target.department}" if s.target.department else ""
            d.note = f"{d.note} Thank you — that's {s.target.name}{where}.".strip()
            d.said_back = True
        elif s.via in ("name", "unknown") and not s.wants_message and s.target.available:
            # Said back, so a name misheard as a colleague's can be put right before anyone is
            # rung ("No, I asked for Marinka Jelen"); an unavailable person's note names them.
            # "unknown": words that were not taken for a name found someone ("Add a" → Ada).
            d.note = f"{d.note} {s.target.name}, of course.".strip()
            d.said_back = True
    elif status == "ambiguous" and people:
        s.candidates, s.which_query = people, s.last_query or ""
        return d.ask(Asking.WHICH, which_one(d.state.candidates))
    elif status == "ambiguous" and isinstance(data.get("count"), int):
        # More people share the name than a caller can follow: none is named (MAX_OFFERED); the
        # name with a department ("Serena in Sales") is a new lookup.
        return d.ask(
            Asking.TARGET,
            f"We have {data['count']} people called {s.last_query or 'that'}. Which department "
            "do they work in? You can say the name and the department together.",
        )
    else:
        query = s.last_query or ""
        spelled = d.expects_spelling
        # A name the recogniser wrote as other words ("the jury all well" for Joy Olawale):
        # letters get through.
        if (spelled or (s.via in ("name", "unknown") and query)) and d.spellings < MAX_SPELLINGS:
            return d.ask_to_spell(query)
        if spelled:
            return d.ask(
                Asking.TARGET,
                "I'm sorry, I still couldn't find that name in our directory. "
                "Who would you like to reach?",
            )
        if 0 < len(query.split()) <= 3:
            return d.ask(
                Asking.TARGET,
                f"I'm sorry, I couldn't find {query} in our directory. Who would you like to reach?",
            )
        return d.ask(
            Asking.TARGET,
            "I'm sorry, I didn't catch who you'd like to reach. Could you tell me their name?",
        )
    if d.offer_after_lookup and s.target is not None:
        d.offer_after_lookup = False
        if not s.wants_message:
            d.note = f"{d.note} I can put you through to {s.target.name}, or take a message."
    d.asked[Asking.TARGET] = 0  # found: a later "who?" is a new question
    d.asked[Asking.WHICH] = 0
    return d.next_step()
