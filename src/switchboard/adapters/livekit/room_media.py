"""`MediaSession` on a real LiveKit server: hold music, speech and replies over rtc connections.

The caller leg uses the worker job's own room and `AgentSession`. Each consultation room gets its
own rtc connection and a speech-only `AgentSession` (STT + TTS + VAD, no LLM) made by
`consult_session()`; that room holds only the employee, so whatever is published there is heard by
the employee alone. Replies are final transcripts from the session plus keypad presses from the
room's `sip_dtmf_received` events. Hold music is livekit-agents' `BackgroundAudioPlayer` playing
`BuiltinAudioClip.HOLD_MUSIC` in a loop.

Needs a real server: the LiveKit fake has no media, so this module is not contract-tested.
"""

from __future__ import annotations

import asyncio
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
    room_io,
)

from switchboard.adapters.livekit.answer_screen import AnswerScreen, EnergyScreen
from switchboard.adapters.livekit.media import HoldTracks, KeypadReplies
from switchboard.logs import get_logger
from switchboard.ports.telephony import ParticipantGone, Reply

_INSTRUCTIONS = "You relay messages. Say only what you are told to say."
log = get_logger(__name__)


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
    speech: asyncio.Queue[Reply] = field(default_factory=asyncio.Queue)


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
        screen: AnswerScreen | None = None,  # answer_screen(hosted_llm): AMD or offline
    ) -> None:
        self._url, self._key, self._secret = url, api_key, api_secret
        self._consult_session, self._identity = consult_session, agent_identity
        self._legs: dict[str, _Leg] = {}
        self._keys = KeypadReplies()
        self._holds = HoldTracks(lambda name: BackgroundHold(self._legs[name].room))
        self._attach(caller_room.name, _Leg(caller_room, caller_session, owned=False))
        self._screen: AnswerScreen = screen or EnergyScreen()

    async def join(self, room: str) -> None:
        """Connect to a consultation room and start a speech-only session there."""
        token = (
            api.AccessToken(self._key, self._secret)
            .with_identity(f"{self._identity}-{room}")
            .with_grants(api.VideoGrants(room_join=True, room=room))
            .to_jwt()
        )
        connection = rtc.Room()
        await connection.connect(self._url, token)
        session = self._consult_session()
        # The employee hanging up must not close our side before we tell the caller.
        options = room_io.RoomOptions(close_on_disconnect=False)
        await session.start(
            Agent(instructions=_INSTRUCTIONS), room=connection, room_options=options
        )
        self._attach(room, _Leg(connection, session, owned=True))

    async def leave(self, room: str) -> None:
        """Stop holds, close the session and disconnect (only from rooms we joined)."""
        await self._holds.stop_room(room)
        self._keys.forget_room(room)
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
        """Speak through the room's session and wait until it has played."""
        leg = self._leg(room, identity)
        handle = leg.session.say(text, allow_interruptions=False, add_to_chat_ctx=False)
        await handle.wait_for_playout()

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        """The next final transcript or key press from `identity`, whichever comes first."""
        leg = self._leg(room, identity)
        speech = asyncio.ensure_future(leg.speech.get())
        keys = asyncio.ensure_future(self._keys.next(room, identity, wait_seconds=wait_seconds))
        try:
            done, _ = await asyncio.wait(
                {speech, keys}, timeout=wait_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            speech.cancel()
            keys.cancel()
        for task in (keys, speech):
            if task in done and task.result() is not None:
                return task.result()
        return None

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
            while not leg.speech.empty():  # "Hello?" is not a reply to the briefing to come
                leg.speech.get_nowait()
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

        def on_dtmf(event: rtc.SipDTMF) -> None:
            who = event.participant.identity if event.participant is not None else None
            self._keys.on_dtmf(name, who, event.digit)

        def on_transcript(event: UserInputTranscribedEvent) -> None:
            if event.is_final and event.transcript.strip():
                leg.speech.put_nowait(Reply(text=event.transcript.strip()))

        leg.room.on("sip_dtmf_received", on_dtmf)
        leg.session.on("user_input_transcribed", on_transcript)

    def _leg(self, room: str, identity: str) -> _Leg:
        leg = self._legs.get(room)
        if leg is None or identity not in leg.room.remote_participants:
            raise ParticipantGone(f"{identity} is not in {room}", sip_status=404)
        return leg
