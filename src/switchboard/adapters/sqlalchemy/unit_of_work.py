"""One transaction over every repository, behind the UnitOfWork port."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.adapters.sqlalchemy.call_record_repository import SqlAlchemyCallRecordRepository
from switchboard.adapters.sqlalchemy.directory_repository import SqlAlchemyDirectoryRepository
from switchboard.ports.repositories import CallRecordRepository, DirectoryRepository


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session; leaving without `commit()`, or with an exception, rolls
    back. Repositories are attributes created on entry and valid until exit.

    Hold one unit of work at a time per task: on SQLite a second, nested one waits for the
    first's write lock and gives up after the busy timeout.
    """

    directory: DirectoryRepository
    calls: CallRecordRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; create a new one")
        self._session = self._session_factory()
        self.directory = SqlAlchemyDirectoryRepository(self._session)
        self.calls = SqlAlchemyCallRecordRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            # Whatever was not committed is discarded, whether we leave normally or by exception.
            await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        """Make everything done so far permanent; the unit of work stays usable afterwards."""
        await self._open_session().commit()

    async def execute(self, statement: Executable) -> Result[Any]:
        """Run a statement of the adapter's own in this unit of work's transaction (a webhook
        receipt that must commit with the change it guards)."""
        return await self._open_session().execute(statement)

    async def rollback(self) -> None:
        """Discard everything since the last commit."""
        await self._open_session().rollback()

    def _open_session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use `async with uow:`")
        return self._session
