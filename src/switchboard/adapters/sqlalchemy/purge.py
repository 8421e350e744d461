"""Retention on SQL: count, or delete, the personal data older than each kind's cut-off.

Everything happens in one transaction, so a purge that fails part-way changes nothing. Rows newer
than a cut-off are never touched, which is why a call or message arriving during a purge is safe;
a message with a notification still on its way is never purged, whatever its age.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, not_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.adapters.sqlalchemy.caller_tables import caller_memory
from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.adapters.sqlalchemy.webhook_tables import (
    inbound_sms,
    twilio_call_statuses,
    voicemails,
)
from switchboard.domain.notifications import NotificationStatus
from switchboard.domain.retention import DataKind

_FINAL = [s.value for s in NotificationStatus if s.is_final]
_REMOVED = "[recording removed]"


def _finished(message_id: ColumnElement[str]) -> ColumnElement[bool]:
    """True when no notification of the message is still on its way."""
    return not_(
        exists().where(
            notifications.c.message_id == message_id, notifications.c.status.not_in(_FINAL)
        )
    )


async def _count(conn: AsyncConnection, table: Table, where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(where)
    return int((await conn.execute(query)).scalar_one())


async def _calls(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    old = calls.c.started_at < cutoff
    count = await _count(conn, calls, old)
    if apply:
        await conn.execute(delete(calls).where(old))
        await conn.execute(
            delete(twilio_call_statuses).where(twilio_call_statuses.c.received_at < cutoff)
        )
        await conn.execute(delete(voicemails).where(voicemails.c.started_at < cutoff))
    return count


async def _transcripts(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    where = and_(calls.c.started_at < cutoff, func.json_array_length(calls.c.events) > 0)
    count = await _count(conn, calls, where)
    if apply:
        await conn.execute(update(calls).where(where).values(events=[]))
    return count


async def _caller_numbers(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    in_calls = and_(calls.c.started_at < cutoff, calls.c.caller_number.is_not(None))
    in_messages = and_(
        messages.c.created_at < cutoff,
        messages.c.callback_number.is_not(None),
        _finished(messages.c.id),
    )
    in_voicemails = and_(voicemails.c.started_at < cutoff, voicemails.c.caller_number.is_not(None))
    count = (
        await _count(conn, calls, in_calls)
        + await _count(conn, messages, in_messages)
        + await _count(conn, voicemails, in_voicemails)
    )
    if apply:
        await conn.execute(update(calls).where(in_calls).values(caller_number=None))
        await conn.execute(update(messages).where(in_messages).values(callback_number=None))
        await conn.execute(update(voicemails).where(in_voicemails).values(caller_number=None))
    return count


async def _recordings(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    where = and_(messages.c.created_at < cutoff, messages.c.recording_url.is_not(None))
    count = await _count(conn, messages, where)
    if apply:
        # The voicemail message's text names the link too: it goes from both places.
        text = func.replace(messages.c.text, messages.c.recording_url, _REMOVED)
        await conn.execute(update(messages).where(where).values(text=text, recording_url=None))
    return count


async def _messages(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    where = and_(messages.c.created_at < cutoff, _finished(messages.c.id))
    sms_where = inbound_sms.c.received_at < cutoff
    count = await _count(conn, messages, where) + await _count(conn, inbound_sms, sms_where)
    if apply:
        doomed = select(messages.c.id).where(where).scalar_subquery()
        await conn.execute(delete(notifications).where(notifications.c.message_id.in_(doomed)))
        await conn.execute(delete(messages).where(where))
        await conn.execute(delete(inbound_sms).where(sms_where))
    return count


async def _caller_memory(conn: AsyncConnection, cutoff: datetime, apply: bool) -> int:
    where = caller_memory.c.last_seen < cutoff
    count = await _count(conn, caller_memory, where)
    if apply:
        await conn.execute(delete(caller_memory).where(where))
    return count


_STEPS = {
    # Order matters only for what is counted: numbers and transcripts of calls about to be
    # deleted are counted under `calls` by running the narrower kinds first.
    DataKind.TRANSCRIPTS: _transcripts,
    DataKind.CALLER_NUMBERS: _caller_numbers,
    DataKind.RECORDINGS: _recordings,
    DataKind.MESSAGES: _messages,
    DataKind.CALLS: _calls,
    DataKind.CALLER_MEMORY: _caller_memory,
}


class SqlAlchemyPersonalData:
    """The PersonalData port on the application's engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def purge(
        self, cutoffs: Mapping[DataKind, datetime], *, apply: bool
    ) -> dict[DataKind, int]:
        """{kind: rows that go (apply=False) or went (apply=True)} for each kind in `cutoffs`."""
        counts: dict[DataKind, int] = {}
        async with self._engine.begin() as conn:
            for kind, step in _STEPS.items():
                if kind in cutoffs:
                    counts[kind] = await step(conn, cutoffs[kind], apply)
            if not apply:
                await conn.rollback()
        return counts
