"""`switchboard digest send` over a real SQLite store: one digest per employee per day, whatever
reruns; dry runs queue nothing; employees without email or without news get none; the daily
run in `serve` waits for DIGEST_HOUR and never dies of a failure."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.digest_sources import SqlAlchemyDigestSources
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.digest import digest_id
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.entrypoints.cli import app
from switchboard.services.directory import demo_directory
from switchboard.services.messages.digest import DigestReport, digest_daily, send_digests

runner = CliRunner()
DAY = date(2026, 12, 6)
NOON = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)  # midday in the demo company's timezone


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert runner.invoke(app, ["directory", "demo"]).exit_code == 0
    return url


def seed(url: str) -> None:
    """Priya missed a call and has a message; nobody else has anything."""

    async def go() -> None:
        storage = await open_storage(url)
        priya = demo_directory().employee("priya-raman")
        assert priya is not None
        event = CallEvent(NOON, "transfer_attempt", {"employee": priya.id, "result": "no_answer"})
        async with storage.unit_of_work() as uow:
            await uow.calls.save(CallRecord("call-1", NOON, "+16125550177", events=(event,)))
            await uow.commit()
        m = Message("msg_digest01", RecipientKind.EMPLOYEE, priya.id, "Dana Whitfield",
                    "+16125550177", "About invoice 4471", NOON + timedelta(minutes=5))  # fmt: skip
        outbox = SqlAlchemyMessageOutbox(storage.engine)
        await outbox.add(m, plan_notifications(m, None, demo_directory(), m.created_at))
        await storage.dispose()

    asyncio.run(go())


def digests(url: str) -> list[str]:
    async def go() -> list[str]:
        storage = await open_storage(url)
        notes = await SqlAlchemyMessageOutbox(storage.engine).notifications_of(
            digest_id(DAY, "priya-raman")
        )
        await storage.dispose()
        return [f"{n.channel.value}:{n.to}" for n in notes]

    return asyncio.run(go())


def test_dry_run_shows_the_digest_and_queues_nothing(database: str) -> None:
    seed(database)
    result = runner.invoke(app, ["digest", "send", "--dry-run", "--date", "2026-12-06"])
    assert result.exit_code == 0, result.output
    assert "would queue 1" in result.output
    assert "priya-raman" in result.output
    assert "(no answer)" in result.output
    assert "About invoice 4471" in result.output
    assert digests(database) == []


def test_one_digest_per_employee_per_day_however_often_it_runs(database: str) -> None:
    seed(database)
    first = runner.invoke(app, ["digest", "send", "--date", "2026-12-06"])
    assert first.exit_code == 0, first.output
    assert "queued 1" in first.output
    again = runner.invoke(app, ["digest", "send", "--date", "2026-12-06"])
    assert "queued 0" in again.output
    assert "already sent: priya-raman" in again.output
    [note] = digests(database)
    assert note.startswith("email:")


def test_a_quiet_day_sends_nothing_and_a_bad_date_is_refused(database: str) -> None:
    seed(database)
    quiet = runner.invoke(app, ["digest", "send", "--date", "2026-12-01"])
    assert "queued 0" in quiet.output
    bad = runner.invoke(app, ["digest", "send", "--date", "yesterday"])
    assert bad.exit_code != 0
    assert "--date" in bad.output


async def test_two_runs_at_once_still_queue_one(database: str) -> None:
    await asyncio.to_thread(seed, database)
    storage = await open_storage(database)
    try:
        outbox = SqlAlchemyMessageOutbox(storage.engine)
        sources = SqlAlchemyDigestSources(storage.engine, storage.unit_of_work)

        class Clock:
            def now(self) -> datetime:
                return NOON + timedelta(days=1)

            async def sleep(self, seconds: float) -> None: ...

        runs = await asyncio.gather(
            *(send_digests(DAY, demo_directory(), sources, outbox, Clock()) for _ in range(3))
        )
        assert sum(len(r.queued) for r in runs) == 1
        notes = await outbox.notifications_of(digest_id(DAY, "priya-raman"))
        assert [n.channel for n in notes] == [Channel.EMAIL]
    finally:
        await storage.dispose()


async def test_the_daily_run_waits_for_the_hour_and_survives_failures() -> None:
    days: list[date] = []
    fail_first = [True]

    async def run(day: date) -> DigestReport:
        if fail_first.pop() if fail_first else False:
            raise OSError("database down")
        days.append(day)
        return DigestReport(day)

    async def directory() -> object:
        return demo_directory()

    class Clock:
        def __init__(self) -> None:
            self.at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 06:00 in Chicago

        def now(self) -> datetime:
            self.at += timedelta(minutes=30)
            return self.at

        async def sleep(self, seconds: float) -> None: ...

    stop = asyncio.Event()
    clock = Clock()

    async def stop_later() -> None:
        while len(days) < 2:  # noqa: ASYNC110 - the loop under test sets no event of its own
            await asyncio.sleep(0)
        stop.set()

    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(stop_later())
        checks = await digest_daily(
            run,
            directory,
            clock,
            7,
            stop,
            every=timedelta(0),  # type: ignore[arg-type]
        )
    # 06:30 too early; 07:00 fails (logged); 07:30 and 08:00 run for yesterday.
    assert days == [DAY, DAY]
    assert checks >= 4
