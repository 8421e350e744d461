"""Caller memory on SQLite and PostgreSQL: remembering, recalling, open messages, and retention."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.caller_memory import SqlAlchemyCallerMemory
from switchboard.adapters.sqlalchemy.message_tables import messages
from switchboard.adapters.sqlalchemy.purge import SqlAlchemyPersonalData
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.domain.retention import DataKind, RetentionPolicy
from switchboard.services.retention import policy_from_settings
from switchboard.settings import Settings

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ANN = "+16125550177"
BOB = "+16125550188"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    s = await open_storage(database_url)
    try:
        yield s
    finally:
        await s.dispose()


async def test_remember_then_recall_counts_calls_and_keeps_the_latest_name(
    storage: Storage,
) -> None:
    memory = SqlAlchemyCallerMemory(storage.engine)
    assert await memory.recall(ANN) is None
    await memory.remember(ANN, "Ann Lee", NOW - timedelta(days=3))
    await memory.remember(ANN, "Anne Lee", NOW)
    known = await memory.recall(ANN)
    assert known is not None
    assert (known.name, known.calls, known.last_seen) == ("Anne Lee", 2, NOW)
    assert await memory.recall(BOB) is None


async def test_concurrent_first_calls_from_one_number_make_one_row(storage: Storage) -> None:
    memory = SqlAlchemyCallerMemory(storage.engine)
    await asyncio.gather(*(memory.remember(BOB, "Bob", NOW) for _ in range(4)))
    known = await memory.recall(BOB)
    assert known is not None
    assert known.calls == 4


async def _call(storage: Storage, call_id: str, number: str, at: datetime, to: str | None) -> None:
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(calls).values(call_id=call_id, started_at=at, caller_number=number,
                                 transferred_to=to, events=[])
        )  # fmt: skip


async def _message(
    storage: Storage, mid: str, call_id: str | None, at: datetime, *, callback: str | None = None,
    for_id: str = "dana",
) -> None:  # fmt: skip
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(messages).values(
                id=mid, recipient_kind="employee", recipient_id=for_id, caller_name="Ann",
                callback_number=callback, text="call me", urgent=False, call_id=call_id,
                created_at=at,
            )
        )  # fmt: skip


async def test_open_messages_are_those_left_since_the_caller_last_got_through(
    storage: Storage,
) -> None:
    memory = SqlAlchemyCallerMemory(storage.engine)
    day = timedelta(days=1)
    await _call(storage, "c1", ANN, NOW - 5 * day, None)
    await _message(storage, "m1", "c1", NOW - 5 * day)  # handled: they talked on day -3
    await _call(storage, "c2", ANN, NOW - 3 * day, "dana")
    await _call(storage, "c3", ANN, NOW - 2 * day, None)
    await _message(storage, "m2", "c3", NOW - 2 * day)  # open
    await _message(storage, "m3", None, NOW - day, callback=ANN)  # open: left from another phone
    await _message(storage, "m4", "c3", NOW - day, for_id="tom")  # for someone else
    await _call(storage, "c4", BOB, NOW - day, None)
    await _message(storage, "m5", "c4", NOW - day)  # from someone else
    assert await memory.open_messages(ANN, "dana") == 2
    assert await memory.open_messages(ANN, "tom") == 1
    assert await memory.open_messages(BOB, "dana") == 1
    assert await memory.open_messages("+16125550100", "dana") == 0


async def test_purge_forgets_callers_not_heard_from_within_the_retention_period(
    storage: Storage,
) -> None:
    memory = SqlAlchemyCallerMemory(storage.engine)
    await memory.remember(ANN, "Ann", NOW - timedelta(days=200))
    await memory.remember(BOB, "Bob", NOW - timedelta(days=10))
    data = SqlAlchemyPersonalData(storage.engine)
    cutoffs = RetentionPolicy({DataKind.CALLER_MEMORY: 180}).cutoffs(NOW)
    assert await data.purge(cutoffs, apply=False) == {DataKind.CALLER_MEMORY: 1}
    assert await memory.recall(ANN) is not None  # a dry run changes nothing
    assert await data.purge(cutoffs, apply=True) == {DataKind.CALLER_MEMORY: 1}
    assert await memory.recall(ANN) is None
    assert await memory.recall(BOB) is not None


def test_caller_memory_has_its_own_retention_setting() -> None:
    policy = policy_from_settings(Settings(retention_caller_memory_days=30))
    assert policy.days[DataKind.CALLER_MEMORY] == 30
    assert policy_from_settings(Settings()).days[DataKind.CALLER_MEMORY] == 180
