"""Simulate a phone call arriving on an inbound trunk, the way LiveKit SIP places it in a room.

As released livekit-server v1.13.5 + livekit-sip v1.11.0 do it:

1. Trunks are filtered by the caller's number (`allowed_numbers`) and by the INVITE's source
   address (`allowed_addresses`); of those left, the one claiming the dialled number wins, else one
   without numbers. No trunk left is not yet a refusal.
2. A trunk with digest credentials challenges the INVITE (407); wrong credentials get 401.
3. The dispatch rule is the one for the trunk, else one without trunks. With no trunk only a rule
   without trunks can match. No rule: the INVITE is **dropped** without a final response (the
   caller saw 100 and 180 and then nothing), which LiveKit logs as a "flood".

So an INVITE from outside a trunk's `allowed_addresses` is refused only when no catch-all dispatch
rule (one without trunk ids) picks it up. Refusals raise `InboundRefused` (a `LookupError`) and are
recorded in `state.calls` as failed inbound calls.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import NoReturn

from livekit.protocol.models import ParticipantInfo
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from switchboard.fakes.livekit.dispatch import add_dispatch
from switchboard.fakes.livekit.records import CallRecord
from switchboard.fakes.livekit.state import FakeState, new_id

# Where a simulated call comes from unless the test says otherwise: Twilio's Ashburn (US East)
# signalling block, as an origination INVITE from Twilio Elastic SIP Trunking would.
DEFAULT_SOURCE_IP = "54.172.60.0"
DROPPED = None  # `InboundRefused.sip_status` when LiveKit sends no final response


@dataclass(frozen=True, slots=True)
class InboundCall:
    """Where the simulated call landed."""

    room: str
    participant: ParticipantInfo
    trunk_id: str
    rule_id: str


class InboundRefused(LookupError):
    """LiveKit refused the INVITE: `sip_status` is its final response, or None when it dropped it
    without one (the caller's side times out)."""

    def __init__(self, message: str, sip_status: int | None = DROPPED) -> None:
        super().__init__(message)
        self.sip_status = sip_status


def _plus(number: str) -> str:
    return number if number.startswith("+") else "+" + number


def _valid_mask(mask: str) -> bool:
    # upstream: livekit/protocol@28e604c:sip/sip.go:402-416 (isValidMask; invalid ones are skipped)
    return not any(c in mask for c in "()+*;, \t\n\r") and "://" not in mask


def _matches_mask(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, mask: str) -> bool:
    # upstream: livekit/protocol@28e604c:sip/sip.go:431-444 (matchAddrMask: a bare IP must be
    # equal, a CIDR must contain it; host bits in a CIDR are ignored, as Go's ParsePrefix does)
    try:
        if "/" not in mask:
            return ip == ipaddress.ip_address(mask)
        return ip in ipaddress.ip_network(mask, strict=False)
    except ValueError:
        return False


def admits_source(trunk: SIPInboundTrunkInfo, source_ip: str, from_host: str) -> bool:
    """The trunk's `allowed_addresses` let an INVITE from `source_ip` (From host `from_host`) in."""
    # upstream: livekit/protocol@28e604c:sip/sip.go:446-462 (matchAddrMasks): an unparseable
    # source is not filtered, no valid mask means any source, and a mask equal to the From
    # header's host also admits (a hostname entry).
    try:
        ip = ipaddress.ip_address(source_ip)
    except ValueError:
        return True
    masks = [m for m in trunk.allowed_addresses if _valid_mask(m)]
    if not masks:
        return True
    return any(m == from_host or _matches_mask(ip, m) for m in masks)


def _trunk_for(
    state: FakeState, caller: str, called: str, source_ip: str, from_host: str
) -> SIPInboundTrunkInfo | None:
    # upstream: livekit/protocol@28e604c:sip/sip.go:539-550 (MatchTrunkDetailed: allowed numbers,
    # then allowed addresses, filter a trunk out), :551-585 (specific number, else the default)
    usable = [
        t
        for t in state.inbound_trunks.values()
        if (not t.allowed_numbers or _plus(caller) in {_plus(n) for n in t.allowed_numbers})
        and admits_source(t, source_ip, from_host)
    ]
    specific = [t for t in usable if _plus(called) in {_plus(n) for n in t.numbers}]
    wildcard = [t for t in usable if not t.numbers]
    found = specific or wildcard
    return found[0] if found else None


def _challenge(trunk: SIPInboundTrunkInfo, credentials: tuple[str, str] | None) -> None:
    # upstream: livekit/sip@v1.11.0:pkg/service/psrpc.go:57 (a challenge only with both username
    # and password); pkg/sip/inbound.go:221-238 (no Proxy-Authorization: 407), :248-310 (bad
    # or mismatched credentials: 401). The digest exchange itself is not modelled: the test
    # passes the (username, password) the caller would answer with.
    if not (trunk.auth_username and trunk.auth_password):
        return
    if credentials is None:
        raise InboundRefused(f"trunk {trunk.sip_trunk_id} challenges the INVITE (digest)", 407)
    if credentials != (trunk.auth_username, trunk.auth_password):
        raise InboundRefused(f"trunk {trunk.sip_trunk_id}: bad digest credentials", 401)


def _rule_for(
    state: FakeState, trunk_id: str, caller: str, called: str
) -> SIPDispatchRuleInfo | None:
    # upstream: livekit/protocol@28e604c:sip/sip.go:751-835 (MatchDispatchRuleIter: without a
    # trunk only rules without trunk ids match); PINs and rule priorities are not modelled
    usable = [
        r
        for r in state.dispatch_rules.values()
        if (not r.inbound_numbers or caller in r.inbound_numbers)
        and (not r.numbers or called in r.numbers)
    ]
    specific = [r for r in usable if trunk_id and trunk_id in r.trunk_ids]
    wildcard = [r for r in usable if not r.trunk_ids]
    found = specific or wildcard
    return found[0] if found else None


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


def simulate_inbound_call(
    state: FakeState,
    caller: str,
    called: str,
    *,
    source_ip: str = DEFAULT_SOURCE_IP,
    from_host: str = "",
    credentials: tuple[str, str] | None = None,
) -> InboundCall:
    """Put `caller` (E.164) into the room the dispatch rules choose for a call to `called`, sent
    from `source_ip` (default: a Twilio signalling address). Raises `InboundRefused` as LiveKit
    refuses it (see the module docstring)."""
    # upstream: livekit/protocol@28e604c:sip/sip.go:853-960 (EvaluateDispatchRule: room names
    # direct / <prefix>_<from>_<random> / <prefix>_<to>)
    with state.lock:
        try:
            ipaddress.ip_address(source_ip)
        except ValueError:
            if source_ip:  # upstream: an empty one is only logged (ioservice_sip.go:135-138)
                # upstream: livekit/livekit@v1.13.5:pkg/service/ioservice_sip.go:139-143
                # (InvalidArgument), then livekit/sip@v1.11.0:pkg/sip/inbound.go:485-490 (503)
                _refuse(state, caller, f"cannot parse source IP {source_ip!r}", 503)
        trunk = _trunk_for(state, caller, called, source_ip, from_host)
        trunk_id = trunk.sip_trunk_id if trunk else ""
        if trunk is not None:
            try:
                _challenge(trunk, credentials)
            except InboundRefused as refused:
                _refuse(state, caller, str(refused), refused.sip_status, trunk_id)
        rule = _rule_for(state, trunk_id, caller, called)
        if rule is None:
            # upstream: livekit/livekit@v1.13.5:pkg/service/ioservice_sip.go:111-118 (no rule:
            # DROP); livekit/sip@v1.11.0:pkg/sip/inbound.go:866-873 (Drop: no final response,
            # after 100 Processing at :457 and 180 Ringing at :808)
            if trunk is None:
                why = (
                    f"no inbound trunk accepts calls to {called} from {source_ip} and no "
                    "dispatch rule without trunks does"
                )
            else:
                why = f"no dispatch rule for trunk {trunk_id}"
            _refuse(state, caller, f"{why}: LiveKit drops the INVITE without a final response")
        room, call_id = _room_name(rule, caller, called), new_id("SCL_")
        attributes = dict(rule.attributes)
        attributes.update(
            {
                "sip.callID": call_id,
                "sip.callStatus": "active",
                "sip.trunkID": trunk_id,
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
        record.trunk_id, record.result, record.sip_status = trunk_id, "answered", 200
        state.calls.append(record)
        for agent in rule.room_config.agents:
            add_dispatch(state, room, agent.agent_name, agent.metadata)
    return InboundCall(room, participant, trunk_id, rule.sip_dispatch_rule_id)


def _refuse(
    state: FakeState, caller: str, why: str, status: int | None = DROPPED, trunk_id: str = ""
) -> NoReturn:
    """Record the refused call (the caller holds the lock) and raise."""
    record = CallRecord("inbound", caller, "", "", new_id("SCL_"), trunk_id, "failed", status)
    state.calls.append(record)
    raise InboundRefused(why, status)
