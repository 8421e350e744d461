"""The real ring-group coordinator over LiveKitTelephony + the LiveKit fake + a fake MediaSession:
the first to accept is connected by either merge strategy, every other leg is cancelled on the
SIP side, and a caller hanging up while the group rings cancels every leg."""

from __future__ import annotations

import asyncio

import pytest
from tests.adapters.livekit_telephony_support import (
    CALLER,
    CALLER_ROOM,
    FakeMedia,
    place_caller,
    until,
)

from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.domain.calls import CallContext, TransferOutcome
from switchboard.domain.directory import Department, Employee
from switchboard.domain.routing.config import RingGroup, RingStrategy
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.fakes.livekit import DialOutcome, RunningFake
from switchboard.ports.clock import SystemClock
from switchboard.ports.telephony import Reply
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator

ANN = Employee("ann-lee", "Ann Lee", "+13125550121")
BO = Employee("bo-chen", "Bo Chen", "+13125550122")
SALES = Department("sales", "Sales")
CALL = CallContext("lk-1", CALLER_ROOM, CALLER, "+16125550177", "+15125550100")


async def ring(
    tel: LiveKitTelephony, server: RunningFake, merge: MergeStrategy, strategy: RingStrategy
) -> RingGroupOutcome:
    place_caller(server)
    config = TransferConfig(merge_strategy=merge, decision_timeout=2)
    coordinator = WarmTransferCoordinator(tel, SystemClock(), config)
    plan = RingPlan(RingGroup(strategy, 60.0), (ANN, BO))
    async with asyncio.timeout(15):
        return await coordinator.ring_group(
            CALL, SALES, plan, caller_name="Dana Whitfield", reason="a quote"
        )


async def assert_nothing_left(tel: LiveKitTelephony, server: RunningFake) -> None:
    live = await tel.live_resources()
    assert set(live.rooms) <= {CALLER_ROOM}
    assert (live.ringing, live.holds) == ((), ())
    assert all(call.result != "ringing" for call in server.state.calls)


@pytest.mark.parametrize("merge", list(MergeStrategy))
async def test_simultaneous_connects_the_first_to_accept_and_cancels_the_other_leg(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia, merge: MergeStrategy
) -> None:
    server.state.script(ANN.phone, DialOutcome.answered(after=1))
    server.state.script(BO.phone, DialOutcome.manual())  # keeps ringing until cancelled
    media.answer_on_say["employee-ann-lee"] = Reply(digits="1")
    outcome = await ring(tel, server, merge, RingStrategy.SIMULTANEOUS)
    assert outcome.result.outcome is TransferOutcome.CONNECTED
    assert outcome.result.employee_id == ANN.id
    bo_calls = [c for c in server.state.calls if c.kind == "dial" and c.number == BO.phone]
    # Ann wins while Bo's CreateSIPParticipant may still be in flight (the fake runs scaled
    # time): the adapter's stop_ringing removes the leg; the fake then ends the call shortly.
    await until(lambda: all(c.result != "ringing" for c in bo_calls), seconds=3.0)
    assert [c.result for c in bo_calls] in (["canceled"], ["failed"])
    assert not any(who == "employee-bo-chen" for _, who, _ in media.said)  # never briefed
    await assert_nothing_left(tel, server)


@pytest.mark.parametrize("strategy", list(RingStrategy))
async def test_caller_hanging_up_while_the_group_rings_cancels_every_leg(
    tel: LiveKitTelephony, server: RunningFake, strategy: RingStrategy
) -> None:
    server.state.script(ANN.phone, DialOutcome.manual())
    server.state.script(BO.phone, DialOutcome.manual())
    running = asyncio.create_task(ring(tel, server, MergeStrategy.MOVE, strategy))
    await until(lambda: any(c.result == "ringing" for c in server.state.calls))
    server.state.hang_up(CALLER_ROOM, CALLER)
    outcome = await running
    assert outcome.result.outcome is TransferOutcome.CALLER_HUNG_UP
    dials = [c for c in server.state.calls if c.kind == "dial"]
    assert dials
    assert {c.result for c in dials} == {"canceled"}
    await assert_nothing_left(tel, server)


async def test_every_leg_failing_ends_cleanly(tel: LiveKitTelephony, server: RunningFake) -> None:
    server.state.script(ANN.phone, DialOutcome.busy(after=1))
    server.state.script(BO.phone, DialOutcome.failed(503))
    outcome = await ring(tel, server, MergeStrategy.REFER, RingStrategy.SIMULTANEOUS)
    assert outcome.result.outcome is TransferOutcome.BUSY
    assert sorted(r.outcome for r in outcome.legs) == sorted(
        [TransferOutcome.BUSY, TransferOutcome.FAILED]
    )
    await assert_nothing_left(tel, server)
