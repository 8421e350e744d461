"""The desired Twilio + LiveKit SIP set-up, computed from settings and `switchboard.yaml`. Pure.

The rules (docs/connect-a-real-number.md, "Why the set-up looks like this"): LiveKit's inbound
trunk admits calls to our `numbers` from Twilio's signalling addresses only (`allowed_addresses`;
Twilio Elastic SIP Trunking cannot answer LiveKit's digest challenge), the outbound trunk's
`address` is the bare `*.pstn.twilio.com` host, origination goes to
`sip:<livekit sip host>;transport=tcp|tls`, and SIP REFER needs `transfer_mode=enable-all` on the
Twilio trunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from switchboard.domain.provisioning import Desired, Kind, Value, ref

# Defined beside `Kind` (sources.py needs it too); importers find it here as before.
from switchboard.domain.provisioning import ProvisioningConfigError as ProvisioningConfigError
from switchboard.domain.provisioning.sources import SignallingRanges, inbound_addresses

# SIP header → LiveKit participant attribute, as "Header=attribute" (the plan compares strings).
INBOUND_HEADER_ATTRIBUTES: tuple[str, ...] = ("X-Twilio-VerStat=sip.verstat",)
TRANSFER_MODES = frozenset({"enable-all", "sip-only", "disable-all"})  # Twilio TransferSetting
FALLBACK_PATH = "/twilio/voice-fallback"
SMS_PATH = "/twilio/sms"
SMS_FALLBACK_PATH = "/twilio/sms-fallback"
_SIP_HOST = re.compile(r"^(?:sips?:)?([A-Za-z0-9.\-]+)(?::\d+)?(?:;.*)?$")


@dataclass(frozen=True, slots=True)
class SetupOptions:
    """What `switchboard.yaml` may choose. Every default gives the set-up of docs/connect-a-real-number.md."""

    prefix: str = "switchboard"
    domain_name: str | None = None  # default: <prefix>-<end of account sid>.pstn.twilio.com
    sip_username: str = "switchboard-livekit"
    tls: bool = False  # production default: True (TLS signalling, SRTP media)
    allow_plain_sip: bool = False  # production only: accept `tls: false` knowingly
    fallback_uris: tuple[str, ...] = ()  # regional LiveKit SIP hosts, tried after the primary
    transfer_mode: str | None = None  # default follows the merge strategy
    room_prefix: str = "call-"
    twilio_edges: tuple[str, ...] | None = None  # None: every edge Twilio may send calls from
    extra_inbound_addresses: tuple[str, ...] = ()  # e.g. an SBC in front of LiveKit
    allow_any_source: bool = False  # an inbound trunk open to any address, knowingly


@dataclass(frozen=True, slots=True)
class SetupInputs:
    """The settings the set-up depends on."""

    account_sid: str
    phone_number: str
    livekit_sip_uri: str
    agent_name: str
    merge_strategy: str  # "move" | "refer"
    webhook_base_url: str | None = None
    trunk_sid: str | None = None
    sms_number: str | None = None  # TWILIO_SMS_NUMBER, when texts use another number
    # Twilio's signalling ranges (the packaged data); required to build the inbound trunk.
    signalling: SignallingRanges | None = None


def sms_numbers(inputs: SetupInputs) -> tuple[str, ...]:
    """The numbers whose texts must reach switchboard: the phone number and the SMS number."""
    numbers = (inputs.phone_number, inputs.sms_number or inputs.phone_number)
    return tuple(dict.fromkeys(numbers))


def is_switchboard_sms_url(url: str | None) -> bool:
    """A number's `sms_url` that already points at a switchboard (ours, perhaps another base)."""
    return bool(url) and str(url).rstrip("/").endswith(SMS_PATH)


def sms_webhook_fields(base_url: str) -> dict[str, Value]:
    """A number's SMS settings that send its texts to switchboard's webhooks."""
    return {
        "sms_url": f"{base_url}{SMS_PATH}",
        "sms_method": "POST",
        "sms_fallback_url": f"{base_url}{SMS_FALLBACK_PATH}",
        "sms_fallback_method": "POST",
    }


def sip_host(uri: str) -> str:
    """`sip:abc.sip.livekit.cloud;transport=tcp` → `abc.sip.livekit.cloud`."""
    found = _SIP_HOST.match(uri.strip())
    if not found:
        raise ProvisioningConfigError(f"{uri!r} is not a SIP host or sip: URI")
    return found.group(1)


def origination_url(uri: str, tls: bool) -> str:
    """The Twilio origination `sip_url` for a LiveKit SIP host (the transport is always explicit)."""
    return f"sip:{sip_host(uri)};transport={'tls' if tls else 'tcp'}"


