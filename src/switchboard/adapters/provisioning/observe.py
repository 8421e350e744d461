"""Read what is live on Twilio and LiveKit as `Live` resources (also used by `doctor`).

Twilio's REST client blocks, so its reads run in a worker thread. Children of the Twilio trunk
(origination URLs, attached credential lists) are read only for the trunk the plan would use.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from livekit.api import LiveKitAPI
from livekit.protocol.sip import (
    ListSIPDispatchRuleRequest,
    ListSIPInboundTrunkRequest,
    ListSIPOutboundTrunkRequest,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPMediaEncryption,
    SIPOutboundTrunkInfo,
    SIPTransport,
)
from twilio.rest import Client

from switchboard.adapters.provisioning.numbers import find_number
from switchboard.adapters.provisioning.secrets import SecretStore
from switchboard.domain.provisioning import ALL, MANAGED_BY, Desired, Kind, Live, Value
from switchboard.domain.provisioning.desired import is_switchboard_sms_url
from switchboard.domain.provisioning.plan import find_match

NOT_ON_ACCOUNT = "{number} is not a phone number on this Twilio account (buy or port it first)"


def _first(desired: Sequence[Desired], kind: Kind) -> Desired | None:
    return next((d for d in desired if d.kind is kind), None)


def is_managed(metadata: str) -> bool:
    """LiveKit's ownership marker: metadata `{"managed_by": "switchboard"}`."""
    try:
        data = json.loads(metadata) if metadata else None
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("managed_by") == MANAGED_BY


def observe_twilio(client: Client, desired: Sequence[Desired], store: SecretStore) -> list[Live]:
    """Trunks, the chosen trunk's children, credential lists, credentials and the phone number."""
    out: list[Live] = []
    trunks = [_trunk(t) for t in client.trunking.v1.trunks.list()]
    out += trunks
    want = _first(desired, Kind.TWILIO_TRUNK)
    trunk = find_match(want, trunks) if want else None
    if trunk is not None:
        ctx = client.trunking.v1.trunks(trunk.id)
        for url in ctx.origination_urls.list():
            fields = {
                "sip_url": url.sip_url,
                "priority": url.priority,
                "weight": url.weight,
                "enabled": url.enabled,
            }
            out.append(Live(Kind.ORIGINATION_URL, url.sid, url.friendly_name or "", fields))
        for item in ctx.credentials_lists.list():
            fields = {"credential_list_sid": item.sid}
            out.append(Live(Kind.TRUNK_CREDENTIAL_LIST, item.sid, item.friendly_name or "", fields))
    lists = [
        Live(Kind.CREDENTIAL_LIST, cl.sid, cl.friendly_name or "")
        for cl in client.sip.credential_lists.list()
    ]
    out += lists
    want = _first(desired, Kind.CREDENTIAL_LIST)
    chosen = find_match(want, lists) if want else None
    if chosen is not None:
        for cred in client.sip.credential_lists(chosen.id).credentials.list():
            stored = {"password_stored": store.get(cred.username) is not None}
            out.append(Live(Kind.CREDENTIAL, cred.sid, cred.username, stored))
    out += _numbers(client, desired, trunk)
    return out


def _numbers(client: Client, desired: Sequence[Desired], trunk: Live | None) -> list[Live]:
    """The phone number's trunk and voice routing, and each SMS number's SMS settings."""
    found: dict[str, Any] = {}

    def lookup(number: str) -> Any:
        if number not in found:
            found[number] = find_number(client, number)
        return found[number]

    out: list[Live] = []
    for want in desired:
        if want.kind is Kind.PHONE_NUMBER:
            out.append(_number(lookup(want.name), want.name, trunk))
        elif want.kind is Kind.SMS_WEBHOOK:
            out.append(_sms_webhook(lookup(want.name), want.name))
    return out


def _trunk(t: Any) -> Live:
    fields = {
        "domain_name": t.domain_name,
        "transfer_mode": t.transfer_mode,
        "secure": bool(t.secure),
        "disaster_recovery_url": t.disaster_recovery_url or None,
    }
    return Live(Kind.TWILIO_TRUNK, t.sid, t.friendly_name or "", fields)


def _number(pn: Any, number: str, trunk: Live | None) -> Live:
    """The number with its voice routing; on no trunk it is free (the plan creates the link)."""
    if pn is None:
        return Live(Kind.PHONE_NUMBER, "", number, blocked=NOT_ON_ACCOUNT.format(number=number))
    fields: dict[str, Value] = {
        "trunk_sid": pn.trunk_sid or None,
        "voice_url": pn.voice_url or None,
        "voice_application_sid": pn.voice_application_sid or None,
    }
    ours = not pn.trunk_sid or (trunk is not None and pn.trunk_sid == trunk.id)
    return Live(Kind.PHONE_NUMBER, pn.sid, number, fields, managed=ours)


