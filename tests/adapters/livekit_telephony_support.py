"""Shared pieces for the LiveKit telephony contract tests: a fake MediaSession and helpers."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque

from livekit.protocol.models import ParticipantInfo

from switchboard.fakes.livekit import RunningFake
from switchboard.ports.telephony import Reply

TIME_SCALE = 0.01  # one scripted second of ringing lasts 10 ms
CALLER_ROOM, CALLER = "call-_+16125550177_abc", "sip_+16125550177"


class FakeMedia:
    """Records what would be played; replies are scripted per (room, identity) or on `say`."""

    def __init__(self) -> None:
        self.joined: list[str] = []
        self.left: list[str] = []
        self.said: list[tuple[str, str, str]] = []
        self._holds: set[tuple[str, str]] = set()
        self.replies: defaultdict[tuple[str, str], deque[Reply]] = defaultdict(deque)
        self.answer_on_say: dict[str, Reply] = {}  # identity -> what they reply to a briefing
        self.machines: set[str] = set()  # identities whose phone is answered by voicemail
        self.screened: list[tuple[str, str]] = []
        self._arrived = asyncio.Event()

    async def join(self, room: str) -> None:
        self.joined.append(room)

    async def leave(self, room: str) -> None:
        self.left.append(room)
        self._holds = {hold for hold in self._holds if hold[0] != room}

    async def start_hold(self, room: str, identity: str) -> None:
        self._holds.add((room, identity))

    async def stop_hold(self, room: str, identity: str) -> None:
        self._holds.discard((room, identity))

    def holds(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self._holds))

    async def say(self, room: str, identity: str, text: str) -> None:
        self.said.append((room, identity, text))
        reply = self.answer_on_say.pop(identity, None)
        if reply is not None:
            self.replies[(room, identity)].append(reply)
            self._arrived.set()

    async def screen_answer(self, room: str, identity: str) -> bool:
        # A voicemail answers like a person as far as SIP goes: once the INVITE is answered the leg
        # is "active" whoever picked up; only its audio differs.
        # upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:508-520
        self.screened.append((room, identity))
        return identity in self.machines

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        try:
            async with asyncio.timeout(wait_seconds):
                while not self.replies[(room, identity)]:
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            return None
        return self.replies[(room, identity)].popleft()


def place_caller(server: RunningFake, room: str = CALLER_ROOM, identity: str = CALLER) -> None:
    """A caller already in their room, as LiveKit SIP's dispatch rule leaves them."""
    info = ParticipantInfo(
        sid="PA_caller",
        identity=identity,
        kind=ParticipantInfo.SIP,
        state=ParticipantInfo.ACTIVE,
        attributes={"sip.callID": "SCL_caller", "sip.callStatus": "active"},
    )
    server.state.add_participant(room, info)


async def until(condition: object, seconds: float = 2.0) -> None:
    """Wait (polling) until `condition()` is truthy."""
    assert callable(condition)
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 — the fake changes on another thread
            await asyncio.sleep(0.005)
