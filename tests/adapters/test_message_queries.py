"""Reading messages back (newest first, paged, by id or unique prefix) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import (
    AmbiguousMessageId,
    SqlAlchemyMessageQueries,
)
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel
from switchboard.domain.notifications.plan import plan_notifications

T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DIRECTORY = Directory(
    company=CompanyProfile(name="Acme"),
    employees=(Employee("ann", "Ann", "+13125550101", email="a@x.test", sms="+13125550112"),),
)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def add(storage: Storage, message_id: str, at: datetime) -> Message:
    m = Message(message_id, RecipientKind.EMPLOYEE, "ann", "Bob", None, "Hi", at)
    await SqlAlchemyMessageOutbox(storage.engine).add(m, plan_notifications(m, None, DIRECTORY, at))
    return m


async def test_newest_first_across_pages_with_notifications(storage: Storage) -> None:
    # 450 messages: more than two pages; some share a timestamp (the id breaks the tie).
    for i in range(450):
        await add(storage, f"msg_{i:04d}", T0 + timedelta(seconds=i // 3))
    queries = SqlAlchemyMessageQueries(storage.engine)
    seen = [s async for s in queries.newest()]
    assert len(seen) == 450
    assert [s.message.id for s in seen] == [f"msg_{i:04d}" for i in reversed(range(450))]
    assert all({n.channel for n in s.notifications} == {Channel.EMAIL, Channel.SMS} for s in seen)
    recent = [s async for s in queries.newest(since=T0 + timedelta(seconds=149))]
    assert [s.message.id for s in recent] == ["msg_0449", "msg_0448", "msg_0447"]


async def test_find_by_id_or_unique_prefix(storage: Storage) -> None:
    await add(storage, "msg_abcdef01", T0)
    await add(storage, "msg_abcdef02", T0)
    await add(storage, "msg_zz%_9999", T0)
    queries = SqlAlchemyMessageQueries(storage.engine)
    found = await queries.find("msg_abcdef02")
    assert found is not None
    assert found.message.id == "msg_abcdef02"
    assert len(found.notifications) == 2
    with pytest.raises(AmbiguousMessageId, match="several"):
        await queries.find("msg_abcdef")
    assert await queries.find("msg_abc") is None  # too short to be taken as a prefix
    assert await queries.find("msg_nothing") is None
    # LIKE wildcards in the argument are literal characters, not patterns.
    hit = await queries.find("msg_zz%_")
    assert hit is not None
    assert hit.message.id == "msg_zz%_9999"
    assert await queries.find("msg_ab%_") is None
