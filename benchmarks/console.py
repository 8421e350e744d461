"""The web console's speed with a year of data: every page's p50/p95 (target: p95 ≤ 100 ms).

    .venv/bin/python benchmarks/console.py [--database-url URL] [--calls 100000] [--messages 20000]
    .venv/bin/python benchmarks/console.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

Seeds the database (an empty one: a new SQLite file by default; a PostgreSQL database is used as
given and must be empty) with the demo directory, two console users, `--calls` call records and
`--messages` messages (each with an email and an SMS notification in a mix of states) spread over
`--days` days, inserted in time order as they would arrive, by bulk insert. Then serves the real app (`create_app` with the console, wired as
`switchboard serve` wires it) in-process over httpx's ASGI transport, signed in, and times
`--requests` requests per page after a warm-up. The set-up page shows the cached `doctor` run
(its first load runs doctor, which talks to Twilio and LiveKit: that load is the warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.accounts import SqlAlchemyAccountStore
from switchboard.adapters.sqlalchemy.console_tables import transfer_attempts
from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.bootstrap import bootstrap
from switchboard.bootstrap.messages import open_messaging
from switchboard.entrypoints.cli.serve import console_services
from switchboard.entrypoints.web import create_app
from switchboard.services.console.accounts import Accounts, Role
from switchboard.services.directory import load_directory, seed_demo_if_empty
from switchboard.settings import Settings

OUTCOMES = [("transferred", 45), ("message_taken", 30), ("info_only", 15), ("ended_by_caller", 7),
            ("no_transfer", 3)]  # fmt: skip
RESULTS = ["connected", "declined", "no_answer", "busy", "voicemail", "message_requested"]
STATES = [("delivered", 70), ("sent", 15), ("failed", 10), ("queued", 5)]
PASSWORD = "benchmark password"
CHUNK = 5000


def pick(weighted: list[tuple[str, int]], rng: random.Random) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


async def seed(url: str, n_calls: int, n_messages: int, days: int) -> tuple[str, str]:
    """Returns (a message id, a call id) for the detail pages."""
    storage = await open_storage(url)
    rng = random.Random(12)
    now = datetime.now(UTC)
    try:
        await seed_demo_if_empty(storage.unit_of_work)
        people = [e.id for e in (await load_directory(storage.unit_of_work)).employees]
        accounts = Accounts(SqlAlchemyAccountStore(storage.engine), _Clock(),
                            PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))  # fmt: skip
        await accounts.add_user("admin@example.com", PASSWORD, Role.ADMIN)
        await accounts.add_user("priya@example.com", PASSWORD, Role.EMPLOYEE, "priya-raman")
        message_ids: list[str] = []
        # Rows arrive in time order in real life (tables stay roughly clustered by time).
        message_times = sorted(now - timedelta(seconds=rng.uniform(0, days * 86400))
                               for _ in range(n_messages))  # fmt: skip
        call_times = sorted(now - timedelta(seconds=rng.uniform(0, days * 86400))
                            for _ in range(n_calls))  # fmt: skip
        async with storage.engine.begin() as conn:
            for start in range(0, n_messages, CHUNK):
                rows, notes = [], []
                for at in message_times[start : start + CHUNK]:
                    mid = uuid.uuid4().hex
                    message_ids.append(mid)
                    rows.append({"id": mid, "recipient_kind": "employee",
                                 "recipient_id": rng.choice(people), "caller_name": "Dana Caller",
                                 "callback_number": "+16125550177",
                                 "text": rng.choice(["About invoice 4471", "Please call back",
                                                     "The samples arrived"]),
                                 "urgent": rng.random() < 0.1, "call_id": None,
                                 "recording_url": None, "created_at": at})  # fmt: skip
                    state = pick(STATES, rng)
                    for i, channel in enumerate(("email", "sms")):
                        notes.append({"id": f"{mid}.{i}", "message_id": mid, "channel": channel,
                                      "to_address": "x", "status": state, "attempts": 1,
                                      "next_attempt_at": at if state == "queued" else None,
                                      "provider_id": None, "error_code": None,
                                      "fallback_of": None, "created_at": at, "updated_at": at})  # fmt: skip
                await conn.execute(messages.insert(), rows)
                await conn.execute(notifications.insert(), notes)
            call_ids: list[str] = []
            for start in range(0, n_calls, CHUNK):
                rows, attempts = [], []
                for at in call_times[start : start + CHUNK]:
                    cid = uuid.uuid4().hex
                    call_ids.append(cid)
                    outcome = pick(OUTCOMES, rng)
                    tried = [
                        (rng.choice(people), rng.choice(RESULTS)) for _ in range(rng.randint(0, 2))
                    ]
                    if outcome == "transferred":
                        tried.append((rng.choice(people), "connected"))
                    events: list[dict[str, Any]] = [
                        {"at": at.isoformat(), "kind": "caller_turn", "data": {"text": "Hi, Priya please"}},
                        {"at": at.isoformat(), "kind": "agent_turn", "data": {"text": "One moment."}},
                    ] + [{"at": at.isoformat(), "kind": "transfer_attempt",
                          "data": {"employee": e, "result": r, "sip_status": None}} for e, r in tried]  # fmt: skip
                    rows.append({"call_id": cid, "started_at": at,
                                 "ended_at": at + timedelta(seconds=rng.randint(20, 400)),
                                 "caller_number": "+13125550199", "dialed_number": None,
                                 "outcome": outcome, "end_reason": "done",
                                 "transferred_to": tried[-1][0] if outcome == "transferred" else None,
                                 "message_id": None, "events": events, "twilio_call_sid": None})  # fmt: skip
                    attempts += [{"call_id": cid, "position": i, "employee_id": e, "result": r,
                                  "started_at": at} for i, (e, r) in enumerate(tried)]  # fmt: skip
                await conn.execute(calls.insert(), rows)
                if attempts:
                    await conn.execute(transfer_attempts.insert(), attempts)
        if url.startswith("postgresql"):
            async with storage.engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql(
                    "ANALYZE"
                )
        else:
            async with storage.engine.begin() as conn:
                await conn.exec_driver_sql("ANALYZE")
        return message_ids[-1], call_ids[-1]
    finally:
        await storage.dispose()


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    form = (await client.get("/login")).text
    token = re.search(r'name="csrf_token" value="([^"]*)"', form)
    assert token
    done = await client.post("/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token.group(1), "next": "/"})  # fmt: skip
    assert done.status_code == 303, done.text


async def measure(
    url: str, message_id: str, call_id: str, requests: int
) -> list[tuple[str, float, float]]:
    settings = Settings(_env_file=None, database_url=url, twilio_validate_signatures=False,  # type: ignore[call-arg]
                        console_session_secret="x" * 40, log_level="WARNING")  # fmt: skip
    application = await bootstrap(settings, configure_logs=False)
    results = []
    try:
        async with open_messaging(application) as messaging:
            app = create_app(settings, messaging.webhooks, console=console_services(application))
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
            admin = httpx.AsyncClient(transport=transport, base_url="http://console")
            employee = httpx.AsyncClient(transport=transport, base_url="http://console")
            token = await console_services(application).accounts.create_token(
                "admin@example.com", "bench"
            )
            api = httpx.AsyncClient(transport=transport, base_url="http://console",
                                    headers={"authorization": f"Bearer {token}"})  # fmt: skip
            await sign_in(admin, "admin@example.com")
            await sign_in(employee, "priya@example.com")
            pages = [
                (admin, "/"), (admin, "/messages"), (admin, "/messages?state=undelivered"),
                (admin, "/messages?state=waiting"), (admin, "/messages?q=invoice&handled=no"),
                (admin, "/messages?page=50"), (admin, f"/messages/{message_id}"),
                (admin, "/calls"), (admin, "/calls?outcome=transferred"), (admin, "/calls?page=100"),
                (admin, f"/calls/{call_id}"), (admin, "/live"), (admin, "/directory"),
                (admin, "/directory?q=billing"), (admin, "/directory/priya-raman"),
                (admin, "/setup"), (employee, "/messages"), (employee, "/calls"),
                (employee, "/me"), (api, "/api/v1/overview"), (api, "/api/v1/messages"),
                (api, "/api/v1/calls"), (api, f"/api/v1/calls/{call_id}"),
            ]  # fmt: skip
            for client, path in pages:
                for _ in range(3):  # warm-up (and the set-up page's one doctor run)
                    assert (await client.get(path)).status_code == 200, path
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = await client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, path
                times.sort()
                who = "api" if client is api else ("employee" if client is employee else "admin")
                p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
                results.append((f"{who:8} {path}", statistics.median(times), p95))
            for client in (admin, employee, api):
                await client.aclose()
    finally:
        await application.close()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    url = args.database_url
    folder = None
    if url is None:
        folder = tempfile.mkdtemp(prefix="console-bench-")
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
    started = time.perf_counter()
    message_id, call_id = await seed(url, args.calls, args.messages, args.days)
    print(f"seeded {args.calls} calls and {args.messages} messages over {args.days} days in "
          f"{time.perf_counter() - started:.1f} s ({url.split('://')[0]})")  # fmt: skip
    results = await measure(url, message_id, call_id, args.requests)
    width = max(len(r[0]) for r in results)
    print(f"{'page':{width}}  {'p50 ms':>7}  {'p95 ms':>7}")
    for name, p50, p95 in results:
        flag = "" if p95 <= 100 else "  over 100 ms"
        print(f"{name:{width}}  {p50:7.1f}  {p95:7.1f}{flag}")
    worst = max(r[2] for r in results)
    print(f"worst p95: {worst:.1f} ms ({'within' if worst <= 100 else 'OVER'} the 100 ms target)")


if __name__ == "__main__":
    asyncio.run(main())
