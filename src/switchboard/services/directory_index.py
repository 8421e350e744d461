"""The resolver of the stored directory for a one-off process (`switchboard directory resolve`).

Apart from `services.directory` so that command imports only what it needs (not the directory
file formats, which it never reads).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from pathlib import Path

from switchboard.adapters.resolver_index import load_index, save_index
from switchboard.domain.resolution import Resolver
from switchboard.ports.repositories import NameReading


async def resolver_for_queries(
    uow_factory: Callable[[], NameReading], index_folder: Path
) -> Resolver:
    """Read from the index saved for the current revision in `index_folder`; else built from
    what resolving reads of each employee (`load_names`: not the whole directory) and saved.
    `uow_factory`: a reading unit of work, or the driver-level reader of `adapters.name_reader`.

    The revision is read before the names: a write landing in between makes the stamp older than
    the content, so the saved file is never used (the next process sees the newer revision and
    builds again), never stale.
    """
    async with uow_factory() as uow:
        revision = await uow.directory.revision()
        saved = await asyncio.to_thread(load_index, index_folder, revision)
        if saved is not None:
            return saved
        departments, people = await uow.directory.load_names()
    # Typo maps at first use: most queries are names said right, and a saved index leaves them out.
    build = partial(Resolver.from_people, departments, people, typo_maps=False)
    resolver = await asyncio.to_thread(build)
    await asyncio.to_thread(save_index, index_folder, revision, resolver)
    return resolver
