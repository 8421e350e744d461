"""Who gets notified of a message, on which channels (docs/call-behaviour.md,
"Messages and notifications").

- Every message to an employee goes by email when they have an email address, and also by SMS when
  they have an `sms` number. A department message goes to its front contact (first listed member).
- Urgent messages go on all channels: every real channel the recipient has plus a local-outbox copy,
  so an operator console shows it even while the real channels are still trying.
- Chat: every chat URL of the employee, and for a department message every chat URL of the
  department too (its team channel), one notification per URL so each is tracked on its own.
- When the recipient has no real channel (or no recipient exists), the message goes to the local
  outbox, which records it and says plainly that it was NOT delivered.
Notification ids are derived from the message id, so planning the same message twice is idempotent.
"""

from __future__ import annotations

from datetime import datetime

from switchboard.domain.directory import Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, Notification

FRONT_DESK = "front-desk"  # the local outbox's label when a message has no reachable recipient


def notification_id(message_id: str, channel: Channel, sequence: int = 0) -> str:
    """A stable id: the same message and channel always give the same notification id."""
    return f"{message_id}.{channel.value}.{sequence}"


def chat_notification_id(message_id: str, index: int, sequence: int = 0) -> str:
    """The id of the chat notification to the `index`-th chat URL; index 0 is `notification_id`'s
    own form, so fallbacks and resends to the first URL keep the usual numbering."""
    if index == 0:
        return notification_id(message_id, Channel.CHAT, sequence)
    return f"{message_id}.{Channel.CHAT.value}{index}.{sequence}"


def chat_addresses(
    message: Message, employee: Employee | None, directory: Directory
) -> tuple[str, ...]:
    """The chat URLs a message goes to: the employee's, then (for a department message) the
    department's own, each once."""
    urls = list(employee.chat) if employee is not None else []
    if message.recipient_kind is RecipientKind.DEPARTMENT:
        department = directory.department(message.recipient_id)
        urls += department.chat if department is not None else ()
    return tuple(dict.fromkeys(urls))


def recipient_of(message: Message, directory: Directory) -> Employee | None:
    """The employee a message is for: the employee itself, or a department's front contact."""
    if message.recipient_kind is RecipientKind.DEPARTMENT:
        return directory.front_contact(message.recipient_id)
    return directory.employee(message.recipient_id)


def address_for(channel: Channel, employee: Employee | None) -> str | None:
    """Where `channel` reaches `employee`, or None when they have no such address."""
    if channel is Channel.LOCAL:
        return employee.id if employee is not None else FRONT_DESK
    if employee is None:
        return None
    if channel is Channel.CHAT:
        return employee.chat[0] if employee.chat else None
    return employee.email if channel is Channel.EMAIL else employee.sms


def plan_notifications(
    message: Message, employee: Employee | None, directory: Directory, now: datetime
) -> tuple[Notification, ...]:
    """The notifications to queue for `message`, all due at `now`.

    `employee` is the resolved recipient; when None it is looked up in `directory` (a department's
    front contact or the employee by id).
    """
    who = employee if employee is not None else recipient_of(message, directory)
    planned = [
        (notification_id(message.id, c), c, address)
        for c in (Channel.EMAIL, Channel.SMS)
        if (address := address_for(c, who))
    ]
    planned += [
        (chat_notification_id(message.id, i), Channel.CHAT, url)
        for i, url in enumerate(chat_addresses(message, who, directory))
    ]
    if not planned or message.urgent:
        local = address_for(Channel.LOCAL, who) or FRONT_DESK
        planned.append((notification_id(message.id, Channel.LOCAL), Channel.LOCAL, local))
    return tuple(
        Notification(
            id=id_,
            message_id=message.id,
            channel=channel,
            to=to,
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        for id_, channel, to in planned
    )
