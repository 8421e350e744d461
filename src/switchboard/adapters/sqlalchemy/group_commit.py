"""Group commit: many small concurrent writes share one transaction, so one commit (one fsync on
SQLite, one WAL flush on PostgreSQL) serves them all.

Each writer still gets its answer only after the commit that holds its write, so a webhook that
answers 2xx has made its write durable. The writes of a batch are applied by one function in a few
set-based statements (not one statement per write: on aiosqlite every statement is a thread hop).
A batch whose transaction fails is retried one write per transaction, so one bad write cannot fail
its neighbours; a write must therefore be safe to run again after a rollback (everything here is an
idempotent INSERT … ON CONFLICT or a forward-only UPDATE).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.logs import get_logger

log = get_logger(__name__)
Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_BATCH = 256


class GroupCommit(Generic[Item, Result]):
    """Queues items; one writer task applies them in batches with `apply_batch(conn, items)`,
    which returns one result per item, in order."""

    def __init__(
        self,
        engine: AsyncEngine,
        apply_batch: Callable[[AsyncConnection, list[Item]], Awaitable[list[Result]]],
        *,
        max_batch: int = MAX_BATCH,
        name: str = "group-commit",
    ) -> None:
        self._engine, self._apply, self._max_batch, self._name = (
            engine,
            apply_batch,
            max_batch,
            name,
        )
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed (for tests and curiosity)

    async def submit(self, item: Item) -> Result:
        """`item`'s result, once the transaction that holds it has committed."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._writer is None or self._writer.done():
            # Owned by this object and awaited through the futures it resolves.
            self._writer = asyncio.create_task(self._drain(), name=self._name)
        # A caller that gives up (its request was cancelled) cancels only its wait: the item
        # stays in its batch and commits with the others.
        return await future

    async def aclose(self) -> None:
        """Let the items already queued commit."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                async with self._engine.begin() as conn:
                    results = await self._apply(conn, [item for item, _ in batch])
                self.commits += 1
            except Exception:
                if len(batch) > 1:
                    log.warning("group_commit.batch_failed", writer=self._name, exc_info=True)
                await self._one_by_one(batch)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _one_by_one(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        for item, future in batch:
            try:
                async with self._engine.begin() as conn:
                    (result,) = await self._apply(conn, [item])
                self.commits += 1
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(result)
