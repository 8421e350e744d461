"""Group-committed status callbacks: exactly-once receipts, forward-only statuses and a batch that
fails retried one by one — under concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy import status_callbacks as module
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.status_callbacks import GroupCommitStatusWriter
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, Notification, NotificationStatus

S = NotificationStatus
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
N = 60


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    for i in range(N):
        m = Message(f"m{i}", RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", T0)
        note = Notification(
            f"m{i}.sms.0", f"m{i}", Channel.SMS, "+13125550112", T0, T0, provider_id=f"SM{i}"
        )
        await outbox.add(m, [note])
    yield storage
    await storage.dispose()


async def statuses(storage: Storage) -> dict[str, S]:
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    found = {}
    for i in range(N):
        (note,) = await outbox.notifications_of(f"m{i}")
        found[f"SM{i}"] = note.status
    return found


async def test_concurrent_callbacks_with_retries_and_disorder(storage: Storage) -> None:
    writer = GroupCommitStatusWriter(storage.engine)
    # Every message gets sent + delivered (or undelivered for odd ones), each sent twice (Twilio
    # retries), all shuffled: statuses arrive out of order too.
    calls = []
    for i in range(N):
        final = "delivered" if i % 2 == 0 else "undelivered"
        for status in ("sent", final):
            calls += [(f"status:SM{i}:{status}", f"SM{i}", S(status))] * 2
    random.Random(7).shuffle(calls)
    results = await asyncio.gather(
        *(writer.apply_once(key, sid, status, None, T0) for key, sid, status in calls)
    )
    handled = [r for r in results if r is not None]
    assert len(handled) == 2 * N  # each distinct key exactly once
    assert all(handled)  # every provider id is known
    assert writer.commits < len(calls) / 4  # they really shared transactions
    final = await statuses(storage)
    assert all(final[f"SM{i}"] is (S.DELIVERED if i % 2 == 0 else S.UNDELIVERED) for i in range(N))
    # A replay later changes nothing.
    assert await writer.apply_once("status:SM0:sent", "SM0", S.SENT, None, T0) is None
    assert (await statuses(storage))["SM0"] is S.DELIVERED


async def test_unknown_provider_id_is_kept_for_later(storage: Storage) -> None:
    writer = GroupCommitStatusWriter(storage.engine)
    assert await writer.apply_once("k-early", "SM-not-yet", S.DELIVERED, "0", T0) is False
    assert await writer.apply_once("k-early", "SM-not-yet", S.DELIVERED, "0", T0) is None


async def test_a_poisoned_callback_fails_alone(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = module.GroupCommitStatusWriter._move_forward

    async def poisoned(self: GroupCommitStatusWriter, conn: object, fresh: list) -> set[str]:  # type: ignore[type-arg]
        if any(cb.provider_id == "SM3" for cb in fresh):
            raise RuntimeError("poison")
        return await real(self, conn, fresh)  # type: ignore[arg-type]

    monkeypatch.setattr(module.GroupCommitStatusWriter, "_move_forward", poisoned)
    writer = GroupCommitStatusWriter(storage.engine)
    tasks = [
        asyncio.create_task(writer.apply_once(f"k{i}", f"SM{i}", S.SENT, None, T0))
        for i in range(6)
    ]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[3], RuntimeError)
    assert [r for i, r in enumerate(results) if i != 3] == [True] * 5
    final = await statuses(storage)
    assert [final[f"SM{i}"] for i in range(6)] == [S.SENT] * 3 + [S.QUEUED] + [S.SENT] * 2
    # The poisoned one left no receipt behind, so Twilio's retry will be handled.
    monkeypatch.setattr(module.GroupCommitStatusWriter, "_move_forward", real)
    assert await writer.apply_once("k3", "SM3", S.SENT, None, T0) is True


async def test_a_burst_of_unknown_sids_keeps_the_furthest_status_for_later(
    storage: Storage,
) -> None:
    """Callbacks for SIDs we have not recorded yet (the send's answer is still on its way) are
    group-committed like the rest; each SID keeps its furthest status, which applies once the SID
    is recorded."""
    writer = GroupCommitStatusWriter(storage.engine)
    order = [(i, st) for i in range(40) for st in (S.SENT, S.DELIVERED, S.QUEUED)]
    random.Random(7).shuffle(order)
    results = await asyncio.gather(
        *(writer.apply_once(f"k{i}:{st.value}", f"SMX{i}", st, None, T0) for i, st in order)
    )
    assert results == [False] * len(order)  # handled, but no notification has these ids yet
    assert writer.commits < len(order) / 4
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    m = Message("late", RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", T0)
    await outbox.add(m, [Notification("late.sms.0", "late", Channel.SMS, "+13125550112", T0, T0)])
    recorded = await outbox.record_sent("late.sms.0", "SMX7", S.SENT, T0)
    assert recorded.status is S.DELIVERED  # the early "delivered" won over "sent" and "queued"


async def test_a_callback_racing_the_send_record_is_not_lost(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twilio's first callback can beat our record of the SID it answered the send with. Here
    it arrives in the worst place: after `record_sent` looked for early statuses and before it
    committed. The callback must still end up on the notification, on either database."""
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    m = Message("race", RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", T0)
    await outbox.add(m, [Notification("race.sms.0", "race", Channel.SMS, "+13125550112", T0, T0)])
    writer = GroupCommitStatusWriter(storage.engine)
    callback: list[asyncio.Task[bool | None]] = []
    write = SqlAlchemyMessageOutbox._write

    async def write_after_the_callback(self: Any, session: Any, n: Notification) -> None:
        if n.provider_id == "SM-race" and not callback:
            callback.append(
                asyncio.create_task(
                    writer.apply_once("status:SM-race:delivered", "SM-race", S.DELIVERED, None, T0)
                )
            )
            # Give the callback the chance to commit first (it does, without a lock between the
            # two); with one, it waits for this transaction and the wait runs out.
            await asyncio.wait(callback, timeout=1.0)
        await write(self, session, n)

    monkeypatch.setattr(SqlAlchemyMessageOutbox, "_write", write_after_the_callback)
    await outbox.record_sent("race.sms.0", "SM-race", S.QUEUED, T0)
    assert await callback[0] is not None
    (note,) = await outbox.notifications_of("race")
    assert note.status is S.DELIVERED
