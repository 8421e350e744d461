"""The real WarmTransferCoordinator over LiveKitTelephony + the LiveKit fake + a fake MediaSession:
accept by move and by refer, busy, and a caller hanging up while it rings, never leaving orphans."""

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
from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import Employee
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.fakes.livekit import DialOutcome, RunningFake
from switchboard.ports.clock import SystemClock
from switchboard.ports.telephony import Reply
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator

PRIYA = Employee("priya-raman", "Priya Raman", "+13125550112")
IDENTITY = "employee-priya-raman"
CALL = CallContext("lk-1", CALLER_ROOM, CALLER, "+16125550177", "+15125550100")
BOTH = pytest.mark.parametrize("merge", list(MergeStrategy))


async def transfer(
    tel: LiveKitTelephony, server: RunningFake, merge: MergeStrategy
) -> TransferResult:
    place_caller(server)
    config = TransferConfig(merge_strategy=merge, decision_timeout=2)
    coordinator = WarmTransferCoordinator(tel, SystemClock(), config)
    async with asyncio.timeout(10):
        return await coordinator.warm_transfer(
            CALL, PRIYA, caller_name="Dana Whitfield", reason="an invoice"
        )


async def assert_no_orphans(
    tel: LiveKitTelephony, server: RunningFake, result: TransferResult
) -> None:
    """Only the caller's room may be left, with the caller (and the employee after a move)."""
    live = await tel.live_resources()
    assert set(live.rooms) <= {CALLER_ROOM}
    assert (live.ringing, live.holds) == ((), ())
    allowed = {(CALLER_ROOM, CALLER)}
    if result.outcome is TransferOutcome.CONNECTED:
        allowed.add((CALLER_ROOM, IDENTITY))
    assert set(live.participants) <= allowed
    assert all(call.result != "ringing" for call in server.state.calls)
    await WarmTransferCoordinator(tel, SystemClock()).hang_up(CALL)
    live = await tel.live_resources()
    assert (live.rooms, live.participants, live.ringing, live.holds) == ((), (), (), ())


@BOTH
@pytest.mark.parametrize("reply", [Reply(digits="1"), Reply(text="yes, put them through")])
async def test_an_accepted_transfer_connects_by_the_configured_merge(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia, merge: MergeStrategy, reply: Reply
) -> None:
    server.state.script(PRIYA.phone, DialOutcome.answered(after=2))
    media.answer_on_say[IDENTITY] = reply
    result = await transfer(tel, server, merge)
    assert result == TransferResult(TransferOutcome.CONNECTED, "priya-raman")
    briefing = next(text for _, who, text in media.said if who == IDENTITY)
    assert "Dana Whitfield" in briefing
    assert "invoice" in briefing
    if merge is MergeStrategy.MOVE:
        assert server.state.participant(CALLER_ROOM, IDENTITY) is not None
        assert server.state.requests_for("TransferSIPParticipant") == []
    else:
        transfer_to = server.state.requests_for("TransferSIPParticipant")[0].request.transfer_to  # type: ignore[attr-defined]
        assert transfer_to == f"tel:{PRIYA.phone}"
        await until(lambda: server.state.participant(CALLER_ROOM, CALLER) is None)  # referred
    assert [r.request.room for r in server.state.requests_for("DeleteRoom")] == [  # type: ignore[attr-defined]
        f"{CALLER_ROOM}-consult-1"
    ]
    await assert_no_orphans(tel, server, result)


@BOTH
@pytest.mark.parametrize(
    ("dialled", "reply", "outcome", "sip", "words"),
    [
        (DialOutcome.busy(after=1), None, TransferOutcome.BUSY, 486, "on another call"),
        (DialOutcome.declined(after=1), None, TransferOutcome.BUSY, 603, "on another call"),
        (DialOutcome.no_answer(), None, TransferOutcome.NO_ANSWER, None, "isn't answering"),
        (DialOutcome.no_answer(480), None, TransferOutcome.NO_ANSWER, 480, "isn't answering"),
        (DialOutcome.failed(503), None, TransferOutcome.FAILED, 503, "get through"),
        (DialOutcome.answered(), Reply(digits="2"), TransferOutcome.DECLINED, None, "can't take"),
        (
            DialOutcome.answered(),
            Reply(text="take a message"),
            TransferOutcome.MESSAGE_REQUESTED,
            None,
            "take a message",
        ),
    ],
)
async def test_every_unconnected_outcome_returns_the_caller_and_leaves_nothing(
    tel: LiveKitTelephony,
    server: RunningFake,
    media: FakeMedia,
    merge: MergeStrategy,
    dialled: DialOutcome,
    reply: Reply | None,
    outcome: TransferOutcome,
    sip: int | None,
    words: str,
) -> None:
    server.state.script(PRIYA.phone, dialled)
    if reply is not None:
        media.answer_on_say[IDENTITY] = reply
    result = await transfer(tel, server, merge)
    assert (result.outcome, result.sip_status) == (outcome, sip)
    to_caller = [text for _, who, text in media.said if who == CALLER]
    assert words in to_caller[-1]
    assert server.state.participant(CALLER_ROOM, CALLER) is not None
    assert server.state.requests_for("MoveParticipant") == []
    assert server.state.requests_for("TransferSIPParticipant") == []
    await assert_no_orphans(tel, server, result)


async def test_move_on_open_source_livekit_fails_the_merge_without_dropping_anyone(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    server.state.mode = "oss"
    media.answer_on_say[IDENTITY] = Reply(digits="1")
    result = await transfer(tel, server, MergeStrategy.MOVE)
    assert result.outcome is not TransferOutcome.CONNECTED
    assert server.state.participant(CALLER_ROOM, CALLER) is not None
    await assert_no_orphans(tel, server, result)


async def test_refer_on_open_source_livekit_connects_and_is_recorded_as_connected(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    server.state.mode = "oss"
    media.answer_on_say[IDENTITY] = Reply(digits="1")
    result = await transfer(tel, server, MergeStrategy.REFER)
    assert result == TransferResult(TransferOutcome.CONNECTED, "priya-raman")
    [referral] = server.state.requests_for("TransferSIPParticipant")
    assert referral.request.play_dialtone  # type: ignore[attr-defined]


async def test_caller_hanging_up_while_it_rings_stops_the_ringing(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    server.state.script(PRIYA.phone, DialOutcome.manual())
    running = asyncio.create_task(transfer(tel, server, MergeStrategy.MOVE))
    await until(lambda: any(c.result == "ringing" for c in server.state.calls))
    server.state.hang_up(CALLER_ROOM, CALLER)
    result = await running
    assert result.outcome is TransferOutcome.CALLER_HUNG_UP
    assert [c.result for c in server.state.calls] == ["canceled"]
    await assert_no_orphans(tel, server, result)
