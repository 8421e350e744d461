"""How long personal data is kept: one retention period per kind of data, 0 meaning for ever.

Pure: from a policy and the current time, the cut-off before which each kind of data goes.
What "goes" means per kind (docs/operations.md, "Retention"):

    calls            call records older than the cut-off are deleted, with their timelines
    transcripts      a call record's timeline (what was said) is emptied; outcome and times stay
    caller_numbers   caller numbers are removed from call records, finished messages, voicemail logs
    recordings       links to voicemail recordings are removed from messages
    messages         messages whose every notification is final, and the inbound SMS log, deleted
    caller_memory    returning callers (number, name) not heard from since the cut-off, forgotten
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from switchboard.domain.errors import InvalidValue


class DataKind(StrEnum):
    CALLS = "calls"
    TRANSCRIPTS = "transcripts"
    CALLER_NUMBERS = "caller_numbers"
    RECORDINGS = "recordings"
    MESSAGES = "messages"
    CALLER_MEMORY = "caller_memory"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Days to keep each kind of data; a kind missing or at 0 is kept for ever."""

    days: Mapping[DataKind, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, days in self.days.items():
            if days < 0:
                raise InvalidValue(f"retention for {kind} must be 0 (for ever) or more days")

    def cutoffs(self, now: datetime) -> dict[DataKind, datetime]:
        """{kind: the instant before which that data goes}, for the kinds with a period."""
        if now.tzinfo is None:
            raise ValueError("retention needs an aware datetime")
        return {kind: now - timedelta(days=d) for kind, d in self.days.items() if d > 0}

    def only(self, kinds: set[DataKind], *, older_than_days: int | None = None) -> RetentionPolicy:
        """The policy for `kinds` alone, every period replaced by `older_than_days` when given."""
        chosen = {
            kind: older_than_days if older_than_days is not None else self.days.get(kind, 0)
            for kind in kinds
        }
        return RetentionPolicy(chosen)
