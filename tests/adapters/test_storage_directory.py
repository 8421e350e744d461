"""The directory repository on SQLite and PostgreSQL: every field round-trips, order is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import select

from switchboard.adapters.sqlalchemy import ConstraintViolation, Storage, open_storage
from switchboard.adapters.sqlalchemy.tables import company_profile, employees
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.resolution import NameRecord, Resolver
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    OnCallShift,
    RingGroup,
    RingStrategy,
)

WEEKDAY = (TimeRange(time(8, 30), time(12, 0)), TimeRange(time(13, 0), time(17, 30)))
HOURS = WeeklyHours((WEEKDAY,) * 5 + ((TimeRange(time(9), time(12)),), ()))
LATE = WeeklyHours(((TimeRange(time(10, 0, 15), time(23, 59, 59)),),) + ((),) * 6)


def full_directory() -> Directory:
    """Every field set somewhere, accents everywhere, and an order that is not alphabetical."""
    company = CompanyProfile(
        name="Société Générale d'Électricité",
        timezone="America/Chicago",
        hours=HOURS,
        holidays=(date(2026, 12, 25), date(2026, 1, 1)),
        greeting="Bonjour, vous êtes bien chez SGE.",
        info={"website": "https://example.com", "address": "1 Rue Zoë", "fax": "+13125550199"},
    )
    departments = (
        Department(
            "sales",
            "Ventes",
            aliases=("sales", "commercial"),
            ring=RingGroup(RingStrategy.HUNT, 12.5, ("andre", "zoe")),
            after_hours=AfterHours(
                AfterHoursAction.ON_CALL,
                OnCallRota(shifts=(OnCallShift(date(2026, 12, 24), date(2026, 12, 26), "zoe"),)),
            ),
        ),
        Department("accounting", "Comptabilité", aliases=("payroll",)),
    )
    people = (
        Employee(
            id="zoe",
            name="Zoë Müller-Łukasz",
            phone="+13125550101",
            aliases=("Zo", "Zoé"),
            title="Directrice des ventes",
            department="sales",
            email="zoe@example.com",
            sms="+13125550102",
            sip_uri="sip:zoe@example.com",
            status=EmployeeStatus.DND,
            hours=LATE,
            extra={"pronouns": "she/her", "languages": ["fr", "de"], "floor": 3, "ok": True},
        ),
        Employee(id="andre", name="André Ñúñez", phone="+13125550103", department="sales"),
        Employee(
            id="bob",
            name="Robert'); DROP TABLE employees;--",
            phone="+13125550104",
            department="accounting",
            status=EmployeeStatus.OUT_OF_OFFICE,
        ),
        Employee(id="al", name="Al", phone="+13125550105", status=EmployeeStatus.BUSY),
    )
    return Directory(company, departments, people)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def stored(storage: Storage) -> Directory:
    async with storage.unit_of_work() as uow:
        return await uow.directory.load()


async def replaced(storage: Storage, directory: Directory) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(directory)
        await uow.commit()


async def test_empty_database_loads_an_empty_directory(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        assert await uow.directory.load() == Directory(company=CompanyProfile(name=""))
        assert await uow.directory.is_empty()
        assert await uow.directory.get_employee("zoe") is None


async def test_every_field_round_trips_in_order(storage: Storage) -> None:
    directory = full_directory()
    await replaced(storage, directory)

    loaded = await stored(storage)

    assert loaded == directory
    assert [e.id for e in loaded.employees] == ["zoe", "andre", "bob", "al"]
    assert [d.id for d in loaded.departments] == ["sales", "accounting"]
    # dict equality ignores order; an export should not shuffle the file's keys.
    assert list(loaded.company.info) == ["website", "address", "fax"]
    assert list(loaded.employees[0].extra) == ["pronouns", "languages", "floor", "ok"]
    assert loaded.front_contact("sales") == directory.employees[0]


async def test_hours_are_stored_as_readable_json(storage: Storage) -> None:
    await replaced(storage, full_directory())
    async with storage.session_factory() as session:
        hours: object = (await session.execute(select(company_profile.c.hours))).scalar_one()
        own: object = (
            await session.execute(select(employees.c.hours).where(employees.c.id == "zoe"))
        ).scalar_one()
        inherited = await session.scalar(select(employees.c.hours).where(employees.c.id == "al"))
    assert isinstance(hours, dict)
    assert isinstance(own, dict)
    assert hours["mon"] == ["08:30-12:00", "13:00-17:30"]
    assert hours["sat"] == ["09:00-12:00"]
    assert hours["sun"] == []
    assert own["mon"] == ["10:00:15-23:59:59"]
    assert inherited is None


async def test_replace_drops_everything_not_in_the_new_directory(storage: Storage) -> None:
    await replaced(storage, full_directory())
    smaller = Directory(
        CompanyProfile(name="Acme"),
        (Department("support", "Support"),),
        (Employee("al", "Al Again", "+13125550105", department="support"),),
    )

    await replaced(storage, smaller)

    assert await stored(storage) == smaller


async def test_merge_upserts_and_keeps_the_rest(storage: Storage) -> None:
    await replaced(storage, full_directory())
    incoming = Directory(
        CompanyProfile(name="SGE"),
        (Department("support", "Support"), Department("sales", "Sales")),
        (
            Employee("new2", "Second New", "+13125550107"),
            Employee("andre", "André N.", "+13125550103", department="support"),
            Employee("new1", "First New", "+13125550106", department="support"),
        ),
    )
    async with storage.unit_of_work() as uow:
        await uow.directory.merge(incoming)
        await uow.commit()

    loaded = await stored(storage)
    assert loaded.company == CompanyProfile(name="SGE")
    # Existing records keep their place; new ones are appended in the order given.
    assert [d.id for d in loaded.departments] == ["sales", "accounting", "support"]
    assert loaded.department("sales") == Department("sales", "Sales")
    assert [e.id for e in loaded.employees] == ["zoe", "andre", "bob", "al", "new2", "new1"]
    assert loaded.employee("andre") == incoming.employees[1]
    assert loaded.employee("zoe") == full_directory().employees[0]


async def test_save_employee_updates_in_place_and_appends_new_ones(storage: Storage) -> None:
    await replaced(storage, full_directory())
    async with storage.unit_of_work() as uow:
        first = await uow.directory.get_employee("zoe")
        assert first is not None
        await uow.directory.save_employee(first.with_changes(status=EmployeeStatus.AVAILABLE))
        await uow.directory.save_employee(
            Employee("eve", "Ève", "+13125550108", department="sales")
        )
        await uow.commit()

    loaded = await stored(storage)
    assert [e.id for e in loaded.employees] == ["zoe", "andre", "bob", "al", "eve"]
    assert loaded.employees[0].status is EmployeeStatus.AVAILABLE
    assert loaded.front_contact("sales") == loaded.employees[0]


async def test_save_employee_into_an_empty_database(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(Employee("a", "A", "+13125550101"))
        await uow.directory.save_employee(Employee("b", "B", "+13125550102"))
        await uow.commit()
    assert [e.id for e in (await stored(storage)).employees] == ["a", "b"]


async def test_remove_employee(storage: Storage) -> None:
    await replaced(storage, full_directory())
    async with storage.unit_of_work() as uow:
        assert await uow.directory.remove_employee("zoe") is True
        assert await uow.directory.remove_employee("zoe") is False
        assert await uow.directory.remove_employee("nobody") is False
        await uow.commit()

    loaded = await stored(storage)
    assert [e.id for e in loaded.employees] == ["andre", "bob", "al"]
    assert loaded.front_contact("sales") == loaded.employee("andre")


async def test_save_department_inserts_and_updates(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.directory.save_department(Department("it", "IT", aliases=("help desk",)))
        assert not await uow.directory.is_empty()  # a department alone counts
        await uow.directory.save_department(Department("hr", "RH"))
        await uow.directory.save_department(Department("it", "Informatique"))
        await uow.commit()
    assert (await stored(storage)).departments == (
        Department("it", "Informatique"),
        Department("hr", "RH"),
    )


async def test_a_stored_profile_alone_is_still_empty(storage: Storage) -> None:
    await replaced(storage, Directory(CompanyProfile(name="Acme")))
    async with storage.unit_of_work() as uow:
        assert await uow.directory.is_empty()
        assert (await uow.directory.load()).company.name == "Acme"


async def test_a_failed_replace_changes_nothing(storage: Storage) -> None:
    await replaced(storage, full_directory())
    broken = Directory(
        CompanyProfile(name="Broken"),
        (),
        (Employee("x", "X", "+13125550109", department="nowhere"),),
    )
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConstraintViolation) as caught:
            await uow.directory.replace(broken)
        assert caught.value.kind == "foreign_key"
        # Still the old directory inside the same transaction, and after committing it.
        assert await uow.directory.load() == full_directory()
        await uow.commit()
    assert await stored(storage) == full_directory()


async def test_a_large_merge_updates_and_appends(storage: Storage) -> None:
    def many(start: int, stop: int, name: str) -> tuple[Employee, ...]:
        return tuple(
            Employee(f"e{i:04}", f"{name} {i}", "+13125550100") for i in range(start, stop)
        )

    await replaced(storage, Directory(CompanyProfile("Acme"), (), many(0, 400, "Old")))
    incoming = Directory(CompanyProfile("Acme"), (), many(300, 1000, "New"))
    async with storage.unit_of_work() as uow:
        await uow.directory.merge(incoming)
        await uow.commit()

    loaded = (await stored(storage)).employees
    assert loaded == many(0, 300, "Old") + many(300, 1000, "New")


async def test_load_names_reads_what_resolving_needs_as_load_would(storage: Storage) -> None:
    directory = full_directory()
    extra = Employee("solo", "Cher", "+13125550177", aliases=('Ch"er', "C"), department=None)
    await replaced(storage, replace(directory, employees=(*directory.employees, extra)))
    async with storage.reading_unit_of_work() as uow:
        loaded = await uow.directory.load()
        departments, people = await uow.directory.load_names()
    assert departments == loaded.departments
    assert people == [
        NameRecord(e.id, e.name, e.aliases, e.title, e.department) for e in loaded.employees
    ]
    assert any(p.aliases for p in people)
    assert any(p.title for p in people)
    assert Resolver.from_people(departments, people).resolve("Cher").best.id == "solo"  # type: ignore[union-attr]


async def test_load_names_of_an_empty_database(storage: Storage) -> None:
    async with storage.reading_unit_of_work() as uow:
        assert await uow.directory.load_names() == ((), [])


async def test_load_names_names_a_row_with_unreadable_aliases(storage: Storage) -> None:
    await replaced(storage, full_directory())
    async with storage.session_factory() as session:
        await session.execute(employees.update().where(employees.c.id == "zoe").values(aliases=5))
        await session.commit()
    async with storage.reading_unit_of_work() as uow:
        with pytest.raises(ValueError, match="'zoe'"):  # as `load` does
            await uow.directory.load()
        with pytest.raises(ValueError, match="'zoe'"):
            await uow.directory.load_names()
