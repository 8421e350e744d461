"""Doctor checks on the LiveKit side: credentials, inbound trunk, dispatch rule, outbound trunk.

Who may send calls to the inbound trunk is `doctor/inbound_source.py`."""

from __future__ import annotations

from switchboard.adapters.provisioning.readers import (
    count_rooms,
    has_livekit_credentials,
    read_livekit,
)
from switchboard.domain.diagnosis import SIP_STATUSES, Check, fail, ok
from switchboard.domain.provisioning import ALL, Kind, Live
from switchboard.services.doctor.context import DoctorContext, NotChecked
from switchboard.services.doctor.twilio import SETUP


def values(live: Live, name: str) -> tuple[str, ...]:
    """A list field of a live resource (numbers, agents, trunk ids) as strings."""
    value = live.fields.get(name)
    return tuple(str(v) for v in value) if isinstance(value, tuple) else ()


_NO_CREDENTIALS = "LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET not set"


def require_livekit(ctx: DoctorContext) -> None:
    """NotChecked when the LiveKit credentials are not set."""
    if not has_livekit_credentials(ctx.settings):
        raise NotChecked("LiveKit credentials not set", fix="see `livekit.credentials`")


async def livekit_view(ctx: DoctorContext) -> list[Live]:
    """Every inbound trunk, outbound trunk and dispatch rule, read once per doctor run."""

    async def read() -> list[Live]:
        require_livekit(ctx)
        return await read_livekit(ctx.settings, ctx.store)

    return await ctx.shared("LiveKit", read)


async def check_credentials(ctx: DoctorContext) -> Check:
    """The API key and secret are accepted (rooms are listed)."""
    name = "livekit.credentials"
    if not has_livekit_credentials(ctx.settings):
        fix = "copy them from the LiveKit Cloud project settings into .env"
        return fail(name, _NO_CREDENTIALS, fix)
    rooms = await count_rooms(ctx.settings)
    return ok(name, f"API key accepted ({rooms} active rooms)")


def inbound_for(live: list[Live], number: str) -> Live | None:
    """The inbound trunk that claims `number`, if any."""
    return next(
        (
            t
            for t in live
            if t.kind is Kind.LIVEKIT_INBOUND_TRUNK and number in values(t, "numbers")
        ),
        None,
    )


async def check_inbound(ctx: DoctorContext) -> Check:
    """A LiveKit inbound trunk claims the number."""
    name = "livekit.inbound_trunk"
    number = ctx.settings.twilio_phone_number
    if number is None:
        raise ctx.incomplete()
    trunk = inbound_for(await livekit_view(ctx), number)
    if trunk is None:
        why = SIP_STATUSES[404]
        return fail(
            name, f"no LiveKit inbound trunk lists {number}: {why.meaning} (SIP 404)", why.fix
        )
    return ok(name, f"inbound trunk {trunk.name or trunk.id} admits calls to {number}")


async def check_dispatch(ctx: DoctorContext) -> Check:
    """A dispatch rule covers that trunk and dispatches this installation's agent."""
    name = "livekit.dispatch_rule"
    number = ctx.settings.twilio_phone_number
    agent = ctx.settings.livekit_agent_name
    if number is None:
        raise ctx.incomplete()
    live = await livekit_view(ctx)
    trunk = inbound_for(live, number)
    if trunk is None:
        raise NotChecked("no inbound trunk for the number")
    rules = [
        r
        for r in live
        if r.kind is Kind.DISPATCH_RULE and ({trunk.id, ALL} & set(values(r, "trunk_ids")))
    ]
    if not rules:
        return fail(
            name,
            f"no dispatch rule covers inbound trunk {trunk.name or trunk.id}: calls ring out (SIP 404)",
            f"create a dispatch rule for it that dispatches agent {agent!r}; {SETUP}",
        )
    named = [r for r in rules if agent in values(r, "agents")]
    if not named:
        others = ", ".join(a for r in rules for a in values(r, "agents")) or "no agent"
        return fail(
            name,
            f"dispatch rule {rules[0].name or rules[0].id} dispatches {others}, not {agent!r}: "
            "calls get a room but no receptionist",
            f"make the rule's room_config.agents name {agent!r} (LIVEKIT_AGENT_NAME); {SETUP}",
        )
    return ok(name, f"rule {named[0].name or named[0].id} dispatches {agent!r}")


CHECKS = {
    "livekit.credentials": check_credentials,
    "livekit.inbound_trunk": check_inbound,
    "livekit.dispatch_rule": check_dispatch,
}
