"""The webhook service's stores on SQLite and PostgreSQL: idempotent writes, employee status by SMS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.support.clocks import ManualClock

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.webhook_stores import SqlAlchemyWebhookStores
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
)

T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DIRECTORY = Directory(
    company=CompanyProfile(name="Acme"),
    departments=(Department("sales", "Sales"),),
    employees=(
        Employee("ann", "Ann", "+13125550101", sms="+13125550112", department="sales"),
        # Bob's desk phone is Ann's SMS number: the SMS number must win for Ann.
        Employee("bob", "Bob", "+13125550112", department="sales"),
        Employee("cat", "Cat", "+13125550103", department="sales"),
    ),
)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(DIRECTORY)
        await uow.commit()
    yield storage
    await storage.dispose()


@pytest.fixture
def stores(storage: Storage) -> SqlAlchemyWebhookStores:
    return SqlAlchemyWebhookStores(storage.engine, ManualClock(T0, sleep_moves=False))


async def test_employee_found_by_sms_number_first_then_phone(
    stores: SqlAlchemyWebhookStores,
) -> None:
    ann = await stores.employee_by_sms("+13125550112")
    assert ann is not None
    assert ann.id == "ann"
    cat = await stores.employee_by_sms("+13125550103")  # no sms number: the phone counts
    assert cat is not None
    assert cat.id == "cat"
    assert await stores.employee_by_sms("+19995550100") is None
    assert await stores.employee_by_sms("' OR 1=1 --") is None


async def test_status_change_is_stored_in_the_directory(
    stores: SqlAlchemyWebhookStores, storage: Storage
) -> None:
    await stores.set_status("ann", EmployeeStatus.OUT_OF_OFFICE)
    await stores.set_status("ann", EmployeeStatus.OUT_OF_OFFICE)  # twice: no change, no error
    async with storage.unit_of_work() as uow:
        ann = await uow.directory.get_employee("ann")
        bob = await uow.directory.get_employee("bob")
    assert ann is not None
    assert ann.status is EmployeeStatus.OUT_OF_OFFICE
    assert bob is not None
    assert bob.status is EmployeeStatus.AVAILABLE
    with pytest.raises(LookupError, match="no employee 'zed'"):
        await stores.set_status("zed", EmployeeStatus.DND)


async def test_inbound_sms_kept_once_per_sid(stores: SqlAlchemyWebhookStores) -> None:
    await stores.store_inbound("SM1", "+16125550177", "+13125550100", "Call me ✓", T0)
    await stores.store_inbound("SM1", "+16125550177", "+13125550100", "Call me ✓", T0)
    later = T0 + timedelta(minutes=1)
    await stores.store_inbound("SM2", "", "+13125550100", "", later)  # withheld sender, empty body
    assert await stores.inbound() == [
        ("SM2", "", "+13125550100", "", later),
        ("SM1", "+16125550177", "+13125550100", "Call me ✓", T0),
    ]


async def test_voicemail_caller_remembered_and_first_one_wins(
    stores: SqlAlchemyWebhookStores,
) -> None:
    await stores.expect_voicemail("CA1", "+16125550177")
    await stores.expect_voicemail("CA1", None)  # a retried fallback request changes nothing
    await stores.expect_voicemail("CA2", None)
    assert await stores.voicemail_caller("CA1") == "+16125550177"
    assert await stores.voicemail_caller("CA2") is None
    assert await stores.voicemail_caller("CA-unknown") is None


async def test_call_status_history_without_duplicates(stores: SqlAlchemyWebhookStores) -> None:
    await stores.record_call_status("CA1", "ringing", T0, duration=None)
    await stores.record_call_status("CA1", "ringing", T0, duration=None)
    done = T0 + timedelta(seconds=42)
    await stores.record_call_status("CA1", "completed", done, duration=40)
    assert await stores.call_statuses("CA1") == [("ringing", None, T0), ("completed", 40, done)]
    assert await stores.call_statuses("CA2") == []


async def test_call_status_receipt_commits_with_its_row(stores: SqlAlchemyWebhookStores) -> None:
    """The receipt guards the row in the same transaction: a replay is refused and adds nothing."""
    first = await stores.record_call_status(
        "CA1", "ringing", T0, duration=None, once_key="status:tok-1"
    )
    replay = await stores.record_call_status(
        "CA1", "completed", T0, duration=9, once_key="status:tok-1"
    )
    assert (first, replay) == (True, False)
    assert [s for s, _, _ in await stores.call_statuses("CA1")] == ["ringing"]


async def test_concurrent_call_statuses_share_transactions(
    stores: SqlAlchemyWebhookStores,
) -> None:
    """A burst of call status callbacks is group-committed: far fewer commits than callbacks,
    and every callback's row is there once each answer has come back."""
    statuses = ("initiated", "ringing", "answered", "completed")
    results = await asyncio.gather(
        *(
            stores.record_call_status(
                f"CA{i}", status, T0, duration=None, once_key=f"status:CA{i}:{status}"
            )
            for i in range(40)
            for status in statuses
        )
    )
    assert all(results)
    assert stores.call_statuses_group.commits < len(results) / 4
    for i in range(40):
        assert {s for s, _, _ in await stores.call_statuses(f"CA{i}")} == set(statuses)


