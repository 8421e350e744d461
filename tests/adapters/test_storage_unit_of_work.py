"""Units of work on SQLite and PostgreSQL: commit, rollback, refused writes, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from switchboard.adapters.sqlalchemy import ConstraintViolation, Storage, open_storage
from switchboard.adapters.sqlalchemy.tables import employees
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


def person(employee_id: str, department: str | None = None) -> Employee:
    return Employee(employee_id, f"Person {employee_id}", "+13125550100", department=department)


async def ids(storage: Storage) -> list[str]:
    async with storage.unit_of_work() as uow:
        return [e.id for e in (await uow.directory.load()).employees]


async def test_commit_makes_changes_visible_to_the_next_unit_of_work(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(person("a"))
        await uow.commit()
    assert await ids(storage) == ["a"]


async def test_leaving_without_commit_rolls_back(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(person("a"))
        assert await uow.directory.get_employee("a") == person("a")
    assert await ids(storage) == []


async def test_an_exception_rolls_back_and_propagates(storage: Storage) -> None:
    async def fail_half_way() -> None:
        async with storage.unit_of_work() as uow:
            await uow.directory.save_employee(person("a"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_half_way()
    assert await ids(storage) == []


async def test_work_after_a_commit_is_rolled_back_unless_committed(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(person("a"))
        await uow.commit()
        await uow.directory.save_employee(person("b"))
    assert await ids(storage) == ["a"]


async def test_explicit_rollback_discards_and_the_unit_stays_usable(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(person("a"))
        await uow.rollback()
        assert await uow.directory.get_employee("a") is None
        await uow.directory.save_employee(person("b"))
        await uow.commit()
    assert await ids(storage) == ["b"]


async def test_a_unit_of_work_cannot_be_nested_or_used_closed(storage: Storage) -> None:
    uow = storage.unit_of_work()
    with pytest.raises(RuntimeError, match="not open"):
        await uow.commit()
    async with uow:
        with pytest.raises(RuntimeError, match="already open"):
            await uow.__aenter__()
    # Reusable once closed.
    async with uow:
        assert await uow.directory.is_empty()


async def test_unknown_department_is_a_clear_foreign_key_violation(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConstraintViolation, match="save employee 'a' failed") as caught:
            await uow.directory.save_employee(person("a", department="nowhere"))
        assert caught.value.kind == "foreign_key"
        assert isinstance(caught.value, ValueError)  # the CLI shows ValueErrors as one line
        # The refused write left the transaction usable.
        await uow.directory.save_employee(person("b"))
        await uow.commit()
    assert await ids(storage) == ["b"]


async def test_duplicate_ids_are_a_clear_unique_violation(storage: Storage) -> None:
    duplicated = Directory(CompanyProfile("Acme"), (), (person("a"), person("a")))
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConstraintViolation) as caught:
            await uow.directory.replace(duplicated)
        assert caught.value.kind == "unique"
        with pytest.raises(ConstraintViolation) as caught:
            await uow.directory.merge(duplicated)
        assert caught.value.kind == "unique"
        assert await uow.directory.is_empty()


async def test_a_refused_merge_changes_nothing(storage: Storage) -> None:
    directory = Directory(CompanyProfile("Acme"), (Department("it", "IT"),), (person("a", "it"),))
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(directory)
        await uow.commit()
    # The profile would be written before the employee is refused: neither may remain.
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConstraintViolation):
            await uow.directory.merge(Directory(CompanyProfile("X"), (), (person("b", "hr"),)))
        assert await uow.directory.load() == directory


async def test_concurrent_units_of_work_do_not_corrupt(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(Directory(CompanyProfile("Acme"), (Department("d", "D"),)))
        await uow.commit()

    async def add(employee_id: str) -> None:
        async with storage.unit_of_work() as uow:
            await uow.directory.save_employee(person(employee_id, "d"))
            await asyncio.sleep(0)  # let the others interleave while the transaction is open
            await uow.commit()

    async def read() -> int:
        async with storage.unit_of_work() as uow:
            return len((await uow.directory.load()).employees)

    writers = asyncio.gather(*(add(f"e{i:02}") for i in range(12)))
    readers = asyncio.gather(*(read() for _ in range(6)))
    _, counts = await asyncio.gather(writers, readers)

    assert all(0 <= n <= 12 for n in counts)
    assert sorted(await ids(storage)) == [f"e{i:02}" for i in range(12)]
    async with storage.session_factory() as session:
        positions: list[int] = list(await session.scalars(select(employees.c.position)))
    assert len(set(positions)) == 12  # every writer got its own place in the listing order


async def test_load_never_mixes_two_directories(storage: Storage) -> None:
    """A load racing a replace sees the directory before or after it, never half of each."""

    def company(letter: str) -> Directory:
        members = tuple(person(f"{letter}{i}", letter) for i in range(20))
        return Directory(CompanyProfile(letter), (Department(letter, letter.upper()),), members)

    first, second = company("a"), company("b")
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(first)
        await uow.commit()

    async def flip() -> None:
        for directory in (second, first) * 8:
            async with storage.unit_of_work() as uow:
                await uow.directory.replace(directory)
                await uow.commit()

    async def look() -> list[Directory]:
        seen = []
        for _ in range(30):
            async with storage.unit_of_work() as uow:
                seen.append(await uow.directory.load())
        return seen

    _, *views = await asyncio.gather(flip(), look(), look())
    assert all(view in (first, second) for seen in views for view in seen)


async def test_a_forgotten_transaction_cannot_hold_locks_for_ever(storage: Storage) -> None:
    """PostgreSQL ends a transaction left idle (a task that died mid-way); SQLite has no server."""
    if storage.engine.dialect.name != "postgresql":
        pytest.skip("a server setting of PostgreSQL")
    from sqlalchemy import text

    async with storage.engine.connect() as conn:
        setting = (await conn.execute(text("SHOW idle_in_transaction_session_timeout"))).scalar()
    assert setting == "1min"


async def test_readers_do_not_wait_for_a_writer(storage: Storage) -> None:
    """While a write transaction holds SQLite's write lock, /metrics, /readyz and `messages list`
    still answer at once (they begin deferred); on PostgreSQL readers never waited anyway."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
    from switchboard.adapters.sqlalchemy.message_stats import SqlAlchemyMessageStats

    async with storage.engine.begin() as writer:
        await writer.execute(text("UPDATE company_profile SET name = name"))  # holds the lock
        stats, ready, listed = await asyncio.wait_for(
            asyncio.gather(
                SqlAlchemyMessageStats(storage.engine).outbox_stats(datetime.now(UTC)),
                storage.is_ready(),
                _all(SqlAlchemyMessageQueries(storage.engine).newest()),
            ),
            timeout=3,  # a reader queued behind the writer would wait for its 10 s busy timeout
        )
    assert ready
    assert listed == []
    assert stats is not None


async def _all(items: object) -> list[object]:
    return [item async for item in items]  # type: ignore[attr-defined]
