"""Ring groups on the simulated network: the first to accept wins, every other leg ends at once,
and whatever happens nothing is left ringing, live or on hold."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.adapters.simulator.scripts import CallerScript
from switchboard.domain.calls import CallContext, TransferOutcome
from switchboard.domain.directory import Department, Employee
from switchboard.domain.routing.config import RingGroup, RingStrategy
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan
from switchboard.domain.routing.words import TO_EMPLOYEE_ALREADY_TAKEN
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.services.transfer import TransferConfig
from switchboard.services.transfer.ring_group import RingGroupCoordinator

ANN = Employee("ann-lee", "Ann Lee", "+13125550101", department="sales")
BO = Employee("bo-chen", "Bo Chen", "+13125550102", department="sales")
CY = Employee("cy-diaz", "Cy Diaz", "+13125550103", department="sales")
SALES = Department("sales", "Sales")
BOTH = (MergeStrategy.MOVE, MergeStrategy.REFER)


async def ring(
    scripts: dict[str, dict[str, Any]],
    *,
    strategy: RingStrategy = RingStrategy.SIMULTANEOUS,
    merge: MergeStrategy = MergeStrategy.MOVE,
    members: tuple[Employee, ...] = (ANN, BO, CY),
    caller: dict[str, Any] | None = None,
    announce: bool = False,
) -> tuple[RingGroupOutcome, SimulatedNetwork, CallContext]:
    net = SimulatedNetwork(SimulatedClock())
    phones = {e.id: e.phone for e in (ANN, BO, CY)}
    for person, spec in scripts.items():
        net.employees[phones[person]] = EmployeeScript.from_spec(spec)

    call = net.place_call(script=CallerScript.from_spec(caller))
    config = TransferConfig(merge_strategy=merge, announce_outcome=announce)
    plan = RingPlan(RingGroup(strategy, 15.0), members)
    outcome = await RingGroupCoordinator(net, net.clock, config).ring_group(
        call, SALES, plan, caller_name="Dana", reason="a quote"
    )
    live = await net.live_resources()
    # Nothing outlives the group: no consultation room, no ringing phone, no hold.
    assert (live.ringing, live.holds) == ((), ())
    assert live.rooms in ((call.room_name,), ())
    return outcome, net, call


def briefed(net: SimulatedNetwork, person: Employee) -> bool:
    return any(
        line.role == "agent" and line.heard_by == f"employee-{person.id}" and "Dana" in line.text
        for line in net.transcript
    )


@pytest.mark.parametrize("merge", BOTH)
async def test_simultaneous_first_to_accept_wins_and_the_others_stop_ringing(
    merge: MergeStrategy,
) -> None:
    outcome, net, _call = await ring(
        {
            ANN.id: {"answer": True, "answer_after": 3, "decision": "accept"},
            BO.id: {"answer": True, "answer_after": 9, "decision": "accept"},
            CY.id: {"answer": False},
        },
        merge=merge,
    )
    assert outcome.result.outcome is TransferOutcome.CONNECTED
    assert outcome.result.employee_id == ANN.id
    assert [c.employee_target for c in net.connections] == [ANN.phone]
    assert sorted(net.dialed) == sorted([ANN.phone, BO.phone, CY.phone])
    assert not briefed(net, BO)
    assert not briefed(net, CY)
    assert {r.employee_id for r in outcome.legs} == {ANN.id, BO.id, CY.id}


async def test_a_leg_still_ringing_when_the_winner_accepts_is_cancelled_never_briefed() -> None:
    # Bo would answer while Ann's merge is still under way; his leg is cancelled before that.
    outcome, net, _ = await ring(
        {
            ANN.id: {"answer": True, "answer_after": 1, "decision": "accept", "decide_after": 1},
            BO.id: {"answer": True, "answer_after": 3.5, "decision": "accept"},
        },
        members=(ANN, BO),
    )
    assert outcome.result.employee_id == ANN.id
    assert not briefed(net, BO)
    assert [c.employee_target for c in net.connections] == [ANN.phone]


async def test_two_answer_and_only_the_first_acceptance_wins() -> None:
    # Both are briefed in parallel; Bo accepts first, Ann's later "yes" gets "already taken".
    outcome, net, _ = await ring(
        {
            ANN.id: {"answer": True, "answer_after": 1, "decision": "accept", "decide_after": 6},
            BO.id: {"answer": True, "answer_after": 2, "decision": "accept", "decide_after": 1},
        },
        members=(ANN, BO),
    )
    assert outcome.result.employee_id == BO.id
    assert [c.employee_target for c in net.connections] == [BO.phone]
    told = [line.text for line in net.transcript if line.heard_by == f"employee-{ANN.id}"]
    assert TO_EMPLOYEE_ALREADY_TAKEN in told


@pytest.mark.parametrize("merge", BOTH)
async def test_hunt_rings_one_after_another(merge: MergeStrategy) -> None:
    outcome, net, _ = await ring(
        {ANN.id: {"answer": False}, BO.id: {"answer": "busy"}, CY.id: {"answer": True}},
        strategy=RingStrategy.HUNT,
        merge=merge,
    )
    assert outcome.result.employee_id == CY.id
    assert net.dialed == [ANN.phone, BO.phone, CY.phone]
    assert [r.outcome for r in outcome.legs] == [
        TransferOutcome.NO_ANSWER,
        TransferOutcome.BUSY,
        TransferOutcome.CONNECTED,
    ]


async def test_hunt_stops_at_the_winner() -> None:
    outcome, net, _ = await ring(
        {ANN.id: {"answer": True}, BO.id: {"answer": True}}, strategy=RingStrategy.HUNT
    )
    assert outcome.result.employee_id == ANN.id
    assert net.dialed == [ANN.phone]


@pytest.mark.parametrize("strategy", list(RingStrategy))
async def test_every_leg_failing_ends_without_a_connection(strategy: RingStrategy) -> None:
    outcome, net, _ = await ring(
        {
            ANN.id: {"answer": "failed", "sip_status": 503},
            BO.id: {"answer": "busy"},
            CY.id: {"answer": True, "decision": "decline"},
        },
        strategy=strategy,
        announce=True,
    )
    assert outcome.result.outcome is TransferOutcome.DECLINED
    assert outcome.result.employee_id == SALES.id
    assert net.connections == []
    assert any("nobody in Sales" in line.text for line in net.transcript)


async def test_a_member_asking_for_a_message_makes_the_group_a_message() -> None:
    outcome, _, _ = await ring({ANN.id: {"answer": True, "decision": "message"}}, members=(ANN, BO))
    assert outcome.result.outcome is TransferOutcome.MESSAGE_REQUESTED


@pytest.mark.parametrize("strategy", list(RingStrategy))
async def test_caller_hanging_up_while_the_group_rings_cancels_every_leg(
    strategy: RingStrategy,
) -> None:
    outcome, net, _call = await ring(
        {ANN.id: {"answer": True, "answer_after": 30}, BO.id: {"answer": True, "answer_after": 30}},
        strategy=strategy,
        caller={"during": "ringing", "after": 2},
    )
    assert outcome.result.outcome is TransferOutcome.CALLER_HUNG_UP
    assert net.connections == []
    assert not briefed(net, ANN)
    assert not briefed(net, BO)


async def test_caller_hanging_up_during_a_consultation_ends_it() -> None:
    outcome, net, _ = await ring(
        {ANN.id: {"answer": True, "decision": "none"}, BO.id: {"answer": False}},
        caller={"during": "consultation", "after": 1},
    )
    assert outcome.result.outcome is TransferOutcome.CALLER_HUNG_UP
    assert net.connections == []


async def test_an_empty_plan_dials_nothing() -> None:
    outcome, net, _ = await ring({}, members=())
    assert outcome.result.outcome is TransferOutcome.NO_ANSWER
    assert net.dialed == []
    assert net.transcript == []


async def test_a_leg_that_answers_after_the_claim_is_told_already_taken_never_briefed() -> None:
    # The race the cancellation usually prevents: the answer is already queued when Ann wins.
    import asyncio

    from switchboard.domain.transfer import WarmTransfer
    from switchboard.domain.transfer.events import TransferRequest
    from switchboard.services.transfer.ring_group_leg import GroupClaim, RingGroupLeg

    net = SimulatedNetwork(SimulatedClock())
    net.employees[BO.phone] = EmployeeScript.from_spec({"answer": True, "decision": "accept"})
    call = net.place_call()
    claim = GroupClaim(lambda _winner: None)
    assert claim.take(ANN.id)
    request = TransferRequest(BO.id, BO.name, BO.phone, "Dana", "a quote", announce_outcome=False)

    async def stop_hold() -> None:
        raise AssertionError("a losing leg never touches the hold")

    async with asyncio.TaskGroup() as tasks:
        leg = RingGroupLeg(
            net, net.clock, call, BO, WarmTransfer(request), tasks, claim=claim, stop_hold=stop_hold
        )
        try:
            result = await leg.run()
        finally:
            await leg.sweep()
    assert result.detail == "already taken"
    assert not briefed(net, BO)
    told = [line.text for line in net.transcript if line.heard_by == f"employee-{BO.id}"]
    assert told == [TO_EMPLOYEE_ALREADY_TAKEN]
    live = await net.live_resources()
    assert (live.rooms, live.ringing) == ((call.room_name,), ())
    assert not claim.take(BO.id)


def test_a_closed_claim_lets_nobody_win() -> None:
    from switchboard.services.transfer.ring_group_leg import GroupClaim

    won: list[str] = []
    claim = GroupClaim(won.append)
    claim.closed = True
    assert not claim.take(ANN.id)
    assert won == []
    assert claim.winner is None


async def test_the_caller_asking_for_a_message_while_holding_ends_every_leg() -> None:
    from switchboard.ports.telephony import Reply

    net = SimulatedNetwork(SimulatedClock())
    for person in (ANN, BO):
        net.employees[person.phone] = EmployeeScript.from_spec({"answer": True, "answer_after": 30})
    call = net.place_call()
    net.clock.call_later(
        5,
        lambda: net.speak(call.room_name, call.caller_identity, Reply(text="just take a message")),
    )
    config = TransferConfig(announce_outcome=False)
    outcome = await RingGroupCoordinator(net, net.clock, config).ring_group(
        call, SALES, RingPlan(RingGroup(RingStrategy.SIMULTANEOUS, 20.0), (ANN, BO)), caller_name="Dana",
        reason="a quote",
    )  # fmt: skip
    assert outcome.result.outcome is TransferOutcome.MESSAGE_REQUESTED
    live = await net.live_resources()
    assert (live.rooms, live.ringing, live.holds) == ((call.room_name,), (), ())
    assert net.connections == []


async def test_a_bug_in_the_line_still_leaves_nothing_behind() -> None:
    class Broken(SimulatedNetwork):
        created = 0

        async def create_consultation_room(self, caller_room: str) -> str:
            self.created += 1
            if self.created == 2:  # the second leg's room: a bug, not a TelephonyError
                raise RuntimeError("boom")
            return await super().create_consultation_room(caller_room)

    net = Broken(SimulatedClock())
    net.employees[ANN.phone] = EmployeeScript.from_spec({"answer": True, "answer_after": 3})
    call = net.place_call()
    outcome = await RingGroupCoordinator(net, net.clock, TransferConfig()).ring_group(
        call, SALES, RingPlan(RingGroup(), (ANN, BO)), caller_name="Dana", reason="a quote"
    )
    # Bo's leg crashed and is a failed attempt; Ann's leg still connects the caller.
    assert outcome.result.employee_id == ANN.id
    assert {(r.employee_id, r.outcome) for r in outcome.legs} == {
        (ANN.id, TransferOutcome.CONNECTED), (BO.id, TransferOutcome.FAILED)
    }  # fmt: skip
    live = await net.live_resources()
    assert (live.rooms, live.ringing, live.holds) == ((call.room_name,), (), ())
