"""The messaging worker's directory: read again only when the stored revision moved."""

from __future__ import annotations

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.domain.directory import Employee
from switchboard.services.directory import seed_demo_if_empty
from switchboard.services.messages.directory_cache import DirectoryCache


async def test_the_directory_is_read_again_only_after_a_write(database_url: str) -> None:
    storage = await open_storage(database_url)
    try:
        await seed_demo_if_empty(storage.unit_of_work)
        cache = DirectoryCache(storage.reading_unit_of_work)
        first = await cache.refresh()
        assert first.employees
        assert await cache.refresh() is first  # same revision: not read again
        async with storage.unit_of_work() as uow:
            await uow.directory.save_employee(Employee("new-hire", "Nia Hire", "+13125550142"))
            await uow.commit()
        changed = await cache.refresh()
        assert changed is not first
        assert changed.employee("new-hire") is not None
        assert cache.get() is changed
    finally:
        await storage.dispose()
