"""The JSON shapes of /api/v1 (FastAPI documents them in /openapi.json), and the conversions
from the domain. Caller numbers are masked, as everywhere in the console."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from switchboard.domain.call_record import CallRecord
from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.notifications import Notification
from switchboard.domain.phone import mask
from switchboard.services.console.views import MessageRow


class UserOut(BaseModel):
    email: str
    role: str
    employee_id: str | None


class PeriodOut(BaseModel):
    calls: int
    calls_by_outcome: dict[str, int]
    transfers: dict[str, int]
    messages_waiting: int
    messages_undelivered: int


class OverviewOut(BaseModel):
    timezone: str
    periods: dict[str, PeriodOut]


class NotificationOut(BaseModel):
    channel: str
    status: str
    attempts: int
    error_code: str | None
    created_at: datetime
    updated_at: datetime
    fallback_of: str | None


class MessageOut(BaseModel):
    id: str
    created_at: datetime
    recipient_kind: str
    recipient_id: str
    caller_name: str
    callback_number: str | None
    text: str
    urgent: bool
    call_id: str | None
    # The voicemail's recording (GET it for the WAV), or None; never where it is stored.
    recording: str | None = None
    state: str
    handled_at: datetime | None
    handled_by: str | None
    notifications: list[NotificationOut]


class CallOut(BaseModel):
    call_id: str
    started_at: datetime
    ended_at: datetime | None
    caller_number: str  # masked
    outcome: str | None
    end_reason: str | None
    transferred_to: str | None
    message_id: str | None
    twilio_status: str | None
    verstat: str | None = None  # Twilio's caller-ID verification (STIR/SHAKEN), when passed on
    # The SIP leg's audio from LiveKit's RTC stats; None: not measured (a local call)
    packet_loss_percent: float | None = None
    jitter_ms_mean: float | None = None
    jitter_ms_max: float | None = None
    round_trip_ms_mean: float | None = None
    transfer_attempts: list[dict[str, Any]]
    events: list[dict[str, Any]] | None = None  # the transcript and timeline (detail only)


class EmployeeOut(BaseModel):
    id: str
    name: str
    title: str | None
    department: str | None
    status: str
    has_own_hours: bool


class StatusIn(BaseModel):
    status: EmployeeStatus


class CheckOut(BaseModel):
    name: str
    status: str
    summary: str
    fix: str


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        channel=n.channel.value, status=n.status.value, attempts=n.attempts,
        error_code=n.error_code, created_at=n.created_at, updated_at=n.updated_at,
        fallback_of=n.fallback_of,
    )  # fmt: skip


def message_out(row: MessageRow) -> MessageOut:
    m = row.stored.message
    return MessageOut(
        id=m.id, created_at=m.created_at, recipient_kind=m.recipient_kind.value,
        recipient_id=m.recipient_id, caller_name=m.caller_name,
        callback_number=m.callback_number, text=m.text, urgent=m.urgent, call_id=m.call_id,
        recording=f"/api/v1/messages/{quote(m.id, safe='')}/recording" if m.recording_url else None,
        state=row.state.value,
        handled_at=row.handling.handled_at if row.handling else None,
        handled_by=row.handling.handled_by if row.handling else None,
        notifications=[
            NotificationOut(
                channel=n.channel.value, status=n.status.value, attempts=n.attempts,
                error_code=n.error_code, created_at=n.created_at, updated_at=n.updated_at,
                fallback_of=n.fallback_of,
            )
            for n in row.stored.notifications
        ],
    )  # fmt: skip


def call_out(r: CallRecord, *, detail: bool = False) -> CallOut:
    carrier, q = r.carrier_status, r.quality
    return CallOut(
        call_id=r.call_id, started_at=r.started_at, ended_at=r.ended_at,
        caller_number=mask(r.caller_number), outcome=r.outcome.value if r.outcome else None,
        end_reason=r.end_reason, transferred_to=r.transferred_to, message_id=r.message_id,
        twilio_status=carrier.status if carrier else None, verstat=r.verstat,
        packet_loss_percent=q.packet_loss_percent if q else None,
        jitter_ms_mean=q.jitter_ms_mean if q else None,
        jitter_ms_max=q.jitter_ms_max if q else None,
        round_trip_ms_mean=q.round_trip_ms_mean if q else None,
        transfer_attempts=[dict(a) for a in r.transfer_attempts()],
        events=[{"at": e.at.isoformat(), "kind": e.kind, "data": dict(e.data)} for e in r.events]
        if detail else None,
    )  # fmt: skip


def employee_out(e: Employee) -> EmployeeOut:
    return EmployeeOut(id=e.id, name=e.name, title=e.title, department=e.department,
                       status=e.status.value, has_own_hours=e.hours is not None)  # fmt: skip
