"""`resolver_for_queries`, the one-off process's resolver: built from `load_names` (never the whole
directory) and saved for the revision; read back until the directory changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from switchboard.adapters.sqlalchemy import SqlAlchemyDirectoryRepository, Storage, open_storage
from switchboard.domain.directory import Employee
from switchboard.services.directory import seed_demo_if_empty
from switchboard.services.directory_index import resolver_for_queries


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


def refuse(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    async def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"{method} was called")

    monkeypatch.setattr(SqlAlchemyDirectoryRepository, method, refused)


async def test_built_from_names_saved_and_read_back_until_a_change(
    storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "index"
    with monkeypatch.context() as patch:
        refuse(patch, "load")  # the whole directory is never read
        built = await resolver_for_queries(storage.reading_unit_of_work, folder)
    assert len(list(folder.iterdir())) == 1
    hints = built.recognition_hints()
    with monkeypatch.context() as patch:
        refuse(patch, "load_names")  # the saved index answers
        again = await resolver_for_queries(storage.reading_unit_of_work, folder)
    assert again is not built
    assert again.recognition_hints() == hints
    async with storage.unit_of_work() as uow:
        await uow.directory.save_employee(Employee("zq", "Zora Quint", "+13125550142"))
        await uow.commit()
    changed = await resolver_for_queries(storage.reading_unit_of_work, folder)
    assert changed.resolve("Zora Quint").best.id == "zq"  # type: ignore[union-attr]
    assert built.resolve("Zora Quint").best is None
    assert len(list(folder.iterdir())) == 1  # only the newest index is kept
