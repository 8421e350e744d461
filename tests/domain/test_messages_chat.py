"""Chat in the notification plan: one notification per chat URL, department channels, fallback
order and resends (pure domain, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.messages.delivery import plan_resend
from switchboard.domain.notifications import Channel, NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.domain.notifications.retry import FallbackPolicy

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ANN = Employee("ann", "Ann", "+13125550101", department="sales", email="ann@x.example",
               chat=("slack://a/b/c/#ann", "json://h/ann"))  # fmt: skip
BO = Employee("bo", "Bo", "+13125550102", chat=("json://h/bo",))
DIRECTORY = Directory(
    CompanyProfile("Acme"),
    departments=(Department("sales", "Sales", chat=("json://h/sales", "json://h/ann")),),
    employees=(ANN, BO),
)


def message(kind: RecipientKind, rid: str, *, urgent: bool = False) -> Message:
    return Message("m1", kind, rid, "Dana", None, "Hi", NOW, urgent=urgent)


def test_every_chat_url_of_the_employee_gets_its_own_notification() -> None:
    notes = plan_notifications(message(RecipientKind.EMPLOYEE, "ann"), None, DIRECTORY, NOW)
    assert [(n.id, n.channel, n.to) for n in notes] == [
        ("m1.email.0", Channel.EMAIL, "ann@x.example"),
        ("m1.chat.0", Channel.CHAT, "slack://a/b/c/#ann"),
        ("m1.chat1.0", Channel.CHAT, "json://h/ann"),
    ]


def test_a_department_message_also_reaches_the_department_channels_once() -> None:
    notes = plan_notifications(message(RecipientKind.DEPARTMENT, "sales"), None, DIRECTORY, NOW)
    chats = [n.to for n in notes if n.channel is Channel.CHAT]
    assert chats == ["slack://a/b/c/#ann", "json://h/ann", "json://h/sales"]  # no duplicate


def test_chat_alone_is_a_real_channel_and_urgent_adds_the_local_copy() -> None:
    plain = plan_notifications(message(RecipientKind.EMPLOYEE, "bo"), None, DIRECTORY, NOW)
    assert [n.channel for n in plain] == [Channel.CHAT]
    urgent = plan_notifications(
        message(RecipientKind.EMPLOYEE, "bo", urgent=True), None, DIRECTORY, NOW
    )
    assert [n.channel for n in urgent] == [Channel.CHAT, Channel.LOCAL]


def test_planning_twice_gives_the_same_ids() -> None:
    m = message(RecipientKind.DEPARTMENT, "sales")
    assert plan_notifications(m, None, DIRECTORY, NOW) == plan_notifications(
        m, None, DIRECTORY, NOW
    )


@pytest.mark.parametrize(
    ("failed", "used", "expected"),
    [
        (Channel.EMAIL, {Channel.EMAIL}, Channel.CHAT),  # email bounced: try chat
        (Channel.CHAT, {Channel.EMAIL, Channel.CHAT}, Channel.LOCAL),
        (Channel.CHAT, {Channel.CHAT}, Channel.EMAIL),
    ],
)
def test_fallback_order_includes_chat(
    failed: Channel, used: set[Channel], expected: Channel
) -> None:
    assert FallbackPolicy().next_channel(failed, used, ANN) is expected


def test_a_sent_chat_post_is_done_and_never_overdue() -> None:
    [note] = plan_notifications(message(RecipientKind.EMPLOYEE, "bo"), None, DIRECTORY, NOW)
    sent = note.advanced(NotificationStatus.SENT, NOW)
    assert not FallbackPolicy().needs_fallback(sent, datetime(2026, 12, 8, tzinfo=UTC))


def test_a_resend_includes_chat() -> None:
    m = message(RecipientKind.EMPLOYEE, "bo")
    [note] = plan_resend(m, [], BO, NOW)
    assert (note.channel, note.to, note.id) == (Channel.CHAT, "json://h/bo", "m1.chat.2")
