"""The debug commands of docs/troubleshooting.md as services: SIP events here, both trunks side by
side in trunks.py, the Twilio-joined call listing in calls.py. The signed webhook test request is
an adapter (adapters/twilio/webhook_probe.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import ListParticipantsRequest, ListRoomsRequest

from switchboard.services.doctor.context import DoctorContext
from switchboard.services.doctor.livekit import livekit_api


@dataclass(frozen=True, slots=True)
class SipEvent:
    """A SIP participant in a LiveKit room, with its `sip.*` attributes."""

    room: str
    identity: str
    status: str
    attributes: Mapping[str, str]


async def sip_events(ctx: DoctorContext, limit: int = 50) -> list[SipEvent]:
    """The SIP participants of the active rooms (LiveKit keeps no history of finished calls)."""
    lk = livekit_api(ctx)
    out: list[SipEvent] = []
    try:
        rooms = await lk.room.list_rooms(ListRoomsRequest())
        for room in sorted(rooms.rooms, key=lambda r: r.creation_time, reverse=True):
            found = await lk.room.list_participants(ListParticipantsRequest(room=room.name))
            for p in found.participants:
                sip = {k: v for k, v in p.attributes.items() if k.startswith("sip.")}
                if p.kind == ParticipantInfo.Kind.SIP or sip:
                    out.append(SipEvent(room.name, p.identity, sip.get("sip.callStatus", ""), sip))
            if len(out) >= limit:
                break
    finally:
        await lk.aclose()
    return out[:limit]
