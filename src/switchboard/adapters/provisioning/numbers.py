"""Find one of the account's phone numbers by its exact E.164 value (blocking: run in a thread)."""

from __future__ import annotations

from typing import Any

from twilio.rest import Client


def find_number(client: Client, number: str) -> Any | None:
    """The IncomingPhoneNumber whose `phone_number` is exactly `number`, or None.

    Twilio's `PhoneNumber` filter matches partial numbers and `*` wildcards (API 2010 spec,
    ListIncomingPhoneNumber: "You can specify partial numbers and use '*' as a wildcard for any
    digit"), so the list may hold other numbers, even first; only the exact one counts.
    """
    for candidate in client.incoming_phone_numbers.list(phone_number=number):
        if candidate.phone_number == number:
            return candidate
    return None