def names(options: SetupOptions) -> dict[Kind, str]:
    """The friendly name / LiveKit name of each resource: the ownership marker on Twilio."""
    p = options.prefix
    return {
        Kind.TWILIO_TRUNK: f"{p}-trunk",
        Kind.CREDENTIAL_LIST: f"{p}-livekit-credentials",
        Kind.CREDENTIAL: options.sip_username,
        Kind.TRUNK_CREDENTIAL_LIST: f"{p}-livekit-credentials",
        Kind.LIVEKIT_INBOUND_TRUNK: f"{p}-inbound",
        Kind.LIVEKIT_OUTBOUND_TRUNK: f"{p}-outbound",
        Kind.DISPATCH_RULE: f"{p}-dispatch",
    }


def trunk_domain(options: SetupOptions, account_sid: str) -> str:
    """The trunk's `*.pstn.twilio.com` domain; stable per account so re-runs find it again."""
    return options.domain_name or f"{options.prefix}-{account_sid[-8:].lower()}.pstn.twilio.com"


def inbound_trunk_fields(inputs: SetupInputs, options: SetupOptions) -> dict[str, Value]:
    """The LiveKit inbound trunk: our number, from Twilio's signalling addresses only."""
    if inputs.signalling is None:
        raise ProvisioningConfigError("Twilio's signalling ranges were not loaded")
    fields: dict[str, Value] = {
        "numbers": (inputs.phone_number,),
        "allowed_addresses": inbound_addresses(inputs.signalling, options),
        # Twilio's caller-ID verification (STIR/SHAKEN) reaches the agent as a participant
        # attribute (adapters/livekit/sip_attributes.py: VERSTAT), for screening.
        "headers_to_attributes": INBOUND_HEADER_ATTRIBUTES,
    }
    # A secure Twilio trunk insists on SRTP, so LiveKit must too; without TLS we leave it alone.
    if options.tls:
        fields["media_encryption"] = "require"
    return fields


def desired_state(inputs: SetupInputs, options: SetupOptions) -> tuple[Desired, ...]:
    """Every resource of the set-up, in apply order."""
    n = names(options)
    domain = trunk_domain(options, inputs.account_sid)
    refer = inputs.merge_strategy == "refer"
    dr_url = f"{inputs.webhook_base_url}{FALLBACK_PATH}" if inputs.webhook_base_url else None
    trunk: dict[str, Value] = {
        "domain_name": domain,
        "transfer_mode": options.transfer_mode or ("enable-all" if refer else "disable-all"),
        "secure": options.tls,
        "disaster_recovery_url": dr_url,
    }
    out = [
        Desired(Kind.TWILIO_TRUNK, n[Kind.TWILIO_TRUNK], trunk, known_id=inputs.trunk_sid),
        Desired(Kind.CREDENTIAL_LIST, n[Kind.CREDENTIAL_LIST]),
        # Twilio never returns a password; "stored" means we hold the one we set.
        Desired(Kind.CREDENTIAL, n[Kind.CREDENTIAL], {"password_stored": True}),
        Desired(
            Kind.TRUNK_CREDENTIAL_LIST,
            n[Kind.TRUNK_CREDENTIAL_LIST],
            {"credential_list_sid": ref(Kind.CREDENTIAL_LIST)},
        ),
    ]
    # A secure Twilio trunk insists on SRTP, so LiveKit must too; without TLS we leave it alone.
    srtp: dict[str, Value] = {"media_encryption": "require"} if options.tls else {}
    uris = (inputs.livekit_sip_uri, *options.fallback_uris)
    for priority, uri in enumerate(uris, start=1):
        name = f"{options.prefix}-livekit-{priority}"
        url: dict[str, Value] = {
            "sip_url": origination_url(uri, options.tls),
            "priority": priority,
            "weight": 1,
        }
        out.append(Desired(Kind.ORIGINATION_URL, name, {**url, "enabled": True}))
    out += [
        Desired(
            Kind.LIVEKIT_INBOUND_TRUNK,
            n[Kind.LIVEKIT_INBOUND_TRUNK],
            inbound_trunk_fields(inputs, options),
        ),
        Desired(
            Kind.LIVEKIT_OUTBOUND_TRUNK,
            n[Kind.LIVEKIT_OUTBOUND_TRUNK],
            {
                "address": domain,
                "numbers": (inputs.phone_number,),
                "transport": "tls" if options.tls else "auto",
                "auth_username": options.sip_username,
                "password_matches": True,
                **srtp,
            },
        ),
        Desired(
            Kind.DISPATCH_RULE,
            n[Kind.DISPATCH_RULE],
            {
                "rule": "individual",
                "room_prefix": options.room_prefix,
                "agents": (inputs.agent_name,),
                "trunk_ids": (ref(Kind.LIVEKIT_INBOUND_TRUNK),),
            },
        ),
    ]
    # Last: from here on texts reach switchboard and calls reach LiveKit (see Kind).
    if inputs.webhook_base_url:
        sms = sms_webhook_fields(inputs.webhook_base_url)
        out += [Desired(Kind.SMS_WEBHOOK, number, sms) for number in sms_numbers(inputs)]
    out.append(
        Desired(Kind.PHONE_NUMBER, inputs.phone_number, {"trunk_sid": ref(Kind.TWILIO_TRUNK)})
    )
    return tuple(out)
