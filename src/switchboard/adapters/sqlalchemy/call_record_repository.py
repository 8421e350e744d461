"""Call records (the `calls` table) behind the CallRecordRepository port."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.adapters.sqlalchemy.transfer_attempts import sync_transfer_attempts
from switchboard.adapters.sqlalchemy.webhook_tables import twilio_call_statuses
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallEvent, CallRecord, CarrierStatus
from switchboard.domain.calls import CallOutcome


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_QUALITY = {  # column -> CallQuality field
    "quality_packets_received": "packets_received",
    "quality_packets_lost": "packets_lost",
    "quality_jitter_ms_mean": "jitter_ms_mean",
    "quality_jitter_ms_max": "jitter_ms_max",
    "quality_round_trip_ms_mean": "round_trip_ms_mean",
    "quality_round_trip_ms_max": "round_trip_ms_max",
}


def _quality_row(quality: CallQuality | None) -> dict[str, Any]:
    return {col: getattr(quality, f) if quality else None for col, f in _QUALITY.items()}


def _quality(row: Mapping[Any, Any]) -> CallQuality | None:
    quality = CallQuality(**{f: row[col] for col, f in _QUALITY.items()})
    return None if quality.is_empty else quality


def _row(record: CallRecord) -> dict[str, Any]:
    return _quality_row(record.quality) | {
        "call_id": record.call_id,
        "started_at": _utc(record.started_at),
        "ended_at": _utc(record.ended_at),
        "caller_number": record.caller_number,
        "dialed_number": record.dialed_number,
        "outcome": record.outcome.value if record.outcome else None,
        "end_reason": record.end_reason,
        "transferred_to": record.transferred_to,
        "message_id": record.message_id,
        "twilio_call_sid": record.twilio_call_sid,
        "verstat": record.verstat,
        "events": [
            {"at": _utc(e.at).isoformat(), "kind": e.kind, "data": dict(e.data)}  # type: ignore[union-attr]
            for e in record.events
        ],
    }


def _record(row: Mapping[Any, Any]) -> CallRecord:
    started = _utc(row["started_at"])
    assert started is not None  # NOT NULL column
    return CallRecord(
        call_id=row["call_id"],
        started_at=started,
        ended_at=_utc(row["ended_at"]),
        caller_number=row["caller_number"],
        dialed_number=row["dialed_number"],
        outcome=CallOutcome(row["outcome"]) if row["outcome"] else None,
        end_reason=row["end_reason"],
        transferred_to=row["transferred_to"],
        message_id=row["message_id"],
        twilio_call_sid=row["twilio_call_sid"],
        verstat=row["verstat"],
        quality=_quality(row),
        events=tuple(
            CallEvent(at=datetime.fromisoformat(e["at"]), kind=e["kind"], data=e["data"])
            for e in row["events"]
        ),
    )


class SqlAlchemyCallRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, record: CallRecord) -> None:
        """Insert or overwrite the record of `record.call_id`."""
        values = _row(record)
        found = await self._session.execute(
            select(calls.c.call_id).where(calls.c.call_id == record.call_id)
        )
        if found.first() is None:
            await self._session.execute(calls.insert().values(values))
        else:
            await self._session.execute(
                calls.update().where(calls.c.call_id == record.call_id).values(values)
            )
        await sync_transfer_attempts(self._session, record)  # the console's counts and filters

    async def get(self, call_id: str) -> CallRecord | None:
        result = await self._session.execute(select(calls).where(calls.c.call_id == call_id))
        row = result.mappings().first()
        if row is None:
            return None
        (record,) = await self._with_carrier([_record(row)])
        return record

    async def list_recent(
        self,
        *,
        limit: int = 50,
        since: datetime | None = None,
        outcome: CallOutcome | None = None,
    ) -> list[CallRecord]:
        """Newest first."""
        query = select(calls).order_by(calls.c.started_at.desc()).limit(limit)
        if since is not None:
            query = query.where(calls.c.started_at >= _utc(since))
        if outcome is not None:
            query = query.where(calls.c.outcome == outcome.value)
        result = await self._session.execute(query)
        return await self._with_carrier([_record(row) for row in result.mappings()])

    async def _with_carrier(self, records: Iterable[CallRecord]) -> list[CallRecord]:
        """Each record with the Twilio call status callbacks received for its SID (one query)."""
        records = list(records)
        sids = {r.twilio_call_sid for r in records if r.twilio_call_sid}
        if not sids:
            return records
        query = (
            select(twilio_call_statuses)
            .where(twilio_call_statuses.c.call_sid.in_(sids))
            .order_by(twilio_call_statuses.c.received_at)
        )
        by_sid: dict[str, list[CarrierStatus]] = {}
        for row in (await self._session.execute(query)).mappings():
            at = _utc(row["received_at"])
            assert at is not None  # NOT NULL column
            status = CarrierStatus(row["status"], at, row["duration_seconds"])
            by_sid.setdefault(row["call_sid"], []).append(status)
        return [replace(r, carrier=tuple(by_sid.get(r.twilio_call_sid or "", ()))) for r in records]
