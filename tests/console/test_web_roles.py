"""Role rules for every page and API route: an employee is refused (403) everything of the
admin's and every other employee's message and call; an admin sees everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from switchboard.domain.calls import CallOutcome
from switchboard.domain.notifications import NotificationStatus as S
from tests.console.support import (
    ADMIN,
    EMPLOYEE,
    Console,
    add_call,
    add_message,
    client_for,
    csrf_of,
    log_in,
    write_wav,
)

pytestmark = pytest.mark.entrypoint

# Priya (the employee account) owns msg-priya and call-priya; msg-marcus / call-marcus are not hers.
ADMIN_PAGES = ["/overview", "/live", "/directory", "/directory/new", "/directory/priya-raman",
               "/directory/export.yaml", "/directory/export.csv", "/setup"]  # fmt: skip
OTHERS_PAGES = ["/messages/msg-marcus", "/messages/msg-marcus/recording", "/calls/call-marcus"]
ADMIN_POSTS = ["/directory/new", "/directory/priya-raman", "/directory/priya-raman/remove",
               "/directory/import"]  # fmt: skip
OTHERS_POSTS = ["/messages/msg-marcus/resend", "/messages/msg-marcus/handled"]
ADMIN_API = [("GET", "/api/v1/overview"), ("GET", "/api/v1/calls/live"),
             ("GET", "/api/v1/directory"), ("PATCH", "/api/v1/directory/priya-raman"),
             ("GET", "/api/v1/setup")]  # fmt: skip
OTHERS_API = [("GET", "/api/v1/messages/msg-marcus"), ("GET", "/api/v1/calls/call-marcus"),
              ("GET", "/api/v1/messages/msg-marcus/recording"),
              ("POST", "/api/v1/messages/msg-marcus/resend"),
              ("POST", "/api/v1/messages/msg-marcus/handled")]  # fmt: skip


@pytest.fixture
async def seeded(console: Console) -> Console:
    assert console.voicemails is not None
    recordings = {who: write_wav(console.voicemails / f"voicemail-{who}.wav").as_uri()
                  for who in ("priya", "marcus")}  # fmt: skip
    await add_message(console.storage, "msg-priya", "priya-raman", minutes_ago=5,
                      status=S.SENT, call_id="call-priya",
                      recording_url=recordings["priya"])  # fmt: skip
    await add_message(console.storage, "msg-marcus", "marcus-bell", minutes_ago=6, status=S.SENT,
                      recording_url=recordings["marcus"])  # fmt: skip
    await add_call(console.storage, "call-priya", minutes_ago=5,
                   outcome=CallOutcome.MESSAGE_TAKEN, message_id="msg-priya")  # fmt: skip
    await add_call(console.storage, "call-marcus", minutes_ago=7, outcome=CallOutcome.TRANSFERRED,
                   attempts=[("marcus-bell", "connected")], transferred_to="marcus-bell")  # fmt: skip
    return console


@asynccontextmanager
async def employee_client(console: Console) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(console.app) as client:
        assert (await log_in(client, EMPLOYEE)).status_code == 303
        yield client


@pytest.mark.parametrize("path", ADMIN_PAGES + OTHERS_PAGES)
async def test_an_employee_is_refused_pages_not_theirs(seeded: Console, path: str) -> None:
    async with employee_client(seeded) as client:
        response = await client.get(path)
    assert response.status_code == 403, path


@pytest.mark.parametrize("path", ADMIN_POSTS + OTHERS_POSTS)
async def test_an_employee_is_refused_actions_not_theirs(seeded: Console, path: str) -> None:
    async with employee_client(seeded) as client:
        csrf = csrf_of((await client.get("/messages")).text)
        response = await client.post(path, data={"csrf_token": csrf, "name": "Mallory"},
                                     files={"file": ("x.csv", b"id,name,phone\n")})  # fmt: skip
    assert response.status_code == 403, path
    async with client_for(seeded.app) as admin:
        await log_in(admin, ADMIN)
        assert 'value="Priya Raman"' in (await admin.get("/directory/priya-raman")).text
        assert "Marked as handled" not in (await admin.get("/messages/msg-marcus")).text


@pytest.mark.parametrize("path", ["/messages", "/calls", "/me", "/messages/msg-priya",
                                  "/messages/msg-priya/recording", "/calls/call-priya"])  # fmt: skip
async def test_an_employee_sees_their_own(seeded: Console, path: str) -> None:
    async with employee_client(seeded) as client:
        response = await client.get(path)
    assert response.status_code == 200, path
    assert "msg-marcus" not in response.text
    assert "call-marcus" not in response.text


async def test_an_employees_lists_hold_only_their_own(seeded: Console) -> None:
    async with employee_client(seeded) as client:
        messages = (await client.get("/messages")).text
        calls = (await client.get("/calls")).text
        home = await client.get("/")
    assert 'data-message="msg-priya"' in messages
    assert 'data-call="call-priya"' in calls
    assert home.status_code == 303
    assert home.headers["location"] == "/messages"


@pytest.mark.parametrize("path", ADMIN_PAGES + OTHERS_PAGES + ["/messages", "/calls"])
async def test_an_admin_sees_everything(seeded: Console, path: str) -> None:
    async with client_for(seeded.app) as client:
        await log_in(client, ADMIN)
        response = await client.get(path)
    assert response.status_code == 200, path


async def _token(console: Console, email: str) -> dict[str, str]:
    return {"authorization": f"Bearer {await console.accounts.create_token(email, 'test')}"}


@pytest.mark.parametrize(("method", "path"), ADMIN_API + OTHERS_API)
async def test_the_api_refuses_an_employee_the_same(
    seeded: Console, method: str, path: str
) -> None:
    headers = await _token(seeded, EMPLOYEE)
    async with client_for(seeded.app) as client:
        body = {"status": "dnd"} if method == "PATCH" else None
        response = await client.request(method, path, headers=headers, json=body)
    assert response.status_code == 403, path


async def test_the_api_gives_an_employee_their_own(seeded: Console) -> None:
    headers = await _token(seeded, EMPLOYEE)
    async with client_for(seeded.app) as client:
        messages = (await client.get("/api/v1/messages", headers=headers)).json()
        calls = (await client.get("/api/v1/calls", headers=headers)).json()
        one = await client.get("/api/v1/calls/call-priya", headers=headers)
        audio = await client.get(messages[0]["recording"], headers=headers)
        status = await client.put("/api/v1/me/status", headers=headers, json={"status": "dnd"})
        me = (await client.get("/api/v1/me", headers=headers)).json()
    assert [m["id"] for m in messages] == ["msg-priya"]
    assert messages[0]["recording"] == "/api/v1/messages/msg-priya/recording"
    assert (audio.status_code, audio.headers["content-type"]) == (200, "audio/wav")
    assert [c["call_id"] for c in calls] == ["call-priya"]
    assert one.json()["caller_number"] == "+1******0199"  # masked
    assert one.json()["packet_loss_percent"] is None  # a call with no RTC stats: not measured
    assert status.json()["status"] == "dnd"
    assert me == {"email": EMPLOYEE, "role": "employee", "employee_id": "priya-raman"}


async def test_the_api_gives_an_admin_everything(seeded: Console) -> None:
    headers = await _token(seeded, ADMIN)
    async with client_for(seeded.app) as client:
        messages = (await client.get("/api/v1/messages", headers=headers)).json()
        edit = await client.patch("/api/v1/directory/marcus-bell", headers=headers,
                                  json={"status": "out_of_office"})  # fmt: skip
        bad = await client.patch("/api/v1/directory/marcus-bell", headers=headers,
                                 json={"status": "asleep"})  # fmt: skip
        schema = (await client.get("/openapi.json")).json()
    assert {m["id"] for m in messages} == {"msg-priya", "msg-marcus"}
    assert edit.json()["status"] == "out_of_office"
    assert bad.status_code == 422
    assert "/api/v1/messages" in schema["paths"]
    assert "/login" not in schema["paths"]


async def test_an_admin_has_no_status_of_their_own(seeded: Console) -> None:
    headers = await _token(seeded, ADMIN)
    async with client_for(seeded.app) as client:
        await log_in(client, ADMIN)
        page = await client.get("/me")
        assert "not linked to a directory employee" in page.text
        posted = await client.post("/me/status", data={"csrf_token": csrf_of(page.text),
                                                       "status": "dnd"})  # fmt: skip
        api = await client.put("/api/v1/me/status", headers=headers, json={"status": "dnd"})
    assert posted.status_code == 403
    assert api.status_code == 403
