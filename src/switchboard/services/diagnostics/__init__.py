"""The debug commands of docs/troubleshooting.md as services: SIP events here, both trunks side by
side in trunks.py, the Twilio-joined call listing in calls.py. The signed webhook test request is
an adapter (adapters/twilio/webhook_probe.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from switchboard.adapters.provisioning.readers import sip_participants
from switchboard.services.doctor.context import DoctorContext
from switchboard.services.doctor.livekit import require_livekit


@dataclass(frozen=True, slots=True)
class SipEvent:
    """A SIP participant in a LiveKit room, with its `sip.*` attributes."""

    room: str
    identity: str
    status: str
    attributes: Mapping[str, str]


async def sip_events(ctx: DoctorContext, limit: int = 50) -> list[SipEvent]:
    """The SIP participants of the active rooms (LiveKit keeps no history of finished calls)."""
    require_livekit(ctx)
    found = await sip_participants(ctx.settings, limit)
    return [
        SipEvent(p.room, p.identity, p.attributes.get("sip.callStatus", ""), p.attributes)
        for p in found
    ]
