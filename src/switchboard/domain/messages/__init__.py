"""A message taken for an employee or a department: what the caller asked us to pass on.

Pure value object. `MAX_TEXT_LENGTH` is the documented limit on the caller's words (4,000
characters); a longer text is rejected with `InvalidMessage`, never cut short silently, so the agent
can say so and the caller's words are never lost without anyone knowing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from switchboard.domain.errors import InvalidInput
from switchboard.domain.phone import is_e164

MAX_TEXT_LENGTH = 4000
MAX_NAME_LENGTH = 200


class InvalidMessage(InvalidInput, ValueError):
    """A message that cannot be stored as given; the text says which field and why."""


class RecipientKind(StrEnum):
    EMPLOYEE = "employee"
    DEPARTMENT = "department"


class MessageKind(StrEnum):
    MESSAGE = "message"  # what a caller (or a voicemail, an inbound SMS) left for someone
    TRANSFER_SUMMARY = "transfer_summary"  # who was just put through to the employee, and why
    DIGEST = "digest"  # the daily email of missed calls and open messages


@dataclass(frozen=True, slots=True)
class Message:
    """One message. `callback_number` is E.164, or None when the caller withheld it (voicemail)."""

    id: str
    recipient_kind: RecipientKind
    recipient_id: str
    caller_name: str
    callback_number: str | None
    text: str
    created_at: datetime
    urgent: bool = False
    call_id: str | None = None
    recording_url: str | None = None  # set when the message came from a voicemail
    kind: MessageKind = MessageKind.MESSAGE

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidMessage("id: must not be empty")
        if not self.recipient_id.strip():
            raise InvalidMessage("recipient_id: must not be empty")
        if not isinstance(self.recipient_kind, RecipientKind):
            raise InvalidMessage(
                f"recipient_kind: {self.recipient_kind!r} is not employee|department"
            )
        if len(self.text) > MAX_TEXT_LENGTH:
            raise InvalidMessage(
                f"text: {len(self.text)} characters is over the {MAX_TEXT_LENGTH}-character limit"
            )
        if len(self.caller_name) > MAX_NAME_LENGTH:
            raise InvalidMessage(f"caller_name: over {MAX_NAME_LENGTH} characters")
        if self.callback_number is not None and not is_e164(self.callback_number):
            raise InvalidMessage("callback_number: not a valid E.164 number")
        if self.created_at.tzinfo is None:
            # A naive time cannot be shown in the company's timezone without guessing.
            raise InvalidMessage("created_at: must be timezone-aware")


def recipient_kind(value: str) -> RecipientKind:
    """Parse a recipient kind from the agent's port ("employee" | "department")."""
    try:
        return RecipientKind(value)
    except ValueError:
        raise InvalidMessage(f"recipient_kind: {value!r} is not employee|department") from None
