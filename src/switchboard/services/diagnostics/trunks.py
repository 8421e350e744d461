"""`switchboard trunks status`: the Twilio trunk and LiveKit's trunks, aspect by aspect."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.domain.provisioning import Kind
from switchboard.domain.provisioning.desired import ProvisioningConfigError, sip_host
from switchboard.services.doctor.context import DoctorContext
from switchboard.services.doctor.livekit import livekit_view, values
from switchboard.services.doctor.twilio_view import twilio_view


@dataclass(frozen=True, slots=True)
class TrunkRow:
    """One aspect of the set-up as each side sees it; `agrees` False marks a mismatch."""

    aspect: str
    twilio: str
    livekit: str
    agrees: bool


async def trunks_status(ctx: DoctorContext) -> list[TrunkRow]:
    """Twilio's trunk and LiveKit's trunks, aspect by aspect."""
    view, live = await twilio_view(ctx), await livekit_view(ctx)
    number = ctx.settings.twilio_phone_number or ""
    inbound = [t for t in live if t.kind is Kind.LIVEKIT_INBOUND_TRUNK]
    outbound = [t for t in live if t.kind is Kind.LIVEKIT_OUTBOUND_TRUNK]
    rules = [r for r in live if r.kind is Kind.DISPATCH_RULE]
    domain = str(view.trunk.fields.get("domain_name")) if view.trunk else "(no trunk)"
    addresses = {str(t.fields["address"]) for t in outbound}
    users = {str(t.fields.get("auth_username") or "") for t in outbound} - {""}
    origination = ", ".join(str(u.fields.get("sip_url")) for u in view.origination) or "(none)"
    lk_sip = ctx.settings.livekit_sip_uri or "(LIVEKIT_SIP_URI not set)"
    on_trunk = view.trunk is not None and view.number_trunk_sid == view.trunk.id
    lk_numbers = [n for t in inbound for n in values(t, "numbers")]
    agents = sorted({a for r in rules for a in values(r, "agents")})
    mode = str(view.trunk.fields.get("transfer_mode")) if view.trunk else "-"
    strategy = ctx.settings.transfer_merge_strategy.value
    return [
        TrunkRow(
            "trunk",
            view.trunk.name if view.trunk else "(none)",
            ", ".join(t.name for t in inbound + outbound) or "(none)",
            bool(view.trunk and inbound and outbound),
        ),
        TrunkRow(
            "number",
            f"{number} {'on trunk' if on_trunk else 'NOT on trunk'}",
            ", ".join(lk_numbers) or "(none)",
            on_trunk and number in lk_numbers,
        ),
        TrunkRow(
            "inbound",
            f"origination {origination}",
            lk_sip,
            _host_in(
                ctx.settings.livekit_sip_uri,
                [str(u.fields.get("sip_url")) for u in view.origination],
            ),
        ),
        TrunkRow(
            "outbound",
            f"termination {domain}",
            ", ".join(sorted(addresses)) or "(none)",
            domain in addresses,
        ),
        TrunkRow(
            "credentials",
            ", ".join(sorted(view.attached_usernames)) or "(none)",
            ", ".join(sorted(users)) or "(none)",
            bool(users & view.attached_usernames),
        ),
        TrunkRow(
            "transfers",
            f"transfer_mode {mode}",
            f"merge strategy {strategy}",
            strategy != "refer" or mode == "enable-all",
        ),
        TrunkRow(
            "dispatch",
            "-",
            ", ".join(agents) or "(no rule)",
            ctx.settings.livekit_agent_name in agents,
        ),
    ]


def _host_in(sip_uri: str | None, urls: list[str]) -> bool:
    """Some origination URL goes to the LiveKit SIP host (transport is doctor's business)."""
    if not sip_uri:
        return False
    hosts = set()
    for url in urls:
        try:
            hosts.add(sip_host(url))
        except ProvisioningConfigError:
            continue  # not a SIP URL at all: it cannot be ours
    return sip_host(sip_uri) in hosts