def _sms_webhook(pn: Any, number: str) -> Live:
    """The number's SMS settings; ours when its SMS URL already points at a switchboard."""
    if pn is None:
        return Live(Kind.SMS_WEBHOOK, "", number, blocked=NOT_ON_ACCOUNT.format(number=number))
    fields: dict[str, Value] = {
        "sms_url": pn.sms_url or None,
        "sms_method": pn.sms_method,
        "sms_fallback_url": pn.sms_fallback_url or None,
        "sms_fallback_method": pn.sms_fallback_method,
        "sms_application_sid": pn.sms_application_sid or None,
    }
    managed = is_switchboard_sms_url(pn.sms_url)
    return Live(Kind.SMS_WEBHOOK, pn.sid, number, fields, managed=managed)


_TRANSPORTS = {SIPTransport.SIP_TRANSPORT_TLS: "tls", SIPTransport.SIP_TRANSPORT_TCP: "tcp"}
ENCRYPTION_VALUES = {
    "disable": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE,
    "allow": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW,
    "require": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
}
ENCRYPTION_NAMES = {value: name for name, value in ENCRYPTION_VALUES.items()}
TRANSPORT_VALUES = {"tls": SIPTransport.SIP_TRANSPORT_TLS, "tcp": SIPTransport.SIP_TRANSPORT_TCP}


async def observe_livekit(lk: LiveKitAPI, store: SecretStore) -> list[Live]:
    """Every inbound trunk, outbound trunk and dispatch rule on the LiveKit project."""
    inbound = await lk.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())
    outbound = await lk.sip.list_outbound_trunk(ListSIPOutboundTrunkRequest())
    rules = await lk.sip.list_dispatch_rule(ListSIPDispatchRuleRequest())
    out = [_inbound(t) for t in inbound.items]
    out += [_outbound(t, store) for t in outbound.items]
    out += [_rule(r) for r in rules.items]
    return out


def _inbound(t: SIPInboundTrunkInfo) -> Live:
    fields: dict[str, Value] = {
        "numbers": tuple(t.numbers),
        "allowed_addresses": tuple(t.allowed_addresses),
        "media_encryption": ENCRYPTION_NAMES[t.media_encryption],
        "headers_to_attributes": tuple(
            f"{header}={attribute}" for header, attribute in sorted(t.headers_to_attributes.items())
        ),
        # Set by an operator, never by setup (Twilio origination cannot answer a digest
        # challenge); `doctor` reports it. The password itself is never read into a Live.
        "digest_auth": bool(t.auth_username or t.auth_password),
    }
    return Live(Kind.LIVEKIT_INBOUND_TRUNK, t.sip_trunk_id, t.name, fields, is_managed(t.metadata))


def _outbound(t: SIPOutboundTrunkInfo, store: SecretStore) -> Live:
    stored = store.get(t.auth_username) if t.auth_username else None
    # LiveKit may not echo the password back; then "we hold one" is all we can check.
    matches = stored is not None and (not t.auth_password or t.auth_password == stored)
    fields: dict[str, Value] = {
        "address": t.address,
        "numbers": tuple(t.numbers),
        "transport": _TRANSPORTS.get(t.transport, "auto"),
        "auth_username": t.auth_username,
        "password_matches": matches,
        "media_encryption": ENCRYPTION_NAMES[t.media_encryption],
    }
    return Live(Kind.LIVEKIT_OUTBOUND_TRUNK, t.sip_trunk_id, t.name, fields, is_managed(t.metadata))


def _rule(r: SIPDispatchRuleInfo) -> Live:
    kind = r.rule.WhichOneof("rule") or ""
    prefix = r.rule.dispatch_rule_individual.room_prefix if kind.endswith("individual") else ""
    fields: dict[str, Value] = {
        "rule": kind.removeprefix("dispatch_rule_"),
        "room_prefix": prefix,
        "agents": tuple(a.agent_name for a in r.room_config.agents),
        "trunk_ids": tuple(r.trunk_ids) or (ALL,),
    }
    return Live(Kind.DISPATCH_RULE, r.sip_dispatch_rule_id, r.name, fields, is_managed(r.metadata))


async def observe(
    twilio: Client, lk: LiveKitAPI, desired: Sequence[Desired], store: SecretStore
) -> list[Live]:
    """Both providers, concurrently."""
    twilio_side = asyncio.to_thread(observe_twilio, twilio, desired, store)
    twilio_live, livekit_live = await asyncio.gather(twilio_side, observe_livekit(lk, store))
    return [*twilio_live, *livekit_live]
