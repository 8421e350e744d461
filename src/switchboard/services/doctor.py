"""`switchboard doctor`: every check of the set-up, run concurrently, each on its own time limit.

A check that fails, hangs or crashes becomes its own `fail` row; the others still run. Checks that
depend on a provider the doctor could not read say "not checked" (warn) instead of repeating the
credentials failure that already explains it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from switchboard.domain.diagnosis import Check
from switchboard.domain.errors import InvalidValue
from switchboard.domain.provisioning_desired import SetupOptions
from switchboard.services import (
    doctor_encryption,
    doctor_inbound_source,
    doctor_livekit,
    doctor_local,
    doctor_outbound,
    doctor_twilio,
)
from switchboard.services.doctor_context import CheckFn, DoctorContext, guarded
from switchboard.settings import Settings

# Seconds per check. Long enough for a slow provider, short enough that doctor answers promptly.
DEFAULT_TIMEOUT = 10.0

CHECKS: Mapping[str, CheckFn] = {
    "settings": doctor_local.check_settings,
    **doctor_twilio.CHECKS,
    **doctor_livekit.CHECKS,
    doctor_inbound_source.NAME: doctor_inbound_source.check_inbound_source,
    "livekit.outbound_trunk": doctor_outbound.check_outbound,
    doctor_encryption.NAME: doctor_encryption.check_encryption,
    "webhook": doctor_local.check_webhook,
    "database": doctor_local.check_database,
    "smtp": doctor_local.check_smtp,
}


async def run_doctor(
    settings: Settings,
    options: SetupOptions | None = None,
    *,
    check_timeout: float = DEFAULT_TIMEOUT,
    only: tuple[str, ...] = (),
) -> list[Check]:
    """Run every check (or those named in `only`) and return their results in CHECKS order.

    Raises ValueError for a name in `only` that is not a check.
    """
    unknown = sorted(set(only) - set(CHECKS))
    if unknown:
        raise InvalidValue(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(CHECKS)}")
    ctx = DoctorContext.build(settings, options or SetupOptions(), check_timeout)
    chosen = {name: fn for name, fn in CHECKS.items() if not only or name in only}
    ctx.settings_reported = "settings" in chosen
    try:
        return list(await asyncio.gather(*(guarded(n, fn, ctx) for n, fn in chosen.items())))
    finally:
        ctx.close()
