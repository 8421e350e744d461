"""Simulate a phone call arriving on an inbound trunk, the way LiveKit SIP places it in a room.

The trunk is the one claiming the dialled number (else a wildcard trunk without numbers), the rule
the one for that trunk (else a rule without trunks). The caller joins as `sip_<number>` with the
`sip.*` attributes and the rule's attributes, and the agents in the rule's `room_config` are
dispatched. Raises `LookupError` when no trunk or rule matches: LiveKit would reject the call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from livekit.protocol.models import ParticipantInfo
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from switchboard.fakes.livekit.dispatch import add_dispatch
from switchboard.fakes.livekit.records import CallRecord
from switchboard.fakes.livekit.state import FakeState, new_id


@dataclass(frozen=True, slots=True)
class InboundCall:
    """Where the simulated call landed."""

    room: str
    participant: ParticipantInfo
    trunk_id: str
    rule_id: str


def _plus(number: str) -> str:
    return number if number.startswith("+") else "+" + number


def _trunk_for(state: FakeState, caller: str, called: str) -> SIPInboundTrunkInfo:
    usable = [
        t
        for t in state.inbound_trunks.values()
        if not t.allowed_numbers or _plus(caller) in {_plus(n) for n in t.allowed_numbers}
    ]
    specific = [t for t in usable if _plus(called) in {_plus(n) for n in t.numbers}]
    wildcard = [t for t in usable if not t.numbers]
    if not (specific or wildcard):
        raise LookupError(f"no inbound trunk accepts calls to {called}")
    return (specific or wildcard)[0]


def _rule_for(state: FakeState, trunk_id: str, caller: str) -> SIPDispatchRuleInfo:
    usable = [
        r
        for r in state.dispatch_rules.values()
        if not r.inbound_numbers or caller in r.inbound_numbers
    ]
    specific = [r for r in usable if trunk_id in r.trunk_ids]
    wildcard = [r for r in usable if not r.trunk_ids]
    if not (specific or wildcard):
        raise LookupError(f"no dispatch rule for trunk {trunk_id}")
    return (specific or wildcard)[0]


def _room_name(rule: SIPDispatchRuleInfo, caller: str, called: str) -> str:
    kind = rule.rule.WhichOneof("rule")
    if kind == "dispatch_rule_direct":
        return rule.rule.dispatch_rule_direct.room_name
    if kind == "dispatch_rule_callee":
        callee = rule.rule.dispatch_rule_callee
        room = f"{callee.room_prefix}_{called}" if callee.room_prefix else called
        return room + (f"_{new_id('')}" if callee.randomize else "")
    prefix = rule.rule.dispatch_rule_individual.room_prefix
    return f"{prefix}_{caller}_{new_id('')}"


def simulate_inbound_call(state: FakeState, caller: str, called: str) -> InboundCall:
    """Put `caller` (E.164) into the room the dispatch rules choose for a call to `called`."""
    # upstream: livekit/protocol@28e604c:sip/sip.go:853-960 (EvaluateDispatchRule: room names
    # direct / <prefix>_<from>_<random> / <prefix>_<to>); trunk and rule matching: sip/sip.go:150-345
    with state.lock:
        trunk = _trunk_for(state, caller, called)
        rule = _rule_for(state, trunk.sip_trunk_id, caller)
        room, call_id = _room_name(rule, caller, called), new_id("SCL_")
        attributes = dict(rule.attributes)
        attributes.update(
            {
                "sip.callID": call_id,
                "sip.callStatus": "active",
                "sip.trunkID": trunk.sip_trunk_id,
                "sip.ruleID": rule.sip_dispatch_rule_id,
            }
        )
        if not rule.hide_phone_number:
            attributes.update({"sip.phoneNumber": caller, "sip.trunkPhoneNumber": called})
        participant = ParticipantInfo(
            sid=new_id("PA_"),
            identity=f"sip_{caller}",
            name=f"Phone {caller}",
            metadata=rule.metadata,
            kind=ParticipantInfo.SIP,
            state=ParticipantInfo.ACTIVE,
            joined_at=int(time.time()),
            attributes=attributes,
        )
        state.add_participant(room, participant)
        record = CallRecord("inbound", caller, room, participant.identity, call_id)
        record.trunk_id, record.result, record.sip_status = trunk.sip_trunk_id, "answered", 200
        state.calls.append(record)
        for agent in rule.room_config.agents:
            add_dispatch(state, room, agent.agent_name, agent.metadata)
    return InboundCall(room, participant, trunk.sip_trunk_id, rule.sip_dispatch_rule_id)
