"""A real call's assembly (`CallKit`), held in text through the livekit-agents session: the same
agent and tools as `switchboard call`, storage for messages and the call record, the caller's
number from LiveKit SIP's participant attributes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from switchboard.adapters.livekit.sip_attributes import call_from_sip
from switchboard.adapters.simulator import SimulatedClock, SimulatedNetwork
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.directory import EmployeeStatus
from switchboard.services.call_records import CallLog
from switchboard.services.directory import demo_directory, seed_demo_if_empty
from switchboard.services.live_call import CallKit, ResolverCache, finish_call
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.text_chat import run_text_conversation
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator
from switchboard.settings import Settings

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
CALLER = "+16125550177"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


async def hold_call(
    storage: Storage, lines: list[str], attributes: dict[str, str]
) -> tuple[CallContext, CallOutcome, list[str], ReceptionistDeps]:
    clock = SimulatedClock(TUESDAY_MORNING)
    network = SimulatedNetwork(clock, {})
    placed = network.place_call(CALLER)
    call = call_from_sip(placed.room_name, placed.caller_identity, attributes, fallback_id="AJ_1")
    kit = CallKit(Settings(_env_file=None), storage, clock)  # type: ignore[call-arg]
    recorder = CallLog(call, clock)
    await recorder.save(storage.unit_of_work)
    directory = await kit.directory()
    coordinator = WarmTransferCoordinator(network, clock, TransferConfig(announce_outcome=False))
    deps = await kit.deps(call, coordinator, recorder, directory)
    said: list[str] = []
    queue = list(lines)

    async def read_line() -> str | None:
        return queue.pop(0) if queue else None

    await run_text_conversation(
        deps, read_line, said.append, brain=kit.brain(directory, call), hours=None
    )
    outcome = await finish_call(recorder, deps.state, storage, caller_hung_up=not deps.state.ended)
    return call, outcome, said, deps


async def test_message_taken_on_a_real_call_is_stored_with_the_sip_caller_number(
    storage: Storage,
) -> None:
    attributes = {
        "sip.phoneNumber": CALLER,
        "sip.trunkPhoneNumber": "+13125550100",
        "sip.callID": "SCL_live1",
    }
    lines = [
        "I'd like to leave a message for Priya Raman.",
        "This is Ann Lee.",
        "The number I'm calling from is fine.",
        "Yes.",
        "The samples arrived, thank you.",
    ]
    _call, outcome, said, _deps = await hold_call(storage, lines, attributes)
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert said
    assert "Lakeshore" in said[0]  # the demo company's greeting
    stored = [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()]
    assert len(stored) == 1
    message = stored[0].message
    assert (message.recipient_id, message.caller_name, message.callback_number) == (
        "priya-raman",
        "Ann Lee",
        CALLER,
    )
    assert message.call_id == "SCL_live1"
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("SCL_live1")
    assert record is not None
    assert (record.caller_number, record.dialed_number) == (CALLER, "+13125550100")
    assert record.outcome is CallOutcome.MESSAGE_TAKEN
    assert record.message_id == message.id


async def test_withheld_caller_id_still_gets_an_answered_call(storage: Storage) -> None:
    call, outcome, said, _ = await hold_call(storage, ["What are your hours?"], {})
    assert len(said) >= 2  # the greeting, then the answer
    assert call.caller_number is None
    assert call.call_id == "AJ_1"
    assert outcome is CallOutcome.INFO_ONLY
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("AJ_1")
    assert record is not None
    assert record.ended_at is not None


def test_the_resolver_is_rebuilt_only_when_the_directory_changes() -> None:
    cache = ResolverCache()
    directory = demo_directory()
    first = cache.for_directory(directory)
    assert cache.for_directory(demo_directory()) is first  # equal content: reused
    employees = tuple(
        e.with_changes(status=EmployeeStatus.DND) if e.id == "priya-raman" else e
        for e in directory.employees
    )
    changed = replace(directory, employees=employees)
    assert cache.for_directory(changed) is not first
    assert cache.builds == 2
