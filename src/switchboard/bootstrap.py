"""The composition root: builds the object graph from `Settings`. Nothing else constructs adapters."""

from __future__ import annotations

from dataclasses import dataclass, field

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.logs import configure_logging
from switchboard.ports.clock import Clock, SystemClock
from switchboard.ports.repositories import UnitOfWork
from switchboard.settings import Settings


@dataclass
class Application:
    """Long-lived collaborators shared by every entrypoint (CLI, web server, agent worker)."""

    settings: Settings
    storage: Storage
    clock: Clock = field(default_factory=SystemClock)

    def unit_of_work(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    async def close(self) -> None:
        await self.storage.dispose()


async def bootstrap(settings: Settings, *, configure_logs: bool = True) -> Application:
    """Open storage (applying migrations) and wire the application."""
    if configure_logs:
        configure_logging(settings.log_level, settings.log_format)
    storage = await open_storage(settings.effective_database_url, migrate=True)
    return Application(settings=settings, storage=storage)
