"""What the daily digest reads from storage: call records and messages since a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.domain.call_record import CallRecord
from switchboard.domain.messages.delivery import StoredMessage
from switchboard.ports.repositories import UnitOfWork

MAX_CALLS = 100_000  # a day's calls for one company; far beyond any real switchboard


class SqlAlchemyDigestSources:
    def __init__(self, engine: AsyncEngine, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._queries = SqlAlchemyMessageQueries(engine)
        self._unit_of_work = unit_of_work

    async def calls_since(self, start: datetime) -> list[CallRecord]:
        async with self._unit_of_work() as uow:
            return await uow.calls.list_recent(limit=MAX_CALLS, since=start)

    async def messages_since(self, start: datetime) -> list[StoredMessage]:
        return [stored async for stored in self._queries.newest(since=start)]
