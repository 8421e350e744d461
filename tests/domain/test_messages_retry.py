"""Backoff with jitter, Retry-After, permanent errors, and channel fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from switchboard.domain.directory import Employee
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.domain.notifications.retry import FallbackPolicy, RetryPolicy

NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)
ANN = Employee(id="ann", name="Ann", phone="+13125550101", email="a@x.test", sms="+13125550112")
BO = Employee(id="bo", name="Bo", phone="+13125550102", email="b@x.test")


def test_full_jitter_spans_zero_to_the_exponential_ceiling() -> None:
    policy = RetryPolicy(base_delay=2, max_delay=600)
    assert policy.decide(1, permanent=False, rand=lambda: 0.0).delay == 0.0
    assert policy.decide(1, permanent=False, rand=lambda: 1.0).delay == 2.0
    assert policy.decide(4, permanent=False, rand=lambda: 1.0).delay == 16.0
    assert policy.decide(4, permanent=False, rand=lambda: 0.5).delay == 8.0


def test_delay_is_capped() -> None:
    policy = RetryPolicy(base_delay=2, max_delay=60, max_attempts=100)
    assert policy.decide(30, permanent=False, rand=lambda: 1.0).delay == 60.0


def test_retry_after_is_a_floor() -> None:
    policy = RetryPolicy()
    decision = policy.decide(1, permanent=False, retry_after=30, rand=lambda: 0.1)
    assert decision.retry
    assert decision.delay == 30
    huge = policy.decide(1, permanent=False, retry_after=10**9, rand=lambda: 0.1)
    assert huge.delay == policy.max_retry_after


def test_permanent_errors_are_never_retried() -> None:
    decision = RetryPolicy().decide(1, permanent=True, retry_after=5, rand=lambda: 0.5)
    assert not decision.retry
    assert "permanent" in decision.reason


def test_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.decide(2, permanent=False, rand=lambda: 0.5).retry
    assert not policy.decide(3, permanent=False, rand=lambda: 0.5).retry


def sms(status: NotificationStatus, updated: datetime) -> Notification:
    return Notification("n", "m", Channel.SMS, "+13125550112", NOW, updated, status=status)


@pytest.mark.parametrize(
    ("status", "age", "overdue"),
    [
        (NotificationStatus.SENT, timedelta(minutes=15), True),
        (NotificationStatus.SENT, timedelta(minutes=14), False),
        (NotificationStatus.DELIVERED, timedelta(hours=2), False),
        (NotificationStatus.QUEUED, timedelta(hours=2), False),
    ],
)
def test_sms_not_delivered_in_time_is_overdue(
    status: NotificationStatus, age: timedelta, overdue: bool
) -> None:
    policy = FallbackPolicy(deliver_within=timedelta(minutes=15))
    assert policy.is_overdue(sms(status, NOW), NOW + age) is overdue


def test_sent_email_is_never_overdue() -> None:
    email = Notification(
        "n", "m", Channel.EMAIL, "a@x.test", NOW, NOW, status=NotificationStatus.SENT
    )
    assert not FallbackPolicy().needs_fallback(email, NOW + timedelta(days=1))


def test_failed_delivery_needs_fallback() -> None:
    assert FallbackPolicy().needs_fallback(sms(NotificationStatus.UNDELIVERED, NOW), NOW)


def test_next_channel_skips_failed_used_and_unreachable() -> None:
    policy = FallbackPolicy()
    assert policy.next_channel(Channel.SMS, {Channel.SMS}, ANN) is Channel.EMAIL
    assert policy.next_channel(Channel.SMS, {Channel.SMS, Channel.EMAIL}, ANN) is Channel.LOCAL
    assert policy.next_channel(Channel.EMAIL, {Channel.EMAIL}, BO) is Channel.LOCAL
    assert policy.next_channel(Channel.LOCAL, set(Channel), ANN) is None
