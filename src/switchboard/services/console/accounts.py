"""Console accounts: users with argon2id passwords, API tokens, and login throttling.

A login is refused without checking the password once an email has failed too often: 5 times
from one address, or 20 times from anywhere, within 15 minutes (the lock-out lasts until the
window has passed since the failure that locked it). Failures are kept in the database, so every
web replica sees them. API tokens are 256-bit random secrets; only their SHA-256 is stored (a slow
hash buys nothing for a secret that cannot be guessed, and every API request verifies one).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from switchboard.domain.errors import InvalidInput, NotFound, Refused
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock

log = get_logger(__name__)

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 5
MAX_FAILURES_PER_EMAIL = 20
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "sbt"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    ADMIN = "admin"
    EMPLOYEE = "employee"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    role: Role
    employee_id: str | None
    password_changed_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True, slots=True)
class StoredUser:
    user: User
    password_hash: str


@dataclass(frozen=True, slots=True)
class Failures:
    from_address: list[datetime]  # this email from this address, oldest first
    from_anywhere: list[datetime]  # this email from any address, oldest first


class AccountError(InvalidInput, ValueError):
    """Bad input for an account command; the text says what."""


class UserNotFound(NotFound, LookupError):
    pass


class LoginRefused(Refused):
    """Wrong email or password (never says which), or locked out until `locked_until`."""

    def __init__(self, message: str, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.locked_until = locked_until


class AccountStore(Protocol):
    async def add_user(self, user: User, password_hash: str) -> None: ...
    async def find_user(self, email: str) -> StoredUser | None: ...
    async def get_user(self, user_id: str) -> User | None: ...
    async def list_users(self) -> list[User]: ...
    async def set_password(self, user_id: str, password_hash: str, at: datetime) -> None: ...
    async def remove_user(self, email: str) -> bool: ...
    async def add_token(
        self, token_id: str, user_id: str, name: str, secret_hash: str, at: datetime
    ) -> None: ...
    async def find_token(self, token_id: str) -> tuple[str, User] | None:
        """(secret_hash, its user) of the token, or None."""
        ...

    async def record_failure(self, email: str, address: str, at: datetime) -> None: ...
    async def failures(self, email: str, address: str, since: datetime) -> Failures: ...
    async def clear_failures(self, email: str, address: str) -> None: ...


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value):
        raise AccountError(f"{email!r} is not an email address")
    return value


def lock_state(failures: Failures, now: datetime) -> datetime | None:
    """When the lock-out ends, or None when a login may be tried (pure, for tests)."""
    for times, limit in (
        (failures.from_address, MAX_FAILURES_PER_ADDRESS),
        (failures.from_anywhere, MAX_FAILURES_PER_EMAIL),
    ):
        recent = [t for t in times if t > now - WINDOW]
        if len(recent) >= limit:
            until = recent[-limit] + WINDOW  # the window since the failure that reached the limit
            if until > now:
                return until
    return None


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, store: AccountStore, clock: Clock, hasher: PasswordHasher | None = None):
        self._store, self._clock = store, clock
        self._hasher = hasher or PasswordHasher()  # argon2id with the library's RFC 9106 profile
        self._dummy: str | None = None

    async def _hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)  # ~50 ms of CPU: off the loop

    async def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")

    async def add_user(
        self, email: str, password: str, role: Role, employee_id: str | None = None
    ) -> User:
        email = normalise_email(email)
        if role is Role.EMPLOYEE and not employee_id:
            raise AccountError("an employee account needs --employee ID (whose messages it sees)")
        if role is Role.ADMIN and employee_id:
            raise AccountError("--employee is for employee accounts only")
        self._check_password(password)
        if await self._store.find_user(email) is not None:
            raise AccountError(f"a user {email!r} already exists")
        now = self._clock.now()
        user = User(uuid.uuid4().hex, email, role, employee_id, now)
        await self._store.add_user(user, await self._hash(password))
        return user

    async def list_users(self) -> list[User]:
        return await self._store.list_users()

    async def set_password(self, email: str, password: str) -> User:
        """Also ends the user's console sessions (they carry the password's change time)."""
        self._check_password(password)
        stored = await self._store.find_user(normalise_email(email))
        if stored is None:
            raise UserNotFound(f"no user {email!r}")
        now = self._clock.now()
        await self._store.set_password(stored.user.id, await self._hash(password), now)
        return replace(stored.user, password_changed_at=now)

    async def remove_user(self, email: str) -> None:
        if not await self._store.remove_user(normalise_email(email)):
            raise UserNotFound(f"no user {email!r}")

    async def get_user(self, user_id: str) -> User | None:
        return await self._store.get_user(user_id)

    async def create_token(self, email: str, name: str) -> str:
        """A new API token for the user; the only time its secret is shown."""
        stored = await self._store.find_user(normalise_email(email))
        if stored is None:
            raise UserNotFound(f"no user {email!r}")
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        await self._store.add_token(
            token_id, stored.user.id, name.strip() or "script", _secret_hash(secret),
            self._clock.now(),
        )  # fmt: skip
        return f"{TOKEN_PREFIX}_{token_id}_{secret}"

    async def user_for_token(self, token: str) -> User | None:
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        found = await self._store.find_token(parts[1])
        if found is None:
            return None
        secret_hash, user = found
        return user if hmac.compare_digest(secret_hash, _secret_hash(parts[2])) else None

    async def login(self, email: str, password: str, address: str) -> User:
        """The user, or LoginRefused (throttled per email + address and per email)."""
        try:
            email = normalise_email(email)
        except AccountError:
            raise LoginRefused("wrong email or password") from None
        now = self._clock.now()
        locked = lock_state(await self._store.failures(email, address, now - WINDOW), now)
        if locked is not None:
            log.warning("console login refused: locked out",
                        email=email, address=address, until=locked.isoformat())  # fmt: skip
            raise LoginRefused("too many failed logins; try again later", locked)
        stored = await self._store.find_user(email)
        if stored is None:
            # Spend the same time as a real check, so timing does not tell which emails exist.
            self._dummy = self._dummy or await self._hash(secrets.token_hex(16))
            await self._verify(self._dummy, password)
            ok = False
        else:
            ok = await self._verify(stored.password_hash, password)
        if not ok or stored is None:
            await self._store.record_failure(email, address, now)
            log.info("console login failed", email=email, address=address)
            raise LoginRefused("wrong email or password")
        await self._store.clear_failures(email, address)
        return stored.user
