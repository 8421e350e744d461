"""What `switchboard test-call` needs from the phone network: one room, one dialled leg, its
sound and key presses (services/test_call.py uses it; adapters/livekit/probe_line.py is it)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Protocol

from switchboard.domain.errors import Refused, SwitchboardError


class MediaUnavailable(SwitchboardError):
    """The line cannot hear the call (no rtc connection); the audio steps are then not checked."""


class DialRefused(Refused):
    """The dial ended without an answer. `sip_status` is the far end's final SIP status, None when
    LiveKit itself refused the request (bad trunk, credentials, unreachable server); `fix` then
    says what to do. `rang_out`: LiveKit stopped ringing after the ringing time, with no SIP
    status (livekit/sip@v1.11.0:pkg/sip/outbound.go:545-549)."""

    def __init__(
        self, message: str, *, sip_status: int | None = None, fix: str = "", rang_out: bool = False
    ) -> None:
        super().__init__(message)
        self.sip_status, self.fix, self.rang_out = sip_status, fix, rang_out


class ProbeLine(Protocol):
    """The phone network as the test call needs it (the LiveKit adapter implements it)."""

    async def open(self, room: str) -> None:
        """Create `room` (and join it to listen, when media is available)."""
        ...

    async def dial(self, room: str, to: str, *, identity: str, ring_seconds: float) -> None:
        """Ring `to` into `room`; return once answered, raise DialRefused otherwise."""
        ...

    async def call_status(self, room: str, identity: str) -> str | None:
        """The leg's `sip.callStatus` now, or None while it is not (or no longer) in the room."""
        ...

    def audio(self, identity: str) -> AsyncGenerator[Sequence[int], None]:
        """16-bit PCM frames from `identity`'s audio track; raises MediaUnavailable."""
        ...

    async def next_key(self) -> str:
        """The next keypad digit received in the room; raises MediaUnavailable."""
        ...

    async def hang_up(self, room: str, identity: str) -> None:
        """End the leg (a no-op when it is gone)."""
        ...

    async def delete_room(self, room: str) -> None:
        """Delete the room with everything in it (a no-op when it is gone)."""
        ...


__all__ = ["DialRefused", "MediaUnavailable", "ProbeLine"]
