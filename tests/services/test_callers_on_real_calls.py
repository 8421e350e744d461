"""Caller memory and screening on calls built as the worker builds them (SIP attributes →
`call_from_sip` → the call factory → the agent in text): returning callers, the off switch, the
block list, failed attestation, and a caller-memory store that fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from structlog.testing import capture_logs

from switchboard.adapters.directory_file import parse_csv_text
from switchboard.adapters.livekit.sip_attributes import call_from_sip
from switchboard.adapters.simulator import SimulatedClock, SimulatedNetwork
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.caller_memory import SqlAlchemyCallerMemory
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.bootstrap import call_factory
from switchboard.domain.caller_memory import KnownCaller
from switchboard.domain.calls import CallOutcome
from switchboard.services.calls import CallFactory, CallParts, CallPolicy
from switchboard.services.directory import import_directory, seed_demo_if_empty
from switchboard.services.receptionist.text_chat import run_text_conversation
from switchboard.settings import Settings

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
CALLER = "+16125550177"
MESSAGE_FOR_PRIYA = [
    "I'd like to leave a message for Priya Raman.",
    "This is Ann Lee.",
    "The number I'm calling from is fine.",
    "Yes.",
    "The samples arrived, thank you.",
]


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


def factory(storage: Storage, **values: Any) -> CallFactory:
    settings = Settings(_env_file=None, **values)
    return call_factory(storage, CallPolicy.from_settings(settings))


async def text_call(
    calls: CallFactory, lines: list[str], attributes: dict[str, str], call_id: str
) -> tuple[CallParts, CallOutcome, list[str]]:
    clock = SimulatedClock(TUESDAY_MORNING)
    network = SimulatedNetwork(clock, {})
    placed = network.place_call(attributes.get("sip.phoneNumber"))
    attributes = {**attributes, "sip.callID": call_id}
    call = call_from_sip(placed.room_name, placed.caller_identity, attributes, fallback_id=call_id)
    parts = await calls.begin(call, clock=clock)
    deps = parts.connect(network)
    said: list[str] = []
    queue = list(lines)

    async def read_line() -> str | None:
        return queue.pop(0) if queue else None

    await run_text_conversation(deps, read_line, said.append, brain=parts.brain, hours=parts.hours)
    outcome = await parts.finish(caller_hung_up=not deps.state.ended)
    return parts, outcome, said


async def test_a_caller_who_left_a_message_is_greeted_by_name_next_time_and_not_asked_again(
    storage: Storage,
) -> None:
    calls = factory(storage)
    first = await text_call(calls, MESSAGE_FOR_PRIYA, {"sip.phoneNumber": CALLER}, "SCL_1")
    assert first[1] is CallOutcome.MESSAGE_TAKEN
    assert "Welcome back" not in first[2][0]
    known = await SqlAlchemyCallerMemory(storage.engine).recall(CALLER)
    assert known is not None
    assert (known.name, known.calls) == ("Ann Lee", 1)

    second_lines = [
        "I'd like to leave a message for Tom Reed.",
        "The number I'm calling from is fine.",
        "Yes.",
        "The printer is fixed.",
    ]
    _, outcome, said = await text_call(calls, second_lines, {"sip.phoneNumber": CALLER}, "SCL_2")
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert "Welcome back, Ann!" in said[0]
    assert not any("name" in line.lower() for line in said[1:])  # never asked for it
    newest = [s.message async for s in SqlAlchemyMessageQueries(storage.engine).newest()]
    assert newest[0].caller_name == "Ann Lee"
    again = await SqlAlchemyCallerMemory(storage.engine).recall(CALLER)
    assert again is not None
    assert again.calls == 2


async def test_with_caller_memory_off_nothing_is_remembered_or_looked_up(storage: Storage) -> None:
    memory = SqlAlchemyCallerMemory(storage.engine)
    await memory.remember(CALLER, "Ann Lee", TUESDAY_MORNING)
    calls = factory(storage, caller_memory_enabled=False)
    _, outcome, said = await text_call(calls, MESSAGE_FOR_PRIYA, {"sip.phoneNumber": CALLER}, "S3")
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert "Welcome back" not in said[0]
    assert any("name" in line.lower() for line in said)  # asked, as for anyone
    known = await memory.recall(CALLER)
    assert known is not None
    assert known.calls == 1  # this call was not counted


async def test_a_blocked_number_is_refused_and_recorded_as_blocked(storage: Storage) -> None:
    await SqlAlchemyCallerMemory(storage.engine).remember(CALLER, "Ann Lee", TUESDAY_MORNING)
    calls = factory(storage, blocked_numbers="+1900,+1612555017")
    attributes = {"sip.phoneNumber": CALLER, "sip.h.x-twilio-verstat": "TN-Validation-Passed-A"}
    parts, outcome, said = await text_call(calls, MESSAGE_FOR_PRIYA, attributes, "SCL_blocked")
    assert outcome is CallOutcome.BLOCKED
    assert said == [
        "Thank you for calling. We're not able to take your call on this line. Goodbye."
    ]
    assert parts.known_caller is None  # a blocked caller is not even looked up
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("SCL_blocked")
    assert record is not None
    assert record.outcome is CallOutcome.BLOCKED
    assert record.verstat == "TN-Validation-Passed-A"
    assert not record.transfer_attempts()
    assert [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()] == []
    known = await SqlAlchemyCallerMemory(storage.engine).recall(CALLER)
    assert known is not None
    assert known.calls == 1  # not counted as a returning call


async def test_a_number_blocked_by_the_directory_file_is_refused_politely(
    storage: Storage,
) -> None:
    # Nothing in BLOCKED_NUMBERS: the block list comes from a directory CSV import (issue 14).
    rows = parse_csv_text("kind,phone\nblocked,+1 612 555 01\n", "spam.csv")
    await import_directory(storage.unit_of_work, rows)
    calls = factory(storage)
    parts, outcome, said = await text_call(
        calls, MESSAGE_FOR_PRIYA, {"sip.phoneNumber": CALLER}, "SCL_directory_blocked"
    )
    assert outcome is CallOutcome.BLOCKED
    assert said == [
        "Thank you for calling. We're not able to take your call on this line. Goodbye."
    ]
    assert parts.state.transferred_to is None
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("SCL_directory_blocked")
    assert record is not None
    assert record.outcome is CallOutcome.BLOCKED
    assert [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()] == []
    # Another number from the same caller's area is not on the list: the call goes on.
    _, outcome, said = await text_call(
        calls, MESSAGE_FOR_PRIYA, {"sip.phoneNumber": "+16125550277"}, "SCL_not_blocked"
    )
    assert outcome is CallOutcome.MESSAGE_TAKEN


async def test_failed_attestation_goes_to_the_message_only_path_when_configured(
    storage: Storage,
) -> None:
    lines = ["Could I talk to Priya Raman?", "Yes, a message then.", *MESSAGE_FOR_PRIYA[1:]]
    attributes = {"sip.phoneNumber": CALLER, "sip.verstat": "TN-Validation-Failed-A"}
    calls = factory(storage, failed_attestation_message_only=True)
    _, outcome, said = await text_call(calls, lines, attributes, "SCL_spoofed")
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert any("can't take calls right now" in line for line in said)
    assert not any("verif" in line.lower() for line in said)
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("SCL_spoofed")
    assert record is not None
    assert record.verstat == "TN-Validation-Failed-A"
    assert not record.transfer_attempts()
    screening = [e.data for e in record.events if e.kind == "screening"]
    assert screening == [{"decision": "message_only", "verification": "failed"}]


async def test_failed_attestation_is_only_recorded_when_the_setting_is_off(
    storage: Storage,
) -> None:
    attributes = {"sip.phoneNumber": CALLER, "sip.verstat": "TN-Validation-Failed-A"}
    parts, _, said = await text_call(
        factory(storage), ["Could I talk to Priya Raman?"], attributes, "SCL_lenient"
    )
    assert not any("can't take calls" in line for line in said)
    assert parts.log.snapshot().verstat == "TN-Validation-Failed-A"


class BrokenMemory:
    async def recall(self, number: str) -> KnownCaller | None:
        raise ConnectionError("database is down")

    async def remember(self, number: str, name: str, at: datetime) -> None:
        raise ConnectionError("database is down")

    async def open_messages(self, number: str, employee_id: str) -> int:
        raise ConnectionError("database is down")


async def test_a_failing_caller_memory_never_stops_a_call(
    storage: Storage,
) -> None:
    calls = factory(storage)
    calls.caller_memory = BrokenMemory()
    with capture_logs() as logs:
        _, outcome, _said = await text_call(
            calls, MESSAGE_FOR_PRIYA, {"sip.phoneNumber": CALLER}, "S9"
        )
    assert outcome is CallOutcome.MESSAGE_TAKEN
    events = {e["event"] for e in logs}
    assert {"caller_memory.recall_failed", "caller_memory.remember_failed"} <= events


class SlowMemory(BrokenMemory):
    async def recall(self, number: str) -> KnownCaller | None:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")


async def test_a_hanging_caller_memory_does_not_hold_up_the_greeting(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("switchboard.services.caller_memory.RECALL_TIMEOUT_SECONDS", 0.05)
    calls = factory(storage)
    calls.caller_memory = SlowMemory()
    _, outcome, said = await text_call(
        calls, ["What are your hours?"], {"sip.phoneNumber": CALLER}, "S10"
    )
    assert outcome is CallOutcome.INFO_ONLY
    assert "Welcome back" not in said[0]
