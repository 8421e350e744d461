"""The directory's caller block list: the YAML `blocked:` key, and storage with the directory
(company_profile.blocked, migration 0012) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    parse_directory_yaml,
)
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.directory import CompanyProfile, Directory
from switchboard.domain.screening import BlockList
from switchboard.services.directory import demo_directory

HEAD = """\
company: {name: Acme, timezone: UTC, hours: {mon: "09:00-17:00"}}
"""


def test_yaml_blocked_numbers_and_prefixes_are_normalised_and_deduplicated() -> None:
    d = parse_directory_yaml(HEAD + 'blocked: ["+1 900", "+1 (612) 555-0166", "+1900"]\n')
    assert d.blocked == BlockList(("+1900", "+16125550166"))
    assert "blocked:\n- '+1900'\n- '+16125550166'\n" in dump_directory_yaml(d)
    assert parse_directory_yaml(dump_directory_yaml(d)) == d


def test_no_blocked_key_is_an_empty_list_and_is_not_written() -> None:
    d = parse_directory_yaml(HEAD)
    assert d.blocked == BlockList()
    assert "blocked" not in dump_directory_yaml(d)


def test_every_bad_yaml_entry_is_named_by_its_position() -> None:
    text = HEAD + "blocked: [+16125550166, '612 555 0100', '+1900', {a: 1}, '+0800']\n"
    with pytest.raises(DirectoryFileError) as caught:
        parse_directory_yaml(text, "d.yaml")
    assert [str(p) for p in caught.value.problems] == [
        'd.yaml: blocked[0]: 16125550166 is a number: quote it ("+16125550166")',
        "d.yaml: blocked[1]: '612 555 0100' is not an E.164 number or prefix (it must start with "
        "+ and the country code); write it like +16125550100, or +1900 for every number that "
        "starts so",
        'd.yaml: blocked[3]: must be text like "+1900" or "+16125550100"',
        "d.yaml: blocked[4]: '+0800' is not an E.164 number or prefix (a country code never "
        "starts with 0); write it like +16125550100, or +1900 for every number that starts so",
    ]


def test_blocked_must_be_a_list() -> None:
    with pytest.raises(DirectoryFileError, match=r"d.yaml: blocked: must be a list, not str"):
        parse_directory_yaml(HEAD + "blocked: '+1900'\n", "d.yaml")


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def test_the_block_list_is_stored_with_the_directory_and_bumps_its_revision(
    storage: Storage,
) -> None:
    demo = replace(demo_directory(), blocked=BlockList(("+1900", "+16125550166")))
    async with storage.unit_of_work() as uow:
        before = await uow.directory.revision()
        await uow.directory.replace(demo)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.directory.load() == demo
        first = await uow.directory.revision()
        assert first != before
        # A merge adds entries (upsert by entry, like employees by id); others are kept.
        await uow.directory.merge(replace(demo, blocked=BlockList(("+44", "+1900"))))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert (await uow.directory.load()).blocked.entries == ("+1900", "+16125550166", "+44")
        assert await uow.directory.revision() != first
        await uow.directory.replace(replace(demo, blocked=BlockList()))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert (await uow.directory.load()).blocked == BlockList()
        assert (await uow.directory.load(employees=False)).blocked == BlockList()


async def test_an_empty_store_has_no_block_list(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        assert await uow.directory.load() == Directory(CompanyProfile(name=""))
