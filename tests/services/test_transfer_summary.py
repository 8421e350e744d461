"""The transfer summary: queued once after a connected transfer, on the employee's real channels,
never for other outcomes, and never able to spoil a transfer that connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.calls import CallContext, TransferOutcome
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.follow_ups import summary_id
from switchboard.domain.messages import MessageKind
from switchboard.domain.notifications import Channel
from switchboard.services.messages.follow_ups import TransferSummaries
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator

PRIYA = Employee("priya", "Priya Raman", "+13125550112", email="priya@x.example",
                 chat=("json://127.0.0.1:9/priya",))  # fmt: skip
SILENT = Employee("sam", "Sam", "+13125550113")  # no email, sms or chat
DIRECTORY = Directory(CompanyProfile("Acme"), employees=(PRIYA, SILENT))
CALL = CallContext("call-1", "room-1", "caller", caller_number="+16125550177")


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


def summaries(storage: Storage) -> tuple[TransferSummaries, SqlAlchemyMessageOutbox]:
    outbox = SqlAlchemyMessageOutbox(storage.engine)

    async def directory() -> Directory:
        return DIRECTORY

    return TransferSummaries(outbox, directory, SimulatedClock()), outbox


async def test_the_summary_says_who_why_and_the_number(storage: Storage) -> None:
    service, outbox = summaries(storage)
    mid = await service.transfer_connected(CALL, PRIYA, "Dana Whitfield", "invoice 4471")
    assert mid == summary_id("call-1", "priya")
    notes = await outbox.notifications_of(mid)
    assert sorted(n.channel for n in notes) == [Channel.CHAT, Channel.EMAIL]  # no local copy
    claimed = await outbox.claim_due(SimulatedClock().now(), limit=5, lease=timedelta(minutes=2))
    message = claimed[0][1]
    assert message.kind is MessageKind.TRANSFER_SUMMARY
    assert message.text == "Dana Whitfield was put through to you: invoice 4471"
    assert message.callback_number == "+16125550177"


async def test_the_same_transfer_is_never_summarised_twice(storage: Storage) -> None:
    service, outbox = summaries(storage)
    first = await service.transfer_connected(CALL, PRIYA, "Dana", "invoice")
    again = await service.transfer_connected(CALL, PRIYA, "Dana", "invoice")
    assert first is not None
    assert again is None  # the outbox's key refused it; logged, not raised
    assert len(await outbox.notifications_of(first)) == 2


async def test_nothing_is_queued_for_an_employee_with_no_channel(storage: Storage) -> None:
    service, outbox = summaries(storage)
    assert await service.transfer_connected(CALL, SILENT, "Dana", "invoice") is None
    assert await outbox.notifications_of(summary_id("call-1", "sam")) == []


async def test_bad_input_is_logged_not_raised(storage: Storage) -> None:
    service, outbox = summaries(storage)
    odd = CallContext("call-2", "room-2", "caller", caller_number="not a number")
    assert await service.transfer_connected(odd, PRIYA, "x" * 300, "invoice") is None
    mid = await service.transfer_connected(odd, PRIYA, "Dana", "")
    assert mid is not None  # a withheld or odd caller ID: no number, still a summary
    [(_, message), *_] = await outbox.claim_due(
        SimulatedClock().now(), limit=5, lease=timedelta(minutes=2)
    )
    assert message.callback_number is None
    assert message.text == "Dana was put through to you."


class DownOutbox:
    async def add(self, *_: object) -> None:
        raise OSError("database unreachable")


async def test_an_outbox_outage_is_swallowed() -> None:
    async def directory() -> Directory:
        return DIRECTORY

    service = TransferSummaries(DownOutbox(), directory, SimulatedClock())  # type: ignore[arg-type]
    assert await service.transfer_connected(CALL, PRIYA, "Dana", "invoice") is None


async def _run(hook: Any, answer: bool = True) -> TransferOutcome:
    clock = SimulatedClock()
    net = SimulatedNetwork(clock)
    net.employees[PRIYA.phone] = EmployeeScript.from_spec(
        {"answer": True, "decision": "accept"} if answer else {"answer": "busy"}
    )
    call = net.place_call("+16125550177", None)
    coordinator = WarmTransferCoordinator(net, clock, TransferConfig(), on_connected=hook)
    result = await coordinator.warm_transfer(call, PRIYA, caller_name="Dana", reason="invoice")
    await coordinator.hang_up(call)
    return result.outcome


async def test_the_hook_runs_only_when_connected() -> None:
    seen: list[tuple[str, str, str]] = []

    async def hook(call: CallContext, employee: Employee, name: str, reason: str) -> None:
        seen.append((employee.id, name, reason))

    assert await _run(hook) is TransferOutcome.CONNECTED
    assert seen == [("priya", "Dana", "invoice")]
    assert await _run(hook, answer=False) is TransferOutcome.BUSY
    assert len(seen) == 1


async def test_a_failing_hook_does_not_change_a_connected_transfer() -> None:
    async def hook(*_: object) -> None:
        raise RuntimeError("outbox down")

    assert await _run(hook) is TransferOutcome.CONNECTED
