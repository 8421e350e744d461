"""Signing in and out: redirects, wrong passwords, lock-out, CSRF, cookies, headers, expiry."""

from __future__ import annotations

import pytest

from switchboard.settings import SettingsError
from tests.console.support import ADMIN, PASSWORD, Console, client_for, csrf_of, log_in
from tests.support.webhook_world import World, build

pytestmark = pytest.mark.entrypoint

PAGES = ["/", "/overview", "/messages", "/calls", "/live", "/directory", "/setup", "/me"]


@pytest.mark.parametrize("path", PAGES)
async def test_logged_out_every_page_redirects_to_login(console: Console, path: str) -> None:
    async with client_for(console.app) as client:
        response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_api_without_a_token_is_401(console: Console) -> None:
    async with client_for(console.app) as client:
        response = await client.get("/api/v1/messages")
        bad = await client.get("/api/v1/messages", headers={"authorization": "Bearer sbt_x_y"})
    assert response.status_code == 401
    assert bad.status_code == 401


async def test_log_in_see_the_console_and_log_out(console: Console) -> None:
    async with client_for(console.app) as client:
        response = await log_in(client, ADMIN)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "switchboard_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Max-Age=43200" in cookie  # CONSOLE_SESSION_HOURS=12
        assert "Secure" not in cookie  # development default
        home = await client.get("/")
        assert home.status_code == 200
        assert "Overview" in home.text
        out = await client.post("/logout", data={"csrf_token": csrf_of(home.text)})
        assert out.status_code == 303
        assert (await client.get("/")).status_code == 303


async def test_wrong_password_is_refused_without_saying_which(console: Console) -> None:
    async with client_for(console.app) as client:
        wrong = await log_in(client, ADMIN, "not the password")
        unknown = await log_in(client, "who@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.text
    assert "Wrong email or password." in unknown.text
    assert "switchboard_session" not in wrong.headers.get("set-cookie", "")


async def test_lock_out_after_repeated_failures(console: Console) -> None:
    async with client_for(console.app) as client:
        for _ in range(5):
            assert (await log_in(client, ADMIN, "guessing-again")).status_code == 401
        locked = await log_in(client, ADMIN, PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.text
        await console.clock.sleep(16 * 60)
        assert (await log_in(client, ADMIN, PASSWORD)).status_code == 303


async def test_login_needs_its_form_token(console: Console) -> None:
    async with client_for(console.app) as client:
        response = await client.post("/login", data={"email": ADMIN, "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.text


async def test_a_post_without_the_csrf_token_changes_nothing(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        response = await client.post("/directory/priya-raman", data={"name": "Mallory"})
        assert response.status_code == 403
        page = await client.get("/directory/priya-raman")
    assert 'value="Priya Raman"' in page.text


async def test_security_headers_on_pages_not_on_webhooks(console: Console) -> None:
    async with client_for(console.app) as client:
        page = await client.get("/login")
        webhook = await client.post("/twilio/status", data={})
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text
    assert " style=" not in page.text
    assert "content-security-policy" not in webhook.headers


async def test_an_expired_or_tampered_session_is_refused(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itsdangerous.timed as timed

    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        real = timed.time.time()
        monkeypatch.setattr(timed.time, "time", lambda: real + 13 * 3600)
        assert (await client.get("/")).status_code == 303
        monkeypatch.undo()
        cookie = client.cookies["switchboard_session"]
        client.cookies.set("switchboard_session", cookie[:-2] + "xx")
        assert (await client.get("/")).status_code == 303


async def test_a_new_password_ends_old_sessions(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        assert (await client.get("/")).status_code == 200
        await console.clock.sleep(5)
        await console.accounts.set_password(ADMIN, "another long password")
        assert (await client.get("/")).status_code == 303


def test_production_needs_a_session_secret() -> None:
    with pytest.raises(SettingsError, match="CONSOLE_SESSION_SECRET: required in production"):
        build(World(), {"console": object()}, env="production",
              webhook_base_url="https://sb.example.com")  # fmt: skip
