"""The notification loop: send what is due, escalate what is overdue, forget old webhook receipts.

Runs inside `switchboard serve` (by default) or alone as `switchboard worker`, until `stop` is set.
One bad notification or a database outage never ends it: the pass is logged, the loop backs off
(up to `max_backoff` seconds) and tries again. Every message stays in the outbox until sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.messages import Receipts, Worker

log = get_logger(__name__)

RECEIPT_RETENTION = timedelta(days=2)  # Twilio retries within minutes; replays older are refused
RECEIPT_SWEEP_EVERY = timedelta(hours=1)


@dataclass
class LoopStats:
    passes: int = 0
    handled: int = 0
    escalated: int = 0
    failures: int = 0


class NotificationLoop:
    def __init__(
        self,
        worker: Worker,
        clock: Clock,
        *,
        receipts: Receipts | None = None,
        before_pass: Callable[[], Awaitable[object]] | None = None,
        poll_seconds: float = 2.0,
        max_backoff: float = 60.0,
    ) -> None:
        self._worker, self._clock, self._receipts = worker, clock, receipts
        self._before_pass = before_pass
        self._poll, self._max_backoff = poll_seconds, max_backoff
        self._last_sweep: datetime | None = None
        self.stats = LoopStats()

    async def run_pass(self, stop: asyncio.Event | None = None) -> int:
        """One pass: refresh, send due work until none is left (or `stop` is set: a backlog never
        holds up a shutdown, what is left stays in the outbox), escalate, maybe sweep receipts."""
        if self._before_pass is not None:
            await self._before_pass()
        handled = 0
        while not (stop is not None and stop.is_set()) and (n := await self._worker.run_once()) > 0:
            handled += n
        self.stats.escalated += await self._worker.escalate()
        now = self._clock.now()
        if self._receipts is not None and (
            self._last_sweep is None or now - self._last_sweep >= RECEIPT_SWEEP_EVERY
        ):
            forgotten = await self._receipts.forget_before(now - RECEIPT_RETENTION)
            self._last_sweep = now
            if forgotten:
                log.info("forgot old webhook receipts", count=forgotten)
        self.stats.handled += handled
        return handled

    async def run(self, stop: asyncio.Event) -> LoopStats:
        """Loop until `stop` is set; returns what it did."""
        failures = 0
        log.info("notification worker started")
        while not stop.is_set():
            self.stats.passes += 1
            try:
                await self.run_pass(stop)
                failures = 0
                delay = self._poll
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                self.stats.failures += 1
                delay = min(self._max_backoff, self._poll * 2**failures)
                log.exception("notification pass failed; retrying", in_seconds=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
        log.info("notification worker stopped")
        return self.stats
