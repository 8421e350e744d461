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
from switchboard.domain.provisioning.desired import SetupOptions
from switchboard.services.doctor import (
    encryption,
    inbound_source,
    livekit,
    local,
    outbound,
    twilio,
)
from switchboard.services.doctor.context import CheckFn, DoctorContext, guarded
from switchboard.settings import Settings

# Seconds per check. Long enough for a slow provider, short enough that doctor answers promptly.
DEFAULT_TIMEOUT = 10.0

CHECKS: Mapping[str, CheckFn] = {
    "settings": local.check_settings,
    **twilio.CHECKS,
    **livekit.CHECKS,
    inbound_source.NAME: inbound_source.check_inbound_source,
    "livekit.outbound_trunk": outbound.check_outbound,
    encryption.NAME: encryption.check_encryption,
    "webhook": local.check_webhook,
    "database": local.check_database,
    "smtp": local.check_smtp,
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
