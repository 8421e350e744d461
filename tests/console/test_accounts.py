"""Accounts on a real database: argon2 passwords, tokens, throttling and lock-out on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.accounts import SqlAlchemyAccountStore
from switchboard.services.console.accounts import (
    MAX_FAILURES_PER_ADDRESS,
    WINDOW,
    AccountError,
    Accounts,
    Failures,
    LoginRefused,
    Role,
    UserNotFound,
    lock_state,
)
from tests.support.clocks import ManualClock

pytestmark = pytest.mark.adapter

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # same algorithm, cheap for tests
PASSWORD = "correct horse battery"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def accounts(storage: Storage, clock: ManualClock) -> Accounts:
    return Accounts(SqlAlchemyAccountStore(storage.engine), clock, FAST)


async def test_add_then_login_with_the_password_only(accounts: Accounts, storage: Storage) -> None:
    user = await accounts.add_user(" Ada@Example.COM ", PASSWORD, Role.ADMIN)
    assert user.email == "ada@example.com"
    assert (await accounts.login("ADA@example.com", PASSWORD, "10.0.0.1")).id == user.id
    with pytest.raises(LoginRefused, match="wrong email or password"):
        await accounts.login("ada@example.com", PASSWORD + "x", "10.0.0.1")
    with pytest.raises(LoginRefused, match="wrong email or password"):
        await accounts.login("nobody@example.com", PASSWORD, "10.0.0.1")
    stored = await SqlAlchemyAccountStore(storage.engine).find_user("ada@example.com")
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")  # never the password itself
    assert PASSWORD not in stored.password_hash


async def test_bad_accounts_are_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="not an email"):
        await accounts.add_user("ada", PASSWORD, Role.ADMIN)
    with pytest.raises(AccountError, match="at least 10"):
        await accounts.add_user("ada@example.com", "short", Role.ADMIN)
    with pytest.raises(AccountError, match="needs --employee"):
        await accounts.add_user("ada@example.com", PASSWORD, Role.EMPLOYEE)
    with pytest.raises(AccountError, match="employee accounts only"):
        await accounts.add_user("ada@example.com", PASSWORD, Role.ADMIN, "priya-raman")
    await accounts.add_user("ada@example.com", PASSWORD, Role.ADMIN)
    with pytest.raises(AccountError, match="already exists"):
        await accounts.add_user("ADA@example.com", PASSWORD, Role.ADMIN)
    with pytest.raises(UserNotFound):
        await accounts.remove_user("bob@example.com")


async def test_lock_out_after_five_failures_then_released_after_the_window(
    accounts: Accounts, clock: ManualClock
) -> None:
    await accounts.add_user("ada@example.com", PASSWORD, Role.ADMIN)
    for _ in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(LoginRefused, match="wrong"):
            await accounts.login("ada@example.com", "guess-guess-guess", "10.0.0.9")
        await clock.sleep(10)
    with pytest.raises(LoginRefused, match="too many") as refused:
        await accounts.login("ada@example.com", PASSWORD, "10.0.0.9")  # even the right one
    assert refused.value.locked_until is not None
    # Another address is not locked out by this one's failures.
    assert (await accounts.login("ada@example.com", PASSWORD, "10.0.0.2")).email
    clock.at = refused.value.locked_until + timedelta(seconds=1)
    assert (await accounts.login("ada@example.com", PASSWORD, "10.0.0.9")).email


def test_lock_state_counts_only_the_window() -> None:
    old = [T0 - WINDOW - timedelta(minutes=1)] * 10
    assert lock_state(Failures(old, old), T0) is None
    recent = [T0 - timedelta(minutes=m) for m in (5, 4, 3, 2, 1)]
    assert lock_state(Failures(recent, recent), T0) == recent[0] + WINDOW
    anywhere = [T0 - timedelta(seconds=s) for s in range(20, 0, -1)]
    assert lock_state(Failures([], anywhere), T0) == anywhere[0] + WINDOW


async def test_set_password_and_remove(accounts: Accounts, clock: ManualClock) -> None:
    before = await accounts.add_user("e@example.com", PASSWORD, Role.EMPLOYEE, "priya-raman")
    await clock.sleep(60)
    after = await accounts.set_password("e@example.com", "a new long password")
    assert after.password_changed_at > before.password_changed_at  # ends old sessions
    with pytest.raises(LoginRefused):
        await accounts.login("e@example.com", PASSWORD, "1.2.3.4")
    assert (await accounts.login("e@example.com", "a new long password", "1.2.3.4")).employee_id
    await accounts.remove_user("e@example.com")
    with pytest.raises(LoginRefused):
        await accounts.login("e@example.com", "a new long password", "1.2.3.4")


async def test_tokens_are_stored_hashed_and_checked_whole(accounts: Accounts) -> None:
    user = await accounts.add_user("ada@example.com", PASSWORD, Role.ADMIN)
    token = await accounts.create_token("ada@example.com", "backup script")
    assert token.startswith("sbt_")
    found = await accounts.user_for_token(token)
    assert found is not None
    assert found.id == user.id
    assert await accounts.user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert await accounts.user_for_token("sbt_nothing_here") is None
    assert await accounts.user_for_token("Bearer whatever") is None
    await accounts.remove_user("ada@example.com")
    assert await accounts.user_for_token(token) is None
