"""Has anyone in a room started receiving our audio? Asked before the first words of a briefing.

LiveKit SIP joins the consultation room when it starts dialling but subscribes to the room's tracks
only once the employee has answered (upstream: livekit/sip@v1.11.0:pkg/sip/room.go:392 joins with
`WithAutoSubscribe(false)`; pkg/sip/outbound.go:440-442 calls `c.lkRoom.Subscribe()` after
`dialSIP` and `connectMedia`). Speech published before that subscription reaches nobody.

The server tells the publisher once, when the first non-hidden subscriber of a track is bound and
connected (livekit/livekit@v1.13.5:pkg/rtc/subscribedtrack.go:414-419, pkg/rtc/mediatrack.go:657-660,
pkg/rtc/participant_signal.go:250-257), and the Python SDK turns that into the room event
`local_track_subscribed(track)` (livekit rtc 1.1.21 `room.py:841-846`). A consultation room holds
only the employee and us, so the first subscription to our audio is the employee's phone.

livekit-agents 1.8.9 itself holds the session's audio until that first subscription
(`voice/room_io/_output.py:95-97,121-122`), so early words are delayed rather than lost. But a
`say()` made when nobody ever subscribes (the employee hung up at once) then never finishes
playing; waiting here first, with a bound, turns that into an error instead of a stuck transfer.
"""

from __future__ import annotations

import asyncio

from livekit import rtc


class Audience:
    """Tracks whether our audio in one room has a subscriber yet; attach before connecting."""

    def __init__(self, room: rtc.Room) -> None:
        self._subscribed = asyncio.Event()
        room.on("local_track_subscribed", self._on_subscribed)

    def _on_subscribed(self, track: rtc.LocalTrack | None) -> None:
        # rtc emits the publication's track, typed Optional (room.py:843-846)
        if track is not None and track.kind == rtc.TrackKind.KIND_AUDIO:
            self._subscribed.set()

    @property
    def listening(self) -> bool:
        """True once someone has subscribed to our audio in this room."""
        return self._subscribed.is_set()

    async def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for a subscriber; True if there is one."""
        try:
            async with asyncio.timeout(seconds):
                await self._subscribed.wait()
        except TimeoutError:
            return False
        return True
