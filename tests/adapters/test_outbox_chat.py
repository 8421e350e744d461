"""Chat through the whole outbox (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): planned
with the message, claimed, posted to a real local chat service, retried on 5xx, failed for good
on 4xx with a fallback, and never posted twice when the service answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from tests.support.clocks import ManualClock

from switchboard.adapters.notifications import LocalOutboxNotifier
from switchboard.adapters.notifications.chat import AppriseChatNotifier
from switchboard.adapters.simulator.chat_service import ChatService, running_chat_service
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.services.messages.worker import NotificationWorker

S = NotificationStatus
START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


def directory(address: str) -> Directory:
    return Directory(
        company=CompanyProfile(name="Acme", timezone="America/Chicago"),
        departments=(Department("sales", "Sales", chat=(f"json://{address}/sales-channel",)),),
        employees=(
            Employee("ann", "Ann Lee", "+13125550101", department="sales",
                     chat=(f"json://{address}/ann",)),
        ),
    )  # fmt: skip


def message(mid: str, kind: RecipientKind = RecipientKind.EMPLOYEE, rid: str = "ann") -> Message:
    return Message(mid, kind, rid, "Dana Whitfield", "+16125550177", "About the invoice.", START)


async def run(
    storage: Storage, chat: ChatService, msg: Message, tmp_path: object, passes: int = 4
) -> tuple[SqlAlchemyMessageOutbox, ManualClock]:
    clock = ManualClock(START)
    found = directory(chat.address)
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    await outbox.add(msg, plan_notifications(msg, None, found, clock.now()))
    notifiers = {
        Channel.CHAT: AppriseChatNotifier(company="Acme", timezone="UTC", timeout=10),
        Channel.LOCAL: LocalOutboxNotifier.in_data_dir(tmp_path),  # type: ignore[arg-type]
    }
    worker = NotificationWorker(outbox, notifiers, clock, lambda: found, rand=lambda: 1.0)
    for _ in range(passes):
        await worker.run_once()
        await worker.escalate()
        await clock.sleep(60)  # past any retry delay of the first attempts
    return outbox, clock


async def test_a_5xx_is_retried_and_then_posted_once(storage: Storage, tmp_path: object) -> None:
    async with running_chat_service([500, 503, 200]) as chat:
        outbox, _ = await run(storage, chat, message("msg_a"), tmp_path)
    [note] = await outbox.notifications_of("msg_a")
    assert (note.channel, note.status, note.attempts) == (Channel.CHAT, S.SENT, 3)
    assert len(chat.accepted()) == 1
    assert len(chat.posts) == 3


async def test_a_4xx_fails_at_once_with_the_reason_and_falls_back(
    storage: Storage, tmp_path: object
) -> None:
    async with running_chat_service([404]) as chat:
        outbox, _ = await run(storage, chat, message("msg_b"), tmp_path)
    notes = {n.channel: n for n in await outbox.notifications_of("msg_b")}
    assert notes[Channel.CHAT].status is S.FAILED
    assert notes[Channel.CHAT].error_code == "http-404"
    assert notes[Channel.CHAT].attempts == 1
    assert notes[Channel.LOCAL].fallback_of == notes[Channel.CHAT].id  # nothing is lost
    assert len(chat.posts) == 1


async def test_a_department_message_reaches_the_team_channel_and_the_front_contact(
    storage: Storage, tmp_path: object
) -> None:
    async with running_chat_service([200]) as chat:
        outbox, _ = await run(
            storage, chat, message("msg_c", RecipientKind.DEPARTMENT, "sales"), tmp_path
        )
    notes = await outbox.notifications_of("msg_c")
    assert sorted(n.id for n in notes) == ["msg_c.chat.0", "msg_c.chat1.0"]
    assert all(n.status is S.SENT for n in notes)
    assert sorted(p.path for p in chat.posts) == ["/ann", "/sales-channel"]


async def test_a_service_that_never_recovers_is_given_up_after_the_retry_budget(
    storage: Storage, tmp_path: object
) -> None:
    async with running_chat_service([500]) as chat:
        outbox, _ = await run(storage, chat, message("msg_d"), tmp_path, passes=12)
    notes = {n.channel: n for n in await outbox.notifications_of("msg_d")}
    assert notes[Channel.CHAT].status is S.FAILED
    assert notes[Channel.CHAT].attempts == 8
    assert Channel.LOCAL in notes
    assert len(chat.posts) == 8  # bounded: RetryPolicy.max_attempts


class CrashAfterPost:
    """The worker process dies right after the chat service took the post, before `sent` is
    written (what a kill -9 at that instant does): the send raises out of the worker."""

    channel = Channel.CHAT

    def __init__(self, inner: AppriseChatNotifier) -> None:
        self.inner = inner

    async def send(self, notification: object, message: object) -> object:
        await self.inner.send(notification, message)  # type: ignore[arg-type]
        raise SystemExit("worker killed after the post")


async def test_a_crash_between_post_and_record_posts_once_more_then_settles(
    storage: Storage, tmp_path: object
) -> None:
    # The documented at-least-once edge (docs/messages.md): no idempotency key, nothing to read
    # back, so the lease runs out and the next worker posts again — once — and records it.
    async with running_chat_service([200]) as chat:
        clock = ManualClock(START)
        found = directory(chat.address)
        outbox = SqlAlchemyMessageOutbox(storage.engine)
        msg = message("msg_e")
        await outbox.add(msg, plan_notifications(msg, None, found, clock.now()))
        chat_notifier = AppriseChatNotifier(company="Acme", timezone="UTC", timeout=10)
        doomed = NotificationWorker(
            outbox,
            {Channel.CHAT: CrashAfterPost(chat_notifier)},
            clock,
            lambda: found,  # type: ignore[dict-item]
        )
        with pytest.raises(SystemExit):
            await doomed.run_once()
        [note] = await outbox.notifications_of("msg_e")
        assert note.status is S.SENDING  # claimed and leased, outcome unknown to us
        survivor = NotificationWorker(outbox, {Channel.CHAT: chat_notifier}, clock, lambda: found)
        assert await survivor.run_once() == 0  # the lease still holds: nobody posts meanwhile
        await clock.sleep(121)  # past the 2-minute lease
        assert await survivor.run_once() == 1
        await clock.sleep(121)
        assert await survivor.run_once() == 0  # settled: never posted a third time
    [note] = await outbox.notifications_of("msg_e")
    assert (note.status, note.attempts) == (S.SENT, 2)
    assert len(chat.posts) == 2
