"""How the worker lets a call go (`hold_call`), with the real livekit-agents `AgentSession` and the
real agent and brain, a fake room (an `rtc.EventEmitter`, as `rtc.Room` is) and a phone line whose
transfer and hang-up we hold open: the session closes with drain *before* the call record is
written, so an in-flight tool (a REFER still waiting for its answer when the caller's leg left, the
hang-up after the goodbye) finishes first and the record tells what really happened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from livekit import rtc
from livekit.agents import AgentSession

from switchboard.adapters.simulator import SimulatedClock, SimulatedNetwork
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.bootstrap import call_factory
from switchboard.domain.calls import CallContext, CallOutcome, TransferOutcome, TransferResult
from switchboard.domain.directory import Employee
from switchboard.services.calls import CallParts
from switchboard.services.directory import seed_demo_if_empty
from switchboard.services.live_call import hold_call
from switchboard.services.receptionist.agent import SwitchboardAgent

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
CALL = CallContext(
    call_id="lk-1", room_name="call-1", caller_identity="sip_caller", caller_number="+16125550177"
)
ASK_PRIYA = ["Could I speak to Priya Raman?", "Dana Whitfield from Acme.", "About an invoice."]


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


class HeldLine:
    """A `CallControl` whose transfer and hang-up wait until the test lets them go."""

    def __init__(self, outcome: TransferOutcome = TransferOutcome.CONNECTED) -> None:
        self.outcome = outcome
        self.transferring, self.hanging_up = asyncio.Event(), asyncio.Event()
        self.release = asyncio.Event()
        self.hung_up = False

    async def warm_transfer(
        self, call: CallContext, employee: Employee, *, caller_name: str, reason: str
    ) -> TransferResult:
        self.transferring.set()
        await self.release.wait()
        return TransferResult(self.outcome, employee.id)

    async def hang_up(self, call: CallContext) -> None:
        self.hanging_up.set()
        await self.release.wait()
        self.hung_up = True


class WatchedSession(AgentSession[Any]):
    """The real session; notes how it was asked to close."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.closing = asyncio.Event()
        self.drains: list[bool] = []
        self.aclosed = 0

    def shutdown(self, *, drain: bool = True) -> None:
        self.drains.append(drain)
        self.closing.set()
        super().shutdown(drain=drain)

    async def aclose(self) -> None:
        self.aclosed += 1
        self.closing.set()
        await super().aclose()


class Call:
    """One call held by `hold_call` in a fake room, talked to in text."""

    def __init__(self, parts: CallParts, line: HeldLine) -> None:
        assert parts.deps is not None
        parts.deps.calls = line  # the phone line is the one part that differs per path
        self.parts, self.line = parts, line
        self.room: rtc.EventEmitter[str] = rtc.EventEmitter()
        self.session = WatchedSession(llm=parts.brain)
        self.started = asyncio.Event()
        agent = SwitchboardAgent(parts.deps, hours=parts.hours)

        async def start() -> None:
            await self.session.start(agent)
            self.started.set()

        self.holding = asyncio.create_task(
            hold_call(parts, self.session, self.room, start, poll=0.05, drain_seconds=20)
        )

    async def say(self, *lines: str) -> None:
        await self.started.wait()
        for line in lines:
            await self.session.run(user_input=line)

    def caller_leaves(self) -> None:
        self.room.emit("participant_disconnected", SimpleNamespace(identity=CALL.caller_identity))

    async def outcome(self) -> CallOutcome:
        return await asyncio.wait_for(self.holding, timeout=30)


async def start_call(storage: Storage, line: HeldLine) -> Call:
    clock = SimulatedClock(TUESDAY_MORNING)
    parts = await call_factory(storage).begin(CALL, clock=clock)
    parts.connect(SimulatedNetwork(clock, {}))
    return Call(parts, line)


async def record_of(storage: Storage) -> Any:
    async with storage.unit_of_work() as uow:
        return await uow.calls.get(CALL.call_id)


async def test_a_refer_answered_after_the_caller_left_is_recorded_as_transferred(
    storage: Storage,
) -> None:
    call = await start_call(storage, HeldLine(TransferOutcome.CONNECTED))
    await call.say(*ASK_PRIYA[:2])
    call.session.generate_reply(user_input=ASK_PRIYA[2])  # the transfer tool runs...
    await call.line.transferring.wait()
    call.caller_leaves()  # ...the REFERred caller's leg leaves before TransferSIPParticipant answers
    await call.session.closing.wait()  # the call is over for the worker: now it lets go
    call.line.release.set()  # the answer arrives
    assert await call.outcome() is CallOutcome.TRANSFERRED
    assert call.session.drains == [True]
    record = await record_of(storage)
    assert record.outcome is CallOutcome.TRANSFERRED
    assert (record.end_reason, record.transferred_to) == ("transferred", "priya-raman")


async def test_a_caller_who_hangs_up_during_a_failed_transfer_ended_the_call(
    storage: Storage,
) -> None:
    call = await start_call(storage, HeldLine(TransferOutcome.CALLER_HUNG_UP))
    await call.say(*ASK_PRIYA[:2])
    call.session.generate_reply(user_input=ASK_PRIYA[2])
    await call.line.transferring.wait()
    call.caller_leaves()
    await call.session.closing.wait()
    call.line.release.set()
    assert await call.outcome() is CallOutcome.ENDED_BY_CALLER
    record = await record_of(storage)
    assert (record.outcome, record.end_reason) == (CallOutcome.ENDED_BY_CALLER, "caller_hung_up")


