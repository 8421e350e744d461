"""Virtual time: sleeps finish instantly and in order; clocks in one loop stay independent."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from switchboard.adapters.simulator.clock import DEFAULT_START, SimulatedClock

START = datetime(2026, 11, 24, 10, 15, tzinfo=UTC)


async def test_sleep_advances_virtual_time_without_waiting() -> None:
    clock = SimulatedClock(START)
    began = time.perf_counter()
    await clock.sleep(3600)
    assert time.perf_counter() - began < 1.0
    assert clock.now() == START + timedelta(hours=1)
    assert clock.elapsed() == 3600


async def test_sleepers_wake_in_deadline_order_ties_in_start_order() -> None:
    clock = SimulatedClock()
    woke: list[tuple[str, float]] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.elapsed()))

    async with asyncio.TaskGroup() as tg:
        for name, seconds in [("c", 30), ("a", 5), ("b", 5), ("d", 0.5)]:
            tg.create_task(nap(name, seconds))
    assert woke == [("d", 0.5), ("a", 5), ("b", 5), ("c", 30)]


async def test_time_waits_while_other_tasks_are_busy() -> None:
    clock = SimulatedClock()
    seen: list[float] = []

    async def busy() -> None:
        for _ in range(50):
            seen.append(clock.elapsed())
            await asyncio.sleep(0)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(clock.sleep(10))
        tg.create_task(busy())
    assert seen == [0.0] * 50
    assert clock.elapsed() == 10


async def test_two_clocks_in_one_loop_keep_their_own_start() -> None:
    a, b = SimulatedClock(START), SimulatedClock(START + timedelta(days=1))
    await a.sleep(60)
    await b.sleep(30)
    assert b.now() == START + timedelta(days=1, seconds=30)
    # Both share one timeline: a's clock moved on while b slept.
    assert a.now() == START + timedelta(seconds=90)


async def test_cancelled_sleep_never_fires_and_does_not_move_time() -> None:
    clock = SimulatedClock()
    fired: list[str] = []
    handle = clock.call_later(100, lambda: fired.append("late"))
    handle.cancel()
    task = asyncio.create_task(clock.sleep(50))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await clock.sleep(1)
    assert fired == []
    assert clock.elapsed() == 1


async def test_call_later_runs_callbacks_in_order() -> None:
    clock = SimulatedClock()
    fired: list[int] = []
    clock.call_later(2, lambda: fired.append(2))
    clock.call_later(1, lambda: fired.append(1))
    await clock.sleep(3)
    assert fired == [1, 2]


async def test_zero_and_negative_sleeps_just_yield() -> None:
    clock = SimulatedClock()
    await clock.sleep(0)
    await clock.sleep(-5)
    assert clock.elapsed() == 0


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SimulatedClock(datetime(2026, 1, 1))


def test_clock_outside_a_loop_reads_its_start_then_keeps_its_time() -> None:
    clock = SimulatedClock()
    assert clock.now() == DEFAULT_START

    async def sleep() -> None:
        await clock.sleep(7)

    asyncio.run(sleep())
    assert clock.elapsed() == 7
    asyncio.run(sleep())  # a new loop: the clock carries on
    assert clock.elapsed() == 14


async def test_many_concurrent_sleepers_are_fast() -> None:
    clock = SimulatedClock()
    began = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for i in range(2000):
            tg.create_task(clock.sleep(i % 97))
    assert clock.elapsed() == 96
    assert time.perf_counter() - began < 2.0
