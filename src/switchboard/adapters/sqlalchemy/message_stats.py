"""Counts for /metrics, read from the database at scrape time (right even when the notification
worker runs in another process)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.engine import create_session_factory, reading
from switchboard.adapters.sqlalchemy.message_rows import utc
from switchboard.adapters.sqlalchemy.message_tables import notifications


@dataclass(frozen=True, slots=True)
class OutboxStats:
    by_channel_status: dict[tuple[str, str], int]  # (channel, status) → notifications
    due: int  # queued or sending, due now: the outbox depth


class SqlAlchemyMessageStats:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_session_factory(reading(engine))  # reads only

    async def outbox_stats(self, now: datetime) -> OutboxStats:
        n = notifications.c
        grouped = select(n.channel, n.status, func.count()).group_by(n.channel, n.status)
        due = (
            select(func.count())
            .select_from(notifications)
            .where(n.status.in_(("queued", "sending")))
            .where(n.next_attempt_at <= utc(now))
        )
        async with self._sessions() as s:
            rows = (await s.execute(grouped)).all()
            depth = await s.scalar(due)
        counts = {(str(r[0]), str(r[1])): int(r[2]) for r in rows}
        return OutboxStats(counts, int(depth) if isinstance(depth, int) else 0)
