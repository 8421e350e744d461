"""The phone line as a port: what a warm transfer needs from LiveKit (or the simulator).

Rooms and participants are named by strings. The caller's room and identity come with the call
(`CallContext.room_name`, `CallContext.caller_identity`). Errors form one small hierarchy:

    TelephonyError(sip_status)        any failure of the phone network, never a bug of ours
    ├── DialError(outcome, sip_status) the dialled leg did not answer: busy / no_answer / voicemail / failed
    └── ParticipantGone                the participant is not (or no longer) in the room

Every method may raise TelephonyError; adapters translate their library's errors into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from switchboard.domain.errors import SwitchboardError


class DialStatus(StrEnum):
    """Why a dial did not end in a live, answered leg. Values match `TransferOutcome`."""

    BUSY = "busy"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"  # answered by a machine: the leg is dropped, never connected
    FAILED = "failed"


class TelephonyError(SwitchboardError):
    """A failure of the phone network (SIP status where known)."""

    def __init__(self, message: str, *, sip_status: int | None = None) -> None:
        super().__init__(message)
        self.sip_status = sip_status


class DialError(TelephonyError):
    """A dial that ended without an answered human; the leg is already gone when this is raised."""

    def __init__(
        self, outcome: DialStatus, sip_status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(detail or f"dial ended: {outcome}", sip_status=sip_status)
        self.outcome = outcome


class ParticipantGone(TelephonyError):
    """The participant left (or never joined) the room."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply from a participant: recognised speech, or keypad digits (DTMF)."""

    text: str = ""
    digits: str = ""

    def as_input(self) -> str:
        """The form `parse_employee_decision` takes: digits win over speech."""
        return self.digits or self.text


@dataclass(frozen=True, slots=True)
class LiveResources:
    """What is still live on the network: for orphan checks after a transfer or a call."""

    rooms: tuple[str, ...] = ()
    participants: tuple[tuple[str, str], ...] = ()  # (room, identity), answered legs included
    ringing: tuple[tuple[str, str], ...] = ()  # (room, identity) of legs still ringing
    holds: tuple[tuple[str, str], ...] = ()  # (room, identity) with hold audio playing


class Telephony(Protocol):
    async def create_consultation_room(self, caller_room: str) -> str:
        """Create a private room for consulting an employee about the call in `caller_room`.

        Returns its name. No agent is dispatched into it (named agents are dispatched explicitly).
        """
        ...

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
        """Dial `target` (E.164 number or SIP URI) into `room` as `identity`; return once answered.

        Raises DialError when the leg is not answered by a person. Cancelling the call stops the
        ringing: no leg is left behind by a cancelled dial.
        """
        ...

    async def start_hold(self, room: str, identity: str) -> None:
        """Play hold audio to `identity` in `room` (idempotent)."""
        ...

    async def stop_hold(self, room: str, identity: str) -> None:
        """Stop hold audio for `identity` in `room` (a no-op when none plays)."""
        ...

    async def say(self, room: str, identity: str, text: str) -> None:
        """Speak `text` as the agent to `identity` only; returns when it has been played."""
        ...

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        """The next thing `identity` says or keys in, or None after `wait_seconds` of silence.

        The wait is a parameter, not `asyncio.timeout`, so adapters can run it on their own clock.

        Raises ParticipantGone when `identity` is not in `room` or leaves while we wait.
        """
        ...

    async def wait_until_left(self, room: str, identity: str) -> None:
        """Return when `identity` is no longer in `room` (at once if it is not there)."""
        ...

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        """Move a live participant between rooms (LiveKit Cloud only on real LiveKit)."""
        ...

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        """Cold-transfer the SIP participant `identity` to `transfer_to` (SIP REFER; sip:/tel:)."""
        ...

    async def hang_up(self, room: str, identity: str) -> None:
        """Remove `identity` from `room`, ending its phone leg (a no-op when already gone)."""
        ...

    async def delete_room(self, room: str) -> None:
        """Delete `room`, ending every leg in it, ringing ones included (a no-op when gone)."""
        ...

    async def live_resources(self) -> LiveResources:
        """Rooms, legs and hold audio still live, for orphan checks."""
        ...
