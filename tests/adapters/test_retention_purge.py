"""Retention on SQLite and PostgreSQL: what goes, what stays, and a purge racing new data."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from tests.support.clocks import ManualClock

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.adapters.sqlalchemy.purge import SqlAlchemyPersonalData
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.adapters.sqlalchemy.webhook_tables import inbound_sms, voicemails
from switchboard.domain.retention import DataKind, RetentionPolicy
from switchboard.services.retention import purge, purge_daily

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=5)
URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    s = await open_storage(database_url)
    try:
        yield s
    finally:
        await s.dispose()


async def _call(storage: Storage, started: datetime, call_id: str | None = None) -> str:
    call_id = call_id or f"c-{uuid.uuid4().hex[:8]}"
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(calls).values(
                call_id=call_id, started_at=started, caller_number="+16125550177",
                events=[{"at": "t", "kind": "caller", "data": {"text": "it's about my lease"}}],
            )
        )  # fmt: skip
    return call_id


async def _message(
    storage: Storage, created: datetime, *, status: str = "delivered", recording: bool = False
) -> str:
    mid = f"m-{uuid.uuid4().hex[:8]}"
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(messages).values(
                id=mid, recipient_kind="employee", recipient_id="e1", caller_name="Dana",
                callback_number="+16125550177", urgent=False, created_at=created,
                text=f"Voicemail (12 s): {URL}" if recording else "call me back",
                recording_url=URL if recording else None,
            )
        )  # fmt: skip
        await conn.execute(
            insert(notifications).values(
                id=f"n-{mid}", message_id=mid, channel="email", to_address="e1@example.com",
                status=status, attempts=1, created_at=created, updated_at=created,
            )
        )  # fmt: skip
    return mid


async def _rows(storage: Storage, table: object, *columns: object) -> list[tuple[object, ...]]:
    async with storage.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(select(*columns))]  # type: ignore[call-overload]


async def test_a_dry_run_counts_and_changes_nothing(storage: Storage) -> None:
    await _call(storage, OLD)
    await _call(storage, RECENT)
    data = SqlAlchemyPersonalData(storage.engine)
    policy = RetentionPolicy({DataKind.CALLS: 365, DataKind.TRANSCRIPTS: 90})

    counts = await purge(data, policy, ManualClock(NOW, sleep_moves=False), apply=False)

    assert counts == {DataKind.CALLS: 1, DataKind.TRANSCRIPTS: 1}
    assert len(await _rows(storage, calls, calls.c.call_id)) == 2


async def test_old_calls_are_deleted_and_recent_ones_keep_everything(storage: Storage) -> None:
    old, recent = await _call(storage, OLD), await _call(storage, RECENT)
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(voicemails).values(call_sid="CA1", caller_number="+1612555", started_at=OLD)
        )
    policy = RetentionPolicy({DataKind.CALLS: 365})
    counts = await purge(
        SqlAlchemyPersonalData(storage.engine),
        policy,
        ManualClock(NOW, sleep_moves=False),
        apply=True,
    )

    assert counts[DataKind.CALLS] == 1
    left = await _rows(storage, calls, calls.c.call_id, calls.c.caller_number)
    assert left == [(recent, "+16125550177")]
    assert old not in {r[0] for r in left}
    assert await _rows(storage, voicemails, voicemails.c.call_sid) == []


async def test_transcripts_and_numbers_go_while_the_call_record_stays(storage: Storage) -> None:
    call_id = await _call(storage, NOW - timedelta(days=200))
    policy = RetentionPolicy(
        {DataKind.CALLS: 365, DataKind.TRANSCRIPTS: 90, DataKind.CALLER_NUMBERS: 180}
    )
    await purge(
        SqlAlchemyPersonalData(storage.engine),
        policy,
        ManualClock(NOW, sleep_moves=False),
        apply=True,
    )

    rows = await _rows(storage, calls, calls.c.call_id, calls.c.caller_number, calls.c.events)
    assert rows == [(call_id, None, [])]


async def test_messages_still_being_delivered_are_never_purged(storage: Storage) -> None:
    done = await _message(storage, OLD, status="delivered")
    pending = await _message(storage, OLD, status="queued")
    fresh = await _message(storage, RECENT)
    policy = RetentionPolicy({DataKind.MESSAGES: 365, DataKind.CALLER_NUMBERS: 180})

    counts = await purge(
        SqlAlchemyPersonalData(storage.engine),
        policy,
        ManualClock(NOW, sleep_moves=False),
        apply=True,
    )

    assert counts[DataKind.MESSAGES] == 1
    ids = {
        r[0]: r[1]
        for r in await _rows(storage, messages, messages.c.id, messages.c.callback_number)
    }
    assert done not in ids
    assert ids[pending] == "+16125550177"  # not final: neither deleted nor stripped
    assert ids[fresh] == "+16125550177"
    notes = {r[0] for r in await _rows(storage, notifications, notifications.c.message_id)}
    assert done not in notes
    assert pending in notes


async def test_recording_links_go_from_the_link_and_the_text(storage: Storage) -> None:
    mid = await _message(storage, NOW - timedelta(days=100), recording=True)
    policy = RetentionPolicy({DataKind.RECORDINGS: 90})
    await purge(
        SqlAlchemyPersonalData(storage.engine),
        policy,
        ManualClock(NOW, sleep_moves=False),
        apply=True,
    )

    rows = await _rows(storage, messages, messages.c.id, messages.c.recording_url, messages.c.text)
    assert rows == [(mid, None, "Voicemail (12 s): [recording removed]")]


async def test_the_inbound_sms_log_goes_with_messages(storage: Storage) -> None:
    async with storage.engine.begin() as conn:
        await conn.execute(
            insert(inbound_sms).values(
                message_sid="SM1", from_number="+1", to_number="+2", body="AWAY", received_at=OLD
            )
        )
    policy = RetentionPolicy({DataKind.MESSAGES: 365})
    counts = await purge(
        SqlAlchemyPersonalData(storage.engine),
        policy,
        ManualClock(NOW, sleep_moves=False),
        apply=True,
    )
    assert counts[DataKind.MESSAGES] == 1
    assert await _rows(storage, inbound_sms, inbound_sms.c.message_sid) == []


async def test_a_purge_racing_incoming_calls_and_messages_loses_none_of_them(
    storage: Storage,
) -> None:
    for _ in range(20):
        await _call(storage, OLD)
    data = SqlAlchemyPersonalData(storage.engine)
    policy = RetentionPolicy({kind: 30 for kind in DataKind})
    arrived: list[str] = []

    async def calls_arriving() -> None:
        for _ in range(15):
            arrived.append(await _call(storage, NOW))
            arrived.append(await _message(storage, NOW, status="queued"))

    await asyncio.gather(
        calls_arriving(),
        *(purge(data, policy, ManualClock(NOW, sleep_moves=False), apply=True) for _ in range(3)),
    )
    call_ids = {r[0] for r in await _rows(storage, calls, calls.c.call_id)}
    message_ids = {r[0] for r in await _rows(storage, messages, messages.c.id)}
    assert set(arrived) == call_ids | message_ids  # every new one kept, every old one gone
    events = await _rows(storage, calls, calls.c.events)
    assert all(e[0] for e in events)  # new calls keep their transcripts


def test_a_policy_refuses_negative_days_and_keeps_zero_for_ever() -> None:
    with pytest.raises(ValueError, match="0 \\(for ever\\)"):
        RetentionPolicy({DataKind.CALLS: -1})
    assert RetentionPolicy({DataKind.CALLS: 0}).cutoffs(NOW) == {}
    with pytest.raises(ValueError, match="aware"):
        RetentionPolicy({DataKind.CALLS: 1}).cutoffs(NOW.replace(tzinfo=None))


async def test_the_daily_purge_survives_a_failing_pass_and_stops_when_told() -> None:
    stop = asyncio.Event()
    seen: list[bool] = []

    class Flaky:
        async def purge(self, cutoffs: object, *, apply: bool) -> dict[DataKind, int]:
            seen.append(apply)
            if len(seen) == 1:
                raise RuntimeError("database is down")
            if len(seen) == 3:
                stop.set()
            return {}

    passes = await purge_daily(
        Flaky(), RetentionPolicy({DataKind.CALLS: 1}), ManualClock(NOW, sleep_moves=False), stop,
        every=timedelta(milliseconds=1),
    )  # fmt: skip
    assert passes == 3
    assert seen == [True, True, True]
