"""Call records round-trip on SQLite and PostgreSQL, newest first, filtered by time and outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.calls import CallOutcome

T0 = datetime(2026, 11, 24, 16, 15, tzinfo=UTC)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


def _record(call_id: str, minutes: int, outcome: CallOutcome | None) -> CallRecord:
    start = T0 + timedelta(minutes=minutes)
    return CallRecord(
        call_id=call_id,
        started_at=start,
        caller_number="+16125550177",
        dialed_number="+13125550100",
        ended_at=start + timedelta(seconds=95) if outcome else None,
        outcome=outcome,
        end_reason="caller said goodbye" if outcome else None,
        transferred_to="priya-raman" if outcome is CallOutcome.TRANSFERRED else None,
        events=(
            CallEvent(start, "greeting", {"text": "Thanks for calling Acme — ünïcode ok"}),
            CallEvent(
                start + timedelta(seconds=30),
                "transfer_attempt",
                {"employee": "priya-raman", "result": "connected", "ring_seconds": 4.5},
            ),
        ),
    )


async def test_round_trip_keeps_every_field_and_the_timeline(storage: Storage) -> None:
    record = _record("call-1", 0, CallOutcome.TRANSFERRED)
    async with storage.unit_of_work() as uow:
        await uow.calls.save(record)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        loaded = await uow.calls.get("call-1")
    assert loaded == record
    assert loaded is not None
    assert loaded.duration_seconds == 95
    assert loaded.transfer_attempts()[0]["result"] == "connected"


async def test_save_overwrites_a_live_call_with_its_end(storage: Storage) -> None:
    live = _record("call-2", 0, None)
    async with storage.unit_of_work() as uow:
        await uow.calls.save(live)
        await uow.commit()
    ended = _record("call-2", 0, CallOutcome.MESSAGE_TAKEN)
    async with storage.unit_of_work() as uow:
        await uow.calls.save(ended)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.calls.get("call-2") == ended
        assert len(await uow.calls.list_recent()) == 1


async def test_list_is_newest_first_and_filters(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        for i, outcome in enumerate([CallOutcome.INFO_ONLY, CallOutcome.TRANSFERRED, None]):
            await uow.calls.save(_record(f"call-{i}", i * 60, outcome))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert [r.call_id for r in await uow.calls.list_recent()] == ["call-2", "call-1", "call-0"]
        assert [r.call_id for r in await uow.calls.list_recent(limit=1)] == ["call-2"]
        since = await uow.calls.list_recent(since=T0 + timedelta(minutes=30))
        assert [r.call_id for r in since] == ["call-2", "call-1"]
        transferred = await uow.calls.list_recent(outcome=CallOutcome.TRANSFERRED)
        assert [r.call_id for r in transferred] == ["call-1"]


async def test_uncommitted_record_is_not_kept(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.calls.save(_record("call-x", 0, None))
    async with storage.unit_of_work() as uow:
        assert await uow.calls.get("call-x") is None


async def test_twilio_call_statuses_join_the_record_by_its_sid(storage: Storage) -> None:
    """The carrier's view of a call, from /twilio/status callbacks stored before, during or after
    the record — in any order, once each — read back with the record."""
    from dataclasses import replace

    from switchboard.adapters.sqlalchemy.webhook_stores import SqlAlchemyWebhookStores
    from switchboard.ports.clock import SystemClock

    sid = "CA" + "7" * 32
    stores = SqlAlchemyWebhookStores(storage.engine, SystemClock())
    await stores.record_call_status(sid, "ringing", T0 + timedelta(seconds=1), duration=None)
    record = replace(_record("call-sid", 0, CallOutcome.MESSAGE_TAKEN), twilio_call_sid=sid)
    async with storage.unit_of_work() as uow:
        await uow.calls.save(record)
        await uow.calls.save(_record("call-other", 5, CallOutcome.TRANSFERRED))
        await uow.commit()
    # "completed" overtakes a late "in-progress"; a retried callback adds nothing.
    await stores.record_call_status(sid, "completed", T0 + timedelta(seconds=97), duration=96)
    await stores.record_call_status(sid, "in-progress", T0 + timedelta(seconds=98), duration=None)
    await stores.record_call_status(sid, "completed", T0 + timedelta(seconds=99), duration=96)
    await stores.record_call_status("CA" + "8" * 32, "busy", T0, duration=0)  # another call
    async with storage.unit_of_work() as uow:
        loaded = await uow.calls.get("call-sid")
        listed = {r.call_id: r for r in await uow.calls.list_recent()}
    assert loaded is not None
    assert loaded.twilio_call_sid == sid
    assert [c.status for c in loaded.carrier] == ["ringing", "completed", "in-progress"]
    assert loaded.carrier_status is not None
    assert (loaded.carrier_status.status, loaded.carrier_status.duration_seconds) == (
        "completed",
        96,
    )
    assert listed["call-sid"].carrier == loaded.carrier
    assert listed["call-other"].twilio_call_sid is None
    assert listed["call-other"].carrier == ()
    assert listed["call-other"].carrier_status is None


async def test_call_quality_round_trips_and_no_stats_stays_none(storage: Storage) -> None:
    measured = CallQuality(
        packets_received=14_820,
        packets_lost=37,
        jitter_ms_mean=4.25,
        jitter_ms_max=18.5,
        round_trip_ms_mean=41.0,
        round_trip_ms_max=97.75,
    )
    with_stats = replace(_record("call-q", 0, CallOutcome.INFO_ONLY), quality=measured)
    without = _record("call-n", 1, CallOutcome.INFO_ONLY)
    partial = replace(
        _record("call-p", 2, CallOutcome.INFO_ONLY), quality=CallQuality(jitter_ms_mean=3.0)
    )
    async with storage.unit_of_work() as uow:
        for record in (with_stats, without, partial):
            await uow.calls.save(record)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        loaded = {r.call_id: r for r in await uow.calls.list_recent()}
    assert loaded["call-q"].quality == measured
    assert loaded["call-q"].quality.packet_loss_percent == pytest.approx(100 * 37 / 14_857)
    assert loaded["call-n"].quality is None
    assert loaded["call-p"].quality == CallQuality(jitter_ms_mean=3.0)
