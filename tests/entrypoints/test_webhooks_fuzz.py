"""Property test: no input, signed or not, makes a webhook answer 500."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.notifications import NotificationStatus
from switchboard.entrypoints.web import create_app
from switchboard.ports.calls import MessageReceipt, MessageRequest
from switchboard.services.messages.webhooks import (
    Recipient,
    WebhookCollaborators,
    WebhookService,
)
from switchboard.settings import Settings

TOKEN = "e" * 32
BASE = "https://sb.example.com"
PATHS = ["voice", "voice-fallback", "status", "sms", "sms-fallback", "recording"]
KEYS = [
    "CallSid", "MessageSid", "MessageStatus", "CallStatus", "From", "To", "Body", "ErrorCode",
    "RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration", "CallDuration",
]  # fmt: skip


class Anything:
    """Accepts every call; a storage that never fails, so any 500 is the web layer's fault."""

    def now(self) -> datetime:
        return datetime(2026, 11, 23, tzinfo=UTC)

    async def sleep(self, seconds: float) -> None:
        return None

    async def apply_provider_status(
        self, provider_id: str, status: NotificationStatus, error_code: str | None, at: datetime
    ) -> bool:
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
        return True

    async def employee_by_sms(self, number: str) -> Employee | None:
        return Employee("e", "E", "+13125550101") if number.endswith("1") else None

    async def set_status(
        self, employee_id: str, status: EmployeeStatus, *, once_key: str | None = None
    ) -> bool:
        return True

    async def store_inbound(self, *args: Any) -> None:
        return None

    async def expect_voicemail(self, call_sid: str, caller_number: str | None) -> None:
        return None

    async def already_handled(self, key: str) -> bool:
        return False

    async def voicemail_caller(self, call_sid: str) -> str | None:
        return None

    async def first_time(self, key: str) -> bool:
        return True

    async def apply_once(
        self,
        key: str,
        provider_id: str,
        status: NotificationStatus,
        error_code: str | None,
        at: datetime,
    ) -> bool | None:
        return True

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        return MessageReceipt("m")


def app() -> Any:
    a = Anything()
    c = WebhookCollaborators(a, a, a, a, a, a, a, Recipient("department", "front"))
    settings_ = Settings(_env_file=None, twilio_auth_token=TOKEN, webhook_base_url=BASE)
    return create_app(settings_, WebhookService(c), max_body_bytes=2048)


APP = app()
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
params = st.lists(st.tuples(st.sampled_from(KEYS) | text, text), max_size=8)


async def _post(path: str, pairs: list[tuple[str, str]], signed: bool) -> int:
    headers: dict[str, str] = {}
    if signed:
        # compute_signature takes a mapping; the last value of a repeated key is what it sees.
        headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(
            f"{BASE}/twilio/{path}", dict(pairs)
        )
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        response = await client.post(f"/twilio/{path}", data=dict(pairs), headers=headers)
    return response.status_code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), pairs=params, signed=st.booleans())
def test_no_input_causes_a_server_error(
    path: str, pairs: list[tuple[str, str]], signed: bool
) -> None:
    status = asyncio.run(_post(path, pairs, signed))
    assert status < 500
    if not signed:
        assert status in (400, 403, 413, 429)  # 429: over the rejected-request limit
