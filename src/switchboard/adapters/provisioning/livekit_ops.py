"""Carry out one plan step on LiveKit with `livekit.api.LiveKitAPI().sip`.

Updates replace the whole object (LiveKit's `replace`), starting from the live copy so that fields
we do not manage (Krisp, headers, …) survive an adopt or a drift fix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from livekit.api import LiveKitAPI
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    ListSIPDispatchRuleRequest,
    ListSIPInboundTrunkRequest,
    ListSIPOutboundTrunkRequest,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
    SIPTransport,
)

from switchboard.adapters.provisioning.observe import ENCRYPTION_VALUES, TRANSPORT_VALUES
from switchboard.adapters.provisioning.secrets import SecretStore
from switchboard.adapters.provisioning.twilio_ops import ProvisioningError
from switchboard.domain.provisioning import MANAGED_BY, Action, Kind, Step, resolve

MARKER = json.dumps({"managed_by": MANAGED_BY})


def _live_id(step: Step) -> str:
    """The id to update, or "" when the step creates."""
    if step.live is None or step.action is Action.CREATE:
        return ""
    return step.live.id


async def apply_livekit_step(
    lk: LiveKitAPI, step: Step, ids: Mapping[str, str], store: SecretStore
) -> str:
    """Create, fix or take over one LiveKit SIP object; answer its id."""
    fields: dict[str, Any] = {k: resolve(v, ids) for k, v in step.desired.fields.items()}
    kind, live_id = step.desired.kind, _live_id(step)
    if kind is Kind.LIVEKIT_INBOUND_TRUNK:
        inbound = SIPInboundTrunkInfo()
        if live_id:
            found = await lk.sip.list_inbound_trunk(ListSIPInboundTrunkRequest(trunk_ids=[live_id]))
            for item in found.items[:1]:
                inbound.CopyFrom(item)
        _own(inbound, step.desired.name)
        inbound.ClearField("numbers")
        inbound.numbers.extend(fields["numbers"])
        # Who may send INVITEs: replaced whole (a backup from before this field leaves it be).
        # Digest credentials an operator put on the live trunk are kept as they are.
        if "allowed_addresses" in fields:
            inbound.ClearField("allowed_addresses")
            inbound.allowed_addresses.extend(fields["allowed_addresses"])
        if "media_encryption" in fields:
            inbound.media_encryption = ENCRYPTION_VALUES[fields["media_encryption"]]
        if "headers_to_attributes" in fields:
            inbound.headers_to_attributes.clear()
            for pair in fields["headers_to_attributes"]:
                header, _, attribute = pair.partition("=")
                inbound.headers_to_attributes[header] = attribute
        if not live_id:
            made = await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=inbound))
            return made.sip_trunk_id
        inbound.ClearField("sip_trunk_id")
        return (await lk.sip.update_inbound_trunk(live_id, inbound)).sip_trunk_id
    if kind is Kind.LIVEKIT_OUTBOUND_TRUNK:
        return await _outbound(lk, step, fields, live_id, store)
    if kind is Kind.DISPATCH_RULE:
        return await _rule(lk, step, fields, live_id)
    raise ProvisioningError(f"{kind.value} is not a LiveKit resource")


def _own(message: Any, name: str) -> None:
    message.name = name
    message.metadata = MARKER


async def _outbound(
    lk: LiveKitAPI, step: Step, fields: Mapping[str, Any], live_id: str, store: SecretStore
) -> str:
    username = fields["auth_username"]
    password = store.get(username)
    if password is None:
        raise ProvisioningError(
            f"no stored SIP password for {username!r}: "
            "the Twilio credential must be created or reset first"
        )
    trunk = SIPOutboundTrunkInfo()
    if live_id:
        found = await lk.sip.list_outbound_trunk(ListSIPOutboundTrunkRequest(trunk_ids=[live_id]))
        for item in found.items[:1]:
            trunk.CopyFrom(item)
    _own(trunk, step.desired.name)
    trunk.address = fields["address"]
    trunk.ClearField("numbers")
    trunk.numbers.extend(fields["numbers"])
    trunk.transport = TRANSPORT_VALUES.get(fields["transport"], SIPTransport.SIP_TRANSPORT_AUTO)
    trunk.auth_username, trunk.auth_password = username, password
    if "media_encryption" in fields:
        trunk.media_encryption = ENCRYPTION_VALUES[fields["media_encryption"]]
    if not live_id:
        made = await lk.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=trunk))
        return made.sip_trunk_id
    trunk.ClearField("sip_trunk_id")
    return (await lk.sip.update_outbound_trunk(live_id, trunk)).sip_trunk_id


async def _rule(lk: LiveKitAPI, step: Step, fields: Mapping[str, Any], live_id: str) -> str:
    rule = SIPDispatchRuleInfo()
    if live_id:
        found = await lk.sip.list_dispatch_rule(
            ListSIPDispatchRuleRequest(dispatch_rule_ids=[live_id])
        )
        for item in found.items[:1]:
            rule.CopyFrom(item)
    _own(rule, step.desired.name)
    rule.rule.dispatch_rule_individual.room_prefix = fields["room_prefix"]
    rule.ClearField("trunk_ids")
    rule.trunk_ids.extend(fields["trunk_ids"])
    del rule.room_config.agents[:]
    rule.room_config.agents.extend(RoomAgentDispatch(agent_name=a) for a in fields["agents"])
    if not live_id:
        create = CreateSIPDispatchRuleRequest(dispatch_rule=rule)
        return (await lk.sip.create_dispatch_rule(create)).sip_dispatch_rule_id
    rule.ClearField("sip_dispatch_rule_id")
    return (await lk.sip.update_dispatch_rule(live_id, rule)).sip_dispatch_rule_id
