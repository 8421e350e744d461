"""The `ProbeLine` of `switchboard test-call` on a real LiveKit server.

Signalling goes through livekit-api: CreateRoom, CreateSIPParticipant (waiting for the answer),
GetParticipant for the leg's `sip.callStatus` (dialing → ringing → active), RemoveParticipant and
DeleteRoom. Listening goes through a hidden rtc participant in the same room: the SIP leg's audio
track (an `rtc.AudioStream`) and the room's `sip_dtmf_received` events. Without an rtc connection
(the LiveKit fake has no media) the audio steps say "not checked".
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Sequence

from livekit import api, rtc

from switchboard.adapters.livekit import errors
from switchboard.adapters.livekit.rooms import RoomApi
from switchboard.adapters.livekit.targets import dial_request
from switchboard.adapters.livekit.telephony import DIAL_TIMEOUT_MARGIN, single_attempt_sip
from switchboard.adapters.livekit.trunks import managed_outbound_trunk
from switchboard.ports.probe_line import DialRefused, MediaUnavailable
from switchboard.ports.telephony import TelephonyError

LISTENER = "switchboard-test-listener"
SAMPLE_RATE = 16_000  # enough for telephone audio (8 kHz narrowband, 16 kHz wideband)
_ROOM_EMPTY_TIMEOUT = 60  # LiveKit reaps the room on its own if we die before deleting it
_PARTICIPANT_WAIT = 5.0  # seconds for the answered leg to show up on our rtc connection


def _fix_for(err: api.ServerError, trunk_id: str) -> str:
    """What to do when LiveKit refused the dial request itself (no SIP status)."""
    if err.status == 401 or err.code == "unauthenticated":
        return "check LIVEKIT_API_KEY and LIVEKIT_API_SECRET (`switchboard doctor`)"
    if err.code == "not_found":
        return (
            f"outbound trunk {trunk_id} does not exist: run `switchboard setup apply`, or set "
            "LIVEKIT_OUTBOUND_TRUNK_ID to a trunk listed by `switchboard trunks status`"
        )
    if err.code == "permission_denied":
        return "give the LiveKit API key SIP permissions (Cloud keys have them)"
    return "run `switchboard doctor` to find the part that is wrong"


async def outbound_trunk(lk: api.LiveKitAPI, configured: str | None) -> str | None:
    """`configured` (LIVEKIT_OUTBOUND_TRUNK_ID), else the one `setup apply` created, else None.
    Raises TelephonyError, in plain words, when LiveKit cannot be asked."""
    if configured:
        return configured
    try:
        return await managed_outbound_trunk(lk)
    except api.ServerError as exc:
        raise errors.from_api(exc, "list_outbound_trunk") from None
    except errors.TRANSPORT as exc:
        raise errors.from_transport(exc, "list_outbound_trunk") from exc


class LiveKitProbeLine:
    """One test call's room on LiveKit. `media=False` skips the rtc connection (no listening)."""

    def __init__(
        self,
        lk: api.LiveKitAPI,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        trunk_id: str,
        media: bool = True,
        join_timeout: float = 10.0,
    ) -> None:
        self.lk, self.rooms, self.trunk_id = lk, RoomApi(lk), trunk_id
        # As for transfers: a dial is never replayed by LiveKit Cloud's failover (the phone must
        # not ring twice), and the client waits past the server's own ringing timer.
        self.sip = single_attempt_sip(lk)
        self._url, self._key, self._secret = url, api_key, api_secret
        self._media, self._join_timeout = media, join_timeout
        self._rtc: rtc.Room | None = None
        self._no_media = "listening is off (no rtc connection to the room)"
        self._keys: asyncio.Queue[str] = asyncio.Queue()

    async def open(self, room: str) -> None:
        """Create the room, then join it as a hidden listener when media is on."""
        await self.rooms.create(room, empty_timeout=_ROOM_EMPTY_TIMEOUT)
        if self._media:
            await self._listen(room)

    async def _listen(self, room: str) -> None:
        grants = api.VideoGrants(
            room_join=True, room=room, can_publish=False, can_subscribe=True, hidden=True
        )
        token = (
            api.AccessToken(self._key, self._secret)
            .with_identity(LISTENER)
            .with_grants(grants)
            .to_jwt()
        )
        connection = rtc.Room()
        connection.on("sip_dtmf_received", lambda dtmf: self._keys.put_nowait(dtmf.digit))
        try:
            await asyncio.wait_for(connection.connect(self._url, token), self._join_timeout)
        except Exception as exc:
            with contextlib.suppress(Exception):
                await connection.disconnect()
            self._no_media = f"could not join the room to listen ({exc or type(exc).__name__})"
            return
        self._rtc = connection

    async def dial(self, room: str, to: str, *, identity: str, ring_seconds: float) -> None:
        """Ring `to` through the outbound trunk; return once answered."""
        try:
            request = dial_request(
                room,
                to,
                identity=identity,
                ringing_timeout=ring_seconds,
                trunk_id=self.trunk_id,
                krisp=False,  # hear the line as it is
            )
            await self.sip.create_sip_participant(
                request, timeout=ring_seconds + DIAL_TIMEOUT_MARGIN
            )
        except api.ServerError as exc:
            if errors.is_ring_out(exc):  # livekit-sip stopped ringing: nobody answered in time
                raise DialRefused(str(errors.from_dial(exc)), rang_out=True) from None
            status = errors.sip_status_of(exc)
            if status is not None:
                raise DialRefused(str(errors.from_dial(exc)), sip_status=status) from None
            explained = errors.from_api(exc, "dial")
            raise DialRefused(str(explained), fix=_fix_for(exc, self.trunk_id)) from None
        except errors.TRANSPORT as exc:
            explained = errors.from_transport(exc, "dial")
            raise DialRefused(str(explained), fix="check LIVEKIT_URL and the network") from exc
        except TelephonyError as exc:  # a target dial_request refuses
            raise DialRefused(
                str(exc), fix="give --to as a phone number, e.g. +13125550100"
            ) from None

    async def call_status(self, room: str, identity: str) -> str | None:
        """The leg's `sip.callStatus`, or None while it is not in the room."""
        who = api.RoomParticipantIdentity(room=room, identity=identity)
        try:
            info = await self.lk.room.get_participant(who)
        except api.ServerError as exc:
            if exc.code == "not_found":  # not joined yet, or gone
                return None
            raise errors.from_api(exc, "get_participant") from None
        except errors.TRANSPORT as exc:
            raise errors.from_transport(exc, "get_participant") from exc
        return info.attributes.get("sip.callStatus") or None

    async def _participant(self, identity: str) -> rtc.RemoteParticipant:
        connection = self._rtc
        if connection is None:
            raise MediaUnavailable(self._no_media)
        arrived = asyncio.Event()

        def joined(_: rtc.RemoteParticipant) -> None:
            arrived.set()

        connection.on("participant_connected", joined)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _PARTICIPANT_WAIT
        try:
            while (found := connection.remote_participants.get(identity)) is None:
                arrived.clear()
                left = deadline - loop.time()
                if left <= 0:
                    raise MediaUnavailable(f"{identity} never appeared on the rtc connection")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), left)
        finally:
            connection.off("participant_connected", joined)
        return found

    async def audio(self, identity: str) -> AsyncGenerator[Sequence[int], None]:
        """16-bit mono frames from the leg's audio track."""
        participant = await self._participant(identity)
        stream = rtc.AudioStream.from_participant(
            participant=participant,
            track_source=rtc.TrackSource.SOURCE_MICROPHONE,
            sample_rate=SAMPLE_RATE,
            num_channels=1,
        )
        try:
            async for event in stream:
                yield event.frame.data
        finally:
            await stream.aclose()

    async def next_key(self) -> str:
        """The next digit pressed on the phone."""
        if self._rtc is None:
            raise MediaUnavailable(self._no_media)
        return await self._keys.get()

    async def hang_up(self, room: str, identity: str) -> None:
        """End the leg (also one still ringing)."""
        await self.rooms.stop_ringing(room, identity)
        await self.rooms.remove(room, identity)

    async def delete_room(self, room: str) -> None:
        """Leave the room and delete it."""
        if self._rtc is not None:
            connection, self._rtc = self._rtc, None
            with contextlib.suppress(Exception):
                await connection.disconnect()
        await self.rooms.delete(room)
