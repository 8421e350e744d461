"""Builders for API 2010 SIP resources: CredentialLists and Credentials."""

from __future__ import annotations

from switchboard.fakes.twilio.resources import account_path
from switchboard.fakes.twilio.wire import Resource, new_sid, now, rfc2822


def credential_list(account_sid: str, friendly_name: str) -> Resource:
    """A SIP CredentialList."""
    sid, created = new_sid("CL"), now()
    uri = f"{account_path(account_sid)}/SIP/CredentialLists/{sid}.json"
    return {
        "account_sid": account_sid,
        "date_created": rfc2822(created),
        "date_updated": rfc2822(created),
        "friendly_name": friendly_name,
        "sid": sid,
        "subresource_uris": {"credentials": uri.replace(".json", "/Credentials.json")},
        "uri": uri,
    }


def credential(account_sid: str, list_sid: str, username: str) -> Resource:
    """A SIP Credential (the password is never returned)."""
    sid, created = new_sid("CR"), now()
    uri = f"{account_path(account_sid)}/SIP/CredentialLists/{list_sid}/Credentials/{sid}.json"
    return {
        "account_sid": account_sid,
        "credential_list_sid": list_sid,
        "date_created": rfc2822(created),
        "date_updated": rfc2822(created),
        "sid": sid,
        "uri": uri,
        "username": username,
    }
