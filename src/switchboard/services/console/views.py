"""What the console's pages and API show, and who may see it.

`Scope` is the one rule of visibility: an admin's scope is everything; an employee's is their own
messages (those addressed to them) and their own calls (transferred or offered to them, or whose
message was for them). Every list and detail goes through a scope; a detail outside it raises
`OutOfScope` (a 403), never a silent empty page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from switchboard.domain.call_record import CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.domain.errors import Refused
from switchboard.domain.messages.delivery import DeliveryState, StoredMessage

# A message's state filter: one delivery state, or "waiting" / "undelivered" (the overview's words).
WAITING = "waiting"  # pending: queued or being sent, nothing reached anyone yet
UNDELIVERED = "undelivered"  # failed or not delivered: nobody was told
MESSAGE_FILTERS = (WAITING, UNDELIVERED, *(s.value for s in DeliveryState))
PAGE_SIZE = 50
LIVE_WINDOW = timedelta(hours=6)  # a call still open after this long is a lost record, not live


class OutOfScope(Refused, PermissionError):
    """Something this user may not see or change."""


@dataclass(frozen=True, slots=True)
class Scope:
    employee_id: str | None  # None: everything (an admin)

    @property
    def everything(self) -> bool:
        return self.employee_id is None


@dataclass(frozen=True, slots=True)
class Handling:
    handled_at: datetime
    handled_by: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    stored: StoredMessage
    state: DeliveryState
    handling: Handling | None


@dataclass(frozen=True, slots=True)
class MessageFilter:
    state: str | None = None  # one of MESSAGE_FILTERS
    handled: bool | None = None
    text: str = ""  # in the caller's name or the message
    page: int = 1


@dataclass(frozen=True, slots=True)
class CallFilter:
    outcome: CallOutcome | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """One period of the overview."""

    calls_by_outcome: Mapping[str, int] = field(default_factory=dict)
    transfers: Mapping[str, int] = field(default_factory=dict)  # accepted/declined/unanswered/other
    waiting: int = 0
    undelivered: int = 0

    @property
    def calls(self) -> int:
        return sum(self.calls_by_outcome.values())


@dataclass(frozen=True, slots=True)
class Overview:
    periods: Mapping[str, PeriodCounts]  # "today", "7 days", "30 days"
    timezone: str


# Transfer attempt results as the overview groups them.
TRANSFER_GROUPS = {
    "connected": "accepted",
    "declined": "declined",
    "message_requested": "declined",
    "no_answer": "unanswered",
    "busy": "unanswered",
    "voicemail": "unanswered",
}


def transfer_group(result: str) -> str:
    return TRANSFER_GROUPS.get(result, "other")


class ConsoleQueries(Protocol):
    async def period_counts(self, starts: Mapping[str, datetime]) -> dict[str, PeriodCounts]: ...

    async def messages(self, scope: Scope, filters: MessageFilter) -> list[MessageRow]: ...

    async def message(self, message_id: str) -> MessageRow | None: ...

    async def mark_handled(self, message_id: str, by: str, at: datetime) -> None: ...

    async def calls(self, scope: Scope, filters: CallFilter) -> list[CallRecord]: ...

    async def call(self, call_id: str) -> CallRecord | None: ...

    async def call_concerns(self, call_id: str, employee_id: str) -> bool: ...

    async def live_calls(self, since: datetime) -> list[CallRecord]: ...


def period_starts(now: datetime, timezone: str) -> dict[str, datetime]:
    """Today (from local midnight in the company's timezone), the last 7 and 30 days."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "today": midnight,
        "7 days": now - timedelta(days=7),
        "30 days": now - timedelta(days=30),
    }


class ConsoleViews:
    def __init__(self, queries: ConsoleQueries) -> None:
        self._q = queries

    async def overview(self, now: datetime, timezone: str) -> Overview:
        """The whole company's numbers (admins only)."""
        counts = await self._q.period_counts(period_starts(now, timezone))
        return Overview(counts, timezone)

    async def messages(self, scope: Scope, filters: MessageFilter) -> list[MessageRow]:
        return await self._q.messages(scope, filters)

    async def message(self, scope: Scope, message_id: str) -> MessageRow | None:
        row = await self._q.message(message_id)
        if row is not None:
            self.check_message(scope, row.stored)
        return row

    @staticmethod
    def check_message(scope: Scope, stored: StoredMessage) -> None:
        m = stored.message
        if not scope.everything and not (
            m.recipient_kind.value == "employee" and m.recipient_id == scope.employee_id
        ):
            raise OutOfScope("this message is not yours")

    async def mark_handled(self, scope: Scope, message_id: str, by: str, at: datetime) -> bool:
        row = await self.message(scope, message_id)
        if row is None:
            return False
        await self._q.mark_handled(message_id, by, at)
        return True

    async def calls(self, scope: Scope, filters: CallFilter) -> list[CallRecord]:
        return await self._q.calls(scope, filters)

    async def call(self, scope: Scope, call_id: str) -> CallRecord | None:
        record = await self._q.call(call_id)
        if record is None:
            return None
        if scope.employee_id is not None and not await self._q.call_concerns(
            call_id, scope.employee_id
        ):
            raise OutOfScope("this call is not yours")
        return record

    async def live_calls(self, now: datetime) -> list[CallRecord]:
        return await self._q.live_calls(now - LIVE_WINDOW)
