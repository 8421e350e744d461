"""Purging personal data past its retention period: on demand (`switchboard purge`) and once a day
inside `switchboard serve`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import datetime, timedelta

from switchboard.domain.retention import DataKind, RetentionPolicy
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.retention import PersonalData
from switchboard.settings import Settings

log = get_logger(__name__)

DAILY = timedelta(days=1)


def policy_from_settings(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        {
            DataKind.CALLS: settings.retention_calls_days,
            DataKind.TRANSCRIPTS: settings.retention_transcripts_days,
            DataKind.CALLER_NUMBERS: settings.retention_caller_numbers_days,
            DataKind.RECORDINGS: settings.retention_recordings_days,
            DataKind.MESSAGES: settings.retention_messages_days,
            DataKind.CALLER_MEMORY: settings.retention_caller_memory_days,
        }
    )


class AllPersonalData:
    """Several `PersonalData` as one (the database, then the voicemail recordings on disk): the
    counts of each kind add up. Each part is atomic on its own, not all of them together."""

    def __init__(self, *parts: PersonalData) -> None:
        self._parts = parts

    async def purge(
        self, cutoffs: Mapping[DataKind, datetime], *, apply: bool
    ) -> dict[DataKind, int]:
        counts: dict[DataKind, int] = {}
        for part in self._parts:
            for kind, n in (await part.purge(cutoffs, apply=apply)).items():
                counts[kind] = counts.get(kind, 0) + n
        return counts


async def purge(
    data: PersonalData, policy: RetentionPolicy, clock: Clock, *, apply: bool
) -> dict[DataKind, int]:
    """What goes under `policy` now; deleted only when `apply`."""
    counts = await data.purge(policy.cutoffs(clock.now()), apply=apply)
    if apply and any(counts.values()):
        log.info("retention.purged", **{k.value: n for k, n in counts.items()})
    return counts


async def purge_daily(
    data: PersonalData,
    policy: RetentionPolicy,
    clock: Clock,
    stop: asyncio.Event,
    *,
    every: timedelta = DAILY,
) -> int:
    """Purge now and then every `every` until `stop` is set; returns how many passes ran. A failed
    pass is logged and tried again at the next one: retention never takes `serve` down."""
    passes = 0
    while not stop.is_set():
        try:
            await purge(data, policy, clock, apply=True)
        except Exception:  # a database outage must not end serve; the next pass retries
            log.exception("retention.purge_failed")
        passes += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
    return passes
