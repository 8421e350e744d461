"""Virtual time: a `Clock` whose sleeps finish instantly, in order, whenever the event loop is idle.

Every SimulatedClock in one event loop shares one timeline, advanced by a single callback chain
(no task): whenever no task is ready to run, time jumps to the earliest pending deadline and the
sleepers due then wake up, in deadline order, ties in the order they started sleeping. So many
simulated calls can run concurrently in one loop, each on its own clock with its own start time,
and every run is repeatable. Real I/O awaited meanwhile (threads, sockets) does not hold virtual
time back: keep it out of timed sections.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
# Passes through the loop before time jumps, on loops whose ready queue we cannot see.
_BLIND_PASSES = 20


class TimerHandle:
    """A callback due at a virtual time; `cancel()` before it fires and it never will."""

    __slots__ = ("_callback", "cancelled")

    def __init__(self, callback: Callable[[], object]) -> None:
        self._callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _fire(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self._callback()


class _Timeline:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.elapsed = 0.0
        self._heap: list[tuple[float, int, TimerHandle]] = []
        self._order = itertools.count()
        self._checking = False
        self._blind = 0

    def add(self, delay: float, callback: Callable[[], object]) -> TimerHandle:
        handle = TimerHandle(callback)
        heapq.heappush(self._heap, (self.elapsed + max(delay, 0.0), next(self._order), handle))
        if not self._checking:
            self._checking = True
            self.loop.call_soon(self._check)
        return handle

    def _busy(self) -> bool:
        ready = getattr(self.loop, "_ready", None)
        if ready is None:
            self._blind = (self._blind + 1) % _BLIND_PASSES
            return self._blind != 0
        return len(ready) > 0

    def _check(self) -> None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        if not self._heap:
            self._checking = False
            return
        if not self._busy():
            self.elapsed = max(self.elapsed, self._heap[0][0])
            while self._heap and self._heap[0][0] <= self.elapsed:
                heapq.heappop(self._heap)[2]._fire()
        self.loop.call_soon(self._check)


_TIMELINES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Timeline] = (
    weakref.WeakKeyDictionary()
)


class SimulatedClock:
    """A `Clock` on virtual time, starting at `start` (timezone-aware) when first used in a loop."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs a timezone-aware start time")
        self._start = start
        self._timeline: _Timeline | None = None
        self._base = 0.0

    def _bind(self) -> _Timeline:
        loop = asyncio.get_running_loop()
        if self._timeline is None or self._timeline.loop is not loop:
            carried = self.elapsed()  # re-bound to a new loop, the clock carries on
            timeline = _TIMELINES.get(loop)
            if timeline is None:
                timeline = _TIMELINES[loop] = _Timeline(loop)
            self._timeline, self._base = timeline, timeline.elapsed - carried
        return self._timeline

    def elapsed(self) -> float:
        """Virtual seconds since this clock's start."""
        return 0.0 if self._timeline is None else self._timeline.elapsed - self._base

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed())

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of virtual time (finishes as soon as the loop has nothing else to do)."""
        timeline = self._bind()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = timeline.loop.create_future()
        handle = timeline.add(seconds, lambda: _wake(future))
        try:
            await future
        finally:
            handle.cancel()

    def call_later(self, seconds: float, callback: Callable[[], object]) -> TimerHandle:
        """Run `callback` (synchronously) after `seconds` of virtual time; must be in a running loop."""
        return self._bind().add(seconds, callback)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class PacedClock(SimulatedClock):
    """Simulated time that passes in real time, `scale` real seconds per simulated second.

    For a person on a local call: the phone really rings for a while, hold lasts long enough to
    hang up during it, and nothing else in the loop (reading the keyboard) jumps time ahead. With
    `scale=0.25`, a 25 s ring takes about 6 s.
    """

    def __init__(self, start: datetime = DEFAULT_START, *, scale: float = 0.25) -> None:
        super().__init__(start)
        if scale <= 0:
            raise ValueError("scale must be positive")
        self._scale = scale
        self._t0: float | None = None
        self._last = 0.0

    def _loop_time(self) -> float:
        loop = asyncio.get_running_loop()
        if self._t0 is None:
            self._t0 = loop.time()
        return loop.time()

    def elapsed(self) -> float:
        if self._t0 is None:
            return 0.0
        # Asked outside the loop (after the call), time stopped where it was.
        with contextlib.suppress(RuntimeError):
            self._last = (self._loop_time() - self._t0) / self._scale
        return self._last

    async def sleep(self, seconds: float) -> None:
        self._loop_time()
        await asyncio.sleep(max(seconds, 0.0) * self._scale)

    def call_later(self, seconds: float, callback: Callable[[], object]) -> TimerHandle:
        self._loop_time()
        handle = TimerHandle(callback)
        asyncio.get_running_loop().call_later(max(seconds, 0.0) * self._scale, handle._fire)
        return handle
