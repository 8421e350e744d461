"""Dial-by-name resolution: `Resolver.build(directory).resolve("could I speak to bob")`."""

from switchboard.domain.resolution.index import NameRecord
from switchboard.domain.resolution.resolver import THRESHOLD, Resolver
from switchboard.domain.resolution.result import (
    MAX_OFFERED,
    Candidate,
    Resolution,
    ResolutionStatus,
)

__all__ = [
    "MAX_OFFERED",
    "THRESHOLD",
    "Candidate",
    "NameRecord",
    "Resolution",
    "ResolutionStatus",
    "Resolver",
]