async def test_the_goodbye_and_the_hang_up_finish_before_the_record_is_written(
    storage: Storage,
) -> None:
    call = await start_call(storage, HeldLine())
    await call.say("What are your hours?")
    call.session.generate_reply(user_input="That's all, thank you. Goodbye!")
    await call.line.hanging_up.wait()  # end_call: the goodbye was said, the hang-up is running
    await call.session.closing.wait()
    call.line.release.set()
    assert await call.outcome() is CallOutcome.INFO_ONLY
    assert call.session.drains == [True]  # not aclose(): that interrupts the speech by force
    assert call.line.hung_up  # the tool ran to its end, it was not cancelled
    record = await record_of(storage)
    assert (record.outcome, record.end_reason) == (CallOutcome.INFO_ONLY, "agent_hung_up")
    assert record.events[-1].kind == "ended"
    tools = [e.data.get("tool") for e in record.events if e.kind == "tool_call"]
    assert tools[-1] == "end_call"


async def test_a_closed_room_ends_the_hold(storage: Storage) -> None:
    call = await start_call(storage, HeldLine())
    await call.say("What are your hours?")
    call.room.emit("disconnected", rtc.DisconnectReason.ROOM_DELETED)
    assert await call.outcome() is CallOutcome.INFO_ONLY
    record = await record_of(storage)
    assert (record.outcome, record.end_reason) == (CallOutcome.INFO_ONLY, "caller_hung_up")


async def test_a_connected_transfer_closes_without_drain(storage: Storage) -> None:
    call = await start_call(storage, HeldLine(TransferOutcome.CONNECTED))
    call.line.release.set()
    await call.say(*ASK_PRIYA)  # the transfer connects; the caller is with Priya now
    assert await call.outcome() is CallOutcome.TRANSFERRED
    assert call.session.drains == [False]  # anything more would be said into their call


async def test_a_tool_that_does_not_return_does_not_hold_up_the_record(storage: Storage) -> None:
    clock = SimulatedClock(TUESDAY_MORNING)
    parts = await call_factory(storage).begin(CALL, clock=clock)
    parts.connect(SimulatedNetwork(clock, {}))
    line = HeldLine()
    assert parts.deps is not None
    parts.deps.calls = line
    session = WatchedSession(llm=parts.brain)
    room: rtc.EventEmitter[str] = rtc.EventEmitter()
    agent = SwitchboardAgent(parts.deps, hours=parts.hours)

    async def start() -> None:
        await session.start(agent)
        for text in ASK_PRIYA[:2]:
            await session.run(user_input=text)
        session.generate_reply(user_input=ASK_PRIYA[2])
        await line.transferring.wait()
        room.emit("participant_disconnected", SimpleNamespace(identity=CALL.caller_identity))

    holding = hold_call(parts, session, room, start, poll=0.05, drain_seconds=0.3, cut_seconds=0.3)
    outcome = await asyncio.wait_for(holding, timeout=30)
    assert outcome is CallOutcome.ENDED_BY_CALLER  # still on hold when the caller left
    assert session.drains == [True]
    assert session.aclosed == 0  # it would wait for the stuck tool: we stopped waiting instead
    record = await record_of(storage)
    assert record.outcome is CallOutcome.ENDED_BY_CALLER
    line.release.set()  # the tool returns at last; the session's own close then completes
    await asyncio.wait_for(session.aclose(), timeout=30)


async def test_a_job_cancelled_while_the_session_drains_still_writes_the_record(
    storage: Storage,
) -> None:
    call = await start_call(storage, HeldLine())
    await call.say(*ASK_PRIYA[:2])
    call.session.generate_reply(user_input=ASK_PRIYA[2])
    await call.line.transferring.wait()
    call.caller_leaves()
    await call.session.closing.wait()
    call.holding.cancel()  # the job is shut down (livekit-agents cancels a late entrypoint)
    with pytest.raises(asyncio.CancelledError):
        await call.holding
    record = await record_of(storage)
    assert record.outcome is CallOutcome.ENDED_BY_CALLER  # on hold when the caller left
    assert record.ended_at is not None
    call.line.release.set()
    await asyncio.wait_for(call.session.aclose(), timeout=30)


async def test_a_session_that_fails_to_start_still_leaves_a_record(storage: Storage) -> None:
    clock = SimulatedClock(TUESDAY_MORNING)
    parts = await call_factory(storage).begin(CALL, clock=clock)
    parts.connect(SimulatedNetwork(clock, {}))
    session = WatchedSession(llm=parts.brain)

    async def start() -> None:
        raise RuntimeError("room gone")

    with pytest.raises(RuntimeError, match="room gone"):
        await hold_call(parts, session, rtc.EventEmitter(), start)
    assert session.drains == []  # nothing started, nothing to drain (no wait)
    record = await record_of(storage)
    assert record.ended_at is not None
    assert record.outcome is CallOutcome.NO_TRANSFER
