"""What the call wiring may ask of a brain beyond answering turns (the offline brain does both)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver


@runtime_checkable
class KnowsCaller(Protocol):
    """A per-call brain that can be told the returning caller's name (the offline brain)."""

    def know_caller(self, name: str) -> None: ...


@runtime_checkable
class DirectoryAware(Protocol):
    """A brain that understands turns against the directory (the offline brain)."""

    def use_directory(self, directory: Directory, resolver: Resolver) -> None: ...