async def test_a_bad_write_fails_alone_and_its_neighbours_commit(
    stores: SqlAlchemyWebhookStores,
) -> None:
    bad_status: Any = None  # violates NOT NULL: the shared transaction fails
    outcomes = await asyncio.gather(
        stores.record_call_status("CA1", "ringing", T0, duration=None, once_key="k1"),
        stores.record_call_status("CA3", bad_status, T0, duration=None, once_key="k3"),
        stores.record_call_status("CA2", "ringing", T0, duration=None, once_key="k2"),
        return_exceptions=True,
    )
    assert outcomes[0] is True
    assert outcomes[2] is True
    assert isinstance(outcomes[1], Exception)
    assert await stores.call_statuses("CA1")
    assert await stores.call_statuses("CA2")
    # The good writes' receipts committed with them; the bad one's did not (Twilio's retry of it
    # is handled, not skipped).
    again = await stores.record_call_status("CA1", "ringing", T0, duration=None, once_key="k1")
    assert again is False
    retried = await stores.record_call_status("CA3", "ringing", T0, duration=None, once_key="k3")
    assert retried is True


async def test_inbound_sms_burst_is_group_committed(stores: SqlAlchemyWebhookStores) -> None:
    await asyncio.gather(
        *(
            stores.store_inbound(f"SM{i % 50}", "+13125550199", "+13125550100", "hi", T0)
            for i in range(100)
        )
    )
    assert stores.inbound_group.commits < 25
    assert len(await stores.inbound(limit=500)) == 50


async def test_a_status_keyword_receipt_commits_with_the_change(
    stores: SqlAlchemyWebhookStores, storage: Storage
) -> None:
    assert await stores.set_status("ann", EmployeeStatus.DND, once_key="sms:SM1") is True
    assert await stores.set_status("ann", EmployeeStatus.AVAILABLE, once_key="sms:SM1") is False
    async with storage.unit_of_work() as uow:
        ann = await uow.directory.get_employee("ann")
    assert ann is not None
    assert ann.status is EmployeeStatus.DND  # the replay changed nothing
    # An unknown employee: nothing is kept, not even the receipt.
    with pytest.raises(LookupError):
        await stores.set_status("zed", EmployeeStatus.DND, once_key="sms:SM2")
    assert await stores.set_status("ann", EmployeeStatus.AVAILABLE, once_key="sms:SM2") is True


async def test_already_handled_reads_the_receipt_without_writing_one(
    stores: SqlAlchemyWebhookStores,
) -> None:
    assert await stores.already_handled("status:k9") is False
    assert await stores.already_handled("status:k9") is False  # asking does not record it
    await stores.record_call_status("CA9", "ringing", T0, duration=None, once_key="status:k9")
    assert await stores.already_handled("status:k9") is True
