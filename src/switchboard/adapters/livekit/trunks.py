"""Finding the outbound SIP trunk that `switchboard setup apply` created, when none is configured."""

from __future__ import annotations

import json

from livekit import api

from switchboard.domain.provisioning import MANAGED_BY


def _managed(metadata: str) -> bool:
    try:
        data = json.loads(metadata) if metadata else None
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("managed_by") == MANAGED_BY


async def managed_outbound_trunk(lk: api.LiveKitAPI) -> str | None:
    """The id of the one outbound trunk marked as Switchboard's, else None (none, or several:
    then LIVEKIT_OUTBOUND_TRUNK_ID must say which)."""
    trunks = await lk.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest())
    ours = [t.sip_trunk_id for t in trunks.items if _managed(t.metadata)]
    return ours[0] if len(ours) == 1 else None
