"""The transactional outbox on SQLAlchemy: implements MessageOutbox and the status store.

Each method is one transaction. Claiming uses SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so
concurrent workers take disjoint rows; on SQLite every transaction begins IMMEDIATE (see
engine.py), which makes the claim a single-claimer critical section.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Update, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from switchboard.adapters.sqlalchemy.engine import create_session_factory, is_sqlite
from switchboard.adapters.sqlalchemy.message_rows import (
    message_from_row,
    message_row,
    notification_from_row,
    notification_row,
    utc,
)
from switchboard.adapters.sqlalchemy.message_tables import (
    early_provider_statuses,
    messages,
    notifications,
    webhook_receipts,
)
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Notification, NotificationStatus, moves_forward

S = NotificationStatus
_CLAIMABLE = (S.QUEUED.value, S.SENDING.value)


class SqlAlchemyMessageOutbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_session_factory(engine)
        self._insert = sqlite_insert if is_sqlite(engine) else pg_insert

    async def add(
        self, message: Message, notes: Sequence[Notification], *, once_key: str | None = None
    ) -> bool:
        """The message and its notifications in one transaction; with `once_key`, the webhook
        receipt too (False, and nothing stored, when the key was handled before)."""
        async with self._sessions.begin() as s:
            if once_key is not None:
                receipt = (
                    self._insert(webhook_receipts)
                    .values(key=once_key, received_at=utc(message.created_at))
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                if not (await s.execute(receipt)).rowcount:  # type: ignore[attr-defined]
                    return False
            await s.execute(insert(messages).values(message_row(message)))
            if notes:
                await s.execute(insert(notifications), [notification_row(n) for n in notes])
        return True

    async def add_notifications(self, notes: Sequence[Notification]) -> None:
        """Queue more notifications; ids already stored are skipped."""
        async with self._sessions.begin() as s:
            ids = [n.id for n in notes]
            known: set[str] = set(
                (
                    await s.scalars(select(notifications.c.id).where(notifications.c.id.in_(ids)))
                ).all()
            )
            fresh = [notification_row(n) for n in notes if n.id not in known]
            if fresh:
                await s.execute(insert(notifications), fresh)

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[tuple[Notification, Message]]:
        """Lease up to `limit` due notifications to this worker (see the module docstring)."""
        async with self._sessions.begin() as s:
            query = (
                select(notifications)
                .where(notifications.c.status.in_(_CLAIMABLE))
                .where(notifications.c.next_attempt_at <= utc(now))
                .order_by(notifications.c.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claimed = []
            for row in (await s.execute(query)).all():
                n = notification_from_row(row).advanced(S.SENDING, now)
                n = replace(n, attempts=n.attempts + 1, next_attempt_at=now + lease)
                await s.execute(
                    update(notifications)
                    .where(notifications.c.id == n.id)
                    .values(notification_row(n))
                )
                claimed.append(n)
            return [(n, await self._load_message(s, n.message_id)) for n in claimed]

    async def _load_message(self, s: AsyncSession, message_id: str) -> Message:
        row = (await s.execute(select(messages).where(messages.c.id == message_id))).one()
        return message_from_row(row)

    async def _locked(self, s: AsyncSession, notification_id: str) -> Notification | None:
        query = select(notifications).where(notifications.c.id == notification_id).with_for_update()
        row = (await s.execute(query)).one_or_none()
        return notification_from_row(row) if row is not None else None

    async def _write(self, s: AsyncSession, n: Notification) -> None:
        await s.execute(
            update(notifications).where(notifications.c.id == n.id).values(notification_row(n))
        )

    async def save(self, notification: Notification) -> None:
        """Write back a notification; a stored final status is never replaced by another."""
        async with self._sessions.begin() as s:
            current = await self._locked(s, notification.id)
            if (
                current is not None
                and current.status.is_final
                and notification.status != current.status
            ):
                return
            await self._write(s, notification)

    async def record_sent(
        self,
        notification_id: str,
        provider_id: str | None,
        status: NotificationStatus,
        at: datetime,
    ) -> Notification:
        """Attach the provider id and its status, then apply any callback that came early."""
        async with self._sessions.begin() as s:
            current = await self._locked(s, notification_id)
            if current is None:
                raise KeyError(notification_id)
            n = replace(current, provider_id=provider_id, next_attempt_at=None)
            n = n.advanced(S.SENT if status is S.SENDING else status, at)
            if provider_id is not None:
                await lock_provider_ids(
                    s, [provider_id]
                )  # a racing callback commits first, or waits
                table = early_provider_statuses
                early = (
                    await s.execute(select(table).where(table.c.provider_id == provider_id))
                ).one_or_none()
                if early is not None:
                    n = n.advanced(S(early.status), at, error_code=early.error_code)
                    await s.execute(delete(table).where(table.c.provider_id == provider_id))
            await self._write(s, n)
            return n

    async def apply_provider_status(
        self, provider_id: str, status: NotificationStatus, error_code: str | None, at: datetime
    ) -> bool:
        """Forward-only update by provider id; unknown ids are kept for `record_sent`."""
        async with self._sessions.begin() as s:
            return await apply_provider_status_in(s, provider_id, status, error_code, at)

    async def notifications_of(self, message_id: str) -> list[Notification]:
        async with self._sessions() as s:
            query = select(notifications).where(notifications.c.message_id == message_id)
            return [
                notification_from_row(r)
                for r in (await s.execute(query.order_by(notifications.c.id))).all()
            ]

    async def needing_fallback_check(self, now: datetime) -> list[tuple[Notification, Message]]:
        """Candidates for a fallback: failed or undelivered deliveries, and SMS still waiting for a
        delivery report — only those not escalated yet (no notification is their fallback). Emails
        in `sent` are done and never looked at again, so a pass stays small as the outbox grows."""
        n, child = notifications, notifications.alias("fallback")
        escalated = exists().where(child.c.fallback_of == n.c.id)
        query = (
            select(n)
            .where(
                or_(
                    n.c.status.in_((S.FAILED.value, S.UNDELIVERED.value)),
                    and_(n.c.channel == "sms", n.c.status.in_((S.SENT.value, S.SENDING.value))),
                )
            )
            .where(~escalated)
        )
        async with self._sessions() as s:
            rows = (await s.execute(query)).all()
            ids = list({r.message_id for r in rows})
            found: dict[str, Message] = {}
            for start in range(0, len(ids), 500):
                chunk = select(messages).where(messages.c.id.in_(ids[start : start + 500]))
                found |= {r.id: message_from_row(r) for r in (await s.execute(chunk)).all()}
        return [(notification_from_row(r), found[r.message_id]) for r in rows]


def rank(status: NotificationStatus) -> int:
    """How far along `status` is (statuses of equal rank never replace each other)."""
    return sum(1 for st in S if moves_forward(st, status))


# The send's record (`record_sent`) and a status callback for a SID no notification has yet meet on
# the provider id. Under PostgreSQL's READ COMMITTED each can miss the other's uncommitted write
# (the record finds no early status, the callback finds no notification) and the status would sit
# in early_provider_statuses for good. A transaction-scoped advisory lock per id orders the two.
# SQLite needs none: every write transaction starts with BEGIN IMMEDIATE (engine.py), so writers
# queue. Two-int keys: a key space apart from the directory writers' one-bigint key.
_PROVIDER_ID_LOCKS = 0x5342


async def lock_provider_ids(db: AsyncConnection | AsyncSession, ids: Iterable[str]) -> bool:
    """On PostgreSQL, hold each id's lock until the transaction ends (ids in one order, so two
    transactions cannot deadlock on them) and return True; on SQLite do nothing (False)."""
    bind = db.bind if isinstance(db, AsyncSession) else db
    if bind is None or bind.dialect.name == "sqlite":
        return False
    for provider_id in sorted(set(ids)):
        lock = func.pg_advisory_xact_lock(_PROVIDER_ID_LOCKS, func.hashtext(provider_id))
        await db.execute(select(lock))
    return True


def forward_update(
    provider_ids: Sequence[str], status: NotificationStatus, error_code: str | None, at: datetime
) -> Update:
    """UPDATE the notifications sent as `provider_ids` to `status`, only those still behind it."""
    behind = [st.value for st in S if moves_forward(st, status)]
    values: dict[str, object] = {"status": status.value, "updated_at": utc(at)}
    if error_code is not None:
        values["error_code"] = error_code
    if status.is_final:
        values["next_attempt_at"] = None
    return (
        update(notifications)
        .where(notifications.c.provider_id.in_(provider_ids))
        .where(notifications.c.status.in_(behind))
        .values(values)
    )


async def apply_provider_status_in(
    s: AsyncSession | AsyncConnection,
    provider_id: str,
    status: NotificationStatus,
    error_code: str | None,
    at: datetime,
) -> bool:
    """`apply_provider_status` inside a transaction the caller owns (the webhook's group commit).
    True when a notification has `provider_id` (moved forward, or already further along)."""
    # One conditional UPDATE in the common case: only rows still behind `status` move.
    moved = await s.execute(forward_update([provider_id], status, error_code, at))
    if moved.rowcount:  # type: ignore[attr-defined]
        return True
    if await lock_provider_ids(s, [provider_id]):  # a send being recorded has committed now
        moved = await s.execute(forward_update([provider_id], status, error_code, at))
        if moved.rowcount:  # type: ignore[attr-defined]
            return True
    known = select(notifications.c.id).where(notifications.c.provider_id == provider_id)
    if (await s.scalar(known)) is not None:
        return True  # a duplicate or stale callback: nothing to change
    table = early_provider_statuses
    old = (await s.execute(select(table).where(table.c.provider_id == provider_id))).one_or_none()
    if old is None or moves_forward(S(old.status), status):
        await s.execute(delete(table).where(table.c.provider_id == provider_id))
        early: dict[str, object] = {"provider_id": provider_id, "status": status.value}
        early |= {"error_code": error_code, "received_at": utc(at)}
        await s.execute(insert(table).values(early))
    return False
