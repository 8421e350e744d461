"""Follow-ups: what the employee is told after a call was put through to them, and what a voicemail
left on the fallback path says once transcribed.

Pure: builds messages and their notifications; the services store them in the outbox, where the
usual retry, fallback and delivery tracking apply.
"""

from __future__ import annotations

from datetime import datetime

from switchboard.domain.directory import Directory, Employee
from switchboard.domain.messages import MAX_TEXT_LENGTH, Message, MessageKind, RecipientKind
from switchboard.domain.notifications import Channel, Notification
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.domain.phone import is_e164

NOT_TRANSCRIBED = "(voicemail, not transcribed)"
MAX_REASON_IN_SUMMARY = 500


def summary_id(call_id: str, employee_id: str) -> str:
    """One summary per call and employee: storing it twice is refused by the outbox's key."""
    return f"sum_{call_id}_{employee_id}"


def transfer_summary(
    *,
    call_id: str,
    employee: Employee,
    caller_name: str,
    reason: str,
    caller_number: str | None,
    now: datetime,
) -> Message:
    """ "Dana Whitfield was put through to you: about invoice 4471." with the caller's number."""
    who = caller_name.strip() or "A caller"
    why = reason.strip()[:MAX_REASON_IN_SUMMARY]
    text = f"{who} was put through to you" + (f": {why}" if why else ".")
    return Message(
        id=summary_id(call_id, employee.id),
        recipient_kind=RecipientKind.EMPLOYEE,
        recipient_id=employee.id,
        caller_name=who,
        callback_number=caller_number if caller_number and is_e164(caller_number) else None,
        text=text,
        created_at=now,
        call_id=call_id,
        kind=MessageKind.TRANSFER_SUMMARY,
    )


def summary_notifications(
    message: Message, employee: Employee, directory: Directory, now: datetime
) -> tuple[Notification, ...]:
    """The employee's real channels only: the employee was on the call, so a summary nobody can
    receive is not worth a NOT DELIVERED entry in the local outbox."""
    planned = plan_notifications(message, employee, directory, now)
    return tuple(n for n in planned if n.channel is not Channel.LOCAL)


def voicemail_text(seconds: str, transcript: str | None) -> str:
    """The message text of a voicemail: what was said, or that it could not be transcribed. The
    recording is not written here: it stays the message's `recording_url`, and the notifications
    link it to the console (domain/messages/text.py `recording_note`), never as stored."""
    said = " ".join((transcript or "").split())
    head = f"Voicemail ({seconds} s): "
    if not said:
        return f"{head}{NOT_TRANSCRIBED}"
    return head + said[: MAX_TEXT_LENGTH - len(head)]
