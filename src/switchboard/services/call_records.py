"""Keeping the call record: events appended as the call goes, saved at start and end."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.ports.clock import Clock
from switchboard.ports.repositories import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]


def _json_safe(value: Any) -> Any:
    """Event data is stored as JSON: enums by value, times as ISO text, unknown objects as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class CallLog:
    """The CallRecorder of one call. `record()` never blocks; `save()` persists what is known."""

    def __init__(self, call: CallContext, clock: Clock) -> None:
        self._clock = clock
        self._record = CallRecord(
            call_id=call.call_id,
            started_at=clock.now(),
            caller_number=call.caller_number,
            dialed_number=call.dialed_number,
            twilio_call_sid=call.twilio_call_sid,
            verstat=call.verstat,
        )
        self._events: list[CallEvent] = []

    def record(self, kind: str, /, **data: Any) -> None:
        self._events.append(CallEvent(at=self._clock.now(), kind=kind, data=_json_safe(data)))

    def finish(
        self,
        outcome: CallOutcome,
        *,
        end_reason: str,
        transferred_to: str | None = None,
        message_id: str | None = None,
    ) -> CallRecord:
        """Close the record (idempotent: the first outcome stands)."""
        if self._record.ended_at is None:
            self._record = replace(
                self._record,
                ended_at=self._clock.now(),
                outcome=outcome,
                end_reason=end_reason,
                transferred_to=transferred_to,
                message_id=message_id,
            )
            self.record("ended", outcome=outcome, reason=end_reason)
        return self.snapshot()

    def set_quality(self, quality: CallQuality) -> None:
        """Keep the caller's audio quality (from RTC stats); an empty one is not kept: no stats
        is recorded as no stats, never as zeroes."""
        if not quality.is_empty:
            self._record = replace(self._record, quality=quality)

    def snapshot(self) -> CallRecord:
        return replace(self._record, events=tuple(self._events))

    async def save(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            await uow.calls.save(self.snapshot())
            await uow.commit()


async def list_calls(
    uow_factory: UnitOfWorkFactory,
    *,
    limit: int = 50,
    since: datetime | None = None,
    outcome: CallOutcome | None = None,
) -> list[CallRecord]:
    async with uow_factory() as uow:
        return await uow.calls.list_recent(limit=limit, since=since, outcome=outcome)
