"""The warm-transfer coordinator on the simulated network: every outcome, both merge strategies,
hang-ups at every point, and never an orphaned room, ringing leg or hold track."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from switchboard.adapters.simulator import (
    CallerScript,
    EmployeeScript,
    HangupPoint,
    SimulatedClock,
    SimulatedNetwork,
)
from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import Employee
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.ports.calls import CallControl
from switchboard.ports.telephony import Reply
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator

PRIYA = Employee("priya-raman", "Priya Raman", "+13125550112")
BOTH = pytest.mark.parametrize("merge", list(MergeStrategy))


@dataclass
class Run:
    result: TransferResult
    net: SimulatedNetwork
    clock: SimulatedClock
    call: CallContext
    coordinator: WarmTransferCoordinator

    def said_to_caller(self) -> list[str]:
        lines = self.net.transcript_of(self.call.room_name)
        return [line.text for line in lines if line.heard_by == self.call.caller_identity]

    def said_to_employee(self) -> list[str]:
        lines = self.net.transcript_of(self.call.room_name)
        return [line.text for line in lines if line.heard_by == "employee-priya-raman"]


async def transfer(
    merge: MergeStrategy = MergeStrategy.MOVE,
    caller: CallerScript | None = None,
    net: SimulatedNetwork | None = None,
    config: TransferConfig | None = None,
    **employee: Any,
) -> Run:
    clock = net.clock if net else SimulatedClock()
    net = net or SimulatedNetwork(clock)
    net.employees[PRIYA.phone] = EmployeeScript.from_spec(employee)
    call = net.place_call("+16125550177", caller)
    coordinator = WarmTransferCoordinator(
        net, clock, config or TransferConfig(merge_strategy=merge)
    )
    result = await coordinator.warm_transfer(
        call, PRIYA, caller_name="Dana Whitfield", reason="an invoice"
    )
    await assert_no_orphans(net, call, result)
    return Run(result, net, clock, call, coordinator)


async def assert_no_orphans(
    net: SimulatedNetwork, call: CallContext, result: TransferResult
) -> None:
    """Only the caller's own room may be left, holding only the caller (and the employee when
    connected by move); hanging up the call then leaves nothing at all."""
    live = await net.live_resources()
    assert live.rooms == (call.room_name,)
    assert live.ringing == ()
    assert live.holds == ()
    allowed = {(call.room_name, call.caller_identity)}
    if result.outcome is TransferOutcome.CONNECTED:
        allowed.add((call.room_name, f"employee-{result.employee_id}"))
    assert set(live.participants) <= allowed
    await WarmTransferCoordinator(net, net.clock).hang_up(call)
    live = await net.live_resources()
    assert (live.rooms, live.participants, live.ringing, live.holds) == ((), (), (), ())


def test_the_coordinator_is_call_control() -> None:
    control: CallControl = WarmTransferCoordinator(
        SimulatedNetwork(SimulatedClock()), SimulatedClock()
    )
    assert control is not None


@BOTH
@pytest.mark.parametrize("by", ["voice", "keypad"])
async def test_accepted_transfer_connects_by_the_configured_merge(
    merge: MergeStrategy, by: str
) -> None:
    run = await transfer(merge, answer=True, decision="accept", by=by)
    assert run.result == TransferResult(TransferOutcome.CONNECTED, "priya-raman")
    assert [(c.employee_target, c.strategy) for c in run.net.connections] == [
        (PRIYA.phone, merge.value)
    ]
    assert run.said_to_caller()[-1] == "Thanks for holding. I'm connecting you to Priya now."
    briefing = run.said_to_employee()[0]
    assert "Dana Whitfield" in briefing
    assert "invoice" in briefing
    assert "612 555 0177" in briefing
    assert run.net.dialed == [PRIYA.phone]


@BOTH
@pytest.mark.parametrize(
    ("employee", "outcome", "sip", "words"),
    [
        (
            {"answer": True, "decision": "decline"},
            TransferOutcome.DECLINED,
            None,
            "can't take your call",
        ),
        (
            {"answer": True, "decision": "decline", "by": "keypad"},
            TransferOutcome.DECLINED,
            None,
            "can't take",
        ),
        (
            {"answer": True, "decision": "message"},
            TransferOutcome.MESSAGE_REQUESTED,
            None,
            "asked me to take a message",
        ),
        (
            {"answer": True, "decision": "message", "by": "keypad"},
            TransferOutcome.MESSAGE_REQUESTED,
            None,
            "pass on",
        ),
        ({"answer": False}, TransferOutcome.NO_ANSWER, 480, "isn't answering"),
        ({"answer": True, "answer_after": 40}, TransferOutcome.NO_ANSWER, 480, "isn't answering"),
        ({"answer": "busy"}, TransferOutcome.BUSY, 486, "on another call"),
        ({"answer": "voicemail"}, TransferOutcome.VOICEMAIL, None, "couldn't reach Priya"),
        ({"answer": "failed"}, TransferOutcome.FAILED, 503, "wasn't able to get through"),
        ({"answer": "failed", "sip_status": 404}, TransferOutcome.FAILED, 404, "get through"),
    ],
)
async def test_every_unconnected_outcome_returns_to_the_caller_with_an_offer(
    merge: MergeStrategy,
    employee: dict[str, Any],
    outcome: TransferOutcome,
    sip: int | None,
    words: str,
) -> None:
    run = await transfer(merge, **employee)
    assert (run.result.outcome, run.result.sip_status) == (outcome, sip)
    # The caller hears the news off hold: the music stops before the agent speaks.
    order = [e.kind for e in run.net.events if e.kind in ("hold_stopped", "agent_said")]
    assert order[-2:] == ["hold_stopped", "agent_said"]
    last = run.said_to_caller()[-1]
    assert words in last
    assert "someone else" in last
    assert run.net.connections == []  # never connected, to voicemail least of all
    assert all("5550112" not in text for text in run.said_to_caller())


@BOTH
async def test_employee_hanging_up_in_consultation_counts_as_declined(merge: MergeStrategy) -> None:
    run = await transfer(merge, answer=True, decision="hangup")
    assert run.result.outcome is TransferOutcome.DECLINED
    assert run.result.detail == "employee hung up"
    assert "can't take your call" in run.said_to_caller()[-1]


@BOTH
async def test_silent_employee_is_asked_again_then_it_is_no_answer(merge: MergeStrategy) -> None:
    config = TransferConfig(merge_strategy=merge, decision_timeout=10)
    run = await transfer(merge, config=config, answer=True, decision="none", answer_after=4)
    assert (run.result.outcome, run.result.detail) == (TransferOutcome.NO_ANSWER, "no decision")
    assert run.clock.elapsed() == 4 + 10 + 10
    assert sum("didn't catch" in t for t in run.said_to_employee()) == 1


@BOTH
async def test_unclear_reply_then_yes_connects(merge: MergeStrategy) -> None:
    run = await transfer(merge, answer=True, say=["who is this?", "ok, put them through"])
    assert run.result.outcome is TransferOutcome.CONNECTED


@BOTH
@pytest.mark.parametrize("point", list(HangupPoint))
async def test_caller_hanging_up_at_any_point_cleans_everything_up(
    merge: MergeStrategy, point: HangupPoint
) -> None:
    caller = CallerScript(point, hangup_after=1.0)
    run = await transfer(merge, caller=caller, answer=True, decision="accept")
    assert run.result.outcome is TransferOutcome.CALLER_HUNG_UP
    assert run.net.connections == []
    if point in (HangupPoint.CONSULTATION, HangupPoint.MERGING) and merge is MergeStrategy.MOVE:
        assert run.said_to_employee()[-1].startswith("Sorry, the caller has just hung up")
    if point is HangupPoint.RINGING:
        assert run.said_to_employee() == []  # the phone stopped ringing; nobody to tell
        stopped = [e for e in run.net.events if e.kind in ("stopped_ringing", "removed")]
        assert stopped
        assert stopped[0].identity == "employee-priya-raman"
        assert run.clock.elapsed() < 4  # not left ringing until it would have been answered


async def test_long_holds_get_a_check_in_offering_a_message() -> None:
    config = TransferConfig(ring_timeout=100, hold_checkin_seconds=30)
    run = await transfer(config=config, answer=True, answer_after=70, decision="accept")
    assert run.result.outcome is TransferOutcome.CONNECTED
    check_ins = [
        line.at
        for line in run.net.transcript_of(run.call.room_name)
        if "take a message instead" in line.text
    ]
    assert check_ins == [30.0, 60.0]


async def test_caller_who_takes_up_the_offer_of_a_message_gets_one() -> None:
    clock = SimulatedClock()
    net = SimulatedNetwork(clock)
    config = TransferConfig(ring_timeout=100, hold_checkin_seconds=30)
    # The call will be call-1 with caller-1: they answer the first check-in on the keypad.
    clock.call_later(35, lambda: net.speak("call-1", "caller-1", Reply(digits="3")))
    run = await transfer(net=net, config=config, answer=True, answer_after=70)
    assert run.result.outcome is TransferOutcome.MESSAGE_REQUESTED
    assert run.result.detail == "caller asked for a message"
    assert run.said_to_caller()[-1] == "Of course. What would you like me to pass on to Priya?"
    assert run.clock.elapsed() == 35


async def test_runs_are_repeatable_even_with_many_calls_at_once() -> None:
    async def run_all() -> list[tuple[float, str, str]]:
        clock = SimulatedClock()
        net = SimulatedNetwork(clock)
        specs = [{"answer": True, "decision": d} for d in ("accept", "decline", "message")]
        specs += [{"answer": "busy"}, {"answer": False}, {"answer": True, "decision": "hangup"}]
        calls = []
        for i in range(30):
            employee = Employee(f"e{i}", f"Person {i}", f"+1312555{i:04d}")
            net.employees[employee.phone] = EmployeeScript.from_spec(specs[i % len(specs)])
            calls.append((employee, net.place_call()))
        coordinator = WarmTransferCoordinator(net, clock)
        async with asyncio.TaskGroup() as tg:
            for employee, call in calls:
                tg.create_task(
                    coordinator.warm_transfer(call, employee, caller_name="C", reason="")
                )
        return [(line.at, line.room, line.text) for line in net.transcript]

    first, second = await run_all(), await run_all()
    assert first == second
    assert len(first) > 100


async def test_a_second_attempt_on_the_same_call_can_reach_someone_else() -> None:
    clock = SimulatedClock()
    sam = Employee("sam-okafor", "Sam Okafor", "+13125550113")
    net = SimulatedNetwork(
        clock,
        {
            PRIYA.phone: EmployeeScript.from_spec({"answer": "busy"}),
            sam.phone: EmployeeScript.from_spec({"answer": True, "decision": "accept"}),
        },
    )
    call = net.place_call()
    coordinator = WarmTransferCoordinator(net, clock)
    first = await coordinator.warm_transfer(call, PRIYA, caller_name="Dana", reason="")
    second = await coordinator.warm_transfer(call, sam, caller_name="Dana", reason="")
    assert (first.outcome, second.outcome) == (TransferOutcome.BUSY, TransferOutcome.CONNECTED)
    assert net.dialed == [PRIYA.phone, sam.phone]
    assert [c.employee_target for c in net.connections] == [sam.phone]
    await assert_no_orphans(net, call, second)


async def test_outcome_words_can_be_left_to_the_agent() -> None:
    config = TransferConfig(announce_outcome=False)
    run = await transfer(config=config, answer="busy")
    assert run.result.outcome is TransferOutcome.BUSY
    assert run.said_to_caller() == [
        "One moment please, I'll see if Priya is available. Please hold."
    ]
