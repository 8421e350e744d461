"""When to try a failed notification again, and when to give up and fall back to another channel.

Retries use exponential backoff with full jitter (delay = random() × min(cap, base × 2^(n-1))), so
many workers retrying at once spread out. A provider's Retry-After is a floor, not a suggestion.
Permanent errors (invalid number, unsubscribed 21610, SMTP 5xx) are never retried.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from switchboard.domain.directory import Employee
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.domain.notifications.plan import address_for

# Retry order when a channel fails for good: the other real channels first, then the local record.
FALLBACK_ORDER: tuple[Channel, ...] = (Channel.SMS, Channel.EMAIL, Channel.CHAT, Channel.LOCAL)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    retry: bool
    delay: float = 0.0  # seconds until the next attempt, when retrying
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff tunables. Defaults: 2 s base, 10 min cap, 8 attempts, Retry-After up to 1 hour."""

    base_delay: float = 2.0
    max_delay: float = 600.0
    max_attempts: int = 8
    max_retry_after: float = 3600.0

    def decide(
        self,
        attempts: int,
        *,
        permanent: bool,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> RetryDecision:
        """What to do after failed attempt number `attempts` (1 = the first attempt failed)."""
        if permanent:
            return RetryDecision(False, reason="permanent error")
        if attempts >= self.max_attempts:
            return RetryDecision(False, reason=f"gave up after {attempts} attempts")
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        delay = rand() * ceiling
        if retry_after is not None and retry_after > 0:
            delay = max(delay, min(retry_after, self.max_retry_after))
        return RetryDecision(True, delay=delay, reason="temporary error")


@dataclass(frozen=True, slots=True)
class FallbackPolicy:
    """`deliver_within`: how long an SMS may sit in `sent` without a delivery report before the
    next channel is tried. Email and chat have no delivery reports, so `sent` counts as done there."""

    deliver_within: timedelta = timedelta(minutes=15)

    def is_overdue(self, notification: Notification, now: datetime) -> bool:
        """True when an SMS was sent but not confirmed delivered within `deliver_within`."""
        return (
            notification.channel is Channel.SMS
            and notification.status in (NotificationStatus.SENDING, NotificationStatus.SENT)
            and now - notification.updated_at >= self.deliver_within
        )

    def needs_fallback(self, notification: Notification, now: datetime) -> bool:
        """True when this delivery has failed for good or is overdue."""
        failed = notification.status in (NotificationStatus.FAILED, NotificationStatus.UNDELIVERED)
        return failed or self.is_overdue(notification, now)

    def next_channel(
        self, failed: Channel, used: Collection[Channel], employee: Employee | None
    ) -> Channel | None:
        """The channel to try after `failed`: the first in FALLBACK_ORDER that is not `failed`, not
        already used for this message, and that reaches `employee`. None when nothing is left."""
        for channel in FALLBACK_ORDER:
            if channel is failed or channel in used:
                continue
            if address_for(channel, employee) is not None:
                return channel
        return None
