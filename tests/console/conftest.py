from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.services.console.recordings import ConsoleRecordings
from tests.console.support import Console, build_console


@pytest.fixture
async def console(database_url: str, tmp_path: Path) -> AsyncIterator[Console]:
    storage = await open_storage(database_url)
    voicemails = tmp_path / "voicemails"
    voicemails.mkdir()
    try:
        yield await build_console(storage, recordings=ConsoleRecordings(voicemails))
    finally:
        await storage.dispose()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test, so the browser fixture can screenshot failures."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)
