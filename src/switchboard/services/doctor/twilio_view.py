"""The Twilio side as doctor sees it: the number, the trunk it is on, that trunk's children.

Reuses setup's `observe_twilio`; the trunk is found through the number (or TWILIO_SIP_TRUNK_ID)
first, so a trunk made by hand in the console is inspected too, not only one `setup` created.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from twilio.rest import Client

from switchboard.adapters.twilio import make_twilio_client
from switchboard.domain.provisioning import Desired, Kind, Live
from switchboard.domain.provisioning_plan import find_match
from switchboard.services.doctor.context import DoctorContext
from switchboard.services.provisioning import SecretStore, observe_twilio
from switchboard.services.provisioning.numbers import find_number


@dataclass(frozen=True, slots=True)
class TwilioView:
    """The number and the trunk it should be on, with the children doctor looks at."""

    number_sid: str | None  # None: not a number on this account
    number_trunk_sid: str | None
    trunk: Live | None
    origination: tuple[Live, ...]
    attached_usernames: frozenset[str]
    sms_webhooks: tuple[Live, ...] = ()  # per SMS number, when WEBHOOK_BASE_URL is set


def client_for(ctx: DoctorContext) -> Client:
    """A blocking client whose requests give up within the check's time limit."""
    return make_twilio_client(ctx.settings, request_timeout=ctx.timeout)


def read_twilio(
    client: Client,
    desired: tuple[Desired, ...],
    number: str,
    trunk_sid: str | None,
    store: SecretStore,
) -> TwilioView:
    """Blocking: the number, then the trunk it is on (or the configured / set-up one)."""
    pn: Any = find_number(client, number)
    known = trunk_sid or (pn.trunk_sid if pn is not None else None)
    # A trunk made by hand in the console is found through the number, not by our friendly name.
    wanted = [
        replace(d, known_id=known) if d.kind is Kind.TWILIO_TRUNK and known else d for d in desired
    ]
    live = observe_twilio(client, wanted, store)
    trunk_desired = next(d for d in wanted if d.kind is Kind.TWILIO_TRUNK)
    trunk = find_match(trunk_desired, [x for x in live if x.kind is Kind.TWILIO_TRUNK])
    usernames: set[str] = set()
    for attached in (x for x in live if x.kind is Kind.TRUNK_CREDENTIAL_LIST):
        for cred in client.sip.credential_lists(attached.id).credentials.list():
            usernames.add(cred.username)
    return TwilioView(
        number_sid=pn.sid if pn is not None else None,
        number_trunk_sid=pn.trunk_sid if pn is not None else None,
        trunk=trunk,
        origination=tuple(x for x in live if x.kind is Kind.ORIGINATION_URL),
        attached_usernames=frozenset(usernames),
        sms_webhooks=tuple(x for x in live if x.kind is Kind.SMS_WEBHOOK),
    )


async def twilio_view(ctx: DoctorContext) -> TwilioView:
    """The Twilio side, read once per doctor run."""
    desired = ctx.desired
    number = ctx.settings.twilio_phone_number
    if desired is None or number is None:
        raise ctx.incomplete()

    async def read() -> TwilioView:
        client = client_for(ctx)
        trunk_sid = ctx.settings.twilio_sip_trunk_id
        return await asyncio.to_thread(read_twilio, client, desired, number, trunk_sid, ctx.store)

    return await ctx.shared("Twilio", read)
