"""Migration 0007 fills transfer_attempts from the call records already stored, so the console's
counts include calls taken before the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select

from switchboard.adapters.sqlalchemy import create_engine, upgrade_database
from switchboard.adapters.sqlalchemy.console_tables import transfer_attempts
from switchboard.adapters.sqlalchemy.migrate import alembic_config
from switchboard.adapters.sqlalchemy.tables import calls

pytestmark = pytest.mark.adapter
AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _attempt(employee: str, result: str) -> dict[str, object]:
    return {"at": AT.isoformat(), "kind": "transfer_attempt",
            "data": {"employee": employee, "result": result, "sip_status": None}}  # fmt: skip


async def test_existing_calls_get_their_attempts(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0005"))
            await conn.execute(calls.insert(), [
                {"call_id": "old-1", "started_at": AT, "outcome": "transferred",
                 "events": [{"at": AT.isoformat(), "kind": "caller_turn", "data": {"text": "hi"}},
                            _attempt("marcus-bell", "no_answer"),
                            _attempt("priya-raman", "connected")]},
                {"call_id": "old-2", "started_at": AT, "outcome": "info_only", "events": []},
            ])  # fmt: skip
        await upgrade_database(engine)
        async with engine.connect() as conn:
            query = select(transfer_attempts).order_by(
                transfer_attempts.c.call_id, transfer_attempts.c.position
            )
            rows = [tuple(r) for r in (await conn.execute(query)).all()]
    finally:
        await engine.dispose()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("old-1", 0, "marcus-bell", "no_answer"),
        ("old-1", 1, "priya-raman", "connected"),
    ]
    assert all(r[4].replace(tzinfo=UTC) == AT for r in rows)
