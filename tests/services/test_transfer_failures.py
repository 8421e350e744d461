"""When the phone line fails, or the transfer is cancelled, the coordinator still ends cleanly:
an outcome instead of an exception, and nothing left live."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.domain.calls import CallContext, TransferOutcome
from switchboard.domain.directory import Employee
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.logs import configure_logging
from switchboard.ports.telephony import LiveResources, TelephonyError
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator
from switchboard.services.transfer.background import RING_GRACE_SECONDS
from switchboard.settings import MergeStrategy as SettingsMerge
from switchboard.settings import Settings

PRIYA = Employee("priya-raman", "Priya Raman", "+13125550112")


class BrokenNetwork(SimulatedNetwork):
    """A simulated network on which chosen operations fail (with a SIP status, or as a bug)."""

    def __init__(self, clock: SimulatedClock, failing: dict[str, BaseException]) -> None:
        super().__init__(clock)
        self.failing = failing

    def _maybe_fail(self, name: str) -> None:
        error = self.failing.get(name)
        if error is not None:
            raise error

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        self._maybe_fail("move_participant")
        await super().move_participant(identity, from_room, to_room)

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        self._maybe_fail("refer")
        await super().refer(room, identity, transfer_to)

    async def create_consultation_room(self, caller_room: str) -> str:
        self._maybe_fail("create_consultation_room")
        return await super().create_consultation_room(caller_room)

    async def start_hold(self, room: str, identity: str) -> None:
        self._maybe_fail("start_hold")
        await super().start_hold(room, identity)

    async def say(self, room: str, identity: str, text: str) -> None:
        self._maybe_fail("say")
        await super().say(room, identity, text)

    async def dial(self, room: str, target: str, **options: Any) -> None:
        self._maybe_fail("dial")
        await super().dial(room, target, **options)


async def run_on(
    net: SimulatedNetwork, merge: MergeStrategy = MergeStrategy.MOVE, **employee: Any
) -> tuple[TransferOutcome, int | None, str, CallContext]:
    net.employees[PRIYA.phone] = EmployeeScript.from_spec(employee or {"answer": True})
    call = net.place_call()
    coordinator = WarmTransferCoordinator(net, net.clock, TransferConfig(merge_strategy=merge))
    result = await coordinator.warm_transfer(call, PRIYA, caller_name="Dana", reason="")
    live = await net.live_resources()
    assert live.rooms == (call.room_name,)
    assert (live.ringing, live.holds) == ((), ())
    return result.outcome, result.sip_status, result.detail, call


@pytest.mark.parametrize(
    ("merge", "operation"),
    [(MergeStrategy.MOVE, "move_participant"), (MergeStrategy.REFER, "refer")],
)
async def test_a_failed_merge_is_a_failed_outcome_and_the_caller_is_back(
    merge: MergeStrategy, operation: str
) -> None:
    net = BrokenNetwork(SimulatedClock(), {operation: TelephonyError("nope", sip_status=501)})
    outcome, sip, detail, call = await run_on(net, merge)
    assert (outcome, sip, detail) == (TransferOutcome.FAILED, 501, "merge failed")
    assert (call.room_name, call.caller_identity) in (await net.live_resources()).participants
    assert net.transcript_of(call.room_name)[-1].heard_by == call.caller_identity
    assert "wasn't able to get through" in net.transcript_of(call.room_name)[-1].text


async def test_refer_to_a_phone_that_no_longer_answers_fails_with_its_sip_status() -> None:
    net = SimulatedNetwork(SimulatedClock())
    # The employee accepts at 6 s, then walks away before the REFERred call reaches their phone.
    net.clock.call_later(5.5, lambda: net.employees.update({PRIYA.phone: EmployeeScript()}))
    outcome, sip, detail, _ = await run_on(net, MergeStrategy.REFER, answer=True)
    assert (outcome, sip, detail) == (TransferOutcome.FAILED, 480, "merge failed")


class DeafNetwork(SimulatedNetwork):
    """A network that ignores the ringing timeout we ask for and would ring for ever."""

    async def dial(self, room: str, target: str, **options: Any) -> None:
        await super().dial(room, target, **{**options, "ringing_timeout": 10_000})


async def test_a_dial_that_never_comes_back_is_given_up_as_no_answer() -> None:
    net = DeafNetwork(SimulatedClock())
    outcome, sip, _, _ = await run_on(net, answer=False)
    assert (outcome, sip) == (TransferOutcome.NO_ANSWER, None)
    assert net.clock.elapsed() == 25 + RING_GRACE_SECONDS


async def test_consultation_room_that_cannot_be_created_is_a_failure() -> None:
    net = BrokenNetwork(
        SimulatedClock(), {"create_consultation_room": TelephonyError("quota", sip_status=429)}
    )
    outcome, sip, _, _ = await run_on(net)
    assert (outcome, sip) == (TransferOutcome.FAILED, 429)
    assert net.dialed == []


async def test_hold_audio_and_speech_failures_do_not_stop_the_transfer() -> None:
    failing: dict[str, BaseException] = {
        "start_hold": TelephonyError("no audio"),
        "say": TelephonyError("tts down"),
    }
    net = BrokenNetwork(SimulatedClock(), failing)
    net.employees[PRIYA.phone] = EmployeeScript.from_spec({"answer": True, "say": "yes"})
    call = net.place_call()
    coordinator = WarmTransferCoordinator(net, net.clock)
    # Without speech the employee never hears the briefing, so never answers: no decision.
    result = await coordinator.warm_transfer(call, PRIYA, caller_name="Dana", reason="")
    assert result.outcome is TransferOutcome.NO_ANSWER
    assert (await net.live_resources()).holds == ()


async def test_a_bug_in_the_phone_layer_becomes_a_failed_outcome_not_a_crash() -> None:
    net = BrokenNetwork(SimulatedClock(), {"dial": RuntimeError("bug")})
    outcome, _, detail, _ = await run_on(net)
    assert (outcome, detail) == (TransferOutcome.FAILED, "internal error")


async def test_cancelling_a_transfer_mid_consultation_leaves_nothing_behind() -> None:
    clock = SimulatedClock()
    net = SimulatedNetwork(
        clock, {PRIYA.phone: EmployeeScript.from_spec({"answer": True, "decision": "none"})}
    )
    call = net.place_call()
    coordinator = WarmTransferCoordinator(net, clock)
    task = asyncio.create_task(
        coordinator.warm_transfer(call, PRIYA, caller_name="Dana", reason="")
    )
    await clock.sleep(6)
    live = await net.live_resources()
    assert len(live.rooms) == 2
    assert live.holds
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    live = await net.live_resources()
    assert live == LiveResources(
        rooms=(call.room_name,), participants=((call.room_name, call.caller_identity),)
    )


async def test_a_caller_gone_before_the_transfer_starts_means_nothing_is_dialled() -> None:
    clock = SimulatedClock()
    net = SimulatedNetwork(clock, {PRIYA.phone: EmployeeScript.from_spec({"answer": True})})
    call = net.place_call()
    net.leave(call.room_name, call.caller_identity)
    result = await WarmTransferCoordinator(net, clock).warm_transfer(
        call, PRIYA, caller_name="Dana", reason=""
    )
    assert result.outcome is TransferOutcome.CALLER_HUNG_UP
    assert net.dialed == []
    assert (await net.live_resources()).holds == ()


async def test_hang_up_of_a_call_already_gone_is_quiet() -> None:
    net = SimulatedNetwork(SimulatedClock())
    call = net.place_call()
    coordinator = WarmTransferCoordinator(net, net.clock)
    await coordinator.hang_up(call)
    await coordinator.hang_up(call)
    assert (await net.live_resources()).rooms == ()


def test_config_comes_from_settings() -> None:
    settings = Settings(
        transfer_merge_strategy=SettingsMerge.REFER,
        transfer_ring_timeout=20,
        hold_checkin_seconds=45,
    )
    config = TransferConfig.from_settings(settings)
    assert (config.merge_strategy, config.ring_timeout, config.hold_checkin_seconds) == (
        MergeStrategy.REFER,
        20,
        45,
    )


def test_every_log_line_has_the_call_id_and_no_employee_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", "json")
    net = SimulatedNetwork(SimulatedClock())
    asyncio.run(run_on(net, answer=True, decision="accept"))
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    transfer_lines = [line for line in lines if str(line["event"]).startswith("transfer.")]
    assert len(transfer_lines) > 10
    assert {line.get("call_id") for line in transfer_lines} == {"sim-1"}
    assert all("5550112" not in json.dumps(line) for line in lines)
    end = transfer_lines[-1]
    assert (end["event"], end["outcome"]) == ("transfer.end", "connected")


async def test_many_concurrent_transfers_on_one_loop_all_end_correctly() -> None:
    clock = SimulatedClock()
    net = SimulatedNetwork(clock)
    modes: list[tuple[dict[str, Any], TransferOutcome]] = [
        ({"answer": True, "decision": "accept"}, TransferOutcome.CONNECTED),
        ({"answer": "busy"}, TransferOutcome.BUSY),
        ({"answer": True, "decision": "decline", "by": "keypad"}, TransferOutcome.DECLINED),
        ({"answer": False}, TransferOutcome.NO_ANSWER),
    ]
    people = []
    for i in range(60):
        spec, expected = modes[i % len(modes)]
        employee = Employee(f"e{i}", f"Person {i}", f"+1312555{i:04d}")
        net.employees[employee.phone] = EmployeeScript.from_spec(spec)
        people.append((employee, expected, net.place_call()))
    coordinator = WarmTransferCoordinator(net, clock)
    async with asyncio.TaskGroup() as tg:
        tasks = [
            tg.create_task(coordinator.warm_transfer(call, emp, caller_name="C", reason=""))
            for emp, _, call in people
        ]
    assert [t.result().outcome for t in tasks] == [expected for _, expected, _ in people]
    live = await net.live_resources()
    assert len(live.rooms) == 60
    assert (live.ringing, live.holds) == ((), ())
