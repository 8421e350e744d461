"""`Telephony` on LiveKit: rooms and SIP legs through livekit-api, audio through a MediaSession.

tel = LiveKitTelephony(api.LiveKitAPI(url, key, secret), outbound_trunk_id="ST_…", media=media)

Calls map onto LiveKit as docs/livekit-telephony.md describes: the caller's room comes from the SIP
dispatch rule, consultations happen in `<caller room>-consult-<n>`, legs are SIP participants.
Whether someone is still in a room is learned by polling the participant (`poll_seconds`), which
works the same on LiveKit Cloud, self-hosted LiveKit and the fake.

Dials and REFERs ring a phone, so they go through a SIP client that never replays a request:
livekit-api's LiveKit Cloud failover resends a request after a 5xx or a client-side timeout
(livekit/api/_failover.py), which would ring the employee twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator

import aiohttp
from livekit import api
from livekit.api.sip_service import SipService

from switchboard.adapters.livekit import errors
from switchboard.adapters.livekit.media import MediaSession
from switchboard.adapters.livekit.rooms import RoomApi, call
from switchboard.adapters.livekit.targets import dial_request, refer_request
from switchboard.ports.telephony import (
    DialError,
    DialStatus,
    LiveResources,
    ParticipantGone,
    Reply,
    TelephonyError,
)

# A consultation room LiveKit may reap on its own if we crash: empty for this long, it goes.
_CONSULT_EMPTY_TIMEOUT = 60
# Seconds a dial request may outlive its ringing timeout: LiveKit's own ringing timer, which starts
# only once the SIP participant has joined the room, must always end an unanswered call first.
DIAL_TIMEOUT_MARGIN = 15.0
# What livekit-server (pkg/service/sip.go:705) and livekit-api use when a REFER sets no timeout.
REFER_RINGING_TIMEOUT = 30.0


class LiveKitTelephony:
    """The Telephony port over a `livekit.api.LiveKitAPI` client (not closed by this class)."""

    def __init__(
        self,
        lk: api.LiveKitAPI,
        *,
        outbound_trunk_id: str,
        media: MediaSession,
        krisp: bool = True,
        poll_seconds: float = 0.5,
    ) -> None:
        self.lk, self.trunk_id, self.media = lk, outbound_trunk_id, media
        self.sip = single_attempt_sip(lk)
        self.rooms = RoomApi(lk)
        self.krisp, self.poll_seconds = krisp, poll_seconds
        self._consults = itertools.count(1)
        # Legs we are moving or referring away: their leaving is our doing, reported after it.
        self._handing_off: dict[tuple[str, str], asyncio.Event] = {}

    async def create_consultation_room(self, caller_room: str) -> str:
        """Create `<caller_room>-consult-<n>` with no agents dispatched, and join it for audio."""
        name = f"{caller_room}-consult-{next(self._consults)}"
        await self.rooms.create(name, empty_timeout=_CONSULT_EMPTY_TIMEOUT)
        try:
            await self.media.join(name)
        except Exception as exc:
            # Nobody would know to delete a room whose name was never returned.
            with contextlib.suppress(TelephonyError):
                await self.rooms.delete(name)
            raise TelephonyError(f"could not join {name} for audio: {exc}") from exc
        return name

    async def dial(
        self,
        room: str,
        target: str,
        *,
        identity: str,
        ringing_timeout: float,
        caller_id: str | None = None,
        dtmf: str = "",
    ) -> None:
        """Ring `target` into `room` and return once answered (see `Telephony.dial`)."""
        request = dial_request(
            room,
            target,
            identity=identity,
            ringing_timeout=ringing_timeout,
            trunk_id=self.trunk_id,
            caller_id=caller_id,
            dtmf=dtmf,
            krisp=self.krisp,
        )
        try:
            await self.sip.create_sip_participant(
                request, timeout=ringing_timeout + DIAL_TIMEOUT_MARGIN
            )
        except api.ServerError as exc:
            raise errors.from_dial(exc) from None
        except errors.TRANSPORT as exc:
            # The request died in transit: LiveKit may still be ringing the phone.
            await asyncio.shield(self.rooms.stop_ringing(room, identity))
            raise errors.from_transport(exc, "dial") from exc
        except asyncio.CancelledError:
            await asyncio.shield(self.rooms.stop_ringing(room, identity))
            raise
        await self._screen_answer(room, identity)

    async def start_hold(self, room: str, identity: str) -> None:
        """Hold audio for `identity` (idempotent)."""
        await self.media.start_hold(room, identity)

    async def stop_hold(self, room: str, identity: str) -> None:
        """Stop hold audio for `identity` (a no-op when none plays)."""
        await self.media.stop_hold(room, identity)

    async def say(self, room: str, identity: str, text: str) -> None:
        """Speak to `identity` only."""
        await self.media.say(room, identity, text)

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        """Speech or keys from `identity`; ParticipantGone if they are or go away meanwhile."""
        if not await self.rooms.present(room, identity):
            raise ParticipantGone(f"{identity} is not in {room}", sip_status=404)
        reply = asyncio.ensure_future(
            self.media.next_reply(room, identity, wait_seconds=wait_seconds)
        )
        left = asyncio.ensure_future(self.wait_until_left(room, identity))
        try:
            await asyncio.wait({reply, left}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reply, left):
                task.cancel()
            await asyncio.gather(reply, left, return_exceptions=True)
        if not reply.cancelled():
            return reply.result()
        failure = None if left.cancelled() else left.exception()
        if failure is not None:
            raise failure  # the watcher could not ask LiveKit: say so, don't guess "gone"
        raise ParticipantGone(f"{identity} left {room}", sip_status=487)

    async def wait_until_left(self, room: str, identity: str) -> None:
        """Poll until `identity` is no longer in `room`."""
        await self.rooms.wait_gone(room, identity, poll_seconds=self.poll_seconds)
        handing_off = self._handing_off.get((room, identity))
        if handing_off is not None:
            # A referred caller leaves the room before the REFER answers: let the transfer's
            # result be known first, so it is not mistaken for the caller hanging up.
            await handing_off.wait()

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        """MoveParticipant (LiveKit Cloud only; open-source LiveKit answers with a clear error)."""
        move = api.MoveParticipantRequest(
            room=from_room, identity=identity, destination_room=to_room
        )
        with self._handing_off_leg(from_room, identity):
            await call("move_participant", self.lk.room.move_participant(move))

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        """SIP REFER the caller's leg to `transfer_to` (checked before any request)."""
        request = refer_request(room, identity, transfer_to)
        with self._handing_off_leg(room, identity):
            # livekit-server bounds the transfer by its ringing timeout (30 s unless set): give
            # its answer the same margin as a dial's, so a late answer is never lost.
            ring = request.ringing_timeout.ToTimedelta().total_seconds() or REFER_RINGING_TIMEOUT
            answer = await call(
                "refer",
                self.sip.transfer_sip_participant(request, timeout=ring + DIAL_TIMEOUT_MARGIN),
            )
        # Released servers answer a finished transfer with an empty body, which livekit-api reads
        # as STS_TRANSFER_ONGOING with no transfer_id; they report a failed one as an error
        # (livekit/livekit v1.13.5 pkg/service/sip.go:731). Only newer servers fill in a status.
        if answer.status == api.SIPTransferStatus.STS_TRANSFER_FAILED:
            code = answer.sip_status.code if answer.HasField("sip_status") else None
            raise TelephonyError("the SIP transfer did not complete", sip_status=code or None)

    async def hang_up(self, room: str, identity: str) -> None:
        """Remove `identity` from `room` (a no-op when already gone)."""
        await self.media.stop_hold(room, identity)
        await self.rooms.remove(room, identity)

    async def delete_room(self, room: str) -> None:
        """Delete `room` and every leg in it (a no-op when already gone)."""
        await self.media.leave(room)
        await self.rooms.delete(room)

    async def live_resources(self) -> LiveResources:
        """Every room and leg LiveKit reports, ringing legs apart, plus hold audio playing."""
        rooms, live, ringing = await self.rooms.snapshot()
        return LiveResources(rooms, live, ringing, self.media.holds())

    # --- plumbing -----------------------------------------------------------------------------

    async def _screen_answer(self, room: str, identity: str) -> None:
        """A voicemail on the answered leg: hang it up before anything is said to it."""
        try:
            machine = await self.media.screen_answer(room, identity)
        except asyncio.CancelledError:  # a cancelled dial leaves no leg, answered or not
            await asyncio.shield(self.rooms.remove(room, identity))
            raise
        if machine:
            await self.rooms.remove(room, identity)
            raise DialError(DialStatus.VOICEMAIL, detail=f"{identity}: answered by voicemail")

    @contextlib.contextmanager
    def _handing_off_leg(self, room: str, identity: str) -> Iterator[None]:
        done = self._handing_off[(room, identity)] = asyncio.Event()
        try:
            yield
        finally:
            del self._handing_off[(room, identity)]
            done.set()


def single_attempt_sip(lk: api.LiveKitAPI) -> SipService:
    """A SIP client sharing `lk`'s session and credentials whose requests are never replayed.

    livekit-api offers no public way to turn failover off per call, so this reads the client's
    session, URL and pre-signed token from livekit-api 1.2.2's attributes.
    """
    sip = lk.sip
    session = getattr(lk, "_session", None)
    client = getattr(sip, "_client", None)
    if not isinstance(session, aiohttp.ClientSession) or client is None:
        raise TypeError("livekit-api changed: cannot build a SIP client without failover")
    single = SipService(session, client.host, sip.api_key, sip.api_secret, failover=False)
    single._token = sip._token  # a LiveKitAPI.with_token() client signs nothing itself
    return single
