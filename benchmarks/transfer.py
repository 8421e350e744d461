"""Warm-transfer overhead on the simulator: our own code's time, with the phone network taking none.

    .venv/bin/python benchmarks/transfer.py [--calls 200] [--rounds 5] [--merge move|refer]

Measures, per call, with all calls in flight together in one event loop (`--spread 0` makes them
all decide at the same instant, a worst case that measures queueing behind 199 others):
- decision → dial: from calling `warm_transfer` to the dial request reaching the network
  (hold words, hold audio, consultation room: everything we do before ringing);
- accept → merged: from the employee's "1" reaching us to the merge completing (the simulated
  merge itself takes no time here, so this is our overhead only).
Targets (issue 4): p99 ≤ 50 ms and p99 ≤ 100 ms. Also reports CPU time and peak memory per call.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from typing import Any

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.domain.calls import TransferOutcome
from switchboard.domain.directory import Employee
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.logs import configure_logging
from switchboard.ports.telephony import Reply
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator


class TimedNetwork(SimulatedNetwork):
    """The simulator, noting real (wall-clock) time at the moments we measure between."""

    def __init__(self, clock: SimulatedClock) -> None:
        super().__init__(clock, merge_seconds=0.0)
        self.dial_at: dict[str, float] = {}
        self.accept_at: dict[str, float] = {}
        self.merged_at: dict[str, float] = {}

    async def dial(self, room: str, target: str, **options: Any) -> None:
        self.dial_at[target] = time.perf_counter()
        await super().dial(room, target, **options)

    def speak(self, room: str, identity: str, reply: Reply) -> None:
        if reply.digits == "1":
            person = self.rooms[room][identity]
            self.accept_at[person.target or ""] = time.perf_counter()
        super().speak(room, identity, reply)

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        target = self.rooms[from_room][identity].target or ""
        await super().move_participant(identity, from_room, to_room)
        self.merged_at[target] = time.perf_counter()

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        await super().refer(room, identity, transfer_to)
        self.merged_at[transfer_to.removeprefix("tel:")] = time.perf_counter()


async def one_round(
    calls: int, merge: MergeStrategy, spread: float
) -> tuple[list[float], list[float]]:
    clock = SimulatedClock()
    net = TimedNetwork(clock)
    coordinator = WarmTransferCoordinator(net, clock, TransferConfig(merge_strategy=merge))
    script = EmployeeScript.from_spec({"answer": True, "decision": "accept", "by": "keypad"})
    started: dict[str, float] = {}

    async def transfer(i: int) -> None:
        employee = Employee(f"e{i}", f"Employee {i}", f"+1312555{i:04d}")
        net.employees[employee.phone] = script
        # Calls decide to transfer at different moments (a transfer lasts 8 virtual seconds, so
        # with spread < 8 s all of them are in flight together); spread 0 is a worst-case burst.
        await clock.sleep(spread * i / calls)
        call = net.place_call(f"+1612555{i:04d}")
        started[employee.phone] = time.perf_counter()
        result = await coordinator.warm_transfer(call, employee, caller_name="Ann", reason="x")
        if result.outcome is not TransferOutcome.CONNECTED:
            raise AssertionError(f"call {i}: {result}")
        await coordinator.hang_up(call)

    async with asyncio.TaskGroup() as tg:
        for i in range(calls):
            tg.create_task(transfer(i))
    live = await net.live_resources()
    if live.rooms or live.ringing or live.holds:
        raise AssertionError(f"orphans: {live}")
    to_dial = [net.dial_at[p] - started[p] for p in started]
    to_merged = [net.merged_at[p] - net.accept_at[p] for p in started]
    return to_dial, to_merged


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--merge", choices=[m.value for m in MergeStrategy], default="move")
    parser.add_argument(
        "--spread", type=float, default=4.0, help="virtual seconds over which calls start"
    )
    parser.add_argument("--log-level", default="WARNING", help="INFO measures with log lines on")
    args = parser.parse_args()
    configure_logging(args.log_level, "json")
    merge = MergeStrategy(args.merge)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    to_dial: list[float] = []
    to_merged: list[float] = []
    for _ in range(args.rounds):
        dial, merged = asyncio.run(one_round(args.calls, merge, args.spread))
        to_dial += dial
        to_merged += merged
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    total = args.calls * args.rounds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{total} transfers ({args.calls} concurrent x {args.rounds} rounds, merge={merge}, "
        f"starts spread over {args.spread:g} virtual s)"
    )
    for name, values, target in (
        ("decision -> dial", to_dial, 50),
        ("accept -> merged", to_merged, 100),
    ):
        print(
            f"{name:18} p50 {p(values, 0.5):7.2f} ms  p99 {p(values, 0.99):7.2f} ms  "
            f"max {max(values) * 1000:7.2f} ms  mean {statistics.fmean(values) * 1000:6.2f} ms"
            f"  (target p99 <= {target} ms)"
        )
    print(
        f"CPU {cpu * 1000 / total:.2f} ms per transfer, wall {wall:.2f} s, peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
