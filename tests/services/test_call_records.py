"""CallLog: events in order with the clock's times, JSON-safe data, first outcome stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from tests.support.clocks import ManualClock

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallContext, CallOutcome, TransferOutcome
from switchboard.services.call_records import CallLog, list_calls


class Mood(StrEnum):
    CALM = "calm"


CALL = CallContext("call-9", "call-room-9", "sip-caller", caller_number="+16125550177")


def test_events_are_ordered_and_json_safe() -> None:
    log = CallLog(
        CALL, ManualClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), tick=timedelta(seconds=1))
    )
    log.record(
        "turn", role="caller", text="hi", mood=Mood.CALM, at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    log.record("transfer_attempt", employee="priya-raman", result=TransferOutcome.BUSY, tags=("a",))
    log.record("odd", thing=object)
    record = log.snapshot()
    assert [e.kind for e in record.events] == ["turn", "transfer_attempt", "odd"]
    assert record.events[0].data == {
        "role": "caller",
        "text": "hi",
        "mood": "calm",
        "at": "2026-01-01T00:00:00+00:00",
    }
    assert record.events[1].data["result"] == "busy"
    assert record.events[1].data["tags"] == ["a"]
    assert isinstance(record.events[2].data["thing"], str)
    assert record.events[0].at < record.events[1].at


def test_finish_is_idempotent_and_records_the_end() -> None:
    log = CallLog(
        CALL, ManualClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), tick=timedelta(seconds=1))
    )
    first = log.finish(CallOutcome.TRANSFERRED, end_reason="merged", transferred_to="priya-raman")
    second = log.finish(CallOutcome.NO_TRANSFER, end_reason="later")
    assert first.outcome is second.outcome is CallOutcome.TRANSFERRED
    assert second.end_reason == "merged"
    assert [e.kind for e in second.events] == ["ended"]
    assert second.duration_seconds is not None
    assert second.duration_seconds > 0


async def test_save_and_list(tmp_path: Path) -> None:
    storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    try:
        log = CallLog(
            CALL, ManualClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), tick=timedelta(seconds=1))
        )
        await log.save(storage.unit_of_work)  # at the start: a live call
        log.record("turn", role="caller", text="goodbye")
        log.finish(CallOutcome.INFO_ONLY, end_reason="caller said goodbye")
        await log.save(storage.unit_of_work)
        (saved,) = await list_calls(storage.unit_of_work)
        assert saved == log.snapshot()
        assert await list_calls(storage.unit_of_work, outcome=CallOutcome.TRANSFERRED) == []
    finally:
        await storage.dispose()


def test_quality_is_kept_only_when_something_was_measured() -> None:
    log = CallLog(
        CALL, ManualClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), tick=timedelta(seconds=1))
    )
    log.set_quality(CallQuality())  # stats said nothing: no quality, never zeroes
    assert log.snapshot().quality is None
    measured = CallQuality(packets_received=900, packets_lost=9, jitter_ms_mean=6.0)
    log.set_quality(measured)
    assert log.snapshot().quality == measured
