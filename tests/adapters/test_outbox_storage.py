"""The SQLAlchemy outbox on SQLite and PostgreSQL: atomic add, disjoint claims, forward-only status."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from tests.support.clocks import ManualClock

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.webhook_receipts import SqlAlchemyWebhookReceipts
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.ports.notifications import SendResult
from switchboard.services.messages.worker import NotificationWorker

S = NotificationStatus
T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
DIRECTORY = Directory(
    company=CompanyProfile(name="Acme"),
    employees=(Employee("ann", "Ann", "+13125550101", email="a@x.test", sms="+13125550112"),),
)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


@pytest.fixture
def outbox(storage: Storage) -> SqlAlchemyMessageOutbox:
    return SqlAlchemyMessageOutbox(storage.engine)


def message(i: int, text: str = "Call me — ünïcode; DROP TABLE messages;--") -> Message:
    return Message(f"m{i}", RecipientKind.EMPLOYEE, "ann", "Bob", "+13125550199", text, T0)


async def store(outbox: SqlAlchemyMessageOutbox, i: int) -> tuple[Notification, ...]:
    m = message(i)
    notes = plan_notifications(m, None, DIRECTORY, T0)
    await outbox.add(m, notes)
    return notes


async def test_add_and_claim_round_trip(outbox: SqlAlchemyMessageOutbox) -> None:
    notes = await store(outbox, 1)
    claimed = await outbox.claim_due(T0, limit=10, lease=LEASE)
    assert {n.id for n, _ in claimed} == {n.id for n in notes}
    n, m = claimed[0]
    assert m == message(1)
    assert (n.status, n.attempts, n.next_attempt_at) == (S.SENDING, 1, T0 + LEASE)
    assert await outbox.claim_due(T0 + LEASE - timedelta(seconds=1), limit=10, lease=LEASE) == []
    again = await outbox.claim_due(T0 + LEASE, limit=10, lease=LEASE)
    assert [n.attempts for n, _ in again] == [2, 2]


async def test_add_is_all_or_nothing(outbox: SqlAlchemyMessageOutbox) -> None:
    notes = await store(outbox, 1)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await outbox.add(message(2), [notes[0]])  # same notification id: the insert fails
    assert await outbox.notifications_of("m2") == []
    assert [n for n, _ in await outbox.claim_due(T0, limit=10, lease=LEASE)]  # m1 intact


async def test_concurrent_claims_are_disjoint(outbox: SqlAlchemyMessageOutbox) -> None:
    for i in range(15):
        await store(outbox, i)
    batches = await asyncio.gather(*(outbox.claim_due(T0, limit=4, lease=LEASE) for _ in range(8)))
    ids = [n.id for batch in batches for n, _ in batch]
    assert len(ids) == 30
    assert len(set(ids)) == 30


async def test_status_moves_forward_only_and_keeps_the_error(
    outbox: SqlAlchemyMessageOutbox,
) -> None:
    await store(outbox, 1)
    await outbox.claim_due(T0, limit=10, lease=LEASE)
    await outbox.record_sent("m1.sms.0", "SM1", S.QUEUED, T0)
    assert await outbox.apply_provider_status("SM1", S.UNDELIVERED, "30003", T0)
    assert await outbox.apply_provider_status("SM1", S.SENT, None, T0)
    assert await outbox.apply_provider_status("SM1", S.DELIVERED, None, T0)
    [_, sms] = await outbox.notifications_of("m1")
    assert (sms.status, sms.error_code, sms.provider_id) == (S.UNDELIVERED, "30003", "SM1")


async def test_early_callback_is_applied_when_the_sid_is_recorded(
    outbox: SqlAlchemyMessageOutbox,
) -> None:
    await store(outbox, 1)
    await outbox.claim_due(T0, limit=10, lease=LEASE)
    assert not await outbox.apply_provider_status("SM9", S.DELIVERED, None, T0)
    assert not await outbox.apply_provider_status("SM9", S.SENT, None, T0)  # older: ignored
    n = await outbox.record_sent("m1.sms.0", "SM9", S.QUEUED, T0)
    assert n.status is S.DELIVERED
    assert n.next_attempt_at is None


async def test_add_notifications_skips_known_ids(outbox: SqlAlchemyMessageOutbox) -> None:
    notes = await store(outbox, 1)
    extra = Notification("m1.local.1", "m1", Channel.LOCAL, "ann", T0, T0, next_attempt_at=T0)
    await outbox.add_notifications([notes[0], extra])
    await outbox.add_notifications([extra])
    assert len(await outbox.notifications_of("m1")) == 3


class Recorder:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.sent: list[str] = []

    async def send(self, notification: Notification, message: Message) -> SendResult:
        self.sent.append(notification.id)
        return SendResult(S.SENT, provider_id=f"P-{notification.id}")


async def test_worker_killed_between_claim_and_send_delivers_exactly_once(
    outbox: SqlAlchemyMessageOutbox,
) -> None:
    for i in range(10):
        await store(outbox, i)
    clock = ManualClock(T0)
    channels = {c: Recorder(c) for c in Channel}
    worker = NotificationWorker(outbox, channels, clock, lambda: DIRECTORY, batch=50)
    # A worker claims 7 and is killed before sending any of them.
    await outbox.claim_due(clock.now(), limit=7, lease=LEASE)
    await worker.run_once()  # takes the 13 nobody holds
    clock.at += LEASE  # the dead worker's lease runs out
    await worker.run_once()
    assert await worker.run_once() == 0
    sent = channels[Channel.EMAIL].sent + channels[Channel.SMS].sent
    assert len(sent) == 20
    assert len(set(sent)) == 20


async def test_webhook_receipts_let_each_key_through_once(storage: Storage) -> None:
    clock = ManualClock(T0)
    receipts = SqlAlchemyWebhookReceipts(storage.engine, clock)
    results = await asyncio.gather(*(receipts.first_time("status:SM1:delivered") for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert await receipts.first_time("status:SM1:sent")
    clock.at += timedelta(days=2)
    assert await receipts.forget_before(clock.at - timedelta(days=1)) == 2
    assert await receipts.first_time("status:SM1:sent")


async def test_fallback_candidates_are_only_what_still_needs_a_decision(
    outbox: SqlAlchemyMessageOutbox,
) -> None:
    # m1: email sent (done) and SMS sent (waiting for a report) → only the SMS.
    email1, sms1 = await store(outbox, 1)
    await outbox.save(email1.advanced(S.SENT, T0))
    await outbox.save(sms1.advanced(S.SENT, T0))
    # m2: SMS failed and not escalated yet → a candidate; m3: failed but already escalated → not.
    _, sms2 = await store(outbox, 2)
    await outbox.save(sms2.advanced(S.FAILED, T0))
    _, sms3 = await store(outbox, 3)
    await outbox.save(sms3.advanced(S.FAILED, T0))
    fallback = Notification(
        "m3.local.1", "m3", Channel.LOCAL, "ann", T0, T0, next_attempt_at=T0, fallback_of=sms3.id
    )
    await outbox.add_notifications([fallback])
    # m4: everything delivered → nothing.
    email4, sms4 = await store(outbox, 4)
    await outbox.save(email4.advanced(S.SENT, T0))
    await outbox.save(sms4.advanced(S.DELIVERED, T0))
    found = await outbox.needing_fallback_check(T0)
    assert sorted(n.id for n, _ in found) == sorted([sms1.id, sms2.id])
    assert {m.id for _, m in found} == {"m1", "m2"}
    assert all(m == message(int(m.id[1:])) for _, m in found)


async def test_a_message_with_a_once_key_is_stored_once(
    outbox: SqlAlchemyMessageOutbox, storage: Storage
) -> None:
    """An inbound SMS or voicemail replayed by Twilio: the key stored with the message refuses
    the second copy."""
    m1 = message(1)
    assert await outbox.add(m1, plan_notifications(m1, None, DIRECTORY, T0), once_key="sms:SM1")
    m2 = message(2)
    assert not await outbox.add(m2, plan_notifications(m2, None, DIRECTORY, T0), once_key="sms:SM1")
    assert await outbox.notifications_of("m2") == []
    assert await outbox.notifications_of("m1")


async def test_the_once_key_rolls_back_with_a_failed_message(
    outbox: SqlAlchemyMessageOutbox, storage: Storage
) -> None:
    """The receipt is not kept when the message could not be stored, so Twilio's retry of the
    webhook stores it instead of being skipped as already seen."""
    notes = await store(outbox, 1)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await outbox.add(message(2), [notes[0]], once_key="recording:RE1")
    m2 = message(2)
    retried = await outbox.add(
        m2, plan_notifications(m2, None, DIRECTORY, T0), once_key="recording:RE1"
    )
    assert retried
    assert await outbox.notifications_of("m2")
