"""Many messages through the outbox with faults everywhere: none lost, none sent twice.

    .venv/bin/python benchmarks/outbox.py [--messages 10000] [--workers 4] [--fault-rate 0.1]
                                          [--database-url URL] [--json]

Real parts: SQL storage (SQLite file by default; `--database-url` an EMPTY PostgreSQL database),
the transactional outbox and `OutboxMessageDesk`, `NotificationWorker`s competing for work, the
Twilio SMS notifier (the real `twilio` client) against the Twilio fake over HTTP, the SMTP notifier
against an aiosmtpd server on loopback, and the webhook app receiving the fake's signed status
callbacks. Faults: a `--fault-rate` share of Twilio creates answer 429 (Retry-After 1), 500 or 503,
or stall past the client's timeout (the message is still created: the ambiguous case); the same
share of SMTP deliveries are refused with 451; some employees' SMS numbers are rejected for good
(21211), so their messages fall back to another channel; one worker is killed between claim
and send (holding a claimed batch) and replaced.

At the end the fake's and the SMTP server's OWN records are compared with the database: every
message reached someone, no SMS body was created twice for the same number, no email Message-ID
arrived twice. Exits non-zero on any loss or duplicate. Backoff is shortened (base 50 ms, lease
15 s, settle 3 s) so the run takes minutes, not hours; the rules are the production ones.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from switchboard.adapters.notifications import LocalOutboxNotifier, SmtpConfig, SmtpEmailNotifier
from switchboard.adapters.notifications.sms import TwilioSmsNotifier
from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.engine import reading
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.adapters.sqlalchemy.message_tables import notifications
from switchboard.adapters.sqlalchemy.status_callbacks import GroupCommitStatusWriter
from switchboard.adapters.sqlalchemy.webhook_stores import SqlAlchemyWebhookStores
from switchboard.adapters.twilio import close_async_client, make_async_twilio_client
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages.delivery import DeliveryState, delivery_state
from switchboard.domain.notifications import Channel
from switchboard.domain.notifications.retry import RetryPolicy
from switchboard.entrypoints.web import create_app
from switchboard.fakes.serving import free_port
from switchboard.fakes.twilio import running_twilio_fake
from switchboard.fakes.twilio.faults import Fault, RecipientRule
from switchboard.ports.calls import MessageRequest
from switchboard.ports.clock import SystemClock
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.runner import NotificationLoop
from switchboard.services.messages.webhooks import (
    Recipient,
    WebhookCollaborators,
    WebhookService,
)
from switchboard.services.messages.worker import NotificationWorker

FROM = "+13125550100"
CLIENT_TIMEOUT = 2.0


def directory(employees: int, rejected: int) -> Directory:
    people = tuple(
        Employee(f"e{i}", f"Person {i}", f"+1312555{1000 + i:04d}", email=f"e{i}@acme.test",
                 sms=f"+1773555{1000 + i:04d}")
        for i in range(employees)
    )  # fmt: skip
    return Directory(
        company=CompanyProfile(name="Acme", timezone="America/Chicago"), employees=people
    )


class SmtpRecorder:
    """An SMTP server that refuses a share of deliveries with 451 and records what it accepted."""

    def __init__(self, fault_rate: float, seed: int) -> None:
        self.accepted: Counter[str] = Counter()
        self.refused = 0
        self._rate, self._rng, self._lock = fault_rate, random.Random(seed), threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self._rng.random() < self._rate:
                self.refused += 1
                return "451 4.3.0 Temporary failure, try again"
            mail = email.message_from_bytes(envelope.content)
            self.accepted[str(mail["Message-ID"])] += 1
        return "250 Message accepted"


async def worker_loop(worker: NotificationWorker, stop: asyncio.Event) -> None:
    """The production loop (`switchboard worker`): a failed pass, e.g. SQLite staying locked past
    its busy timeout under this load, is logged and retried with backoff, never fatal."""
    await NotificationLoop(worker, SystemClock(), poll_seconds=0.05, max_backoff=1.0).run(stop)


class Doomed:
    """Notifiers for the worker that will be killed: once `dying` is set, its next send parks for
    good (setting `parked`), so it is killed between claim and send, inside our own wait and not
    inside a database call."""

    def __init__(self) -> None:
        self.dying, self.parked = asyncio.Event(), asyncio.Event()

    def wrap(self, notifiers: dict[Any, Any]) -> dict[Any, Any]:
        return {channel: _Parking(self, inner) for channel, inner in notifiers.items()}


class _Parking:
    def __init__(self, doomed: Doomed, inner: Any) -> None:
        self._doomed, self._inner = doomed, inner
        self.channel = inner.channel

    async def send(self, notification: Any, message: Any) -> Any:
        if self._doomed.dying.is_set():
            self._doomed.parked.set()
            await asyncio.Event().wait()  # never: the worker dies here
        return await self._inner.send(notification, message)


async def kill(task: asyncio.Task[None]) -> bool:
    """Cancel a worker, and whether it went. Cancelling a task inside an asyncpg query can leave
    it pending for good (asyncpg issue #873; a real crash kills the process instead): that is
    why the worker is parked first (`Doomed`), and why this never waits on it for long."""
    for _ in range(3):
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        if done:
            return True
    return False


async def outstanding(engine: Any) -> int:
    """Notifications still scheduled (queued or being sent with a due time)."""
    query = (
        select(func.count())
        .select_from(notifications)
        .where(notifications.c.status.in_(("queued", "sending")))
        .where(notifications.c.next_attempt_at.is_not(None))
    )
    for attempt in range(10):
        try:
            async with reading(engine).connect() as conn:
                return int((await conn.execute(query)).scalar_one())
        except OperationalError:  # SQLite still locked after its busy timeout: ask again
            if attempt == 9:
                raise
            await asyncio.sleep(1.0)
    raise AssertionError("unreachable")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'outbox.db'}"
    storage = await open_storage(url)
    people = directory(args.employees, args.rejected)
    smtp = SmtpRecorder(args.fault_rate, seed=1)
    smtp_port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    web_port = free_port()
    stats: dict[str, Any] = {}
    with running_twilio_fake() as fake:
        fake.state.add_number(FROM)
        for e in people.employees[: args.rejected]:
            assert e.sms is not None
            fake.state.faults.set_recipient(e.sms, RecipientRule(reject_code=21211))
        share = args.fault_rate
        fake.state.faults.set_random(
            share,
            [
                Fault("/Messages.json", status=429, retry_after=1, method="POST"),
                Fault("/Messages.json", status=500, method="POST"),
                Fault("/Messages.json", status=503, method="POST"),
                Fault("/Messages.json", delay=CLIENT_TIMEOUT + 1.0, method="POST"),
            ],
            seed=2,
        )
        settings = fake.settings(_env_file=None, webhook_base_url=f"http://127.0.0.1:{web_port}")
        outbox = SqlAlchemyMessageOutbox(storage.engine)
        stores = SqlAlchemyWebhookStores(storage.engine, SystemClock())
        collaborators = WebhookCollaborators(
            calls=stores, employees=stores, inbound=stores, voicemails=stores,
            desk=None,  # type: ignore[arg-type]  # no inbound messages in this run
            clock=SystemClock(), front_desk=Recipient("employee", "e0"),
            status_writer=GroupCommitStatusWriter(storage.engine),
        )  # fmt: skip
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, WebhookService(collaborators)),
                host="127.0.0.1", port=web_port, log_level="error", lifespan="off",
            )
        )  # fmt: skip
        serving = asyncio.create_task(server.serve())
        client = make_async_twilio_client(settings, request_timeout=CLIENT_TIMEOUT)
        notifiers: Any = {
            Channel.SMS: TwilioSmsNotifier(
                client, from_number=FROM, timezone="America/Chicago",
                webhook_base_url=settings.webhook_base_url, settle_seconds=3.0,
            ),
            Channel.EMAIL: SmtpEmailNotifier(
                SmtpConfig("127.0.0.1", smtp_port, "desk@acme.test", security="none", timeout=5.0),
                company="Acme", timezone="America/Chicago",
            ),
            Channel.LOCAL: LocalOutboxNotifier(tmp / "outbox.jsonl"),
        }  # fmt: skip
        retry = RetryPolicy(base_delay=0.05, max_delay=2.0, max_attempts=12)

        def make_worker(doomed: Doomed | None = None) -> NotificationWorker:
            channels = notifiers if doomed is None else doomed.wrap(notifiers)
            return NotificationWorker(
                outbox, channels, SystemClock(), lambda: people, retry=retry,
                lease=timedelta(seconds=args.lease),
            )  # fmt: skip

        async def current() -> Directory:
            return people

        desk = OutboxMessageDesk(outbox, current, SystemClock())
        rng = random.Random(3)
        started = time.perf_counter()
        for i in range(args.messages):
            who = people.employees[rng.randrange(len(people.employees))]
            await desk.take_message(
                MessageRequest(
                    call_id=f"call-{i}", recipient_kind="employee", recipient_id=who.id,
                    caller_name=f"Caller {i}", callback_number="+16125550177",
                    text=f"Message number {i}: please call back about order {rng.randrange(10**6)}.",
                    urgent=rng.random() < 0.05,
                )
            )  # fmt: skip
        enqueued = time.perf_counter()
        stop = asyncio.Event()
        doomed = Doomed()
        tasks = [asyncio.create_task(worker_loop(make_worker(doomed), stop))]
        tasks += [
            asyncio.create_task(worker_loop(make_worker(), stop)) for _ in range(1, args.workers)
        ]
        await asyncio.sleep(args.kill_after)
        # The first worker dies between claim and send: its next send never starts, and it is
        # killed while holding a claimed batch (what it claimed must be reclaimed after the lease).
        doomed.dying.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(doomed.parked.wait(), timeout=10)
        killed = tasks[0]
        stats["killed_worker_stuck"] = not await kill(killed)
        stats["killed_between_claim_and_send"] = doomed.parked.is_set()
        tasks[0] = asyncio.create_task(worker_loop(make_worker(), stop))
        quiet_since = None
        while True:
            left = await outstanding(storage.engine)
            if left == 0:
                quiet_since = quiet_since or time.perf_counter()
                if time.perf_counter() - quiet_since > 2.0:
                    break
            else:
                quiet_since = None
            if time.perf_counter() - enqueued > args.timeout:
                break
            await asyncio.sleep(0.25)
        finished = time.perf_counter()
        stop.set()
        await asyncio.gather(*tasks)
        if not killed.done():
            await kill(killed)
        await asyncio.sleep(1.5)  # the last status callbacks
        await close_async_client(client)
        server.should_exit = True
        await serving
        with fake.state.lock:
            created = [(m["to"], m["body"], m["sid"]) for m in fake.state.messages.values()]
            created_at = {m["sid"]: m["date_created"] for m in fake.state.messages.values()}
        stats["twilio_random_faults"] = fake.state.faults.random_fired
    controller.stop()

    stored = [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()]
    await storage.dispose()
    sms_bodies = Counter((to, body) for to, body, _ in created)
    duplicate_sms = sum(n - 1 for n in sms_bodies.values() if n > 1)
    duplicate_email = sum(n - 1 for n in smtp.accepted.values() if n > 1)
    sids = {sid for _, _, sid in created}
    states = Counter(delivery_state(s.notifications) for s in stored)
    lost = [
        s.message.id
        for s in stored
        if delivery_state(s.notifications) not in (DeliveryState.DELIVERED, DeliveryState.SENT)
        and not any(
            n.channel is Channel.LOCAL and n.status.value == "sent" for n in s.notifications
        )
    ]
    sms_notes = [n for s in stored for n in s.notifications if n.channel is Channel.SMS]
    unmatched = [n.id for n in sms_notes if n.provider_id and n.provider_id not in sids]
    email_notes = [n for s in stored for n in s.notifications if n.channel is Channel.EMAIL]
    email_missing = [
        n.id
        for n in email_notes
        if n.status.value == "sent" and smtp.accepted[n.provider_id or ""] != 1
    ]
    latencies = sorted(
        (n.updated_at - n.created_at).total_seconds()
        for n in sms_notes + email_notes
        if n.status.value in ("sent", "delivered")
    )
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    stats |= {
        "messages": len(stored),
        "notifications": sum(len(s.notifications) for s in stored),
        "fallbacks": sum(1 for s in stored for n in s.notifications if n.fallback_of),
        "states": {k.value: v for k, v in states.items()},
        "sms_created": len(created),
        "emails_accepted": sum(smtp.accepted.values()),
        "smtp_refusals": smtp.refused,
        "duplicate_sms": duplicate_sms,
        "duplicate_email": duplicate_email,
        "lost_messages": len(lost),
        "sms_provider_ids_unknown_to_twilio": len(unmatched),
        "emails_marked_sent_not_received_once": len(email_missing),
        "enqueue_seconds": round(enqueued - started, 1),
        "deliver_seconds": round(finished - enqueued, 1),
        "messages_per_second": round(len(stored) / max(finished - enqueued, 1e-9), 1),
        "handoff_p50_s": round(q[49], 2),
        "handoff_p99_s": round(q[98], 2),
        "workers": args.workers,
        "database": url.split(":", 1)[0],
        "load_average": os.getloadavg(),
    }
    # What a duplicate looked like: Twilio's creation times and what our notification recorded.
    by_provider = {n.provider_id: n for n in sms_notes if n.provider_id}
    stats["duplicate_sms_examples"] = [
        {
            "to": to[:5] + "…",
            "twilio": [(sid, created_at[sid]) for t, b, sid in created if (t, b) == (to, body)],
            "ours": [
                (n.id, n.attempts, n.provider_id, n.status.value, n.created_at.isoformat())
                for t, b, sid in created
                if (t, b) == (to, body) and (n := by_provider.get(sid)) is not None
            ],
        }
        for (to, body), count in sms_bodies.items()
        if count > 1
    ][:5]
    stats["ok"] = (
        duplicate_sms == 0 and duplicate_email == 0 and not lost and not unmatched and not email_missing
        and len(stored) == args.messages
    )  # fmt: skip
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--employees", type=int, default=50)
    parser.add_argument(
        "--rejected", type=int, default=5, help="employees whose SMS is refused for good"
    )
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument(
        "--kill-after", type=float, default=3.0, help="seconds before a worker is killed"
    )
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--lease", type=float, default=15.0, help="seconds a claim is held")
    parser.add_argument(
        "--database-url", help="an EMPTY database (default: a temporary SQLite file)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    stats = asyncio.run(run(args))
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key:40} {value}")
    sys.exit(0 if stats["ok"] else 1)


if __name__ == "__main__":
    main()
