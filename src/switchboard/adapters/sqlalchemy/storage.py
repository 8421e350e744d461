"""The storage the composition root holds: one engine, its sessions, and units of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.engine import create_engine, create_session_factory, reading
from switchboard.adapters.sqlalchemy.migrate import is_up_to_date, upgrade_database
from switchboard.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork


class Storage:
    """Long-lived: create it once per process (`open_storage`) and `dispose()` it on shutdown."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.read_engine = reading(engine)  # the same pool, for work that only reads
        self.session_factory = create_session_factory(engine)
        self.read_session_factory = create_session_factory(self.read_engine)

    def unit_of_work(self) -> SqlAlchemyUnitOfWork:
        """A new, unopened unit of work; use it with `async with`."""
        return SqlAlchemyUnitOfWork(self.session_factory)

    def reading_unit_of_work(self) -> SqlAlchemyUnitOfWork:
        """A unit of work that only reads: on SQLite it never takes (nor waits for) the write
        lock, so a long read (reloading 100,000 employees) does not hold up writers."""
        return SqlAlchemyUnitOfWork(self.read_session_factory)

    async def is_ready(self) -> bool:
        """True when the database answers and its schema is at the latest migration (/readyz)."""
        try:
            return await is_up_to_date(self.read_engine)
        except Exception:  # any failure to reach or read the database means "not ready"
            return False

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def open_storage(url: str, *, migrate: bool = True) -> Storage:
    """Connect to `url` and, unless `migrate` is False, bring its schema to the latest revision."""
    engine = create_engine(url)
    if migrate:
        try:
            await upgrade_database(engine)
        except BaseException:
            await engine.dispose()
            raise
    return Storage(engine)
