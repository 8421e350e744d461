"""The notification worker: claim due notifications, send them, retry or fall back.

One pass (`run_once`) claims a batch, sends each on its channel, and records the outcome:
provider accepted → its status (forward-only); temporary error → retry later with backoff + jitter
(Retry-After honoured); permanent error or attempts exhausted → `failed` and a fallback
notification on the next channel. `escalate` adds fallbacks for SMS not delivered in time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from switchboard.domain.directory import Directory
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.domain.notifications.plan import address_for, notification_id, recipient_of
from switchboard.domain.notifications.retry import FallbackPolicy, RetryPolicy
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.notifications import Notifier, NotifyError
from switchboard.ports.outbox import MessageOutbox

log = get_logger(__name__)
S = NotificationStatus
DEFAULT_LEASE = timedelta(minutes=2)  # longer than any send's timeout, so a live send keeps it


class NotificationWorker:
    def __init__(
        self,
        outbox: MessageOutbox,
        notifiers: Mapping[Channel, Notifier],
        clock: Clock,
        directory: Callable[[], Directory],
        *,
        retry: RetryPolicy | None = None,
        fallback: FallbackPolicy | None = None,
        rand: Callable[[], float] = random.random,
        batch: int = 20,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self._outbox = outbox
        self._notifiers = notifiers
        self._clock = clock
        self._directory = directory
        self._retry = retry or RetryPolicy()
        self._fallback = fallback or FallbackPolicy()
        self._rand = rand
        self._batch = batch
        self._lease = lease

    async def run_once(self) -> int:
        """Claim and process one batch; returns how many notifications were handled."""
        claimed_at = self._clock.now()
        claimed = await self._outbox.claim_due(claimed_at, limit=self._batch, lease=self._lease)
        for notification, message in claimed:
            if self._clock.now() - claimed_at > self._lease / 2:
                # Slow sends ate into the lease: the rest of the batch is left to run out its lease
                # and be claimed again, rather than risk another worker sending it at the same time.
                break
            await self._deliver(notification, message)
        return len(claimed)

    async def _deliver(self, notification: Notification, message: Message) -> None:
        notifier = self._notifiers.get(notification.channel)
        if notifier is None:
            await self._give_up(notification, message, "channel not configured", None)
            return
        try:
            result = await notifier.send(notification, message)
        except NotifyError as exc:
            decision = self._retry.decide(
                notification.attempts,
                permanent=exc.permanent,
                retry_after=exc.retry_after,
                rand=self._rand,
            )
            if not decision.retry:
                await self._give_up(notification, message, decision.reason, exc.code)
                return
            due = self._clock.now() + timedelta(seconds=decision.delay)
            await self._outbox.save(replace(notification, next_attempt_at=due, error_code=exc.code))
            return
        await self._outbox.record_sent(
            notification.id, result.provider_id, result.status, self._clock.now()
        )

    async def _give_up(
        self, notification: Notification, message: Message, reason: str, code: str | None
    ) -> None:
        now = self._clock.now()
        failed = notification.advanced(NotificationStatus.FAILED, now, error_code=code)
        await self._outbox.save(failed)
        log.warning("notification failed", id=notification.id, reason=reason)
        await self._add_fallback(failed, message, now)

    async def _add_fallback(self, failed: Notification, message: Message, now: datetime) -> bool:
        """Queue the next channel for `failed`; True when a fallback was added."""
        siblings = await self._outbox.notifications_of(message.id)
        if any(n.fallback_of == failed.id for n in siblings):
            return False  # already escalated (another pass or worker got here first)
        employee = recipient_of(message, self._directory())
        used = {n.channel for n in siblings}
        channel = self._fallback.next_channel(failed.channel, used, employee)
        if channel is None:
            others = [n for n in siblings if n.id != failed.id and n.status is not S.FAILED]
            if others:  # another channel is still delivering (or delivered): nothing to add
                log.info("no channel left to fall back to", id=message.id)
            else:
                log.error("message could not be delivered on any channel", id=message.id)
            return False
        fallback = Notification(
            id=notification_id(message.id, channel, 1),
            message_id=message.id,
            channel=channel,
            to=address_for(channel, employee) or "front-desk",
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
            fallback_of=failed.id,
        )
        await self._outbox.add_notifications([fallback])
        return True

    async def escalate(self) -> int:
        """Add fallbacks for deliveries that failed or are overdue; returns how many were added."""
        now = self._clock.now()
        added = 0
        for notification, message in await self._outbox.needing_fallback_check(now):
            if self._fallback.needs_fallback(notification, now):
                added += await self._add_fallback(notification, message, now)
        return added
