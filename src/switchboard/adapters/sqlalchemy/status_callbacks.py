"""Message status callbacks written with group commit: the idempotency receipt and the status
update of many concurrent callbacks share one transaction, so one commit (and one fsync) serves
them all. Each caller still gets its answer only after the commit that holds its write, so a 204
to Twilio always means "durable" — and the receipt and the update commit or roll back together
(a receipt never outlives a lost update, which would make Twilio's retry a no-op).

Twilio sends bursts of callbacks (every SMS gets several); on SQLite, whose writers queue behind
one lock, this is what keeps /twilio/status fast. A batch that fails is retried one callback per
transaction, so one bad row cannot fail its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.adapters.sqlalchemy.engine import is_sqlite
from switchboard.adapters.sqlalchemy.group_commit import MAX_BATCH, GroupCommit
from switchboard.adapters.sqlalchemy.message_outbox import (
    forward_update,
    lock_provider_ids,
    rank,
)
from switchboard.adapters.sqlalchemy.message_rows import utc
from switchboard.adapters.sqlalchemy.message_tables import (
    early_provider_statuses,
    notifications,
    webhook_receipts,
)
from switchboard.domain.notifications import NotificationStatus, moves_forward


@dataclass(frozen=True, slots=True)
class _Callback:
    key: str
    provider_id: str
    status: NotificationStatus
    error_code: str | None
    at: datetime


class GroupCommitStatusWriter:
    """Implements `StatusCallbackWriter` (ports/webhooks.py) on the shared group commit."""

    def __init__(self, engine: AsyncEngine, *, max_batch: int = MAX_BATCH) -> None:
        self._insert = sqlite_insert if is_sqlite(engine) else pg_insert
        self._group = GroupCommit(
            engine, self._apply_batch, max_batch=max_batch, name="status-group-commit"
        )

    @property
    def commits(self) -> int:
        """Transactions committed (for tests and curiosity)."""
        return self._group.commits

    async def apply_once(
        self,
        key: str,
        provider_id: str,
        status: NotificationStatus,
        error_code: str | None,
        at: datetime,
    ) -> bool | None:
        """None when `key` was handled before; else whether a notification has `provider_id`."""
        return await self._group.submit(_Callback(key, provider_id, status, error_code, at))

    async def _apply_batch(
        self, conn: AsyncConnection, batch: list[_Callback]
    ) -> list[bool | None]:
        """The whole batch in a handful of statements: one receipt INSERT … RETURNING, one
        forward-only UPDATE per distinct (status, error code), one existence check; only
        callbacks for notifications we do not know yet take the slow path (`_apply`)."""
        rows = {cb.key: {"key": cb.key, "received_at": utc(cb.at)} for cb in batch}
        inserted = set(
            (
                await conn.execute(
                    self._insert(webhook_receipts)
                    .values(list(rows.values()))
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(webhook_receipts.c.key)
                )
            ).scalars()
        )
        fresh: list[_Callback] = []
        for cb in batch:  # a key repeated inside the batch counts once, for its first callback
            if cb.key in inserted:
                inserted.discard(cb.key)
                fresh.append(cb)
        known = await self._move_forward(conn, fresh)
        unknown = [cb for cb in fresh if cb.provider_id not in known]
        if unknown and await lock_provider_ids(conn, [cb.provider_id for cb in unknown]):
            known |= await self._move_forward(conn, unknown)  # sends recorded meanwhile
        await self._keep_early(conn, [cb for cb in fresh if cb.provider_id not in known])
        chosen = {id(cb) for cb in fresh}
        return [cb.provider_id in known if id(cb) in chosen else None for cb in batch]

    async def _keep_early(self, conn: AsyncConnection, unknown: list[_Callback]) -> None:
        """Statuses for provider ids no notification has (yet — the send's response may still be
        on its way, or the SID is another app's): keep the furthest status per id, in three
        statements for the whole batch, to be applied when the SID is recorded."""
        best: dict[str, _Callback] = {}
        for cb in unknown:
            current = best.get(cb.provider_id)
            if current is None or moves_forward(current.status, cb.status):
                best[cb.provider_id] = cb
        if not best:
            return
        table = early_provider_statuses
        query = select(table.c.provider_id, table.c.status).where(table.c.provider_id.in_(best))
        old = {str(r.provider_id): str(r.status) for r in (await conn.execute(query)).all()}
        write = [
            cb
            for pid, cb in best.items()
            if pid not in old or moves_forward(NotificationStatus(old[pid]), cb.status)
        ]
        if not write:
            return
        ids = [cb.provider_id for cb in write]
        await conn.execute(delete(table).where(table.c.provider_id.in_(ids)))
        rows = [
            {"provider_id": cb.provider_id, "status": cb.status.value,
             "error_code": cb.error_code, "received_at": utc(cb.at)}
            for cb in write
        ]  # fmt: skip
        await conn.execute(insert(table), rows)

    async def _move_forward(self, conn: AsyncConnection, fresh: list[_Callback]) -> set[str]:
        """Apply the statuses in rank order (so `sent` then `delivered` for one message ends at
        `delivered`); returns the provider ids that belong to a notification."""
        groups: dict[tuple[NotificationStatus, str | None], list[_Callback]] = {}
        for cb in fresh:
            groups.setdefault((cb.status, cb.error_code), []).append(cb)
        for (status, code), callbacks in sorted(groups.items(), key=lambda g: rank(g[0][0])):
            await conn.execute(
                forward_update(
                    [cb.provider_id for cb in callbacks], status, code, max(c.at for c in callbacks)
                )
            )
        ids = list({cb.provider_id for cb in fresh})
        if not ids:
            return set()
        query = select(notifications.c.provider_id).where(notifications.c.provider_id.in_(ids))
        result = await conn.execute(query)
        ids_found: list[object] = list(result.scalars().all())
        return {str(pid) for pid in ids_found}
