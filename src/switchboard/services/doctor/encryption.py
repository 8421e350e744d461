"""Doctor check `sip.encryption`: is the phone line encrypted end to end, as set up?

TLS signalling and SRTP media take four settings together: the Twilio trunk `secure`, its
origination URL on `transport=tls`, and `media_encryption: require` on both LiveKit trunks (with
TLS on the outbound one). Twilio insists on SRTP once a trunk is secure, so a half-encrypted line
fails calls with 488 (docs/troubleshooting.md); in production a plain line fails this check unless
`allow_plain_sip: true` says it is meant.
"""

from __future__ import annotations

from switchboard.domain.diagnosis import Check, fail, ok, warn
from switchboard.domain.provisioning import Kind, Live
from switchboard.services.doctor.context import DoctorContext, NotChecked
from switchboard.services.doctor.livekit import livekit_view
from switchboard.services.doctor.twilio import SETUP
from switchboard.services.doctor.twilio_view import twilio_view

NAME = "sip.encryption"


def _ours(live: list[Live], kind: Kind, name: str) -> Live | None:
    return next((x for x in live if x.kind is kind and x.name == name), None)


async def check_encryption(ctx: DoctorContext) -> Check:
    """What is in force on the line: TLS + SRTP everywhere, nowhere, or (a fault) in between."""
    view = await twilio_view(ctx)
    if view.trunk is None:
        raise NotChecked("no Twilio trunk to inspect")
    live = await livekit_view(ctx)
    inbound = _ours(live, Kind.LIVEKIT_INBOUND_TRUNK, ctx.want(Kind.LIVEKIT_INBOUND_TRUNK).name)
    outbound = _ours(live, Kind.LIVEKIT_OUTBOUND_TRUNK, ctx.want(Kind.LIVEKIT_OUTBOUND_TRUNK).name)
    origination = [u for u in view.origination if u.fields.get("enabled")]
    parts = {
        "Twilio trunk secure": bool(view.trunk.fields.get("secure")),
        "origination on TLS": bool(origination)
        and all(str(u.fields.get("sip_url", "")).endswith("transport=tls") for u in origination),
        "LiveKit inbound SRTP": inbound is not None
        and inbound.fields.get("media_encryption") == "require",
        "LiveKit outbound TLS + SRTP": outbound is not None
        and outbound.fields.get("transport") == "tls"
        and outbound.fields.get("media_encryption") == "require",
    }
    encrypted = [p for p, on in parts.items() if on]
    plain = [p for p, on in parts.items() if not on]
    if not plain:
        return ok(NAME, "TLS signalling and SRTP media on every part of the line")
    if encrypted:
        return fail(
            NAME,
            f"half encrypted: {', '.join(encrypted)}; not: {', '.join(plain)} (calls fail with "
            "SIP 488 where one side insists on SRTP)",
            SETUP,
        )
    if ctx.settings.is_production and not ctx.options.allow_plain_sip:
        return fail(
            NAME,
            "calls cross the internet unencrypted (SIP over TCP, RTP in the clear)",
            f"production uses TLS + SRTP: {SETUP}",
        )
    if ctx.settings.is_production:  # plain on purpose: say so every time doctor runs
        return warn(
            NAME,
            "plain SIP over TCP and RTP in the clear (allowed by allow_plain_sip)",
            "remove `allow_plain_sip` and `tls: false` from switchboard.yaml to encrypt calls",
        )
    return ok(
        NAME,
        "plain SIP over TCP and RTP in the clear (the development default; production uses "
        "TLS + SRTP)",
    )
