"""End to end: outbox → worker → Twilio fake → signed status callbacks → webhook app → storage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn

from switchboard.adapters.notifications import LocalOutboxNotifier, TwilioSmsNotifier
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.status_callbacks import GroupCommitStatusWriter
from switchboard.adapters.twilio import close_async_client, make_async_twilio_client
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.entrypoints.web import create_app
from switchboard.fakes.serving import free_port
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.ports.calls import MessageRequest
from switchboard.ports.clock import SystemClock
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.webhooks import (
    Recipient,
    WebhookCollaborators,
    WebhookService,
)
from switchboard.services.messages.worker import NotificationWorker

S = NotificationStatus
FROM, TO = "+13125550100", "+13125550112"
DIRECTORY = Directory(
    company=CompanyProfile(name="Acme", timezone="America/Chicago"),
    employees=(Employee("ann", "Ann", "+13125550101", sms=TO),),
)


class Unused:
    """Collaborators these tests never reach (only /twilio/status is called)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected call: {name}")


@pytest.fixture
def fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as running:
        running.state.add_number(FROM)
        yield running


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


@pytest.fixture
async def system(
    fake: RunningTwilioFake, storage: Storage, tmp_path: Any
) -> AsyncIterator[tuple[SqlAlchemyMessageOutbox, OutboxMessageDesk, NotificationWorker]]:
    port = free_port()
    settings = fake.settings(_env_file=None, webhook_base_url=f"http://127.0.0.1:{port}")
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    unused: Any = Unused()
    collaborators = WebhookCollaborators(
        status_writer=GroupCommitStatusWriter(storage.engine),  # what serve uses
        calls=unused,
        employees=unused,
        inbound=unused,
        voicemails=unused,
        desk=unused,
        clock=SystemClock(),
        front_desk=Recipient("employee", "ann"),
    )
    app = create_app(settings, WebhookService(collaborators))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    for _ in range(3000):  # up to 30 s for uvicorn to bind on a loaded machine
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "the webhook server did not start: the fake's callbacks would be lost"
    client = make_async_twilio_client(settings, request_timeout=5.0)
    sms = TwilioSmsNotifier(
        client,
        from_number=FROM,
        timezone="America/Chicago",
        webhook_base_url=settings.webhook_base_url,
    )
    notifiers: Any = {
        Channel.SMS: sms,
        Channel.LOCAL: LocalOutboxNotifier(tmp_path / "outbox.jsonl"),
    }

    async def directory() -> Directory:
        return DIRECTORY

    desk = OutboxMessageDesk(outbox, directory, SystemClock())
    worker = NotificationWorker(outbox, notifiers, SystemClock(), lambda: DIRECTORY)
    yield outbox, desk, worker
    await close_async_client(client)
    server.should_exit = True
    await serving


async def settled(
    outbox: SqlAlchemyMessageOutbox,
    message_id: str,
    channel: Channel,
    fake: RunningTwilioFake | None = None,
) -> Notification:
    # Polls until final: the fake's callbacks come from its own thread, which a loaded 2-core CI
    # machine may not schedule for seconds. A generous deadline, not a tight count, bounds it.
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        [n] = [n for n in await outbox.notifications_of(message_id) if n.channel is channel]
        if n.status.is_final:
            return n
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.02)
    answered = [] if fake is None else [c.response_status for c in fake.state.sent_callbacks]
    raise AssertionError(
        f"{channel} notification never reached a final status: {n}; "
        f"the fake's callbacks were answered {answered}"
    )


REQUEST = MessageRequest("call-1", "employee", "ann", "Bob", "+13125550199", "Call me back")


@pytest.mark.parametrize(("duplicate", "out_of_order"), [(False, False), (True, True)])
async def test_sms_is_tracked_to_delivered(
    fake: RunningTwilioFake, system: Any, duplicate: bool, out_of_order: bool
) -> None:
    outbox, desk, worker = system
    fake.state.callbacks.duplicate = duplicate
    fake.state.callbacks.out_of_order = out_of_order
    receipt = await desk.take_message(REQUEST)
    assert receipt.channels == ("sms",)
    assert await worker.run_once() == 1
    n = await settled(outbox, receipt.message_id, Channel.SMS, fake)
    assert n.status is S.DELIVERED
    assert n.provider_id in fake.state.messages
    assert len(fake.state.messages) == 1
    callbacks = fake.state.sent_callbacks
    assert callbacks
    assert {c.response_status for c in callbacks} == {204}


async def test_undelivered_sms_keeps_the_error_and_falls_back(
    fake: RunningTwilioFake, system: Any
) -> None:
    outbox, desk, worker = system
    fake.state.undeliver_messages_to(TO, error_code=30003)
    receipt = await desk.take_message(REQUEST)
    await worker.run_once()
    n = await settled(outbox, receipt.message_id, Channel.SMS, fake)
    assert (n.status, n.error_code) == (S.UNDELIVERED, "30003")
    assert await worker.escalate() == 1
    await worker.run_once()
    local = [
        x for x in await outbox.notifications_of(receipt.message_id) if x.channel is Channel.LOCAL
    ]
    assert [x.status for x in local] == [S.SENT]
    assert local[0].fallback_of == n.id


async def test_unsubscribed_recipient_is_not_retried(fake: RunningTwilioFake, system: Any) -> None:
    outbox, desk, worker = system
    fake.state.reject_messages_to(TO, 21610)
    receipt = await desk.take_message(REQUEST)
    await worker.run_once()
    notes = {n.channel: n for n in await outbox.notifications_of(receipt.message_id)}
    assert (notes[Channel.SMS].status, notes[Channel.SMS].error_code) == (S.FAILED, "21610")
    assert notes[Channel.SMS].attempts == 1
    assert Channel.LOCAL in notes
    assert fake.state.messages == {}
