"""MessageDesk + NotificationWorker over an in-memory outbox: nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tests.support.clocks import ManualClock
from tests.support.outbox import MemoryOutbox

from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages import MAX_TEXT_LENGTH, InvalidMessage, Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.ports.calls import MessageRequest
from switchboard.ports.notifications import (
    NotifyError,
    PermanentNotifyError,
    SendResult,
    TemporaryNotifyError,
)
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.worker import NotificationWorker

S = NotificationStatus
START = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
DIRECTORY = Directory(
    company=CompanyProfile(name="Acme"),
    employees=(
        Employee("ann", "Ann", "+13125550101", email="ann@x.test", sms="+13125550112"),
        Employee("bo", "Bo", "+13125550102", email="bo@x.test"),
    ),
)


class Channel_:
    """A scripted notifier: raises the queued errors first, then succeeds."""

    def __init__(self, channel: Channel, *errors: NotifyError, delay: float = 0.0) -> None:
        self.channel = channel
        self.errors = list(errors)
        self.sent: list[str] = []
        self.delay = delay

    async def send(self, notification: Notification, message: Message) -> SendResult:
        await asyncio.sleep(self.delay)
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(notification.id)
        status = S.QUEUED if self.channel is Channel.SMS else S.SENT
        return SendResult(status=status, provider_id=f"P{len(self.sent)}-{notification.id}")


def request(**changes: object) -> MessageRequest:
    base: dict[str, object] = {
        "call_id": "call-1",
        "recipient_kind": "employee",
        "recipient_id": "ann",
        "caller_name": "Bob",
        "callback_number": "+13125550199",
        "text": "Call me",
    }
    return MessageRequest(**(base | changes))  # type: ignore[arg-type]


def setup(
    *, sms: Channel_ | None = None, email: Channel_ | None = None
) -> tuple[
    MemoryOutbox, ManualClock, OutboxMessageDesk, NotificationWorker, dict[Channel, Channel_]
]:
    outbox, clock = MemoryOutbox(), ManualClock(START)

    async def directory() -> Directory:
        return DIRECTORY

    desk = OutboxMessageDesk(outbox, directory, clock, new_id=lambda: f"m{len(outbox.messages)}")
    notifiers = {
        Channel.SMS: sms or Channel_(Channel.SMS),
        Channel.EMAIL: email or Channel_(Channel.EMAIL),
        Channel.LOCAL: Channel_(Channel.LOCAL),
    }
    worker = NotificationWorker(
        outbox,
        notifiers,
        clock,
        lambda: DIRECTORY,
        rand=lambda: 1.0,
    )
    return outbox, clock, desk, worker, notifiers


async def test_take_message_stores_message_and_jobs_before_returning() -> None:
    outbox, _, desk, _, notifiers = setup()
    receipt = await desk.take_message(request())
    assert receipt.channels == ("email", "sms")
    assert set(outbox.messages) == {receipt.message_id}
    assert {n.status for n in outbox.notes.values()} == {S.QUEUED}
    assert notifiers[Channel.EMAIL].sent == []  # sending is the worker's job


async def test_too_long_text_is_refused_and_nothing_stored() -> None:
    outbox, _, desk, _, _ = setup()
    with pytest.raises(InvalidMessage):
        await desk.take_message(request(text="x" * (MAX_TEXT_LENGTH + 1)))
    assert outbox.messages == {}


async def test_worker_sends_each_notification_once() -> None:
    outbox, _, desk, worker, notifiers = setup()
    await desk.take_message(request())
    assert await worker.run_once() == 2
    assert await worker.run_once() == 0
    assert notifiers[Channel.EMAIL].sent == ["m0.email.0"]
    assert notifiers[Channel.SMS].sent == ["m0.sms.0"]
    assert outbox.notes["m0.email.0"].status is S.SENT
    assert outbox.notes["m0.sms.0"].provider_id == "P1-m0.sms.0"


async def test_temporary_error_is_retried_after_backoff_and_retry_after() -> None:
    sms = Channel_(Channel.SMS, TemporaryNotifyError("429", code="20429", retry_after=30))
    outbox, clock, desk, worker, _ = setup(sms=sms)
    await desk.take_message(request())
    await worker.run_once()
    retry = outbox.notes["m0.sms.0"]
    assert retry.next_attempt_at == START + timedelta(seconds=30)
    assert retry.error_code == "20429"
    clock.at += timedelta(seconds=29)
    assert await worker.run_once() == 0
    clock.at += timedelta(seconds=1)
    assert await worker.run_once() == 1
    assert sms.sent == ["m0.sms.0"]
    assert outbox.notes["m0.sms.0"].attempts == 2


async def test_permanent_error_is_not_retried_and_falls_back() -> None:
    sms = Channel_(Channel.SMS, PermanentNotifyError("unsubscribed", code="21610"))
    outbox, clock, desk, worker, notifiers = setup(sms=sms)
    await desk.take_message(request())
    await worker.run_once()
    failed = outbox.notes["m0.sms.0"]
    assert (failed.status, failed.error_code, failed.attempts) == (S.FAILED, "21610", 1)
    # email is already in use, so the fallback is the local record
    assert outbox.notes["m0.local.1"].fallback_of == "m0.sms.0"
    clock.at += timedelta(hours=1)
    await worker.run_once()
    assert sms.sent == []
    assert notifiers[Channel.LOCAL].sent == ["m0.local.1"]


async def test_email_only_employee_falls_back_to_local_after_exhausting_retries() -> None:
    errors = [TemporaryNotifyError("451", code="451") for _ in range(8)]
    email = Channel_(Channel.EMAIL, *errors)
    outbox, clock, desk, worker, notifiers = setup(email=email)
    await desk.take_message(request(recipient_id="bo"))
    for _ in range(8):
        await worker.run_once()
        clock.at += timedelta(hours=1)
    assert outbox.notes["m0.email.0"].status is S.FAILED
    await worker.run_once()
    assert notifiers[Channel.LOCAL].sent == ["m0.local.1"]


async def test_worker_dying_between_claim_and_send_is_recovered_exactly_once() -> None:
    outbox, clock, desk, worker, notifiers = setup()
    await desk.take_message(request())
    claimed = await outbox.claim_due(clock.now(), limit=10, lease=timedelta(minutes=2))
    assert len(claimed) == 2  # ...and the worker that held them dies here
    assert await worker.run_once() == 0  # leased: nobody else sends meanwhile
    clock.at += timedelta(minutes=2)
    assert await worker.run_once() == 2
    assert await worker.run_once() == 0
    assert notifiers[Channel.EMAIL].sent == ["m0.email.0"]
    assert notifiers[Channel.SMS].sent == ["m0.sms.0"]


async def test_concurrent_workers_do_not_double_send() -> None:
    outbox, clock, desk, _, notifiers = setup()
    for _ in range(20):
        await desk.take_message(request())
    for n in notifiers.values():
        n.delay = 0.001
    workers = [
        NotificationWorker(outbox, notifiers, clock, lambda: DIRECTORY, batch=3) for _ in range(4)
    ]
    while sum(await asyncio.gather(*(w.run_once() for w in workers))):
        pass
    sent = notifiers[Channel.EMAIL].sent + notifiers[Channel.SMS].sent
    assert len(sent) == 40
    assert len(set(sent)) == 40


async def test_status_callback_faster_than_our_write_is_not_lost() -> None:
    outbox, _, desk, _, _ = setup()
    await desk.take_message(request())
    await outbox.claim_due(START, limit=10, lease=timedelta(minutes=2))
    assert not await outbox.apply_provider_status("SMx", S.DELIVERED, None, START)
    n = await outbox.record_sent("m0.sms.0", "SMx", S.QUEUED, START)
    assert n.status is S.DELIVERED


async def test_sms_not_delivered_in_time_escalates_once() -> None:
    outbox, clock, desk, worker, _ = setup()
    await desk.take_message(request())
    await worker.run_once()
    assert await worker.escalate() == 0
    clock.at += timedelta(minutes=16)
    assert await worker.escalate() == 1
    assert await worker.escalate() == 0
    assert outbox.notes["m0.local.1"].fallback_of == "m0.sms.0"


async def test_unconfigured_channel_fails_over() -> None:
    outbox, _, desk, worker, notifiers = setup()
    del notifiers[Channel.SMS]
    await desk.take_message(request())
    await worker.run_once()
    assert outbox.notes["m0.sms.0"].status is S.FAILED
    await worker.run_once()
    assert notifiers[Channel.LOCAL].sent == ["m0.local.1"]


class SlowChannel(Channel_):
    """Each send takes `seconds` of the worker's clock (a provider that is slow to answer)."""

    def __init__(self, channel: Channel, clock: ManualClock, seconds: float) -> None:
        super().__init__(channel)
        self.clock, self.seconds = clock, seconds

    async def send(self, notification: Notification, message: Message) -> SendResult:
        self.clock.at += timedelta(seconds=self.seconds)
        return await super().send(notification, message)


async def test_a_batch_stops_before_its_lease_could_run_out_mid_send() -> None:
    outbox, clock, desk, worker, notifiers = setup()
    slow = SlowChannel(Channel.EMAIL, clock, seconds=70)  # the default lease is 120 s
    notifiers[Channel.EMAIL] = slow
    worker._notifiers = notifiers  # type: ignore[attr-defined]
    for _ in range(3):
        await desk.take_message(request())
    await worker.run_once()  # claims all six; after one 70 s email, half the lease is gone
    assert len(slow.sent) == 1
    left = [
        n for n in outbox.notes.values() if n.status is S.SENDING and n.channel is Channel.EMAIL
    ]
    assert len(left) == 2  # still leased to this worker: nobody else may send them yet
    for _ in range(3):  # each lease runs out: they are claimed again, one slow send per batch
        clock.at += timedelta(minutes=3)
        while await worker.run_once():
            pass
    assert sorted(slow.sent) == ["m0.email.0", "m1.email.0", "m2.email.0"]
