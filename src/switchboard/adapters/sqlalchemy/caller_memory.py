"""Caller memory on SQL (table `caller_memory`, migration 0010) and the open-message query.

A message is "open" when it was left by this caller (its call came from the number, or its
callback number is the number) for the employee, after the caller's last call that was
transferred to that employee: once they have spoken, the message counts as dealt with. Messages
have no "handled" flag of their own (yet); this is the closest honest reading of "open".
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.caller_tables import caller_memory
from switchboard.adapters.sqlalchemy.message_tables import messages
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.domain.caller_memory import KnownCaller


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SqlAlchemyCallerMemory:
    """The CallerMemoryStore port on the application's engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def recall(self, number: str) -> KnownCaller | None:
        query = select(caller_memory).where(caller_memory.c.number == number)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return KnownCaller(row["number"], row["name"], _utc(row["last_seen"]), row["calls"])

    async def remember(self, number: str, name: str, at: datetime) -> None:
        at = _utc(at)
        change = (
            update(caller_memory)
            .where(caller_memory.c.number == number)
            .values(name=name, last_seen=at, calls=caller_memory.c.calls + 1)
        )
        async with self._engine.begin() as conn:
            if (await conn.execute(change)).rowcount:
                return
            try:
                async with conn.begin_nested():
                    await conn.execute(
                        insert(caller_memory).values(
                            number=number, name=name, last_seen=at, calls=1
                        )
                    )
            except IntegrityError:  # another call from the same number got there first
                await conn.execute(change)

    async def open_messages(self, number: str, employee_id: str) -> int:
        last_talk = (
            select(func.max(calls.c.started_at))
            .where(calls.c.caller_number == number, calls.c.transferred_to == employee_id)
            .scalar_subquery()
        )
        from_caller = or_(
            messages.c.callback_number == number,
            messages.c.call_id.in_(select(calls.c.call_id).where(calls.c.caller_number == number)),
        )
        query = (
            select(func.count())
            .select_from(messages)
            .where(
                messages.c.recipient_kind == "employee",
                messages.c.recipient_id == employee_id,
                from_caller,
                or_(last_talk.is_(None), messages.c.created_at > last_talk),
            )
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
