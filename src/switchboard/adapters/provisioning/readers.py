"""What `doctor` and the debug commands read from the providers, each read opening and closing its
own client: the LiveKit SIP objects and rooms, the Twilio account and its trunk as doctor sees it.
The services above (services/doctor/, services/diagnostics/) import no provider SDK."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from livekit.api import LiveKitAPI
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import ListParticipantsRequest, ListRoomsRequest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from switchboard.adapters.provisioning.numbers import find_number
from switchboard.adapters.provisioning.observe import observe_livekit, observe_twilio
from switchboard.adapters.provisioning.secrets import SecretStore
from switchboard.adapters.twilio import make_twilio_client
from switchboard.domain.errors import SwitchboardError
from switchboard.domain.provisioning import Desired, Kind, Live
from switchboard.domain.provisioning.plan import find_match
from switchboard.settings import Settings


class CredentialsRefused(SwitchboardError):
    """The provider answered that these credentials are not accepted (HTTP 401/403, Twilio 20003)."""


# --- LiveKit ------------------------------------------------------------------------------------
def has_livekit_credentials(settings: Settings) -> bool:
    return bool(settings.livekit_url and settings.livekit_api_key and settings.livekit_api_secret)


def _livekit(settings: Settings) -> LiveKitAPI:
    assert settings.livekit_api_secret is not None, "check has_livekit_credentials first"
    secret = settings.livekit_api_secret.get_secret_value()
    return LiveKitAPI(settings.livekit_url, settings.livekit_api_key, secret)


async def read_livekit(settings: Settings, store: SecretStore) -> list[Live]:
    """Every inbound trunk, outbound trunk and dispatch rule on the project."""
    lk = _livekit(settings)
    try:
        return await observe_livekit(lk, store)
    finally:
        await lk.aclose()


async def count_rooms(settings: Settings) -> int:
    """The active rooms: a cheap call that proves the key and secret are accepted."""
    lk = _livekit(settings)
    try:
        return len((await lk.room.list_rooms(ListRoomsRequest())).rooms)
    finally:
        await lk.aclose()


@dataclass(frozen=True, slots=True)
class SipParticipant:
    room: str
    identity: str
    attributes: Mapping[str, str]  # the `sip.*` attributes


async def sip_participants(settings: Settings, limit: int) -> list[SipParticipant]:
    """The SIP participants of the active rooms, newest room first (LiveKit keeps no history of
    finished calls)."""
    lk = _livekit(settings)
    out: list[SipParticipant] = []
    try:
        rooms = await lk.room.list_rooms(ListRoomsRequest())
        for room in sorted(rooms.rooms, key=lambda r: r.creation_time, reverse=True):
            found = await lk.room.list_participants(ListParticipantsRequest(room=room.name))
            for p in found.participants:
                sip = {k: v for k, v in p.attributes.items() if k.startswith("sip.")}
                if p.kind == ParticipantInfo.Kind.SIP or sip:
                    out.append(SipParticipant(room.name, p.identity, sip))
            if len(out) >= limit:
                break
    finally:
        await lk.aclose()
    return out[:limit]


# --- Twilio -------------------------------------------------------------------------------------
def account_status(settings: Settings, timeout: float) -> str:
    """Blocking: the account's status ("active", "suspended", …); CredentialsRefused when the
    SID and token are not accepted."""
    client = make_twilio_client(settings, request_timeout=timeout)
    sid = settings.twilio_account_sid
    try:
        account = client.api.v2010.accounts(sid).fetch()
    except TwilioRestException as exc:
        if exc.status in (401, 403) or exc.code == 20003:
            raise CredentialsRefused(str(exc.msg)) from exc
        raise
    return str(getattr(account, "status", "active"))


@dataclass(frozen=True, slots=True)
class TwilioView:
    """The number and the trunk it should be on, with the children doctor looks at."""

    number_sid: str | None  # None: not a number on this account
    number_trunk_sid: str | None
    trunk: Live | None
    origination: tuple[Live, ...]
    attached_usernames: frozenset[str]
    sms_webhooks: tuple[Live, ...] = ()  # per SMS number, when WEBHOOK_BASE_URL is set


def read_twilio_view(
    settings: Settings,
    desired: Sequence[Desired],
    number: str,
    store: SecretStore,
    *,
    timeout: float,
) -> TwilioView:
    """Blocking: the number, then the trunk it is on (or the configured / set-up one). A trunk
    made by hand in the console is found through the number, not by our friendly name."""
    client: Client = make_twilio_client(settings, request_timeout=timeout)
    pn: Any = find_number(client, number)
    known = settings.twilio_sip_trunk_id or (pn.trunk_sid if pn is not None else None)
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


async def read_twilio_view_async(
    settings: Settings,
    desired: Sequence[Desired],
    number: str,
    store: SecretStore,
    request_timeout: float,
) -> TwilioView:
    """`read_twilio_view` off the event loop (Twilio's client is synchronous)."""
    return await asyncio.to_thread(
        read_twilio_view, settings, desired, number, store, timeout=request_timeout
    )
