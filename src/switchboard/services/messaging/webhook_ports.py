"""What the Twilio webhook service needs from storage and the rest, as Protocols.

Storage implements these later (SQLAlchemy); tests use in-memory versions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.notifications import NotificationStatus


class NotificationStatusStore(Protocol):
    async def apply_provider_status(
        self, provider_id: str, status: NotificationStatus, error_code: str | None, at: datetime
    ) -> bool:
        """Move the notification sent as `provider_id` forward to `status` (never backwards).
        False when no notification has that provider id."""
        ...


class CallStatusStore(Protocol):
    async def record_call_status(
        self, call_sid: str, status: str, at: datetime, *, duration: int | None
    ) -> None:
        """Note a Twilio call status on the call's record."""
        ...


class EmployeeStatusStore(Protocol):
    async def employee_by_sms(self, number: str) -> Employee | None:
        """The employee whose `sms` (or `phone`) number is `number`, if any."""
        ...

    async def set_status(self, employee_id: str, status: EmployeeStatus) -> None: ...


class InboundSmsLog(Protocol):
    async def store_inbound(
        self, message_sid: str, from_number: str, to_number: str, body: str, at: datetime
    ) -> None:
        """Keep every inbound SMS, whatever it turns into."""
        ...


class VoicemailStore(Protocol):
    async def expect_voicemail(self, call_sid: str, caller_number: str | None) -> None:
        """Remember who is recording a voicemail on `call_sid` (the recording callback has no From)."""
        ...

    async def voicemail_caller(self, call_sid: str) -> str | None:
        """The caller's E.164 number for `call_sid`; None when withheld or unknown."""
        ...


class IdempotencyStore(Protocol):
    async def first_time(self, key: str) -> bool:
        """True the first time `key` is seen (and remember it); False for every repeat."""
        ...


class StatusCallbackWriter(Protocol):
    async def apply_once(
        self,
        key: str,
        provider_id: str,
        status: NotificationStatus,
        error_code: str | None,
        at: datetime,
    ) -> bool | None:
        """Record receipt `key` and move the notification sent as `provider_id` forward, in one
        transaction. None when `key` was seen before (nothing done); else whether a notification
        has that provider id."""
        ...


class VoicemailTranscriber(Protocol):
    async def transcribe(self, recording_url: str) -> str | None:
        """The words of a voicemail recording, or None when it could not be transcribed."""
        ...
