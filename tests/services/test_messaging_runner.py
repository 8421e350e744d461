"""The notification loop keeps going through failures, drains due work, and stops when told."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.support.clocks import ManualClock

from switchboard.services.messages.runner import RECEIPT_RETENTION, NotificationLoop

T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class ScriptedWorker:
    """run_once hands out `batches` one by one (an exception in the list is raised instead)."""

    def __init__(self, batches: list[int | Exception], stop: asyncio.Event, passes: int) -> None:
        self.batches, self.stop, self.passes = batches, stop, passes
        self.escalations = 0

    async def run_once(self) -> int:
        item = self.batches.pop(0) if self.batches else 0
        if isinstance(item, Exception):
            raise item
        return item

    async def escalate(self) -> int:
        self.escalations += 1
        if self.escalations >= self.passes:
            self.stop.set()
        return 1


class Receipts:
    def __init__(self) -> None:
        self.cutoffs: list[datetime] = []

    async def forget_before(self, cutoff: datetime) -> int:
        self.cutoffs.append(cutoff)
        return 3


async def test_a_pass_drains_every_due_batch_then_escalates_and_sweeps() -> None:
    stop, receipts, clock = asyncio.Event(), Receipts(), ManualClock(T0)
    worker = ScriptedWorker([20, 20, 5, 0], stop, passes=99)
    refreshed: list[bool] = []

    async def refresh() -> None:
        refreshed.append(True)

    loop = NotificationLoop(worker, clock, receipts=receipts, before_pass=refresh)
    assert await loop.run_pass() == 45
    assert (worker.escalations, refreshed, receipts.cutoffs) == (
        1,
        [True],
        [T0 - RECEIPT_RETENTION],
    )
    clock.at += timedelta(minutes=5)
    await loop.run_pass()
    assert len(receipts.cutoffs) == 1  # swept at most hourly
    clock.at += timedelta(hours=1)
    await loop.run_pass()
    assert len(receipts.cutoffs) == 2


async def test_failures_are_survived_and_counted_until_stopped() -> None:
    stop = asyncio.Event()
    # Pass 1: the database is down; pass 2: a bad row; pass 3: works again.
    worker = ScriptedWorker(
        [ConnectionError("db down"), ValueError("bad row"), 2, 0], stop, passes=1
    )
    loop = NotificationLoop(worker, ManualClock(T0), poll_seconds=0.001, max_backoff=0.01)
    stats = await asyncio.wait_for(loop.run(stop), timeout=5)
    assert (stats.passes, stats.failures, stats.handled, stats.escalated) == (3, 2, 2, 1)


async def test_stop_ends_an_idle_loop_promptly() -> None:
    stop = asyncio.Event()
    worker = ScriptedWorker([], stop, passes=10**6)
    loop = NotificationLoop(worker, ManualClock(T0), poll_seconds=3600)
    task = asyncio.create_task(loop.run(stop))
    await asyncio.sleep(0.05)
    stop.set()
    stats = await asyncio.wait_for(task, timeout=2)  # does not wait out the hour
    assert stats.passes == 1


async def test_stop_ends_a_pass_between_batches_however_long_the_backlog() -> None:
    """SIGTERM with thousands due: the loop stops after the batch in hand, not after all of them
    (the rest stays in the outbox for the next worker)."""
    stop = asyncio.Event()

    class Backlog:
        calls = 0

        async def run_once(self) -> int:
            await asyncio.sleep(0)  # a send yields to the loop (and lets the timeout below fire)
            self.calls += 1
            if self.calls == 3:
                stop.set()  # the signal arrives while the third batch is being sent
            return 20

        async def escalate(self) -> int:
            return 0

    backlog = Backlog()
    stats = await asyncio.wait_for(NotificationLoop(backlog, ManualClock(T0)).run(stop), timeout=5)
    assert backlog.calls == 3
    assert stats.handled == 60
