"""What the doctor's checks share: settings, the desired set-up, and each provider read once.

Checks run concurrently, so a provider's state is read by whichever check asks first and the others
await the same task. A failed read is reported by each check that needed it as "not checked", and
never stops the checks that did not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from switchboard.adapters.provisioning import SecretStore
from switchboard.adapters.provisioning.errors import explain_provider_error
from switchboard.domain.diagnosis import Check, fail, warn
from switchboard.domain.errors import SwitchboardError
from switchboard.domain.provisioning import Desired, Kind
from switchboard.domain.provisioning.desired import ProvisioningConfigError, SetupOptions
from switchboard.services.provisioning import desired_from_settings
from switchboard.settings import Settings

T = TypeVar("T")


class NotChecked(SwitchboardError):
    """A check could not run because something it depends on is missing or unreadable.

    `failed` is True when a provider could not be read: the set-up is then unknown, which must
    not pass for healthy (warn would exit 0). Missing settings are already a `settings` failure.
    """

    def __init__(self, message: str, *, failed: bool = False, fix: str = "") -> None:
        super().__init__(message)
        self.failed = failed
        self.fix = fix or "fix the failing check it depends on first"


class Shared(Generic[T]):
    """An awaitable computed once; a waiter's timeout does not cancel it for the others."""

    def __init__(self, make: Callable[[], Awaitable[T]]) -> None:
        self._make = make
        self._task: asyncio.Future[T] | None = None

    async def get(self) -> T:
        """Start the computation on first use; every caller awaits the same result."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._make())
        return await asyncio.shield(self._task)

    def cancel(self) -> None:
        """Stop a computation nobody waits for any more (the doctor run is over)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()


@dataclass
class DoctorContext:
    """Everything a check may need. `desired` is None when the settings cannot describe a set-up."""

    settings: Settings
    options: SetupOptions
    timeout: float
    store: SecretStore
    desired: tuple[Desired, ...] | None = None
    desired_problem: str = ""
    # The `settings` check runs too and names what is missing: other checks then say so briefly.
    settings_reported: bool = False
    loaders: dict[str, Shared[object]] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, options: SetupOptions, timeout: float) -> DoctorContext:
        """A context for one doctor run; incomplete settings are recorded, not raised."""
        ctx = cls(settings, options, timeout, SecretStore(settings.data_dir))
        try:
            ctx.desired = desired_from_settings(settings, options)
        except ProvisioningConfigError as exc:
            ctx.desired_problem = str(exc)
        return ctx

    def want(self, kind: Kind) -> Desired:
        """The first desired resource of `kind`, or NotChecked when settings are incomplete."""
        if self.desired is None:
            raise self.incomplete()
        return next(d for d in self.desired if d.kind is kind)

    def incomplete(self) -> NotChecked:
        """Why a check that needs the whole set-up did not run: what is missing is said once,
        by the `settings` check, when it runs too."""
        if self.settings_reported:
            return NotChecked("settings incomplete", fix="see `settings` above")
        return NotChecked(f"settings incomplete ({self.desired_problem})")

    async def shared(self, key: str, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`'s result, computed once per doctor run under `key`."""
        loader = self.loaders.setdefault(key, Shared(make))
        try:
            return await loader.get()  # type: ignore[return-value]
        except NotChecked:
            raise
        except Exception as exc:
            why = explain_provider_error(exc)
            raise NotChecked(f"could not read {key}: {why}", failed=True) from exc

    def close(self) -> None:
        """Cancel shared reads still running (their checks already timed out)."""
        for loader in self.loaders.values():
            loader.cancel()


CheckFn = Callable[[DoctorContext], Awaitable[Check]]


async def guarded(name: str, check: CheckFn, ctx: DoctorContext) -> Check:
    """Run one check with its own time limit; any failure becomes that check's result."""
    try:
        return await asyncio.wait_for(check(ctx), ctx.timeout)
    except NotChecked as exc:
        if exc.failed:
            return fail(name, f"not checked: {exc}", "fix that first, then run doctor again")
        return warn(name, f"not checked: {exc}", exc.fix)
    except TimeoutError:
        summary = f"no answer within {ctx.timeout:g} s"
        return fail(name, summary, "check the network and that the service is up, then retry")
    except Exception as exc:
        # The provider's answer, explained; a bug in a check must not hide the other findings.
        return fail(name, explain_provider_error(exc), "see the finding; run doctor again")
