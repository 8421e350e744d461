"""Webhook receipts on SQLAlchemy: a webhook key is handled once, across restarts and replicas.

The receipts are written inside the transaction of the write they guard (group commit, the
outbox's `add(once_key=)`); this store reads them and forgets old ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.engine import create_session_factory, is_sqlite
from switchboard.adapters.sqlalchemy.message_rows import utc
from switchboard.adapters.sqlalchemy.message_tables import webhook_receipts
from switchboard.ports.clock import Clock


class SqlAlchemyWebhookReceipts:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._sessions = create_session_factory(engine)
        self._insert = sqlite_insert if is_sqlite(engine) else pg_insert
        self._clock = clock

    async def first_time(self, key: str) -> bool:
        """True for the first delivery of `key` (recorded atomically), False for every repeat."""
        statement = (
            self._insert(webhook_receipts)
            .values(key=key, received_at=utc(self._clock.now()))
            .on_conflict_do_nothing(index_elements=["key"])
        )
        async with self._sessions.begin() as s:
            result = await s.execute(statement)
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_before(self, cutoff: datetime) -> int:
        """Drop receipts older than `cutoff` (Twilio retries within minutes; keep a day or so)."""
        async with self._sessions.begin() as s:
            result = await s.execute(
                delete(webhook_receipts).where(webhook_receipts.c.received_at < utc(cutoff))
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
