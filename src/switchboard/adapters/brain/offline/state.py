"""What the offline brain knows about the call so far, and what one reply is. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Asking(StrEnum):
    """The question the agent asked last, so a bare answer fills the right slot."""

    NOTHING = "nothing"
    TARGET = "target"
    WHICH = "which"  # disambiguation between candidates
    NAME = "name"
    REASON = "reason"
    OFFER_MESSAGE = "offer_message"
    NUMBER = "number"
    CONFIRM_NUMBER = "confirm_number"
    MESSAGE = "message"
    ANYTHING_ELSE = "anything_else"
    FALLBACK = "fallback"  # "the front desk, or a message?" after a question went unanswered twice


@dataclass(slots=True)
class Target:
    """Whom the caller wants: an employee (with availability) or a department's front contact."""

    id: str
    name: str
    available: bool = True
    note: str = ""
    department: str | None = None
    department_id: str | None = None  # set when asked for by department (message goes there)


@dataclass(slots=True)
class DialogueState:
    asking: Asking = Asking.TARGET  # the greeting asks how we can help
    target: Target | None = None
    candidates: list[Target] = field(default_factory=list)
    caller_name: str | None = None
    reason: str | None = None
    wants_message: bool = False
    callback: str | None = None
    callback_confirmed: bool = False
    message: str | None = None
    urgent: bool = False
    emergency: bool = False
    transfer_failed: bool = False
    failed: set[str] = field(default_factory=set)  # employees a transfer to has failed this call
    which_query: str = ""  # the words that named the candidates being chosen between
    finished: bool = False
    last_query: str | None = None
    via: str = "name"  # how the last lookup was named: name, title, department, topic, ambiguous


@dataclass(frozen=True, slots=True)
class Reply:
    """One assistant turn: words to say and, optionally, one tool call."""

    text: str = ""
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
