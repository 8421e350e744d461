"""The directory's revision (bumped by every write, in its transaction) and the per-process
cache of the directory and its resolver keyed by it: calls keep the previous pair while a
changed directory is rebuilt in the background."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from structlog.testing import capture_logs

from switchboard.adapters.sqlalchemy import ConstraintViolation, Storage, open_storage
from switchboard.domain.directory import Department, Employee
from switchboard.domain.resolution import ResolutionStatus
from switchboard.ports.repositories import DirectoryRepository
from switchboard.services.calls import ResolverCache
from switchboard.services.directory import demo_directory, seed_demo_if_empty

NEWCOMER = Employee("zora-quint", "Zora Quint", "+13125550142", department="sales")


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


async def revision(storage: Storage) -> str:
    async with storage.unit_of_work() as uow:
        return await uow.directory.revision()


async def test_every_committed_write_moves_the_revision(storage: Storage) -> None:
    seen = [await revision(storage)]
    writes: list[Callable[[DirectoryRepository], Awaitable[object]]] = [
        lambda d: d.save_employee(NEWCOMER),
        lambda d: d.save_employee(NEWCOMER.with_changes(title="Buyer")),
        lambda d: d.remove_employee(NEWCOMER.id),
        lambda d: d.save_department(Department("sales", "Sales team")),
        lambda d: d.merge(replace(demo_directory(), employees=demo_directory().employees[:1])),
        lambda d: d.replace(demo_directory()),
    ]
    for write in writes:
        async with storage.unit_of_work() as uow:
            await write(uow.directory)
            await uow.commit()
        seen.append(await revision(storage))
    assert len(set(seen)) == len(seen)  # every write, a new stamp
    counts = [int(s.split(":")[0]) for s in seen]
    assert counts == sorted(counts)


async def test_a_rolled_back_or_refused_write_leaves_the_revision(storage: Storage) -> None:
    before = await revision(storage)
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(NEWCOMER)  # never committed
    stray = NEWCOMER.with_changes(id="stray", department="no-such-department")
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConstraintViolation):
            await uow.directory.save_employee(stray)
        await uow.commit()  # the refused write's savepoint took its bump with it
    assert await revision(storage) == before


class Ticks:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingUnitOfWork:
    """The storage's unit of work, counting how often one is opened."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.opened = 0

    def __call__(self) -> Any:
        self.opened += 1
        return self.storage.unit_of_work()


async def settle(cache: ResolverCache) -> None:
    for _ in range(500):
        if not cache.refreshing:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the rebuild never finished")


async def test_calls_share_one_load_and_skip_the_database_between_checks(storage: Storage) -> None:
    ticks, uow = Ticks(), CountingUnitOfWork(storage)
    cache = ResolverCache(check_every=1.0, now=ticks)
    first, second = await asyncio.gather(cache.current(uow), cache.current(uow))
    assert first is second  # two calls arriving together: one load
    assert (cache.builds, uow.opened) == (1, 1)
    ticks.now = 0.5
    assert await cache.current(uow) is first
    assert uow.opened == 1  # within the check interval: no database work at all
    ticks.now = 1.5
    assert await cache.current(uow) is first  # unchanged revision: one SELECT, same resolver
    assert (cache.builds, uow.opened) == (1, 2)


async def test_a_loaded_resolver_can_read_a_spelled_name_without_building_on_the_loop(
    storage: Storage,
) -> None:
    loaded = await ResolverCache().current(CountingUnitOfWork(storage))
    assert loaded.resolver.spelling_ready  # made in the loading thread, with the resolver
    found = loaded.resolver.scan("O-K-A-F-O-R")
    assert [c.id for c in found.candidates] == ["ben-okafor"]


async def test_a_change_is_rebuilt_in_the_background_while_calls_keep_the_old_one(
    storage: Storage,
) -> None:
    ticks = Ticks()
    cache = ResolverCache(check_every=1.0, now=ticks)
    old = await cache.current(storage.unit_of_work)
    assert old.resolver.resolve("Zora Quint").status is ResolutionStatus.NONE
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(NEWCOMER)
        await uow.commit()
    assert await cache.current(storage.unit_of_work) is old  # not checked yet
    ticks.now = 2.0
    during = await cache.current(storage.unit_of_work)
    assert during is old  # the call does not wait for the rebuild
    assert cache.refreshing
    await settle(cache)
    new = await cache.current(storage.unit_of_work)
    assert new is not old
    assert new.revision == await revision(storage)
    assert new.resolver.resolve("Zora Quint").best.id == NEWCOMER.id  # type: ignore[union-attr]
    assert new.directory.employee(NEWCOMER.id) == NEWCOMER
    assert cache.builds == 2


