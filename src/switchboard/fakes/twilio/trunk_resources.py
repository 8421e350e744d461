"""Builders for Trunking v1 resources (ISO 8601 dates, absolute `url`, `links`)."""

from __future__ import annotations

from switchboard.fakes.twilio.wire import TRUNKING_HOST, Resource, iso8601, new_sid, now

TRUNK_SUBRESOURCES = ("OriginationUrls", "CredentialLists", "IpAccessControlLists", "PhoneNumbers")


def trunk_url(trunk_sid: str) -> str:
    """The absolute URL of a trunk."""
    return f"{TRUNKING_HOST}/v1/Trunks/{trunk_sid}"


def _links(url: str) -> dict[str, str]:
    names = {
        "OriginationUrls": "origination_urls",
        "CredentialLists": "credential_lists",
        "IpAccessControlLists": "ip_access_control_lists",
        "PhoneNumbers": "phone_numbers",
    }
    links = {key: f"{url}/{name}" for name, key in names.items()}
    links["recording"] = f"{url}/Recording"
    return links


def trunk(account_sid: str, fields: Resource) -> Resource:
    """A new Trunk; `fields` (snake_case) override the defaults."""
    sid, created = new_sid("TK"), now()
    url = trunk_url(sid)
    resource: Resource = {
        "account_sid": account_sid,
        "auth_type": None,
        "auth_type_set": [],
        "cnam_lookup_enabled": False,
        "date_created": iso8601(created),
        "date_updated": iso8601(created),
        "disaster_recovery_method": "POST",
        "disaster_recovery_url": None,
        "domain_name": None,
        "friendly_name": None,
        "links": _links(url),
        "recording": {"mode": "do-not-record", "trim": "do-not-trim"},
        "secure": False,
        "sid": sid,
        "symmetric_rtp_enabled": False,
        "transfer_caller_id": "from-transferee",
        "transfer_mode": "disable-all",
        "url": url,
    }
    resource.update(fields)
    return resource


def origination_url(account_sid: str, trunk_sid: str, fields: Resource) -> Resource:
    """A new OriginationUrl with all five required fields in `fields`."""
    sid, created = new_sid("OU"), now()
    resource: Resource = {
        "account_sid": account_sid,
        "date_created": iso8601(created),
        "date_updated": iso8601(created),
        "sid": sid,
        "trunk_sid": trunk_sid,
        "url": f"{trunk_url(trunk_sid)}/OriginationUrls/{sid}",
    }
    resource.update(fields)
    return resource


def trunk_link(account_sid: str, trunk_sid: str, kind: str, sid: str, name: str) -> Resource:
    """A credential list or IP access control list as attached to a trunk (`kind` is the path)."""
    created = now()
    return {
        "account_sid": account_sid,
        "date_created": iso8601(created),
        "date_updated": iso8601(created),
        "friendly_name": name,
        "sid": sid,
        "trunk_sid": trunk_sid,
        "url": f"{trunk_url(trunk_sid)}/{kind}/{sid}",
    }


_NUMBER_FIELDS = [
    "account_sid",
    "address_requirements",
    "api_version",
    "beta",
    "capabilities",
    "friendly_name",
    "phone_number",
    "sid",
    "sms_application_sid",
    "sms_fallback_method",
    "sms_fallback_url",
    "sms_method",
    "sms_url",
    "status_callback",
    "status_callback_method",
    "trunk_sid",
    "voice_application_sid",
    "voice_caller_id_lookup",
    "voice_fallback_method",
    "voice_fallback_url",
    "voice_method",
    "voice_url",
]


def trunk_phone_number(number: Resource, trunk_sid: str) -> Resource:
    """The trunking view of an IncomingPhoneNumber that belongs to `trunk_sid`."""
    view: Resource = {name: number[name] for name in _NUMBER_FIELDS}
    view["trunk_sid"] = trunk_sid
    url = f"{trunk_url(trunk_sid)}/PhoneNumbers/{number['sid']}"
    view["url"] = url
    view["links"] = {"phone_number": f"{TRUNKING_HOST}/v1/PhoneNumbers/{number['sid']}"}
    stamp = now()
    view["date_created"] = iso8601(stamp)
    view["date_updated"] = iso8601(stamp)
    return view
