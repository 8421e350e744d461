"""What the Twilio webhook service (services/messages/webhooks.py) needs, as Protocols.

SQLAlchemy implements the stores (adapters/sqlalchemy/webhook_stores.py, status_callbacks.py), the
offline voice the transcriber; tests use tests/support/webhook_world.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.notifications import NotificationStatus


class CallStatusStore(Protocol):
    async def record_call_status(
        self,
        call_sid: str,
        status: str,
        at: datetime,
        *,
        duration: int | None,
        once_key: str | None = None,
    ) -> bool:
        """Note a Twilio call status on the call's record. With `once_key`, the webhook receipt
        is stored in the same transaction, and a key handled before changes nothing: False."""
        ...


class EmployeeStatusStore(Protocol):
    async def employee_by_sms(self, number: str) -> Employee | None:
        """The employee whose `sms` (or `phone`) number is `number`, if any."""
        ...

    async def set_status(
        self, employee_id: str, status: EmployeeStatus, *, once_key: str | None = None
    ) -> bool:
        """Set the employee's status. With `once_key`, the webhook receipt commits with the
        change, and a key handled before changes nothing: False (a replay: do not reply again)."""
        ...


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

    async def already_handled(self, key: str) -> bool:
        """Whether the webhook delivery `key` was handled (its receipt committed): read only, so
        a replay can skip costly work (transcribing) before the write that records it."""
        ...

    async def voicemail_caller(self, call_sid: str) -> str | None:
        """The caller's E.164 number for `call_sid`; None when withheld or unknown."""
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
