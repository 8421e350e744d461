"""The transfer_attempts rows of a call record, rewritten each time the record is saved."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.adapters.sqlalchemy.console_tables import transfer_attempts
from switchboard.domain.call_record import CallRecord


async def sync_transfer_attempts(session: AsyncSession, record: CallRecord) -> None:
    """Make the table hold exactly `record`'s attempts (a record is saved at start and end)."""
    await session.execute(
        delete(transfer_attempts).where(transfer_attempts.c.call_id == record.call_id)
    )
    started = record.started_at
    started = started.replace(tzinfo=UTC) if started.tzinfo is None else started.astimezone(UTC)
    rows = [
        {
            "call_id": record.call_id,
            "position": i,
            "employee_id": data.get("employee"),
            "result": str(data.get("result") or "failed"),
            "started_at": started,
        }
        for i, data in enumerate(record.transfer_attempts())
    ]
    if rows:
        await session.execute(transfer_attempts.insert(), rows)
