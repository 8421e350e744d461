"""The directory and its name resolver, kept per process between calls and stamped with the
directory's revision.

At 100,000 people, loading the directory takes seconds and building its resolver about half a
second of CPU, so neither may happen per call. Every directory write bumps a revision row in its own transaction
(`DirectoryRepository.revision`); a call reads that one row (at most once per `check_every`
seconds) and, when it moved, a background task loads the new directory and builds its resolver
while calls keep the previous pair. Only the very first call of a process with nothing loaded
waits for the load (the worker's prewarm loads it before any call arrives).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver
from switchboard.logs import get_logger
from switchboard.ports.repositories import UnitOfWork

log = get_logger(__name__)

UnitOfWorkFactory = Callable[[], UnitOfWork]
CHECK_EVERY_S = 1.0  # a change reaches new calls within this, plus the rebuild


@dataclass(frozen=True, slots=True)
class LoadedDirectory:
    """One directory as stored at `revision`, with the resolver built from it."""

    revision: str
    directory: Directory
    resolver: Resolver


async def load_revision(uow_factory: UnitOfWorkFactory) -> LoadedDirectory:
    """Load the stored directory and build its resolver (the build runs in a thread)."""
    async with uow_factory() as uow:
        # Revision first: a write landing between the two reads makes the stamp older than the
        # content, which only costs one extra rebuild (never a stale directory under a new stamp).
        revision = await uow.directory.revision()
        directory = await uow.directory.load()
    resolver = await asyncio.to_thread(_build_for_calls, directory)
    return LoadedDirectory(revision, directory, resolver)


def _build_for_calls(directory: Directory) -> Resolver:
    """The resolver with everything a call may read made up front (in the loading thread), so
    no lookup during a call builds an index on the event loop: a spelled name included."""
    resolver = Resolver.build(directory)
    resolver.prepare_spelling()
    return resolver


class ResolverCache:
    """The stored directory and its resolver for this process (see the module docstring), and
    the resolver of the last fixed directory a call brought (`for_directory`).

    `aclose()` cancels a rebuild under way; the cache stays usable afterwards.
    """

    def __init__(
        self, *, check_every: float = CHECK_EVERY_S, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.builds = 0
        self.directory: Directory | None = None  # the directory of the last resolver handed out
        self.resolver: Resolver | None = None
        self._check_every = check_every
        self._now = now
        self._loaded: LoadedDirectory | None = None
        self._checked_at = -math.inf
        self._loading: asyncio.Task[LoadedDirectory] | None = None
        self._refresh: asyncio.Task[None] | None = None

    @property
    def loaded(self) -> LoadedDirectory | None:
        """What calls get now (None before the first load)."""
        return self._loaded

    @property
    def refreshing(self) -> bool:
        return self._refresh is not None and not self._refresh.done()

    async def current(self, uow_factory: UnitOfWorkFactory) -> LoadedDirectory:
        """The stored directory and its resolver, as of the last revision check (see module
        docstring). Waits only when nothing is loaded yet."""
        loaded = self._loaded
        if loaded is None:
            loaded = await self._first_load(uow_factory)
        elif self._now() - self._checked_at >= self._check_every:
            async with uow_factory() as uow:
                revision = await uow.directory.revision()
            self._checked_at = self._now()
            if revision != loaded.revision:
                self._start_refresh(uow_factory)
        self.directory, self.resolver = loaded.directory, loaded.resolver
        return loaded

    def for_directory(self, directory: Directory) -> Resolver:
        """The resolver for a directory a call fixed (a local call's spec); rebuilt only when it
        differs from the last one asked for this way."""
        if self.resolver is None or directory != self.directory:
            self.resolver, self.directory = Resolver.build(directory), directory
            self.builds += 1
        return self.resolver

    async def aclose(self) -> None:
        """Cancel a load or rebuild under way (on this event loop) and wait for it to end."""
        for task in (self._refresh, self._loading):
            if task is not None and _on_this_loop(task) and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._refresh = self._loading = None

    async def _first_load(self, uow_factory: UnitOfWorkFactory) -> LoadedDirectory:
        # Calls arriving together share one load; a task left by another (finished) event loop,
        # such as the prewarm's `asyncio.run`, is not awaited here.
        task = self._loading
        if task is None or not _on_this_loop(task) or task.done():
            task = self._loading = asyncio.get_running_loop().create_task(
                self._load(uow_factory), name="directory.load"
            )
        return await asyncio.shield(task)

    async def _load(self, uow_factory: UnitOfWorkFactory) -> LoadedDirectory:
        loaded = await load_revision(uow_factory)
        self._install(loaded)
        return loaded

    def _install(self, loaded: LoadedDirectory) -> None:
        self._loaded = loaded
        self._checked_at = self._now()
        self.builds += 1

    def _start_refresh(self, uow_factory: UnitOfWorkFactory) -> None:
        if self._refresh is not None and _on_this_loop(self._refresh) and not self._refresh.done():
            return  # one rebuild at a time; it loads whatever is stored when it runs
        self._refresh = asyncio.get_running_loop().create_task(
            self._rebuild(uow_factory), name="directory.refresh"
        )

    async def _rebuild(self, uow_factory: UnitOfWorkFactory) -> None:
        started = self._now()
        try:
            loaded = await load_revision(uow_factory)
        except Exception as exc:  # calls keep the previous directory; the next check retries
            log.warning("directory.refresh_failed", error=str(exc))
            return
        self._install(loaded)
        log.info(
            "directory.refreshed",
            employees=len(loaded.directory.employees),
            seconds=round(self._now() - started, 3),
        )


def _on_this_loop(task: asyncio.Task[object] | asyncio.Task[None]) -> bool:
    try:
        return task.get_loop() is asyncio.get_running_loop()
    except RuntimeError:
        return False
