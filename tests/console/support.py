"""A console on a real database: the demo directory, two accounts, messages and calls."""

from __future__ import annotations

import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from fastapi import FastAPI

from switchboard.adapters.sqlalchemy import Storage
from switchboard.adapters.sqlalchemy.accounts import SqlAlchemyAccountStore
from switchboard.adapters.sqlalchemy.console_queries import SqlAlchemyConsoleQueries
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.domain.diagnosis import Check, Status
from switchboard.domain.directory import Directory
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.entrypoints.web.console import ConsoleServices
from switchboard.services.console.accounts import Accounts, Role
from switchboard.services.console.recordings import ConsoleRecordings
from switchboard.services.console.views import ConsoleViews
from switchboard.services.directory import demo_directory, load_directory, seed_demo_if_empty
from switchboard.services.messages.message_log import MessageLog
from tests.support.clocks import ManualClock
from tests.support.webhook_world import World, build

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # noon in Chicago, the demo company's timezone
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ADMIN, EMPLOYEE, OTHER = "ada@example.com", "priya@example.com", "marcus@example.com"
PASSWORD = "correct horse battery"
SECRET = "s" * 40


@dataclass
class Console:
    app: FastAPI
    storage: Storage
    clock: ManualClock
    accounts: Accounts
    doctor_runs: list[int]
    voicemails: Path | None = None  # VOICEMAIL_DIR of the console's recordings


async def build_console(
    storage: Storage, *, recordings: ConsoleRecordings | None = None, **settings: Any
) -> Console:
    clock = ManualClock(NOW)
    await seed_demo_if_empty(storage.unit_of_work)
    accounts = Accounts(SqlAlchemyAccountStore(storage.engine), clock, FAST)
    await accounts.add_user(ADMIN, PASSWORD, Role.ADMIN)
    await accounts.add_user(EMPLOYEE, PASSWORD, Role.EMPLOYEE, "priya-raman")
    await accounts.add_user(OTHER, PASSWORD, Role.EMPLOYEE, "marcus-bell")
    runs: list[int] = []

    async def directory() -> Directory:
        return await load_directory(storage.unit_of_work)

    async def doctor() -> list[Check]:
        runs.append(1)
        return [Check("database", Status.OK, "SQLite, migrations current"),
                Check("twilio.credentials", Status.FAIL, "not configured", "set TWILIO_*")]  # fmt: skip

    services = ConsoleServices(
        accounts=accounts,
        views=ConsoleViews(SqlAlchemyConsoleQueries(storage.engine)),
        messages=MessageLog(
            SqlAlchemyMessageQueries(storage.engine),
            SqlAlchemyMessageOutbox(storage.engine),
            directory,
            clock,
        ),
        unit_of_work=storage.unit_of_work,
        clock=clock,
        doctor=doctor,
        recordings=recordings,
    )
    values = {"console_session_secret": SECRET} | settings
    app = build(World(), {"console": services}, **values)
    folder = recordings.voicemail_dir if recordings is not None else None
    return Console(app, storage, clock, accounts, runs, folder)


async def add_message(
    storage: Storage, message_id: str, recipient: str, *, minutes_ago: int,
    status: NotificationStatus, call_id: str | None = None, text: str = "Please call back",
    recording_url: str | None = None,
) -> None:  # fmt: skip
    at = NOW - timedelta(minutes=minutes_ago)
    m = Message(message_id, RecipientKind.EMPLOYEE, recipient, "Dana Caller", "+16125550177",
                text, at, call_id=call_id, recording_url=recording_url)  # fmt: skip
    notes = [n.advanced(status, at) for n in plan_notifications(m, None, demo_directory(), at)]
    await SqlAlchemyMessageOutbox(storage.engine).add(m, notes)


async def add_call(
    storage: Storage, call_id: str, *, minutes_ago: int, outcome: CallOutcome | None,
    attempts: Sequence[tuple[str, str]] = (), message_id: str | None = None,
    transferred_to: str | None = None, quality: CallQuality | None = None,
    verstat: str | None = None,
) -> None:  # fmt: skip
    at = NOW - timedelta(minutes=minutes_ago)
    events = [CallEvent(at, "caller_turn", {"text": "I need Priya about invoice 4471"}),
              CallEvent(at, "agent_turn", {"text": "One moment please."})]  # fmt: skip
    events += [CallEvent(at, "transfer_attempt", {"employee": e, "result": r, "sip_status": None})
               for e, r in attempts]  # fmt: skip
    record = CallRecord(
        call_id=call_id, started_at=at, caller_number="+13125550199", outcome=outcome,
        ended_at=None if outcome is None else at + timedelta(seconds=95),
        end_reason=None if outcome is None else "done", transferred_to=transferred_to,
        message_id=message_id, events=tuple(events), quality=quality, verstat=verstat,
    )  # fmt: skip
    async with storage.unit_of_work() as uow:
        await uow.calls.save(record)
        await uow.commit()


def client_for(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.7", 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://console.test")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/login")
    return await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text), "next": "/"},
    )


def write_wav(path: Path, seconds: float = 0.5, rate: int = 8000) -> Path:
    """A short 16-bit mono WAV (a quiet tone), as the agent's voicemail recorder writes them."""
    import math

    frames = b"".join(
        int(3000 * math.sin(2 * math.pi * 440 * i / rate)).to_bytes(2, "little", signed=True)
        for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return path
