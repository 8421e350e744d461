"""Paging the on-call person: an urgent message taken while the department it concerns is closed
(its own hours, else the company's; holidays included) also goes, at once, by SMS to that
department's on-call person (docs/call-behaviour.md, "After hours").

Pure: returns the extra Notification to queue in the same outbox write as the message's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from switchboard.domain.availability import department_open
from switchboard.domain.directory import Directory
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification
from switchboard.domain.notifications.plan import notification_id
from switchboard.domain.routing.on_call import department_of, on_call_person

# Sequence 0 is the recipient's own SMS; the page is sequence 1, so planning twice is idempotent.
PAGE_SEQUENCE = 1


def on_call_page(
    message: Message,
    directory: Directory,
    now: datetime,
    planned: Sequence[Notification] = (),
) -> Notification | None:
    """The SMS page for `message`, or None: not urgent, no department, its department open, no
    rota, nobody on call, the on-call person has no `sms` number, or `planned` already texts them."""
    if not message.urgent:
        return None
    department = department_of(directory, message.recipient_kind.value, message.recipient_id)
    if department is None or department_open(directory.company, department, now):
        return None
    person = on_call_person(directory, department, now)
    if person is None or person.sms is None:
        return None
    if any(n.channel is Channel.SMS and n.to == person.sms for n in planned):
        return None  # the on-call person is the recipient: their own SMS is the page
    return Notification(
        id=notification_id(message.id, Channel.SMS, PAGE_SEQUENCE),
        message_id=message.id,
        channel=Channel.SMS,
        to=person.sms,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
    )
