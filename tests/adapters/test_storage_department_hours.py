"""A department's own hours in storage (migration 0013), on SQLite and PostgreSQL: they round-trip
through every read path, are kept as readable JSON, move the directory's revision when changed,
and a department stored before 0013 keeps the company's hours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import pytest
from alembic import command
from sqlalchemy import select, text, update

from switchboard.adapters.sqlalchemy import Storage, create_engine, open_storage
from switchboard.adapters.sqlalchemy.migrate import alembic_config
from switchboard.adapters.sqlalchemy.tables import departments
from switchboard.domain.directory import (
    END_OF_DAY,
    CompanyProfile,
    Department,
    Directory,
    Employee,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.routing.config import AfterHours, AfterHoursAction

NINE_TO_FIVE = WeeklyHours(((TimeRange(time(9), time(17)),),) * 5 + ((), ()))
ALWAYS = WeeklyHours(((TimeRange(time(0), END_OF_DAY),),) * 7)
SPLIT = WeeklyHours(((TimeRange(time(7), time(12)), TimeRange(time(13), time(22))),) * 6 + ((),))
NEVER = WeeklyHours()  # `hours: {}`: always closed, every call takes the after-hours action


def directory() -> Directory:
    return Directory(
        CompanyProfile("Acme", "America/Chicago", NINE_TO_FIVE),
        (
            Department("support", "Support", hours=ALWAYS),
            Department(
                "sales", "Sales", hours=SPLIT, after_hours=AfterHours(AfterHoursAction.VOICEMAIL)
            ),
            Department("night", "Night line", hours=NEVER),
            Department("billing", "Billing"),
        ),
        (Employee("pat", "Pat Moss", "+13125550101", department="support"),),
    )


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def replaced(storage: Storage, d: Directory) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(d)
        await uow.commit()


async def test_department_hours_round_trip_through_every_read(storage: Storage) -> None:
    await replaced(storage, directory())
    async with storage.unit_of_work() as uow:
        whole = await uow.directory.load()
        profile_only = await uow.directory.load(employees=False)
    assert whole == directory()
    assert profile_only.departments == directory().departments
    assert [d.hours for d in whole.departments] == [ALWAYS, SPLIT, NEVER, None]


async def test_department_hours_are_stored_as_readable_json(storage: Storage) -> None:
    await replaced(storage, directory())
    async with storage.session_factory() as session:
        rows = dict((await session.execute(select(departments.c.id, departments.c.hours))).all())
    assert rows["support"]["sun"] == ["00:00-24:00"]  # midnight as the file writes it
    assert rows["sales"]["mon"] == ["07:00-12:00", "13:00-22:00"]
    assert rows["sales"]["sun"] == []
    assert rows["night"] == {d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert rows["billing"] is None  # the company's hours


async def test_changing_a_departments_hours_moves_the_revision(storage: Storage) -> None:
    await replaced(storage, directory())
    async with storage.unit_of_work() as uow:
        before = await uow.directory.revision()
        await uow.directory.save_department(Department("billing", "Billing", hours=ALWAYS))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.directory.revision() != before
        loaded = await uow.directory.load()
    billing = loaded.department("billing")
    assert billing is not None
    assert billing.hours == ALWAYS
    assert [d.id for d in loaded.departments] == ["support", "sales", "night", "billing"]


async def test_unreadable_stored_hours_name_the_department(storage: Storage) -> None:
    await replaced(storage, directory())
    async with storage.session_factory() as session:
        await session.execute(
            update(departments).where(departments.c.id == "sales").values(hours={"mon": ["9-5"]})
        )
        await session.commit()
    async with storage.unit_of_work() as uow:
        with pytest.raises(ValueError, match=r"stored department 'sales' is unreadable: hours:"):
            await uow.directory.load()


async def test_a_department_stored_before_0013_keeps_the_companys_hours(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0012"))
            await connection.execute(
                text(
                    "INSERT INTO departments (id, name, aliases, position) "
                    "VALUES ('billing', 'Billing', '[]', 0)"
                )
            )
    finally:
        await engine.dispose()
    storage = await open_storage(database_url)  # migrates to head: 0013 adds the column
    try:
        async with storage.unit_of_work() as uow:
            loaded = await uow.directory.load()
        assert loaded.departments == (Department("billing", "Billing"),)
    finally:
        await storage.dispose()
