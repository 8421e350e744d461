"""Reading messages back with their notifications, for `switchboard messages` (read-only)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from switchboard.adapters.sqlalchemy.engine import create_session_factory, reading
from switchboard.adapters.sqlalchemy.message_rows import (
    message_from_row,
    notification_from_row,
    utc,
)
from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.domain.errors import InvalidInput
from switchboard.domain.messages.delivery import StoredMessage
from switchboard.domain.notifications import Notification

_PAGE = 200


class AmbiguousMessageId(InvalidInput, LookupError):
    """A shortened message id that matches more than one message."""


class SqlAlchemyMessageQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_session_factory(reading(engine))  # reads only

    async def newest(self, *, since: datetime | None = None) -> AsyncIterator[StoredMessage]:
        """Messages newest first, each with its notifications, read a page at a time."""
        before: tuple[datetime, str] | None = None
        while True:
            query = select(messages).order_by(messages.c.created_at.desc(), messages.c.id.desc())
            if since is not None:
                query = query.where(messages.c.created_at >= utc(since))
            if before is not None:
                at, last_id = before
                query = query.where(
                    (messages.c.created_at < at)
                    | ((messages.c.created_at == at) & (messages.c.id < last_id))
                )
            async with self._sessions() as s:
                page = [message_from_row(r) for r in (await s.execute(query.limit(_PAGE))).all()]
                notes = await self._notifications(s, [m.id for m in page])
            for m in page:
                yield StoredMessage(m, notes.get(m.id, ()))
            if len(page) < _PAGE:
                return
            before = (utc(page[-1].created_at), page[-1].id)  # type: ignore[assignment]

    async def find(self, id_or_prefix: str) -> StoredMessage | None:
        """The message with this id, or the only one whose id starts with it (at least 8
        characters). Raises AmbiguousMessageId when a prefix matches several."""
        async with self._sessions() as s:
            rows = (await s.execute(select(messages).where(messages.c.id == id_or_prefix))).all()
            if not rows and len(id_or_prefix) >= 8:
                escaped = id_or_prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
                prefixed = messages.c.id.like(f"{escaped}%", escape="\\")
                rows = (await s.execute(select(messages).where(prefixed).limit(2))).all()
                if len(rows) > 1:
                    raise AmbiguousMessageId(
                        f"{id_or_prefix!r} matches several messages; give more of the id"
                    )
            if not rows:
                return None
            message = message_from_row(rows[0])
            notes = await self._notifications(s, [message.id])
        return StoredMessage(message, notes.get(message.id, ()))

    async def _notifications(
        self, s: AsyncSession, message_ids: Sequence[str]
    ) -> dict[str, tuple[Notification, ...]]:
        if not message_ids:
            return {}
        query = (
            select(notifications)
            .where(notifications.c.message_id.in_(message_ids))
            .order_by(notifications.c.created_at, notifications.c.id)
        )
        found: dict[str, list[Notification]] = {}
        for row in (await s.execute(query)).all():
            note = notification_from_row(row)
            found.setdefault(note.message_id, []).append(note)
        return {k: tuple(v) for k, v in found.items()}
