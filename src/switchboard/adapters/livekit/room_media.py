"""`MediaSession` on a real LiveKit server: hold music, speech and replies over rtc connections.

The caller leg uses the worker job's own room and `AgentSession`. Each consultation room gets its
own rtc connection and a speech-only `AgentSession` (STT + TTS + VAD, no LLM) made by
`consult_session()`; that room holds only the employee, so whatever is published there is heard by
the employee alone. Replies are final transcripts from the session plus keypad presses from the
room's `sip_dtmf_received` events, kept in one `ReplyInbox` per room: only input that began after
our last `say()` there finished playing counts (see `reply_inbox.py`). Hold music is
livekit-agents' `BackgroundAudioPlayer` playing `BuiltinAudioClip.HOLD_MUSIC` in a loop.

Needs a real server: the LiveKit fake has no media. The rules are tested with stand-in rooms and
sessions that emit the same events (tests/adapters/test_livekit_media*.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit import api, rtc
from livekit.agents import (
    Agent,
    AgentSession,
    BackgroundAudioPlayer,
    BuiltinAudioClip,
    PlayHandle,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
    room_io,
)

from switchboard.adapters.livekit.answer_screen import AnswerScreen, EnergyScreen
from switchboard.adapters.livekit.audience import Audience
from switchboard.adapters.livekit.media import HoldTracks
from switchboard.adapters.livekit.reply_inbox import ReplyInbox
from switchboard.logs import get_logger
from switchboard.ports.telephony import ParticipantGone, Reply, TelephonyError

_INSTRUCTIONS = "You relay messages. Say only what you are told to say."
log = get_logger(__name__)
# How long the first words to an employee wait for their phone to receive our audio.
AUDIENCE_WAIT_SECONDS = 5.0


def consultation_token(api_key: str, api_secret: str, *, identity: str, room: str) -> str:
    """A token that joins `room` as an agent participant, with the grants upstream's warm transfer
    gives its own consultation-room connection (livekit-agents 1.8.9
    `beta/workflows/warm_transfer.py:307-320`, `WarmTransferTask._dial_human_agent`).

    `can_update_own_metadata` lets RoomIO publish its `lk.agent.state` attribute; without it
    livekit-server refuses every update ("does not have permission to update own metadata",
    livekit/livekit@v1.13.5:pkg/rtc/participant.go:679-681).
    """
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_subscribe=True,
        can_update_own_metadata=True,
    )
    token = api.AccessToken(api_key, api_secret).with_identity(identity).with_kind("agent")
    return token.with_grants(grants).to_jwt()


class BackgroundHold:
    """A HoldPlayer: hold music published into one room."""

    def __init__(self, room: rtc.Room) -> None:
        self._room, self._player = room, BackgroundAudioPlayer()
        self._handle: PlayHandle | None = None

    async def start(self) -> None:
        """Publish the hold track and loop the music."""
        await self._player.start(room=self._room)
        self._handle = self._player.play(BuiltinAudioClip.HOLD_MUSIC, loop=True)

    async def aclose(self) -> None:
        """Stop the music and unpublish the track."""
        if self._handle is not None:
            self._handle.stop()
        await self._player.aclose()


@dataclass
class _Leg:
    room: rtc.Room
    session: AgentSession[Any]
    owned: bool  # a consultation room we connected to (and must disconnect from)
    inbox: ReplyInbox = field(default_factory=ReplyInbox)
    audience: Audience | None = None  # consultation rooms: does the employee receive our audio?


class LiveKitMedia:
    """MediaSession for one call handled by a LiveKit Agents worker job."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        caller_room: rtc.Room,
        caller_session: AgentSession[Any],
        consult_session: Callable[[], AgentSession[Any]],
        agent_identity: str = "switchboard-agent",
        audience_wait_seconds: float = AUDIENCE_WAIT_SECONDS,
        connect_room: Callable[[], rtc.Room] = rtc.Room,
        screen: AnswerScreen | None = None,  # answer_screen(hosted_llm): AMD or offline
    ) -> None:
        self._url, self._key, self._secret = url, api_key, api_secret
        self._consult_session, self._identity = consult_session, agent_identity
        self._audience_wait, self._connect_room = audience_wait_seconds, connect_room
        self._legs: dict[str, _Leg] = {}
        self._holds = HoldTracks(lambda name: BackgroundHold(self._legs[name].room))
        self._attach(caller_room.name, _Leg(caller_room, caller_session, owned=False))
        self._screen: AnswerScreen = screen or EnergyScreen()

    async def join(self, room: str) -> None:
        """Connect to a consultation room and start a speech-only session there."""
        token = consultation_token(
            self._key, self._secret, identity=f"{self._identity}-{room}", room=room
        )
        connection = self._connect_room()
        audience = Audience(connection)  # before connecting: the event must not be missed
        await connection.connect(self._url, token)
        session = self._consult_session()
        # The employee hanging up must not close our side before we tell the caller.
        options = room_io.RoomOptions(close_on_disconnect=False)
        await session.start(
            Agent(instructions=_INSTRUCTIONS), room=connection, room_options=options
        )
        self._attach(room, _Leg(connection, session, owned=True, audience=audience))

    async def leave(self, room: str) -> None:
        """Stop holds, close the session and disconnect (only from rooms we joined)."""
        await self._holds.stop_room(room)
        leg = self._legs.get(room)
        if leg is None or not leg.owned:
            return
        del self._legs[room]
        await leg.session.aclose()
        await leg.room.disconnect()

    async def start_hold(self, room: str, identity: str) -> None:
        """Hold music in `room` (idempotent)."""
        self._leg(room, identity)
        await self._holds.start(room, identity)

    async def stop_hold(self, room: str, identity: str) -> None:
        """Stop hold music for `identity` (a no-op when none plays)."""
        await self._holds.stop(room, identity)

    def holds(self) -> tuple[tuple[str, str], ...]:
        """Holds playing now."""
        return self._holds.live()

    async def say(self, room: str, identity: str, text: str) -> None:
        """Speak through the room's session and wait until it has played.

        Whatever anyone in the room says or presses before this has played is not a reply to it.
        On a consultation leg the first words wait (up to `audience_wait_seconds`) until the
        employee's phone receives our audio; TelephonyError if it never does.
        """
        leg = self._leg(room, identity)
        leg.inbox.prompt_started()
        try:
            if leg.audience is not None and not await leg.audience.wait(self._audience_wait):
                raise TelephonyError(f"{identity} does not receive our audio in {room}")
            try:
                handle = leg.session.say(text, allow_interruptions=False, add_to_chat_ctx=False)
            except RuntimeError as exc:  # the session is not running, or closing
                raise TelephonyError(f"cannot speak in {room}: {exc}") from exc
            await handle.wait_for_playout()
        finally:
            leg.inbox.prompt_finished()

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        """The next final transcript or key press from `identity` that began after the last
        `say()` in `room` finished; None after `wait_seconds`."""
        leg = self._leg(room, identity)
        return await leg.inbox.next(identity, wait_seconds=wait_seconds)

    async def screen_answer(self, room: str, identity: str) -> bool:
        """Screen the answered leg for voicemail; a screen that fails counts as a person."""
        leg = self._legs.get(room)
        if leg is None:
            return False  # not joined for audio: nothing can be said to the leg either
        try:
            verdict = await self._screen.screen(leg.room, leg.session, identity)
        except Exception as exc:  # a broken screen must not drop a real employee
            log.warning("answer_screen.failed", room=room, error=repr(exc))
            return False
        finally:
            # "Hello?" is not a reply to the briefing to come: replies count from here on.
            leg.inbox.prompt_started()
            leg.inbox.prompt_finished()
        log.info(
            "answer_screen.verdict",
            room=room,
            answerer=verdict.answerer,
            reason=verdict.reason,
            at=round(verdict.at, 2),
        )
        return verdict.is_machine

    def _attach(self, name: str, leg: _Leg) -> None:
        self._legs[name] = leg
        inbox = leg.inbox

        def on_dtmf(event: rtc.SipDTMF) -> None:
            # Presses sent by a server SDK come without a participant: nobody's reply.
            if event.participant is not None:
                inbox.pressed(event.participant.identity, event.digit)

        def on_user_state(event: UserStateChangedEvent) -> None:
            who = _speaker(leg.session)
            if who is None:
                return
            if event.new_state == "speaking":
                inbox.speech_started(who)
            elif event.old_state == "speaking":
                inbox.speech_ended(who)

        def on_transcript(event: UserInputTranscribedEvent) -> None:
            who = _speaker(leg.session)
            if event.is_final and who is not None:
                inbox.transcribed(who, event.transcript)

        leg.room.on("sip_dtmf_received", on_dtmf)
        leg.session.on("user_state_changed", on_user_state)
        leg.session.on("user_input_transcribed", on_transcript)

    def _leg(self, room: str, identity: str) -> _Leg:
        leg = self._legs.get(room)
        if leg is None or identity not in leg.room.remote_participants:
            raise ParticipantGone(f"{identity} is not in {room}", sip_status=404)
        return leg


def _speaker(session: AgentSession[Any]) -> str | None:
    """Whom the session listens to: its RoomIO's linked participant (None before one joins)."""
    try:
        linked = session.room_io.linked_participant
    except RuntimeError:  # not started with a room
        return None
    return linked.identity if linked is not None else None
