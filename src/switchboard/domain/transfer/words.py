"""What the agent says on each leg of a warm transfer, and how an employee's reply is understood.

Nothing here ever contains the employee's phone number or SIP URI: only names and the caller's own
details (which the employee needs to decide and to call back).
"""

from __future__ import annotations

import re

from switchboard.domain.calls import TransferOutcome
from switchboard.domain.transfer.events import EmployeeDecision, MergeStrategy

_KEYS = {"1": EmployeeDecision.ACCEPT, "2": EmployeeDecision.DECLINE, "3": EmployeeDecision.MESSAGE}
_SPOKEN_KEYS = {
    "one": EmployeeDecision.ACCEPT,
    "two": EmployeeDecision.DECLINE,
    "three": EmployeeDecision.MESSAGE,
}
# Checked in this order: "no, take a message" is a message, "don't put them through" a decline.
_MESSAGE = re.compile(r"\b(message|voicemail|take a note|leave a note|note for me)\b")
_DECLINE = re.compile(
    r"\b(no|nope|nah|decline|declined|not now|not right now|can ?not|can't|cant|don't|do not|"
    r"won't|unavailable|not available|later|in a meeting|busy)\b"
)
_ACCEPT = re.compile(
    r"\b(yes|yeah|yep|yup|sure|ok|okay|accept|accepted|connect|put (them|him|her|it) through|"
    r"go ahead|i'll take it|i will take it|absolutely|of course|fine|alright|all right)\b"
)
_POLITE_NO = re.compile(r"\bno (problem|worries)\b")


def parse_employee_decision(reply: str) -> EmployeeDecision | None:
    """Understand an employee's reply: keypad digits (1 accept, 2 decline, 3 message) or speech.

    Returns None when the reply is empty or unclear, so the agent asks again.
    """
    text = reply.strip().lower()
    if not text:
        return None
    keys = re.sub(r"[\s#*]", "", text)
    if keys.isdigit():
        # The first key pressed is the decision; "1#" and "11" are still an accept.
        return _KEYS.get(keys[0])
    words = re.sub(r"[^\w' ]+", " ", text).strip()
    if words in _SPOKEN_KEYS:
        return _SPOKEN_KEYS[words]
    words = _POLITE_NO.sub("", words)
    if _MESSAGE.search(words):
        return EmployeeDecision.MESSAGE
    if _DECLINE.search(words):
        return EmployeeDecision.DECLINE
    if _ACCEPT.search(words):
        return EmployeeDecision.ACCEPT
    return None


def first_name(name: str) -> str:
    """The name the agent uses in speech: the first word of the employee's name."""
    return name.split()[0] if name.strip() else "them"


def hold_intro(employee_name: str) -> str:
    return f"One moment please, I'll see if {first_name(employee_name)} is available. Please hold."


def checkin(employee_name: str) -> str:
    return (
        f"Thanks for holding. I'm still trying to reach {first_name(employee_name)}. You're welcome "
        "to keep holding, or I can take a message instead."
    )


def briefing(employee_name: str, caller_name: str, reason: str, caller_number: str | None) -> str:
    """What the employee hears on answering: who is calling, why, from which number, and how to answer."""
    about = f" about {reason.strip().rstrip('.')}" if reason.strip() else ""
    spoken_from = f", calling from {_spoken(caller_number)}" if caller_number else ""
    return (
        f"Hi {first_name(employee_name)}, this is the receptionist. I have {caller_name or 'a caller'} "
        f"on the line{about}{spoken_from}. {DECISION_PROMPT}"
    )


DECISION_PROMPT = (
    "Say accept or press 1 to take the call, say decline or press 2, "
    "or say take a message or press 3."
)
REPROMPT = "Sorry, I didn't catch that. " + DECISION_PROMPT
TO_EMPLOYEE_CALLER_LEFT = "Sorry, the caller has just hung up. No need to do anything. Goodbye."
TO_EMPLOYEE_DECLINED = "No problem, I'll let them know. Goodbye."
TO_EMPLOYEE_MESSAGE = "Sure, I'll take a message for you. Goodbye."
TO_EMPLOYEE_MERGE_FAILED = (
    "Sorry, I couldn't connect the call. I'll take a message for you instead."
)
TO_EMPLOYEE_NEVER_MIND = "Never mind, the caller would rather leave a message. Goodbye."


def to_employee_connecting(merge: MergeStrategy) -> str:
    if merge is MergeStrategy.REFER:
        return "Thanks, I'm sending the call to your phone now; it will ring in a moment."
    return "Thanks, connecting you now."


def to_caller_connecting(employee_name: str) -> str:
    return f"Thanks for holding. I'm connecting you to {first_name(employee_name)} now."


def to_caller_take_message(employee_name: str) -> str:
    """The caller chose a message over holding on."""
    return f"Of course. What would you like me to pass on to {first_name(employee_name)}?"


_OFFER = "I can take a message, or try someone else for you. Which would you prefer?"


def to_caller_after(outcome: TransferOutcome, employee_name: str) -> str:
    """The agent's words back to the caller after an attempt that did not connect."""
    name = first_name(employee_name)
    lead = {
        TransferOutcome.DECLINED: f"I'm sorry, {name} can't take your call right now.",
        TransferOutcome.NO_ANSWER: f"I'm sorry, {name} isn't answering right now.",
        TransferOutcome.BUSY: f"I'm sorry, {name} is on another call right now.",
        TransferOutcome.VOICEMAIL: f"I'm sorry, I couldn't reach {name} directly.",
        TransferOutcome.FAILED: f"I'm sorry, I wasn't able to get through to {name}.",
        TransferOutcome.MESSAGE_REQUESTED: f"{name} asked me to take a message for them.",
    }.get(outcome, f"I'm sorry, I couldn't connect you to {name}.")
    if outcome is TransferOutcome.MESSAGE_REQUESTED:
        return f"{lead} What would you like me to pass on? Or I can try someone else."
    return f"{lead} {_OFFER}"


def _spoken(number: str) -> str:
    # Digits are spoken in groups so a person can write them down: "+1 612 555 0177".
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[1:4]} {digits[4:7]} {digits[7:]}"
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
