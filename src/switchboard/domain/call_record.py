"""The call record: everything that happened on one call, in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchboard.domain.calls import CallOutcome


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One entry of the timeline: a turn, tool call, decision, transfer attempt, message, end."""

    at: datetime
    kind: str  # e.g. "greeting", "turn", "tool_call", "transfer_attempt", "message", "ended"
    data: Mapping[str, Any] = field(default_factory=dict)


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

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def transfer_attempts(self) -> list[Mapping[str, Any]]:
        """Each attempt's data ({employee, result, sip_status, ...}) in order."""
        return [e.data for e in self.events if e.kind == "transfer_attempt"]
