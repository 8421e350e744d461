"""The name resolver for the directory as last seen, kept between calls."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver


@dataclass
class ResolverCache:
    """The resolver for the directory as last seen; rebuilt only when the directory changed
    (building takes ~1 s at 100k names, reloading the directory a few ms)."""

    directory: Directory | None = None
    resolver: Resolver | None = None
    builds: int = 0

    def for_directory(self, directory: Directory) -> Resolver:
        if self.resolver is None or directory != self.directory:
            self.resolver, self.directory = Resolver.build(directory), directory
            self.builds += 1
        return self.resolver
