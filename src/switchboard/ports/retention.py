"""Retention as a port: what the purge use case needs from storage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from switchboard.domain.retention import DataKind


class PersonalData(Protocol):
    async def purge(
        self, cutoffs: Mapping[DataKind, datetime], *, apply: bool
    ) -> dict[DataKind, int]:
        """{kind: rows that would go (apply=False) or went} for each kind's cut-off, atomically."""
        ...
