"""Console users, API tokens and login failures behind the AccountStore port."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy.console_tables import (
    console_login_failures,
    console_tokens,
    console_users,
)
from switchboard.adapters.sqlalchemy.engine import create_session_factory
from switchboard.services.console.accounts import Failures, Role, StoredUser, User


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _user(row: Mapping[Any, Any]) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        role=Role(row["role"]),
        employee_id=row["employee_id"],
        password_changed_at=_utc(row["password_changed_at"]),
    )


class SqlAlchemyAccountStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_session_factory(engine)

    async def add_user(self, user: User, password_hash: str) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(
                console_users.insert().values(
                    id=user.id,
                    email=user.email,
                    role=user.role.value,
                    employee_id=user.employee_id,
                    password_hash=password_hash,
                    password_changed_at=_utc(user.password_changed_at),
                    created_at=_utc(user.password_changed_at),
                )
            )

    async def find_user(self, email: str) -> StoredUser | None:
        async with self._sessions() as s:
            query = select(console_users).where(console_users.c.email == email)
            row = (await s.execute(query)).mappings().first()
        return None if row is None else StoredUser(_user(row), row["password_hash"])

    async def get_user(self, user_id: str) -> User | None:
        async with self._sessions() as s:
            query = select(console_users).where(console_users.c.id == user_id)
            row = (await s.execute(query)).mappings().first()
        return None if row is None else _user(row)

    async def list_users(self) -> list[User]:
        async with self._sessions() as s:
            rows = (await s.execute(select(console_users).order_by(console_users.c.email))).all()
        return [_user(r._mapping) for r in rows]

    async def set_password(self, user_id: str, password_hash: str, at: datetime) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(
                update(console_users)
                .where(console_users.c.id == user_id)
                .values(password_hash=password_hash, password_changed_at=_utc(at))
            )

    async def remove_user(self, email: str) -> bool:
        async with self._sessions() as s, s.begin():
            found = await s.scalar(select(console_users.c.id).where(console_users.c.email == email))
            if found is None:
                return False
            await s.execute(delete(console_tokens).where(console_tokens.c.user_id == found))
            await s.execute(delete(console_users).where(console_users.c.id == found))
            return True

    async def add_token(
        self, token_id: str, user_id: str, name: str, secret_hash: str, at: datetime
    ) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(
                console_tokens.insert().values(
                    id=token_id, user_id=user_id, name=name, secret_hash=secret_hash,
                    created_at=_utc(at),
                )
            )  # fmt: skip

    async def find_token(self, token_id: str) -> tuple[str, User] | None:
        query = (
            select(console_tokens.c.secret_hash, console_users)
            .join(console_users, console_users.c.id == console_tokens.c.user_id)
            .where(console_tokens.c.id == token_id)
        )
        async with self._sessions() as s:
            row = (await s.execute(query)).mappings().first()
        return None if row is None else (row["secret_hash"], _user(row))

    async def record_failure(self, email: str, address: str, at: datetime) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(
                console_login_failures.insert().values(
                    email=email, address=address, failed_at=_utc(at)
                )
            )

    async def failures(self, email: str, address: str, since: datetime) -> Failures:
        f = console_login_failures.c
        query = (
            select(f.address, f.failed_at)
            .where(f.email == email, f.failed_at > _utc(since))
            .order_by(f.failed_at)
        )
        async with self._sessions() as s:
            rows = (await s.execute(query)).all()
        anywhere = [_utc(r[1]) for r in rows]
        here = [_utc(r[1]) for r in rows if r[0] == address]
        return Failures(from_address=here, from_anywhere=anywhere)

    async def clear_failures(self, email: str, address: str) -> None:
        f = console_login_failures.c
        async with self._sessions() as s, s.begin():
            await s.execute(
                delete(console_login_failures).where(f.email == email, f.address == address)
            )