async def test_a_failed_rebuild_keeps_the_previous_directory_and_is_retried(
    storage: Storage,
) -> None:
    ticks = Ticks()
    cache = ResolverCache(check_every=1.0, now=ticks)
    old = await cache.current(storage.unit_of_work)
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(NEWCOMER)
        await uow.commit()

    class BrokenLoad:
        def __init__(self) -> None:
            self.inner = storage.unit_of_work()

        async def __aenter__(self) -> Any:
            uow = await self.inner.__aenter__()

            async def load(**_: Any) -> Any:
                raise RuntimeError("connection reset")

            uow.directory.load = load  # type: ignore[method-assign]
            return uow

        async def __aexit__(self, *exc: Any) -> None:
            await self.inner.__aexit__(*exc)

    ticks.now = 2.0
    with capture_logs() as logs:
        assert await cache.current(BrokenLoad) is old  # type: ignore[arg-type]
        await settle(cache)
    assert "directory.refresh_failed" in [e["event"] for e in logs]
    assert await cache.current(storage.unit_of_work) is old  # still the previous pair
    ticks.now = 4.0
    await cache.current(storage.unit_of_work)  # the next check tries again, and succeeds
    await settle(cache)
    assert (await cache.current(storage.unit_of_work)).directory.employee(NEWCOMER.id)


async def test_aclose_cancels_a_rebuild_under_way(storage: Storage) -> None:
    ticks = Ticks()
    cache = ResolverCache(check_every=1.0, now=ticks)
    old = await cache.current(storage.unit_of_work)
    gate = asyncio.Event()

    class SlowLoad:
        def __init__(self) -> None:
            self.inner = storage.unit_of_work()

        async def __aenter__(self) -> Any:
            uow = await self.inner.__aenter__()
            real = uow.directory.load

            async def load(**_: Any) -> Any:
                await gate.wait()
                return await real()

            uow.directory.load = load  # type: ignore[method-assign]
            return uow

        async def __aexit__(self, *exc: Any) -> None:
            await self.inner.__aexit__(*exc)

    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(NEWCOMER)
        await uow.commit()
    ticks.now = 2.0
    await cache.current(SlowLoad)  # type: ignore[arg-type]
    assert cache.refreshing
    await cache.aclose()
    assert [cache.refreshing] == [False]  # (a list: mypy keeps the narrowing from above)
    assert cache.loaded is old


async def test_a_reload_reads_without_holding_up_writers(storage: Storage) -> None:
    # On SQLite a unit of work that writes takes the write lock at BEGIN; the cache reads through
    # `reading_unit_of_work`, so a slow reload in progress never makes a call's record wait.
    gate, reading = asyncio.Event(), asyncio.Event()

    class SlowReader:
        def __init__(self) -> None:
            self.inner = storage.reading_unit_of_work()

        async def __aenter__(self) -> Any:
            uow = await self.inner.__aenter__()
            real = uow.directory.load

            async def load(**_: Any) -> Any:
                found = await real()
                reading.set()
                await gate.wait()  # the read transaction stays open here
                return found

            uow.directory.load = load  # type: ignore[method-assign]
            return uow

        async def __aexit__(self, *exc: Any) -> None:
            await self.inner.__aexit__(*exc)

    cache = ResolverCache()
    loading = asyncio.create_task(cache.current(SlowReader))  # type: ignore[arg-type]
    await asyncio.wait_for(reading.wait(), timeout=5)  # the read has its rows, not yet its answer
    assert not loading.done()

    async def write() -> None:
        async with storage.unit_of_work() as uow:
            await uow.directory.save_employee(NEWCOMER)
            await uow.commit()

    await asyncio.wait_for(write(), timeout=5)  # the busy timeout is 10 s: no queueing
    gate.set()
    assert (await loading).directory.employee(NEWCOMER.id) is None  # read before the write
