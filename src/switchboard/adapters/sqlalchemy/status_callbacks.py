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

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.adapters.sqlalchemy.engine import is_sqlite
from switchboard.adapters.sqlalchemy.message_outbox import (
    apply_provider_status_in,
    forward_update,
    rank,
)
from switchboard.adapters.sqlalchemy.message_rows import utc
from switchboard.adapters.sqlalchemy.message_tables import (
    early_provider_statuses,
    notifications,
    webhook_receipts,
)
from switchboard.domain.notifications import NotificationStatus, moves_forward
from switchboard.logs import get_logger

log = get_logger(__name__)
MAX_BATCH = 256


@dataclass(frozen=True, slots=True)
class _Callback:
    key: str
    provider_id: str
    status: NotificationStatus
    error_code: str | None
    at: datetime


class GroupCommitStatusWriter:
    """Implements `StatusCallbackWriter` (ports/webhooks.py)."""

    def __init__(self, engine: AsyncEngine, *, max_batch: int = MAX_BATCH) -> None:
        self._engine, self._max_batch = engine, max_batch
        self._insert = sqlite_insert if is_sqlite(engine) else pg_insert
        self._pending: list[tuple[_Callback, asyncio.Future[bool | None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed (for tests and curiosity)

    async def apply_once(
        self,
        key: str,
        provider_id: str,
        status: NotificationStatus,
        error_code: str | None,
        at: datetime,
    ) -> bool | None:
        """None when `key` was handled before; else whether a notification has `provider_id`."""
        future: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self._pending.append((_Callback(key, provider_id, status, error_code, at), future))
        if self._writer is None or self._writer.done():
            # Owned by this object and awaited through the futures it resolves.
            self._writer = asyncio.create_task(self._drain(), name="status-group-commit")
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                async with self._engine.begin() as conn:
                    results = await self._apply_batch(conn, [cb for cb, _ in batch])
                self.commits += 1
            except Exception:
                log.warning("status batch failed; retrying one by one", exc_info=True)
                await self._one_by_one(batch)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _one_by_one(self, batch: list[tuple[_Callback, asyncio.Future[bool | None]]]) -> None:
        for cb, future in batch:
            try:
                async with self._engine.begin() as conn:
                    result = await self._apply(conn, cb)
                self.commits += 1
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(result)

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

    async def _apply(self, conn: AsyncConnection, cb: _Callback) -> bool | None:
        receipt = (
            self._insert(webhook_receipts)
            .values(key=cb.key, received_at=utc(cb.at))
            .on_conflict_do_nothing(index_elements=["key"])
        )
        if not (await conn.execute(receipt)).rowcount:
            return None
        return await apply_provider_status_in(conn, cb.provider_id, cb.status, cb.error_code, cb.at)
