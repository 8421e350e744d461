"""LiveKitMedia with stand-in rtc rooms and agent sessions that emit the SDK's events.

The stand-ins model livekit rtc 1.1.21 and livekit-agents 1.8.9 as installed; each behaviour our
code relies on cites where the SDK does it. What needs a real server (audio actually flowing) is
not tested here.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from livekit import api, rtc
from livekit.agents import UserInputTranscribedEvent, UserStateChangedEvent

from switchboard.adapters.livekit.room_media import LiveKitMedia, consultation_token
from switchboard.ports.telephony import Reply, TelephonyError

KEY, SECRET = "APIkey", "secret-secret-secret-secret-secret"
CALLER_ROOM, CALLER = "call-_+16125550177_abc", "sip_+16125550177"
CONSULT_ROOM, EMPLOYEE = "call-_+16125550177_abc-consult-1", "employee-dana"


class FakeRoom(rtc.EventEmitter[str]):
    """An rtc.Room: events, remote participants, connect/disconnect."""

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.name = name
        self.remote_participants: dict[str, SimpleNamespace] = {}
        self.token: str | None = None
        self.subscribed = False

    async def connect(self, url: str, token: str) -> None:
        # upstream: the room's name comes from the token's grant once connected
        self.token = token
        video = api.TokenVerifier(KEY, SECRET).verify(token).video
        self.name = video.room if video is not None and video.room else ""

    async def disconnect(self) -> None:
        self.token = None

    def joins(self, identity: str) -> SimpleNamespace:
        person = SimpleNamespace(identity=identity)
        self.remote_participants[identity] = person
        return person

    def phone_subscribes(self) -> None:
        # upstream: livekit/livekit@v1.13.5:pkg/rtc/mediatrack.go:657-660 tells the publisher once,
        # on the first subscription; rtc 1.1.21 room.py:841-846 emits it with the local track.
        self.subscribed = True
        self.emit("local_track_subscribed", SimpleNamespace(kind=rtc.TrackKind.KIND_AUDIO))

    def presses(self, identity: str, digit: str) -> None:
        # upstream: rtc 1.1.21 room.py:1106-1117 emits SipDTMF with the sending participant
        who = cast(rtc.RemoteParticipant, self.remote_participants[identity])
        self.emit("sip_dtmf_received", rtc.SipDTMF(code=0, digit=digit, participant=who))


class FakeSpeech:
    """A SpeechHandle whose playout the test ends."""

    def __init__(self) -> None:
        self.played = asyncio.Event()

    async def wait_for_playout(self) -> None:
        await self.played.wait()


class FakeSession(rtc.EventEmitter[str]):
    """An AgentSession bound to one room, listening to one participant (RoomIO's linked one)."""

    def __init__(self, room: FakeRoom | None = None, *, autoplay: bool = True) -> None:
        super().__init__()
        self.room = room
        self.autoplay = autoplay
        self.said: list[tuple[str, bool]] = []  # (text, was anyone subscribed when it started)
        self.speeches: list[FakeSpeech] = []
        self.speaking = asyncio.Event()
        self.closed = False
        # upstream: agents 1.8.9 voice/room_io/room_io.py:300-304 (linked_participant)
        self.room_io = SimpleNamespace(linked_participant=None)

    async def start(self, agent: object, *, room: FakeRoom, room_options: object) -> None:
        self.room = room

    async def aclose(self) -> None:
        self.closed = True

    def say(self, text: str, **_: object) -> FakeSpeech:
        assert self.room is not None
        if self.closed:  # upstream: agents 1.8.9 voice/agent_session.py:1573-1574
            raise RuntimeError("AgentSession is closing, cannot use say()")
        self.said.append((text, self.room.subscribed))
        speech = FakeSpeech()
        if self.autoplay:
            speech.played.set()
        self.speeches.append(speech)
        self.speaking.set()
        return speech

    def link(self, identity: str) -> None:
        assert self.room is not None
        self.room_io.linked_participant = self.room.remote_participants[identity]

    # upstream: agents 1.8.9 voice/agent_session.py:2294-2301 (user_state_changed on VAD),
    # :2316-2329 (user_input_transcribed, interim and final)
    def speaks(self, text: str, *, final_late: bool = False) -> None:
        self.emit("user_state_changed", UserStateChangedEvent(old_state="listening", new_state="speaking"))  # fmt: skip
        if not final_late:
            self.transcript(text)
        self.emit("user_state_changed", UserStateChangedEvent(old_state="speaking", new_state="listening"))  # fmt: skip
        if final_late:
            self.transcript(text)

    def transcript(self, text: str) -> None:
        self.emit("user_input_transcribed", UserInputTranscribedEvent(transcript=text, is_final=True))  # fmt: skip


def media_for_call(
    *, consult: list[FakeSession] | None = None, audience_wait: float = 5.0
) -> tuple[LiveKitMedia, FakeRoom, FakeSession]:
    room = FakeRoom(CALLER_ROOM)
    room.joins(CALLER)
    session = FakeSession(room)
    session.link(CALLER)
    sessions = iter(consult or [])
    media = LiveKitMedia(
        url="ws://livekit.test",
        api_key=KEY,
        api_secret=SECRET,
        caller_room=cast(rtc.Room, room),
        caller_session=cast(Any, session),
        consult_session=lambda: cast(Any, next(sessions)),
        audience_wait_seconds=audience_wait,
        connect_room=lambda: cast(rtc.Room, FakeRoom()),
    )
    return media, room, session


async def employee_on_the_line(media: LiveKitMedia, session: FakeSession) -> FakeRoom:
    await media.join(CONSULT_ROOM)
    assert session.room is not None
    session.room.joins(EMPLOYEE)
    session.link(EMPLOYEE)
    return session.room


# --- #3: old speech and key presses ----------------------------------------------------------


async def test_what_the_caller_said_before_the_transfer_is_not_a_reply() -> None:
    media, room, session = media_for_call()
    session.speaks("I'm returning Dana's message")  # the conversation, long before the transfer
    room.presses(CALLER, "3")
    await media.say(CALLER_ROOM, CALLER, "One moment, I'll see if Dana is available.")
    session.speaks("thanks")
    assert await media.next_reply(CALLER_ROOM, CALLER, wait_seconds=1) == Reply(text="thanks")


async def test_the_employees_hello_and_remarks_over_the_briefing_are_not_replies() -> None:
    consult = FakeSession(autoplay=False)
    media, _, _ = media_for_call(consult=[consult])
    room = await employee_on_the_line(media, consult)
    room.phone_subscribes()
    consult.speaks("Hello?")  # on picking up
    briefing = asyncio.create_task(media.say(CONSULT_ROOM, EMPLOYEE, "Hi Dana, Eve is calling…"))
    await consult.speaking.wait()
    consult.speaks("who?")  # over the briefing
    room.presses(EMPLOYEE, "2")
    consult.speaks("hang on", final_late=False)
    consult.speaks("is it urgent", final_late=True)
    consult.speeches[-1].played.set()
    await briefing
    consult.speaks("yes put them through")
    reply = await media.next_reply(CONSULT_ROOM, EMPLOYEE, wait_seconds=1)
    assert reply == Reply(text="yes put them through")


async def test_a_remark_whose_transcript_lands_after_the_briefing_is_still_not_a_reply() -> None:
    consult = FakeSession(autoplay=False)
    media, _, _ = media_for_call(consult=[consult])
    room = await employee_on_the_line(media, consult)
    room.phone_subscribes()
    briefing = asyncio.create_task(media.say(CONSULT_ROOM, EMPLOYEE, "Hi Dana, Eve is calling…"))
    await consult.speaking.wait()
    consult.emit(
        "user_state_changed", UserStateChangedEvent(old_state="listening", new_state="speaking")
    )
    consult.speeches[-1].played.set()
    await briefing
    consult.emit(
        "user_state_changed", UserStateChangedEvent(old_state="speaking", new_state="listening")
    )
    consult.transcript("sorry what")  # speech-to-text is late: said over the briefing
    consult.speaks("yes")
    assert await media.next_reply(CONSULT_ROOM, EMPLOYEE, wait_seconds=1) == Reply(text="yes")


async def test_a_failed_say_still_marks_where_listening_starts() -> None:
    media, room, session = media_for_call()
    session.speaks("put me through to sales")
    session.closed = True
    with pytest.raises(TelephonyError, match="closing"):
        await media.say(CALLER_ROOM, CALLER, "One moment.")
    room.presses(CALLER, "3")
    assert await media.next_reply(CALLER_ROOM, CALLER, wait_seconds=1) == Reply(digits="3")


# --- #6: the consultation-room token -----------------------------------------------------------


async def test_the_consultation_room_is_joined_as_an_agent_that_may_set_its_own_state() -> None:
    consult = FakeSession()
    media, _, _ = media_for_call(consult=[consult])
    room = await employee_on_the_line(media, consult)
    assert room.token is not None
    claims = api.TokenVerifier(KEY, SECRET).verify(room.token)
    assert claims.kind == "agent"
    assert claims.identity == f"switchboard-agent-{CONSULT_ROOM}"
    video = claims.video
    assert video is not None
    assert (video.room, video.room_join) == (CONSULT_ROOM, True)
    assert (video.can_publish, video.can_subscribe, video.can_update_own_metadata) == (
        True,
        True,
        True,
    )
    assert not video.room_admin
    assert not video.room_create


def test_a_token_for_a_room_needs_an_identity() -> None:
    with pytest.raises(ValueError, match="identity"):
        consultation_token(KEY, SECRET, identity="", room=CONSULT_ROOM)


# --- #7: the first words wait for the employee's phone ---------------------------------------


async def test_the_briefing_starts_only_once_the_phone_receives_our_audio() -> None:
    consult = FakeSession()
    media, _, _ = media_for_call(consult=[consult])
    room = await employee_on_the_line(media, consult)
    briefing = asyncio.create_task(media.say(CONSULT_ROOM, EMPLOYEE, "Hi Dana"))
    asyncio.get_running_loop().call_soon(room.phone_subscribes)  # LiveKit SIP, after the answer
    await briefing
    await media.say(CONSULT_ROOM, EMPLOYEE, "Press 1 to accept")
    assert consult.said == [("Hi Dana", True), ("Press 1 to accept", True)]


async def test_a_phone_that_never_receives_our_audio_fails_the_say_instead_of_hanging() -> None:
    consult = FakeSession()
    media, _, _ = media_for_call(consult=[consult], audience_wait=0.01)
    room = await employee_on_the_line(media, consult)
    room.emit("local_track_subscribed", None)  # a publication without a track says nothing
    room.emit("local_track_subscribed", SimpleNamespace(kind=rtc.TrackKind.KIND_VIDEO))
    with pytest.raises(TelephonyError, match="does not receive our audio"):
        await media.say(CONSULT_ROOM, EMPLOYEE, "Hi Dana")
    assert consult.said == []


async def test_the_caller_leg_does_not_wait_for_a_subscription() -> None:
    media, _, session = media_for_call(audience_wait=0.01)
    await media.say(CALLER_ROOM, CALLER, "One moment.")
    assert session.said == [("One moment.", False)]


async def test_leaving_a_consultation_room_closes_its_session_and_connection() -> None:
    consult = FakeSession()
    media, _, _ = media_for_call(consult=[consult])
    room = await employee_on_the_line(media, consult)
    await media.leave(CONSULT_ROOM)
    assert consult.closed
    assert room.token is None
    with pytest.raises(TelephonyError):
        await media.next_reply(CONSULT_ROOM, EMPLOYEE, wait_seconds=1)
