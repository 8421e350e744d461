"""Several stores migrated at once in one event loop (as `switchboard simulate` does) all reach head."""

from __future__ import annotations

import asyncio
from pathlib import Path

from switchboard.adapters.sqlalchemy import open_storage


async def test_concurrent_upgrades_of_different_databases_in_one_loop(tmp_path: Path) -> None:
    urls = [f"sqlite+aiosqlite:///{tmp_path / f'db{i}.sqlite'}" for i in range(6)]
    # Without serialised upgrades this deadlocks; the timeout turns that into a failure.
    stores = await asyncio.wait_for(asyncio.gather(*(open_storage(url) for url in urls)), 60)
    try:
        assert all([await s.is_ready() for s in stores])
    finally:
        await asyncio.gather(*(s.dispose() for s in stores))
