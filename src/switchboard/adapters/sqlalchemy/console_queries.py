"""The console's reads: overview counts in one query per table, pages of messages and calls
filtered in SQL (scope, state, outcome), and marking a message handled.

A message's delivery state is derived from its notifications exactly as
`domain.message_delivery.delivery_state` does (local-outbox notifications do not count).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, not_, or_, select, union
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.call_record_repository import (
    SqlAlchemyCallRecordRepository,
    _record,  # the row → CallRecord mapping, shared rather than copied
)
from switchboard.adapters.sqlalchemy.console_tables import message_handling, transfer_attempts
from switchboard.adapters.sqlalchemy.engine import create_session_factory
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.adapters.sqlalchemy.message_rows import message_from_row, utc
from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.adapters.sqlalchemy.tables import calls
from switchboard.domain.call_record import CallRecord
from switchboard.domain.messages.delivery import DeliveryState, StoredMessage, delivery_state
from switchboard.services.console.views import (
    PAGE_SIZE,
    UNDELIVERED,
    WAITING,
    CallFilter,
    Handling,
    MessageFilter,
    MessageRow,
    PeriodCounts,
    Scope,
    transfer_group,
)

m, n = messages.c, notifications.c


# The message's best real notification, as a number: 4 delivered, 3 sent, 2 queued or sending,
# 1 anything else (failed, undelivered), 0 none (only the local outbox, or nothing). That is the
# order `delivery_state` reads them in. A correlated scalar subquery, not EXISTS: PostgreSQL then
# evaluates it per message while walking the created_at index newest first and stops at the page's
# end, instead of joining every notification ever sent (EXISTS would be pulled up into a join).
STATE_CODE = (
    select(
        func.coalesce(
            func.max(
                case(
                    (n.status == "delivered", 4),
                    (n.status == "sent", 3),
                    (n.status.in_(("queued", "sending")), 2),
                    else_=1,
                )
            ),
            0,
        )
    )
    .where(n.message_id == m.id, n.channel != "local")
    .correlate(messages)
    .scalar_subquery()
)
STATE_CODES: dict[str, tuple[int, ...]] = {
    DeliveryState.DELIVERED.value: (4,),
    DeliveryState.SENT.value: (3,),
    DeliveryState.PENDING.value: (2,),
    DeliveryState.FAILED.value: (1,),
    DeliveryState.NOT_DELIVERED.value: (0,),
    WAITING: (2,),
    UNDELIVERED: (0, 1),
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


class SqlAlchemyConsoleQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_session_factory(engine)
        self._messages = SqlAlchemyMessageQueries(engine)

    async def period_counts(self, starts: Mapping[str, datetime]) -> dict[str, PeriodCounts]:
        names = list(starts)
        since = {k: utc(v) for k, v in starts.items()}
        earliest = min(v for v in since.values() if v is not None)

        def per_period(column: Any) -> list[Any]:
            return [
                func.sum(case((column >= since[k], 1), else_=0)).label(f"p{i}")
                for i, k in enumerate(names)
            ]

        by_outcome = (
            select(calls.c.outcome, *per_period(calls.c.started_at))
            .where(calls.c.started_at >= earliest)
            .group_by(calls.c.outcome)
        )
        t = transfer_attempts.c
        by_result = (
            select(t.result, *per_period(t.started_at))
            .where(t.started_at >= earliest)
            .group_by(t.result)
        )
        code = STATE_CODE.label("code")
        inner = select(m.created_at, code).where(m.created_at >= earliest).subquery()
        by_state = (
            select(inner.c.code, *per_period(inner.c.created_at))
            .where(inner.c.code.in_((0, 1, 2)))
            .group_by(inner.c.code)
        )
        async with self._sessions() as s:
            outcome_rows = (await s.execute(by_outcome)).all()
            result_rows = (await s.execute(by_result)).all()
            state_rows = (await s.execute(by_state)).all()
        found: dict[str, PeriodCounts] = {}
        for i, name in enumerate(names):
            outcomes = {str(r[0] or "in progress"): int(r[i + 1] or 0) for r in outcome_rows}
            transfers = {"accepted": 0, "declined": 0, "unanswered": 0}
            for r in result_rows:
                group = transfer_group(str(r[0]))
                transfers[group] = transfers.get(group, 0) + int(r[i + 1] or 0)
            states = {int(r[0]): int(r[i + 1] or 0) for r in state_rows}
            found[name] = PeriodCounts(
                calls_by_outcome={k: v for k, v in outcomes.items() if v},
                transfers=transfers,
                waiting=sum(states.get(c, 0) for c in STATE_CODES[WAITING]),
                undelivered=sum(states.get(c, 0) for c in STATE_CODES[UNDELIVERED]),
            )
        return found

    async def messages(self, scope: Scope, filters: MessageFilter) -> list[MessageRow]:
        query = select(messages).order_by(m.created_at.desc(), m.id.desc())
        if scope.employee_id is not None:
            query = query.where(m.recipient_kind == "employee", m.recipient_id == scope.employee_id)
        if filters.state:
            query = query.where(STATE_CODE.in_(STATE_CODES[filters.state]))
        handled = exists().where(message_handling.c.message_id == m.id)
        if filters.handled is True:
            query = query.where(handled)
        elif filters.handled is False:
            query = query.where(not_(handled))
        if filters.text.strip():
            pattern = _like(filters.text.strip())
            query = query.where(
                or_(m.caller_name.ilike(pattern, escape="\\"), m.text.ilike(pattern, escape="\\"))
            )
        query = query.limit(PAGE_SIZE).offset(PAGE_SIZE * (max(filters.page, 1) - 1))
        async with self._sessions() as s:
            page = [message_from_row(r) for r in (await s.execute(query)).all()]
            ids = [x.id for x in page]
            notes = await self._messages._notifications(s, ids)
            handling = await self._handling(s, ids)
        return [
            MessageRow(
                StoredMessage(x, notes.get(x.id, ())),
                delivery_state(notes.get(x.id, ())),
                handling.get(x.id),
            )
            for x in page
        ]

    async def _handling(self, s: Any, ids: list[str]) -> dict[str, Handling]:
        if not ids:
            return {}
        h = message_handling.c
        rows = (await s.execute(select(message_handling).where(h.message_id.in_(ids)))).all()
        return {
            r.message_id: Handling(utc(r.handled_at), r.handled_by)  # type: ignore[arg-type]
            for r in rows
        }

    async def message(self, message_id: str) -> MessageRow | None:
        stored = await self._messages.find(message_id)
        if stored is None:
            return None
        async with self._sessions() as s:
            handling = await self._handling(s, [stored.message.id])
        return MessageRow(
            stored, delivery_state(stored.notifications), handling.get(stored.message.id)
        )

    async def mark_handled(self, message_id: str, by: str, at: datetime) -> None:
        h = message_handling.c
        async with self._sessions() as s, s.begin():
            found = await s.scalar(select(h.message_id).where(h.message_id == message_id))
            if found is None:  # the first mark stands
                await s.execute(
                    message_handling.insert().values(
                        message_id=message_id, handled_at=utc(at), handled_by=by
                    )
                )

    @staticmethod
    def _own_calls(employee_id: str, newest: int | None = None) -> Any:
        """(call_id, started_at) of the calls that concern an employee: a transfer attempt to
        them (a connected transfer is one) or a message for them. With `newest`, only about that
        many of the newest from each source (enough for a page; read from the indexes)."""
        t = transfer_attempts.c
        attempts = select(t.call_id, t.started_at).where(t.employee_id == employee_id)
        messaged = (
            select(calls.c.call_id, calls.c.started_at)
            .join(messages, m.call_id == calls.c.call_id)
            .where(m.recipient_kind == "employee", m.recipient_id == employee_id)
        )
        if newest is not None:
            attempts = attempts.order_by(t.started_at.desc()).limit(newest)
            messaged = messaged.order_by(m.created_at.desc()).limit(newest)
        a, b = attempts.subquery(), messaged.subquery()
        return union(
            select(a.c.call_id, a.c.started_at), select(b.c.call_id, b.c.started_at)
        ).subquery()

    async def calls(self, scope: Scope, filters: CallFilter) -> list[CallRecord]:
        page = max(filters.page, 1)
        if scope.employee_id is None:
            query = select(calls).order_by(calls.c.started_at.desc(), calls.c.call_id.desc())
        else:  # walk the employee's own calls newest first, not every call
            # Without an outcome filter a page needs at most its end's worth from each source
            # (twice, for calls with two attempts to the same employee).
            newest = None if filters.outcome is not None else 2 * PAGE_SIZE * page
            own = self._own_calls(scope.employee_id, newest)
            query = (
                select(calls)
                .join(own, own.c.call_id == calls.c.call_id)
                .order_by(own.c.started_at.desc(), own.c.call_id.desc())
            )
        if filters.outcome is not None:
            query = query.where(calls.c.outcome == filters.outcome.value)
        query = query.limit(PAGE_SIZE).offset(PAGE_SIZE * (page - 1))
        return await self._records(query)

    async def _records(self, query: Any) -> list[CallRecord]:
        async with self._sessions() as s:
            repo = SqlAlchemyCallRecordRepository(s)
            rows = (await s.execute(query)).mappings().all()
            return await repo._with_carrier([_record(r) for r in rows])

    async def call(self, call_id: str) -> CallRecord | None:
        async with self._sessions() as s:
            return await SqlAlchemyCallRecordRepository(s).get(call_id)

    async def call_concerns(self, call_id: str, employee_id: str) -> bool:
        t = transfer_attempts.c
        attempted = exists().where(t.call_id == call_id, t.employee_id == employee_id)
        messaged = exists().where(
            m.call_id == call_id, m.recipient_kind == "employee", m.recipient_id == employee_id
        )
        async with self._sessions() as s:
            return bool(await s.scalar(select(or_(attempted, messaged))))

    async def live_calls(self, since: datetime) -> list[CallRecord]:
        query = (
            select(calls)
            .where(calls.c.started_at >= utc(since), calls.c.ended_at.is_(None))
            .order_by(calls.c.started_at.desc())
            .limit(200)
        )
        return await self._records(query)
