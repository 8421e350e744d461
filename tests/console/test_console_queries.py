"""The console's SQL agrees with the domain: a message's state filter and the overview's waiting /
undelivered counts pick exactly the messages `delivery_state` puts in that state."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.console_queries import SqlAlchemyConsoleQueries
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.messages.delivery import delivery_state
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.services.console.views import (
    MESSAGE_FILTERS,
    UNDELIVERED,
    WAITING,
    MessageFilter,
    Scope,
)
from tests.console.support import NOW

pytestmark = pytest.mark.adapter
CHOICES = [None, *NotificationStatus]  # None: no notification on that channel


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def test_state_filters_and_counts_match_the_domain(storage: Storage) -> None:
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    expected: dict[str, set[str]] = {f: set() for f in MESSAGE_FILTERS}
    combos = itertools.product(CHOICES, CHOICES, [None, NotificationStatus.SENT])
    for i, (email, sms, local) in enumerate(combos):
        at = NOW - timedelta(minutes=i)
        mid = f"m{i:03d}"
        message = Message(mid, RecipientKind.EMPLOYEE, "priya-raman", "Dana", None, "hi", at)
        notes = [
            Notification(f"{mid}.{k}", mid, channel, "x", at, at, status=status)
            for k, (channel, status) in enumerate(
                [(Channel.EMAIL, email), (Channel.SMS, sms), (Channel.LOCAL, local)]
            )
            if status is not None
        ]
        await outbox.add(message, notes)
        state = delivery_state(notes).value
        expected[state].add(mid)
        if state == "pending":
            expected[WAITING].add(mid)
        if state in ("failed", "not_delivered"):
            expected[UNDELIVERED].add(mid)
    queries = SqlAlchemyConsoleQueries(storage.engine)
    for name in MESSAGE_FILTERS:
        found: set[str] = set()
        page = 1
        while rows := await queries.messages(Scope(None), MessageFilter(state=name, page=page)):
            found |= {r.stored.message.id for r in rows}
            assert all(r.state.value in (name, "pending", "failed", "not_delivered") for r in rows)
            page += 1
        assert found == expected[name], name
    counts = await queries.period_counts({"all": NOW - timedelta(days=1)})
    assert counts["all"].waiting == len(expected[WAITING])
    assert counts["all"].undelivered == len(expected[UNDELIVERED])
    assert len(expected[WAITING]) > 0
    assert len(expected[UNDELIVERED]) > 0
