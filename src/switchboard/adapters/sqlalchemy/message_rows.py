"""Rows of the outbox tables <-> domain objects (messages and notifications)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from switchboard.domain.messages import Message, MessageKind, RecipientKind
from switchboard.domain.notifications import Channel, Notification, NotificationStatus

S = NotificationStatus


def utc(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything is stored in UTC.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def message_row(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "recipient_kind": m.recipient_kind.value,
        "recipient_id": m.recipient_id,
        "caller_name": m.caller_name,
        "callback_number": m.callback_number,
        "text": m.text,
        "urgent": m.urgent,
        "call_id": m.call_id,
        "recording_url": m.recording_url,
        "created_at": utc(m.created_at),
        "kind": m.kind.value,
    }


def notification_row(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "message_id": n.message_id,
        "channel": n.channel.value,
        "to_address": n.to,
        "status": n.status.value,
        "attempts": n.attempts,
        "next_attempt_at": utc(n.next_attempt_at),
        "provider_id": n.provider_id,
        "error_code": n.error_code,
        "fallback_of": n.fallback_of,
        "created_at": utc(n.created_at),
        "updated_at": utc(n.updated_at),
    }


def message_from_row(r: Row[Any]) -> Message:
    return Message(
        id=r.id,
        recipient_kind=RecipientKind(r.recipient_kind),
        recipient_id=r.recipient_id,
        caller_name=r.caller_name,
        callback_number=r.callback_number,
        text=r.text,
        created_at=utc(r.created_at),  # type: ignore[arg-type]
        urgent=r.urgent,
        call_id=r.call_id,
        recording_url=r.recording_url,
        kind=MessageKind(getattr(r, "kind", None) or MessageKind.MESSAGE),
    )


def notification_from_row(r: Row[Any]) -> Notification:
    return Notification(
        id=r.id,
        message_id=r.message_id,
        channel=Channel(r.channel),
        to=r.to_address,
        created_at=utc(r.created_at),  # type: ignore[arg-type]
        updated_at=utc(r.updated_at),  # type: ignore[arg-type]
        status=S(r.status),
        attempts=r.attempts,
        next_attempt_at=utc(r.next_attempt_at),
        provider_id=r.provider_id,
        error_code=r.error_code,
        fallback_of=r.fallback_of,
    )
