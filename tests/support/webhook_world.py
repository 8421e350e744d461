"""The webhook app over in-memory collaborators (`World`), and signed requests to it: shared by
the webhook, metrics and doctor tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from twilio.request_validator import RequestValidator

from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.notifications import NotificationStatus, moves_forward
from switchboard.entrypoints.web import create_app
from switchboard.ports.calls import MessageReceipt, MessageRequest
from switchboard.services.messages.webhooks import (
    Recipient,
    WebhookCollaborators,
    WebhookService,
)
from switchboard.settings import Settings

TOKEN = "f" * 32
BASE = "https://sb.example.com"
NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)
ANN = Employee(id="ann", name="Ann", phone="+13125550101", sms="+13125550112")
CALLER = "+13125550199"


@dataclass
class World:
    """In-memory stand-ins for storage (tests only) recording what the service did."""

    notifications: dict[str, NotificationStatus] = field(default_factory=dict)
    errors: dict[str, str | None] = field(default_factory=dict)
    call_statuses: list[tuple[str, str]] = field(default_factory=list)
    statuses: dict[str, EmployeeStatus] = field(default_factory=dict)
    inbound: list[str] = field(default_factory=list)
    voicemails: dict[str, str | None] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    taken: list[MessageRequest] = field(default_factory=list)
    failing_takes: int = 0  # the next N take_message calls fail (the database blipped)

    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        return None

    async def apply_provider_status(
        self, provider_id: str, status: NotificationStatus, error_code: str | None, at: datetime
    ) -> bool:
        current = self.notifications.get(provider_id)
        if current is None:
            return False
        if moves_forward(current, status):
            self.notifications[provider_id] = status
            self.errors[provider_id] = error_code
        return True

    async def record_call_status(
        self,
        call_sid: str,
        status: str,
        at: datetime,
        *,
        duration: int | None,
        once_key: str | None = None,
    ) -> bool:
        if once_key is not None and not await self.first_time(once_key):
            return False
        self.call_statuses.append((call_sid, status))
        return True

    async def employee_by_sms(self, number: str) -> Employee | None:
        return ANN if number in (ANN.sms, ANN.phone) else None

    async def set_status(
        self, employee_id: str, status: EmployeeStatus, *, once_key: str | None = None
    ) -> bool:
        if once_key is not None and not await self.first_time(once_key):
            return False
        self.statuses[employee_id] = status
        return True

    async def store_inbound(
        self, message_sid: str, from_number: str, to_number: str, body: str, at: datetime
    ) -> None:
        if (
            message_sid not in self.inbound
        ):  # the SQL store: INSERT … ON CONFLICT (message_sid) DO NOTHING
            self.inbound.append(message_sid)

    async def expect_voicemail(self, call_sid: str, caller_number: str | None) -> None:
        self.voicemails[call_sid] = caller_number

    async def already_handled(self, key: str) -> bool:
        return key in self.seen

    async def voicemail_caller(self, call_sid: str) -> str | None:
        return self.voicemails.get(call_sid)

    async def apply_once(
        self,
        key: str,
        provider_id: str,
        status: NotificationStatus,
        error_code: str | None,
        at: datetime,
    ) -> bool | None:
        """The group-commit writer: the receipt and the update together (one transaction)."""
        if not await self.first_time(key):
            return None
        return await self.apply_provider_status(provider_id, status, error_code, at)

    async def first_time(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        if self.failing_takes:  # the outbox's transaction rolled back: no message, no receipt
            self.failing_takes -= 1
            raise ConnectionError("database unavailable")
        if request.once_key is not None and not await self.first_time(request.once_key):
            return MessageReceipt(message_id="", duplicate=True)
        self.taken.append(request)
        return MessageReceipt(message_id=f"m{len(self.taken)}", channels=("email",))


def build(world: World, app_options: dict[str, Any] | None = None, **settings: Any) -> FastAPI:
    values: dict[str, Any] = {
        "_env_file": None,
        "twilio_auth_token": TOKEN,
        "webhook_base_url": BASE,
        "livekit_sip_uri": "sip:abc123.sip.livekit.cloud;transport=tcp",
    }
    c = WebhookCollaborators(
        status_writer=world,
        calls=world,
        employees=world,
        inbound=world,
        voicemails=world,
        desk=world,
        clock=world,
        front_desk=Recipient("department", "front"),
    )
    options = {"max_body_bytes": 4096} | (app_options or {})
    return create_app(Settings(**(values | settings)), WebhookService(c), **options)


def sign(path: str, params: dict[str, str], token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(BASE + path, params))


async def signed_post(
    client: httpx.AsyncClient, path: str, params: dict[str, str], **headers: str
) -> httpx.Response:
    return await client.post(
        path, data=params, headers={"X-Twilio-Signature": sign(path, params), **headers}
    )
