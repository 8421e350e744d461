"""The call record: everything that happened on one call, in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallOutcome


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One entry of the timeline: a turn, tool call, decision, transfer attempt, message, end."""

    at: datetime
    kind: str  # e.g. "greeting", "turn", "tool_call", "transfer_attempt", "message", "ended"
    data: Mapping[str, Any] = field(default_factory=dict)


# Twilio's call statuses in the order a call moves through them; the last group is terminal.
_CARRIER_ORDER = {"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3}
CARRIER_FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@dataclass(frozen=True, slots=True)
class CarrierStatus:
    """One Twilio call status callback for the call (`/twilio/status` with a CallStatus)."""

    status: str
    at: datetime
    duration_seconds: int | None = None

    @property
    def rank(self) -> int:
        return 9 if self.status in CARRIER_FINAL else _CARRIER_ORDER.get(self.status, -1)


@dataclass(frozen=True, slots=True)
class CallRecord:
    call_id: str
    started_at: datetime
    caller_number: str | None = None
    dialed_number: str | None = None
    ended_at: datetime | None = None
    outcome: CallOutcome | None = None
    end_reason: str | None = None
    transferred_to: str | None = None  # employee id
    message_id: str | None = None
    events: tuple[CallEvent, ...] = ()
    twilio_call_sid: str | None = None  # Twilio's CA… id, when the call came through Twilio
    carrier: tuple[CarrierStatus, ...] = ()  # Twilio's status callbacks, joined on the SID
    verstat: str | None = None  # Twilio's STIR/SHAKEN result (X-Twilio-VerStat), when passed on
    quality: CallQuality | None = None  # the caller's audio; None: no RTC stats (a local call)

    @property
    def carrier_status(self) -> CarrierStatus | None:
        """Where Twilio says the call got to: its furthest status (callbacks arrive in any order)."""
        return max(self.carrier, key=lambda c: (c.rank, c.at), default=None)

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def transfer_attempts(self) -> list[Mapping[str, Any]]:
        """Each attempt's data ({employee, result, sip_status, ...}) in order."""
        return [e.data for e in self.events if e.kind == "transfer_attempt"]
