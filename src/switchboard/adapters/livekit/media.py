"""The parts of a call that need a room connection (audio), behind a small Protocol.

LiveKit's HTTP API can dial, move and hang up, but playing hold music, speaking and listening need
an rtc connection to the room. `LiveKitTelephony` does the API work itself and asks a
`MediaSession` for the rest, so the API side is contract-tested against the LiveKit fake while the
media side runs only on a real server (see `room_media.py`). `HoldTracks` here (hold audio,
idempotent per participant) and `ReplyInbox` (`reply_inbox.py`: which speech and key presses count
as replies) are pure enough to unit-test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from switchboard.ports.telephony import Reply


class MediaSession(Protocol):
    """Audio in and out of rooms the agent is connected to."""

    async def join(self, room: str) -> None:
        """Connect to `room` (a new consultation room) so we can speak and listen there."""
        ...

    async def leave(self, room: str) -> None:
        """Disconnect from `room` and stop everything playing there (a no-op when not joined)."""
        ...

    async def start_hold(self, room: str, identity: str) -> None:
        """Play hold audio that `identity` hears (idempotent)."""
        ...

    async def stop_hold(self, room: str, identity: str) -> None:
        """Stop hold audio for `identity` (a no-op when none plays)."""
        ...

    def holds(self) -> tuple[tuple[str, str], ...]:
        """(room, identity) pairs with hold audio playing now."""
        ...

    async def say(self, room: str, identity: str, text: str) -> None:
        """Speak `text` so that only `identity` hears it; return once played."""
        ...

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        """The next speech or keypad input from `identity`, or None after `wait_seconds`."""
        ...

    async def screen_answer(self, room: str, identity: str) -> bool:
        """Listen to a just-answered leg: True when an answering machine (voicemail) picked up.

        Unsure counts as a person. Bounded by the screen's window (docs/voicemail-detection.md).
        """
        ...


class HoldPlayer(Protocol):
    """What `BackgroundAudioPlayer` offers for hold music, reduced to start and stop."""

    async def start(self) -> None: ...

    async def aclose(self) -> None: ...


class HoldTracks:
    """One hold-music player per (room, identity); starting twice or stopping none is harmless.

    `make_player(room)` builds a player publishing into `room`. A published track is heard by
    everyone subscribed in that room, which is only the held person: the caller waits alone in the
    caller room with the agent, whose own session input is paused during the hold.
    """

    def __init__(self, make_player: Callable[[str], HoldPlayer]) -> None:
        self._make_player = make_player
        self._players: dict[tuple[str, str], HoldPlayer] = {}
        self._lock = asyncio.Lock()  # start/stop from different tasks must not double-publish

    async def start(self, room: str, identity: str) -> None:
        """Start hold audio for `identity` unless it already plays."""
        async with self._lock:
            if (room, identity) in self._players:
                return
            player = self._make_player(room)
            await player.start()
            self._players[(room, identity)] = player

    async def stop(self, room: str, identity: str) -> None:
        """Stop hold audio for `identity`, if any plays."""
        async with self._lock:
            player = self._players.pop((room, identity), None)
        if player is not None:
            await player.aclose()

    async def stop_room(self, room: str) -> None:
        """Stop every hold in `room` (the room is going away)."""
        for held_room, identity in [key for key in self._players if key[0] == room]:
            await self.stop(held_room, identity)

    def live(self) -> tuple[tuple[str, str], ...]:
        """(room, identity) pairs with hold audio playing."""
        return tuple(sorted(self._players))
