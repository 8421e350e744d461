from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from switchboard.adapters.sqlalchemy import open_storage
from tests.console.support import Console, build_console


@pytest.fixture
async def console(database_url: str) -> AsyncIterator[Console]:
    storage = await open_storage(database_url)
    try:
        yield await build_console(storage)
    finally:
        await storage.dispose()
