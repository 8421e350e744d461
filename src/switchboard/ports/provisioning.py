"""What applying a set-up plan needs from the providers (adapters/provisioning/providers.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from switchboard.domain.provisioning import Step


class SetupProviders(Protocol):
    async def apply_step(
        self, step: Step, ids: Mapping[str, str], new_secrets: dict[str, str]
    ) -> str:
        """Create, fix or take over the resource of `step` (`ids`: the live ids of the resources
        it refers to); answer its id. A generated password goes into `new_secrets` by name."""
        ...

    def explain(self, exc: BaseException) -> str:
        """A provider failure in plain words, with the likely fix."""
        ...
