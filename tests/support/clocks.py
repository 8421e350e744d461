"""The one test clock (a `ports.clock.Clock`): time moves only when a test or the code under test
says so, never on its own, so a test reads the same on a slow machine as on a fast one."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class ManualClock:
    """`now()` is `at`. `sleep(s)` moves `at` on by s at once (no real waiting) and yields to the
    event loop, unless made with `sleep_moves=False` (time stands still, as for a call that
    must not see time pass). With `tick`, every `now()` first moves `at` on by it (distinct,
    ordered timestamps). `advance(...)` moves it by hand."""

    def __init__(
        self, at: datetime, *, tick: timedelta | None = None, sleep_moves: bool = True
    ) -> None:
        if at.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware time")
        self.at, self._tick, self._sleep_moves = at, tick, sleep_moves

    def now(self) -> datetime:
        if self._tick is not None:
            self.at += self._tick
        return self.at

    async def sleep(self, seconds: float) -> None:
        if self._sleep_moves:
            self.at += timedelta(seconds=seconds)
        await asyncio.sleep(0)

    def advance(self, delta: timedelta) -> None:
        self.at += delta
