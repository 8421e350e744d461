"""Validate the parsed `switchboard.yaml` into `SetupOptions`. Pure: the caller reads the file.

```yaml
prefix: acme                 # names: acme-trunk, acme-inbound, … (the ownership marker on Twilio)
domain_name: acme-sip.pstn.twilio.com
sip_username: acme-livekit
tls: true                    # origination transport=tls, trunk secure, outbound transport TLS,
                             # SRTP required on both LiveKit trunks (the default in production)
allow_plain_sip: false       # production: accept `tls: false` (unencrypted calls) knowingly
fallback_uris: [sip:abc123.us-east.sip.livekit.cloud]
transfer_mode: enable-all    # default: enable-all for the refer merge strategy, else disable-all
room_prefix: call-
twilio_edges: [ashburn, umatilla]   # default: every edge (Twilio may fail a call over to any)
extra_inbound_addresses: [203.0.113.10, 198.51.100.0/28]   # e.g. an SBC; IPs or CIDR blocks
allow_any_source: false      # true: the inbound trunk admits INVITEs from any address
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from switchboard.domain.provisioning.desired import (
    TRANSFER_MODES,
    ProvisioningConfigError,
    SetupOptions,
    sip_host,
)
from switchboard.domain.provisioning.sources import canonical

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$")
# Twilio's limit for a SIP credential's username; a longer one fails at apply, after the trunk
# exists. upstream: twilio-python 9.13.0
# twilio/rest/api/v2010/account/sip/credential_list/credential.py:620 ("up to 32 characters long").
MAX_SIP_USERNAME = 32
_SIP_USERNAME = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_\-]{{0,{MAX_SIP_USERNAME - 1}}}$")
_DOMAIN = re.compile(r"^[A-Za-z0-9\-]+\.pstn\.twilio\.com$")
_KEYS = frozenset(SetupOptions.__dataclass_fields__)


def _check(problems: list[str], ok: bool, message: str) -> None:
    if not ok:
        problems.append(message)


PLAIN_SIP_REFUSED = (
    "tls: false is refused in production: calls would cross the internet unencrypted (SIP over "
    "TCP, RTP in the clear). Remove it (TLS + SRTP is the production default), or add "
    "`allow_plain_sip: true` to accept that knowingly"
)


def parse_setup_options(data: object, *, production: bool = False) -> SetupOptions:
    """`SetupOptions` from the YAML document (None or {} → defaults); every problem is listed.

    In production, SIP signalling and media are encrypted unless the file says otherwise twice:
    `tls` defaults to true, and `tls: false` needs `allow_plain_sip: true` beside it."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ProvisioningConfigError("switchboard.yaml: the document must be a mapping of keys")
    problems = [f"{key}: unknown key" for key in data if key not in _KEYS]
    values: dict[str, Any] = {k: v for k, v in data.items() if k in _KEYS}
    if "prefix" in values:
        prefix = values["prefix"]
        _check(
            problems,
            isinstance(prefix, str) and bool(_NAME.match(prefix)),
            "prefix: use 1-40 letters, digits, '-' or '_'",
        )
    if "sip_username" in values:
        username = values["sip_username"]
        _check(
            problems,
            isinstance(username, str) and bool(_SIP_USERNAME.match(username)),
            f"sip_username: use 1-{MAX_SIP_USERNAME} letters, digits, '-' or '_' "
            "(Twilio's limit for a SIP credential username)",
        )
    if values.get("domain_name") is not None:
        domain = values["domain_name"]
        _check(
            problems,
            isinstance(domain, str) and bool(_DOMAIN.match(domain)),
            "domain_name: must look like <name>.pstn.twilio.com (letters, digits, '-')",
        )
    if "tls" in values:
        _check(problems, isinstance(values["tls"], bool), "tls: must be true or false")
    if "allow_plain_sip" in values:
        _check(
            problems,
            isinstance(values["allow_plain_sip"], bool),
            "allow_plain_sip: must be true or false",
        )
    if production:
        values.setdefault("tls", True)
        if values["tls"] is False and values.get("allow_plain_sip") is not True:
            problems.append(PLAIN_SIP_REFUSED)
    if values.get("transfer_mode") is not None:
        _check(
            problems,
            values["transfer_mode"] in TRANSFER_MODES,
            f"transfer_mode: must be one of {', '.join(sorted(TRANSFER_MODES))}",
        )
    if "room_prefix" in values:
        prefix = values["room_prefix"]
        _check(
            problems,
            isinstance(prefix, str) and bool(re.fullmatch(r"[A-Za-z0-9_\-]{1,20}", prefix)),
            "room_prefix: use 1-20 letters, digits, '-' or '_'",
        )
    if "fallback_uris" in values:
        values["fallback_uris"] = _fallbacks(values["fallback_uris"], problems)
    _inbound_sources(values, problems)
    if problems:
        raise ProvisioningConfigError("switchboard.yaml: " + "; ".join(problems))
    return SetupOptions(**values)


def _fallbacks(raw: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(u, str) for u in raw):
        problems.append("fallback_uris: must be a list of SIP hosts or sip: URIs")
        return ()
    for uri in raw:
        try:
            sip_host(uri)
        except ProvisioningConfigError as exc:
            problems.append(f"fallback_uris: {exc}")
    return tuple(raw)


_EDGE = re.compile(r"^[a-z][a-z0-9\-]{0,30}$")
OPEN_TRUNK_REFUSED = (
    "the LiveKit inbound trunk would admit INVITEs from any address (LiveKit reads an empty "
    "allowed_addresses as 'any'). Name at least one Twilio edge or extra address, or add "
    "`allow_any_source: true` to accept that knowingly"
)


def _inbound_sources(values: dict[str, Any], problems: list[str]) -> None:
    """`twilio_edges`, `extra_inbound_addresses` and `allow_any_source`, checked together.

    Edge names are checked against the packaged data later (`edges_in_use`), where it is known.
    """
    if "allow_any_source" in values and not isinstance(values["allow_any_source"], bool):
        problems.append("allow_any_source: must be true or false")
    if values.get("twilio_edges") is not None:
        edges = values["twilio_edges"]
        if not isinstance(edges, list) or not all(
            isinstance(e, str) and _EDGE.match(e) for e in edges
        ):
            problems.append("twilio_edges: must be a list of Twilio edge names, e.g. [ashburn]")
        else:
            values["twilio_edges"] = tuple(edges)
    if "extra_inbound_addresses" in values:
        raw = values["extra_inbound_addresses"]
        if not isinstance(raw, list):
            problems.append(
                "extra_inbound_addresses: must be a list of IP addresses or CIDR blocks"
            )
            raw = []
        extras = []
        for item in raw:
            try:
                extras.append(canonical(item))
            except ValueError as exc:
                problems.append(f"extra_inbound_addresses: {exc}")
        values["extra_inbound_addresses"] = tuple(extras)
    if values.get("allow_any_source") is True:
        if values.get("twilio_edges") is not None or values.get("extra_inbound_addresses"):
            problems.append(
                "allow_any_source: true admits every address, so twilio_edges and "
                "extra_inbound_addresses would do nothing; remove one or the other"
            )
    elif values.get("twilio_edges") == () and not values.get("extra_inbound_addresses"):
        problems.append(OPEN_TRUNK_REFUSED)
