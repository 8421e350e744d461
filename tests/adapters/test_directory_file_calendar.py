"""An employee's `calendar:` in directory files: YAML and CSV forms, round trips through the
files and the store, and refusals that name the problem (a password in the file above all)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    dump_employees_csv,
    parse_directory_yaml,
    parse_employee_fields,
    parse_employees_csv,
)
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.calendar import CalendarConfig
from switchboard.services.directory import load_directory

YAML = """\
company: {name: Acme, timezone: America/Chicago, hours: {mon: "09:00-17:00"}}
employees:
  - {id: nora, name: Nora Quinn, phone: "+13125550121",
     calendar: {ics: "https://cal.example/nora/basic.ics"}}
  - id: omar
    name: Omar Haddad
    phone: "+13125550122"
    badge: 7
    calendar:
      caldav: {url: "https://dav.example/omar/work/", username: omar, password_env: OMAR_PW}
  - {id: lena, name: Lena Ortiz, phone: "+13125550120"}
"""
NORA = CalendarConfig(ics="https://cal.example/nora/basic.ics")
OMAR = CalendarConfig(
    caldav="https://dav.example/omar/work/", username="omar", password_env="OMAR_PW"
)


def test_yaml_calendars_import_and_round_trip() -> None:
    directory = parse_directory_yaml(YAML)
    nora, omar, lena = directory.employees
    assert (nora.calendar, omar.calendar, lena.calendar) == (NORA, OMAR, None)
    assert omar.extra == {"badge": 7}  # the calendar is a field, not an extra key
    assert parse_directory_yaml(dump_directory_yaml(directory)) == directory


def test_csv_calendars_round_trip_in_one_cell() -> None:
    employees = parse_directory_yaml(YAML).employees
    text = dump_employees_csv(employees)
    assert "caldav=https://dav.example/omar/work/;username=omar;password_env=OMAR_PW" in text
    back = parse_employees_csv(text)
    assert [e.calendar for e in back] == [NORA, OMAR, None]  # (CSV keeps extra values as text)


def test_the_command_line_can_set_and_clear_a_calendar() -> None:
    assert parse_employee_fields({"calendar": "ics=https://cal.example/x.ics"}) == {
        "calendar": CalendarConfig(ics="https://cal.example/x.ics")
    }
    assert parse_employee_fields({"calendar": ""}) == {"calendar": None}


@pytest.mark.parametrize(
    ("calendar", "problem"),
    [
        (
            '{caldav: {url: "https://dav.example/", password: hunter2}}',
            "not allowed in the directory",
        ),
        ('{ics: "https://a.example/x.ics", caldav: "https://b.example/"}', "exactly one"),
        ('{ics: "ftp://a.example/x.ics"}', "http"),
        ("{google: abc}", "exactly one"),
        ('{caldav: {url: "https://dav.example/", password_env: "my password"}}', "password_env"),
        ('{caldav: {url: "https://dav.example/", user: omar}}', "caldav.user: unknown key"),
        ("[https://a.example/x.ics]", "mapping"),
        ('"https://a.example/x.ics"', "key=value"),
    ],
)
def test_bad_calendars_are_refused_with_the_reason(calendar: str, problem: str) -> None:
    text = YAML.replace('{ics: "https://cal.example/nora/basic.ics"}', calendar)
    with pytest.raises(DirectoryFileError) as raised:
        parse_directory_yaml(text, source="d.yaml")
    messages = [str(p) for p in raised.value.problems]
    assert any("calendar" in m and problem in m for m in messages), messages
    assert not any("hunter2" in m for m in messages)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    s = await open_storage(database_url)
    try:
        yield s
    finally:
        await s.dispose()


async def test_calendars_survive_the_store(storage: Storage) -> None:
    directory = parse_directory_yaml(YAML)
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(directory)
        await uow.commit()
    stored = await load_directory(storage.unit_of_work)
    assert [e.calendar for e in stored.employees] == [NORA, OMAR, None]
    assert stored.employees[1].extra == {"badge": 7}
