"""Scenario parts about what happens after the call: delivering notifications to a local chat
service (`chat_service:`), and the checks `follow_up`, `delivery` and `chat_posts` of `expect:`
(docs/scenarios.md). Without `chat_service:` nothing is delivered (notifications stay `queued`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from switchboard.adapters.chat_urls import SIMULATOR_VARIABLE, environment
from switchboard.adapters.notifications import LocalOutboxNotifier
from switchboard.adapters.notifications.chat import AppriseChatNotifier
from switchboard.adapters.simulator.chat_service import ChatService, parse_answers
from switchboard.adapters.sqlalchemy import Storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.chat_address import mask as mask_chat_url
from switchboard.domain.directory import Directory
from switchboard.domain.follow_ups import summary_id
from switchboard.domain.notifications import Channel, NotificationStatus
from switchboard.domain.phone import mask
from switchboard.ports.notifications import Notifier
from switchboard.services.local_call import LocalCallResult
from switchboard.services.messages.worker import NotificationWorker
from switchboard.services.scenarios.fields import ScenarioError, known, mapping

CHAT_SERVICE_KEYS = {"answers", "stall_seconds"}
DELIVERY_PASSES = 12  # worker passes after the call; 12 x 10 simulated minutes outlast 8 retries
PASS_EVERY = timedelta(minutes=10)  # longer than any retry delay (capped at 10 minutes)
PARSE_PLACEHOLDER = "127.0.0.1:9"  # `${SWITCHBOARD_SIM_CHAT}` while directory files are checked


class StepClock:
    """The delivery clock: starts after the call and moves only between worker passes."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def parse_chat_service(path: Path, value: Any) -> dict[str, Any] | None:
    """`chat_service: {answers: [500, 200], stall_seconds: 3}`; None when absent."""
    if value is None:
        return None
    spec = mapping(path, "chat_service", value)
    known(path, "chat_service", spec, CHAT_SERVICE_KEYS)
    answers = spec.get("answers", [200])
    if not isinstance(answers, list):
        raise ScenarioError(path, "chat_service.answers", "must be a list")
    try:
        parsed = parse_answers(answers)
    except ValueError as exc:
        raise ScenarioError(path, "chat_service.answers", str(exc)) from None
    stall = spec.get("stall_seconds", 3.0)
    if not isinstance(stall, int | float) or isinstance(stall, bool) or not 0 < stall <= 30:
        raise ScenarioError(path, "chat_service.stall_seconds", "must be a number of seconds, 0-30")
    return {"answers": parsed, "stall_seconds": float(stall)}


def check_expect_keys(path: Path, expect: Mapping[str, Any]) -> None:
    """Shapes of the follow-up keys of `expect:`."""
    if expect.get("follow_up") is not None:
        follow = mapping(path, "expect.follow_up", expect["follow_up"])
        known(path, "expect.follow_up", follow, {"for", "channels"})
        if not isinstance(follow.get("for"), str):
            raise ScenarioError(path, "expect.follow_up.for", "must be an employee id")
    if "delivery" in expect:
        for channel, status in mapping(path, "expect.delivery", expect["delivery"]).items():
            if channel not in {c.value for c in Channel}:
                raise ScenarioError(path, f"expect.delivery.{channel}", "unknown channel")
            if status not in {s.value for s in NotificationStatus}:
                raise ScenarioError(path, f"expect.delivery.{channel}", "unknown status")
    posts = expect.get("chat_posts")
    if "chat_posts" in expect and (not isinstance(posts, int) or isinstance(posts, bool)):
        raise ScenarioError(path, "expect.chat_posts", "must be a whole number")


async def deliver(
    storage: Storage, directory: Directory, chat: ChatService, start: datetime, data_dir: Path
) -> None:
    """Run the notification worker as `serve` would, with chat going to `chat` and the local
    outbox in `data_dir`; SMS and email are not configured here (they fail and fall back)."""
    clock = StepClock(start)
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    env = {**environment(), SIMULATOR_VARIABLE: chat.address}
    company, zone = directory.company.name, directory.company.timezone
    notifiers: dict[Channel, Notifier] = {
        Channel.CHAT: AppriseChatNotifier(company=company, timezone=zone, env=env, timeout=10),
        Channel.LOCAL: LocalOutboxNotifier.in_data_dir(data_dir),
    }
    worker = NotificationWorker(outbox, notifiers, clock, lambda: directory, rand=lambda: 1.0)
    for _ in range(DELIVERY_PASSES):
        await worker.run_once()
        await worker.escalate()
        await clock.sleep(PASS_EVERY.total_seconds())


async def reread_notifications(storage: Storage, result: LocalCallResult) -> LocalCallResult:
    """`result` with its message's notifications as they stand now (after delivery)."""
    if result.message_id is None:
        return result
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    notes = await outbox.notifications_of(result.message_id)
    shown = [
        {"channel": n.channel.value, "to": shown_address(n.channel, n.to), "status": n.status.value}
        for n in notes
    ]
    return replace(result, notifications=shown)


def shown_address(channel: Channel, to: str) -> str:
    """An address as scenario output shows it: numbers and chat tokens masked."""
    if channel is Channel.SMS:
        return mask(to)
    return mask_chat_url(to) if channel is Channel.CHAT else to


async def check_follow_ups(
    expect: Mapping[str, Any], storage: Storage, result: LocalCallResult, chat: ChatService | None
) -> list[str]:
    """Failures of the follow-up keys of `expect:` (empty: passed)."""
    failures: list[str] = []
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    if "follow_up" in expect:
        wanted = expect["follow_up"]
        if wanted is None:
            if result.transferred_to is not None:
                notes = await outbox.notifications_of(
                    summary_id(result.call_id, result.transferred_to)
                )
                if notes:
                    failures.append("follow_up: expected none, but a transfer summary was queued")
        else:
            notes = await outbox.notifications_of(summary_id(result.call_id, wanted["for"]))
            got = sorted({n.channel.value for n in notes})
            if not notes:
                failures.append(f"follow_up: no transfer summary for {wanted['for']!r}")
            elif "channels" in wanted and sorted(wanted["channels"]) != got:
                failures.append(
                    f"follow_up.channels: expected {sorted(wanted['channels'])}, got {got}"
                )
    for channel, status in expect.get("delivery", {}).items():
        statuses = [n["status"] for n in result.notifications if n["channel"] == channel]
        if not statuses or any(s != status for s in statuses):
            failures.append(f"delivery.{channel}: expected {status!r}, got {statuses!r}")
    if "chat_posts" in expect:
        posts = len(chat.posts) if chat is not None else 0
        if posts != expect["chat_posts"]:
            failures.append(f"chat_posts: expected {expect['chat_posts']}, got {posts}")
    return failures
