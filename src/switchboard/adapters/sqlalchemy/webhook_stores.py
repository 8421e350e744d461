"""The webhook service's storage Protocols (ports/webhooks.py) on SQLAlchemy.

The writes Twilio sends in bursts (call status callbacks, inbound SMS) are group-committed
(group_commit.py): concurrent webhooks share one transaction, and each answer waits for the commit
that holds its write. Writes are idempotent on their natural keys (MessageSid, CallSid + status),
and a call status callback's receipt commits with its row, so a retried or replayed webhook leaves
the same rows behind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.adapters.sqlalchemy.engine import create_session_factory, is_sqlite
from switchboard.adapters.sqlalchemy.group_commit import GroupCommit
from switchboard.adapters.sqlalchemy.message_rows import utc
from switchboard.adapters.sqlalchemy.message_tables import webhook_receipts
from switchboard.adapters.sqlalchemy.tables import employees
from switchboard.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from switchboard.adapters.sqlalchemy.webhook_tables import (
    inbound_sms,
    twilio_call_statuses,
    voicemails,
)
from switchboard.domain.directory import Employee, EmployeeStatus
from switchboard.domain.errors import NoSuchRecord
from switchboard.ports.clock import Clock


@dataclass(frozen=True, slots=True)
class _CallStatus:
    once_key: str | None
    row: dict[str, object]


class SqlAlchemyWebhookStores:
    """CallStatusStore, EmployeeStatusStore, InboundSmsLog and VoicemailStore in one object."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._clock = clock
        self._sessions = create_session_factory(engine)
        self._insert = sqlite_insert if is_sqlite(engine) else pg_insert
        self.call_statuses_group = GroupCommit(
            engine, self._write_call_statuses, name="call-status-group-commit"
        )
        self.inbound_group = GroupCommit(engine, self._write_inbound, name="sms-group-commit")

    async def aclose(self) -> None:
        """Let queued writes commit."""
        await self.call_statuses_group.aclose()
        await self.inbound_group.aclose()

    # --- CallStatusStore ---------------------------------------------------------------------------
    async def record_call_status(
        self,
        call_sid: str,
        status: str,
        at: datetime,
        *,
        duration: int | None,
        once_key: str | None = None,
    ) -> bool:
        row: dict[str, object] = {"call_sid": call_sid, "status": status, "duration_seconds": duration,
               "received_at": utc(at)}  # fmt: skip
        return await self.call_statuses_group.submit(_CallStatus(once_key, row))

    async def _write_call_statuses(
        self, conn: AsyncConnection, batch: list[_CallStatus]
    ) -> list[bool]:
        """One receipt INSERT … RETURNING and one row INSERT for the whole batch; a key seen
        before (in an earlier batch, or earlier in this one) writes nothing."""
        keys = {w.once_key: w.row["received_at"] for w in batch if w.once_key is not None}
        fresh: set[str] = set()
        if keys:
            statement = (
                self._insert(webhook_receipts)
                .values([{"key": k, "received_at": at} for k, at in keys.items()])
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(webhook_receipts.c.key)
            )
            fresh = {str(k) for k in (await conn.execute(statement)).scalars()}
        results: list[bool] = []
        rows: list[dict[str, object]] = []
        for w in batch:
            if w.once_key is None:
                ok = True
            else:
                ok = w.once_key in fresh
                fresh.discard(w.once_key)  # a key repeated in the batch counts once
            results.append(ok)
            if ok:
                rows.append(w.row)
        if rows:
            await conn.execute(
                self._insert(twilio_call_statuses).on_conflict_do_nothing(
                    index_elements=["call_sid", "status"]
                ),
                rows,
            )
        return results

    async def call_statuses(self, call_sid: str) -> list[tuple[str, int | None, datetime]]:
        """(status, duration, received at) for one Twilio call, in arrival order."""
        query = (
            select(twilio_call_statuses)
            .where(twilio_call_statuses.c.call_sid == call_sid)
            .order_by(twilio_call_statuses.c.received_at)
        )
        async with self._sessions() as s:
            rows = (await s.execute(query)).all()
        return [(r.status, r.duration_seconds, utc(r.received_at)) for r in rows]  # type: ignore[misc]

    # --- EmployeeStatusStore -----------------------------------------------------------------------
    async def employee_by_sms(self, number: str) -> Employee | None:
        """The employee texting from `number`: their `sms` number first, else their `phone`."""
        query = (
            select(employees.c.id, employees.c.sms)
            .where(or_(employees.c.sms == number, employees.c.phone == number))
            .order_by(employees.c.position)
        )
        async with self._sessions() as s:
            rows = (await s.execute(query)).all()
        if not rows:
            return None
        chosen = next((r for r in rows if r.sms == number), rows[0])
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            return await uow.directory.get_employee(chosen.id)

    async def set_status(
        self, employee_id: str, status: EmployeeStatus, *, once_key: str | None = None
    ) -> bool:
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            if once_key is not None:
                receipt = (
                    self._insert(webhook_receipts)
                    .values(key=once_key, received_at=utc(self._clock.now()))
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                if not (await uow.execute(receipt)).rowcount:  # type: ignore[attr-defined]
                    return False
            employee = await uow.directory.get_employee(employee_id)
            if employee is None:
                raise NoSuchRecord(f"no employee {employee_id!r}")
            if employee.status is not status:
                await uow.directory.save_employee(replace(employee, status=status))
            await uow.commit()
        return True

    # --- InboundSmsLog -----------------------------------------------------------------------------
    async def store_inbound(
        self, message_sid: str, from_number: str, to_number: str, body: str, at: datetime
    ) -> None:
        row: dict[str, object] = {"message_sid": message_sid, "from_number": from_number, "to_number": to_number,
               "body": body, "received_at": utc(at)}  # fmt: skip
        await self.inbound_group.submit(row)

    async def _write_inbound(
        self, conn: AsyncConnection, batch: list[dict[str, object]]
    ) -> list[None]:
        statement = self._insert(inbound_sms).on_conflict_do_nothing(index_elements=["message_sid"])
        await conn.execute(statement, batch)
        return [None] * len(batch)

    async def inbound(self, *, limit: int = 50) -> list[tuple[str, str, str, str, datetime]]:
        """(sid, from, to, body, received at), newest first."""
        query = select(inbound_sms).order_by(inbound_sms.c.received_at.desc()).limit(limit)
        async with self._sessions() as s:
            rows = (await s.execute(query)).all()
        return [
            (r.message_sid, r.from_number, r.to_number, r.body, utc(r.received_at))  # type: ignore[misc]
            for r in rows
        ]

    # --- VoicemailStore ----------------------------------------------------------------------------
    async def expect_voicemail(self, call_sid: str, caller_number: str | None) -> None:
        statement = self._insert(voicemails).values(
            call_sid=call_sid, caller_number=caller_number, started_at=utc(self._clock.now())
        )
        statement = statement.on_conflict_do_nothing(index_elements=["call_sid"])
        async with self._sessions.begin() as s:
            await s.execute(statement)

    async def already_handled(self, key: str) -> bool:
        query = select(webhook_receipts.c.key).where(webhook_receipts.c.key == key)
        async with self._sessions() as s:
            return await s.scalar(query) is not None

    async def voicemail_caller(self, call_sid: str) -> str | None:
        query = select(voicemails.c.caller_number).where(voicemails.c.call_sid == call_sid)
        async with self._sessions() as s:
            value = await s.scalar(query)
        return str(value) if value else None
