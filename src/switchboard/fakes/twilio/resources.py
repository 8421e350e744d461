"""Builders for API 2010 resources, with the field names and formats of Twilio's OpenAPI spec."""

from __future__ import annotations

from datetime import datetime

from switchboard.fakes.twilio.wire import Resource, new_sid, now, rfc2822

API_VERSION = "2010-04-01"


def account_path(account_sid: str) -> str:
    """`/2010-04-01/Accounts/AC…` (no `.json`), the stem of every account-scoped URI."""
    return f"/{API_VERSION}/Accounts/{account_sid}"


def account(account_sid: str, auth_token: str, created: datetime) -> Resource:
    """The Account resource."""
    base = account_path(account_sid)
    subs = ("Messages", "Calls", "IncomingPhoneNumbers", "SIP", "Applications", "Recordings")
    return {
        "auth_token": auth_token,
        "date_created": rfc2822(created),
        "date_updated": rfc2822(created),
        "friendly_name": "Switchboard fake account",
        "owner_account_sid": account_sid,
        "sid": account_sid,
        "status": "active",
        "subresource_uris": {name.lower(): f"{base}/{name}.json" for name in subs},
        "type": "Full",
        "uri": f"{base}.json",
    }


def message(account_sid: str, to: str, from_: str, body: str) -> Resource:
    """A new outbound Message, status `queued` as the create call answers."""
    sid, created = new_sid("SM"), now()
    uri = f"{account_path(account_sid)}/Messages/{sid}.json"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": rfc2822(created),
        "date_sent": None,
        "date_updated": rfc2822(created),
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": from_,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": str(1 if len(body) <= 160 else -(-len(body) // 153)),  # 153 per part
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": to,
        "uri": uri,
    }


def incoming_number(account_sid: str, phone_number: str, fields: Resource) -> Resource:
    """An IncomingPhoneNumber; `fields` (snake_case) override the defaults."""
    sid, created = new_sid("PN"), now()
    resource: Resource = {
        "account_sid": account_sid,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": API_VERSION,
        "beta": False,
        "bundle_sid": None,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": rfc2822(created),
        "date_updated": rfc2822(created),
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "emergency_status": "Inactive",
        "friendly_name": phone_number,
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": phone_number,
        "sid": sid,
        "sms_application_sid": "",
        "sms_fallback_method": "POST",
        "sms_fallback_url": "",
        "sms_method": "POST",
        "sms_url": "",
        "status": "in-use",
        "status_callback": "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "type": "local",
        "uri": f"{account_path(account_sid)}/IncomingPhoneNumbers/{sid}.json",
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_receive_mode": "voice",
        "voice_url": None,
    }
    resource.update(fields)
    return resource


def call(account_sid: str, fields: Resource, start: datetime, end: datetime | None) -> Resource:
    """A seeded Call; `fields` must hold at least `to`, `from`, `status`, `direction`."""
    sid = new_sid("CA")
    uri = f"{account_path(account_sid)}/Calls/{sid}.json"
    duration = str(int((end - start).total_seconds())) if end else None
    resource: Resource = {
        "account_sid": account_sid,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": rfc2822(start),
        "date_updated": rfc2822(end or start),
        "duration": duration,
        "end_time": rfc2822(end),
        "forwarded_from": None,
        "from_formatted": fields.get("from"),
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": rfc2822(start),
        "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")},
        "to_formatted": fields.get("to"),
        "trunk_sid": None,
        "uri": uri,
    }
    resource.update(fields)
    return resource


def voice_target(number: Resource) -> tuple[str, str] | None:
    """Where Twilio sends a call to this number: `("trunk", TK…)`, `("application", AP…)`,
    `("url", voice_url)`, or None when nothing is configured.

    upstream: twilio-python 9.13.0 twilio/rest/api/v2010/account/incoming_phone_number/__init__.py:77
    (a `trunk_sid` makes Twilio "ignore all of the voice urls and voice applications") and :85
    (`voice_url` "will not be used if a `voice_application_sid` or a `trunk_sid` is set").
    """
    if number.get("trunk_sid"):
        return ("trunk", number["trunk_sid"])
    if number.get("voice_application_sid"):
        return ("application", number["voice_application_sid"])
    return ("url", number["voice_url"]) if number.get("voice_url") else None


def sms_target(number: Resource) -> tuple[str, str] | None:
    """Where Twilio sends a text to this number: `("application", AP…/MG…)`, `("url", sms_url)`,
    or None. A trunk changes nothing here: the trunk only takes the voice URLs' place.

    upstream: twilio-python 9.13.0 twilio/rest/api/v2010/account/incoming_phone_number/__init__.py:70
    ("If an `sms_application_sid` is present, we ignore all `sms_*_url` values"); :74 (`sms_url`)
    has no trunk exception, unlike :85 (`voice_url`). No Twilio text says outright that a trunked
    number still uses its `sms_url`; this is the reading of those two docstrings.
    """
    if number.get("sms_application_sid"):
        return ("application", number["sms_application_sid"])
    return ("url", number["sms_url"]) if number.get("sms_url") else None
