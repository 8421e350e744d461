"""What each page shows and does, as an admin (roles are in test_web_roles.py)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import httpx
import pytest

from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallOutcome
from switchboard.domain.notifications import NotificationStatus as S
from switchboard.domain.routing.config import RingGroup, RingStrategy
from switchboard.domain.screening import BlockList
from switchboard.services.directory import load_directory
from tests.console.support import (
    ADMIN,
    EMPLOYEE,
    Console,
    add_call,
    add_message,
    client_for,
    csrf_of,
    log_in,
)

pytestmark = pytest.mark.entrypoint


def figure(html: str, period: str, name: str) -> int:
    section = html.split(f'data-period="{period}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'data-figure="{name}">(?:<a [^>]*>)?(\d+)', section)
    assert found, (period, name)
    return int(found.group(1))


def bars(html: str, period: str, chart: str) -> dict[str, int]:
    section = html.split(f'data-period="{period}"', 1)[1].split("</section>", 1)[0]
    figure_html = section.split(f'data-chart="{chart}', 1)[1].split("</figure>", 1)[0]
    return {
        k: int(v) for k, v in re.findall(r'data-label="([^"]+)" data-value="(\d+)"', figure_html)
    }


async def test_overview_counts_each_period_in_the_company_timezone(console: Console) -> None:
    s = console.storage
    # NOW is 12:00 in Chicago: 11 h ago is today there, 13 h ago is yesterday.
    await add_call(s, "c1", minutes_ago=60, outcome=CallOutcome.TRANSFERRED,
                   attempts=[("marcus-bell", "no_answer"), ("priya-raman", "connected")])  # fmt: skip
    await add_call(s, "c2", minutes_ago=11 * 60, outcome=CallOutcome.MESSAGE_TAKEN,
                   attempts=[("priya-raman", "declined")])  # fmt: skip
    await add_call(s, "c3", minutes_ago=13 * 60, outcome=CallOutcome.MESSAGE_TAKEN)
    await add_call(s, "c4", minutes_ago=3 * 24 * 60, outcome=CallOutcome.INFO_ONLY,
                   attempts=[("priya-raman", "busy")])  # fmt: skip
    await add_call(s, "c5", minutes_ago=20 * 24 * 60, outcome=CallOutcome.TRANSFERRED,
                   attempts=[("priya-raman", "connected")])  # fmt: skip
    await add_call(s, "c6", minutes_ago=40 * 24 * 60, outcome=CallOutcome.TRANSFERRED)  # too old
    await add_message(s, "m1", "priya-raman", minutes_ago=30, status=S.QUEUED)  # waiting
    await add_message(s, "m2", "priya-raman", minutes_ago=14 * 60, status=S.FAILED)  # undelivered
    await add_message(s, "m3", "priya-raman", minutes_ago=15, status=S.DELIVERED)
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        html = (await client.get("/")).text
    assert figure(html, "today", "calls") == 2
    assert figure(html, "7 days", "calls") == 4
    assert figure(html, "30 days", "calls") == 5
    assert [figure(html, "today", k) for k in ("accepted", "declined", "unanswered")] == [1, 1, 1]
    assert [figure(html, "7 days", k) for k in ("accepted", "declined", "unanswered")] == [1, 1, 2]
    assert [figure(html, "30 days", k) for k in ("accepted", "declined", "unanswered")] == [2, 1, 2]
    assert (figure(html, "today", "waiting"), figure(html, "today", "undelivered")) == (1, 0)
    assert (figure(html, "7 days", "waiting"), figure(html, "7 days", "undelivered")) == (1, 1)
    assert bars(html, "30 days", "Calls by outcome") == {
        "transferred": 2, "message_taken": 2, "info_only": 1,
    }  # fmt: skip
    assert bars(html, "today", "Transfers") == {"accepted": 1, "declined": 1, "unanswered": 1}
    assert "Times are America/Chicago." in html


async def test_messages_filter_detail_resend_and_mark_handled(console: Console) -> None:
    await add_message(console.storage, "msg-fail", "priya-raman", minutes_ago=10, status=S.FAILED,
                      text="About invoice 4471")  # fmt: skip
    await add_message(console.storage, "msg-ok", "marcus-bell", minutes_ago=20, status=S.DELIVERED)
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        failed = (await client.get("/messages", params={"state": "undelivered"})).text
        assert 'data-message="msg-fail"' in failed
        assert 'data-message="msg-ok"' not in failed
        found = (await client.get("/messages", params={"q": "invoice 4471"})).text
        assert 'data-message="msg-fail"' in found
        assert 'data-message="msg-ok"' not in found
        detail = (await client.get("/messages/msg-fail")).text
        assert 'data-channel="email"' in detail
        assert 'data-channel="sms"' in detail
        assert "failed" in detail
        csrf = csrf_of(detail)
        resent = await client.post("/messages/msg-fail/resend", data={"csrf_token": csrf},
                                   follow_redirects=True)  # fmt: skip
        assert "Queued again by" in resent.text
        assert resent.text.count("queued") >= 2  # the new notifications on the timeline
        again = await client.post("/messages/msg-fail/resend", data={"csrf_token": csrf},
                                  follow_redirects=True)  # fmt: skip
        assert "Not resent:" in again.text  # in flight already: no double send
        handled = await client.post("/messages/msg-fail/handled", data={"csrf_token": csrf},
                                    follow_redirects=True)  # fmt: skip
        assert f"by {ADMIN}" in handled.text
        open_ones = (await client.get("/messages", params={"handled": "no"})).text
        assert 'data-message="msg-fail"' not in open_ones
        assert (await client.get("/messages/nope")).status_code == 404


async def test_call_detail_shows_transcript_attempts_and_outcome(console: Console) -> None:
    quality = CallQuality(packets_received=997, packets_lost=3, jitter_ms_mean=4.2,
                          jitter_ms_max=18.0, round_trip_ms_mean=41.0, round_trip_ms_max=60.0)  # fmt: skip
    await add_call(console.storage, "call-1", minutes_ago=5, outcome=CallOutcome.TRANSFERRED,
                   attempts=[("marcus-bell", "declined"), ("priya-raman", "connected")],
                   transferred_to="priya-raman", quality=quality,
                   verstat="TN-Validation-Passed-A")  # fmt: skip
    await add_call(console.storage, "call-live", minutes_ago=1, outcome=None)
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        listing = (await client.get("/calls", params={"outcome": "transferred"})).text
        detail = (await client.get("/calls/call-1")).text
        live = (await client.get("/live")).text
    assert 'data-call="call-1"' in listing
    assert 'data-call="call-live"' not in listing
    assert "I need Priya about invoice 4471" in detail
    assert "Marcus Bell</td><td>declined" in detail
    assert "Priya Raman</td><td>connected" in detail
    assert "none received" in detail  # no Twilio status callback for this call
    assert "loss 0.3% jitter 4/18 ms rtt 41 ms" in detail  # the SIP leg's RTC stats
    assert "TN-Validation-Passed-A" in detail
    assert "+1******0199" in detail
    assert "+13125550199" not in detail
    assert 'data-call="call-live"' in live
    assert 'data-call="call-1"' not in live
    assert '<script src="/static/refresh.js"' in live


async def test_directory_edit_shows_in_the_directory(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        form = (await client.get("/directory/priya-raman")).text
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        fields.update(title="Chief Controller", status="dnd", hours="mon=08:00-12:00")
        saved = await client.post("/directory/priya-raman", data=fields, follow_redirects=True)
        assert "Saved priya-raman." in saved.text
        bad = await client.post("/directory/priya-raman", data=fields | {"phone": "12"})
        assert bad.status_code == 400
        assert "phone" in bad.text
    employee = (await load_directory(console.storage.unit_of_work)).employee("priya-raman")
    assert employee is not None
    assert (employee.title, employee.status.value) == ("Chief Controller", "dnd")
    assert employee.hours is not None


async def _import(client: httpx.AsyncClient, name: str, body: bytes) -> httpx.Response:
    csrf = csrf_of((await client.get("/directory")).text)
    return await client.post("/directory/import", data={"csrf_token": csrf},
                             files={"file": (name, body, "text/csv")}, follow_redirects=True)  # fmt: skip


async def test_a_bad_csv_shows_its_row_errors_and_changes_nothing(console: Console) -> None:
    before = await load_directory(console.storage.unit_of_work)
    bad = (b"id,name,phone,status\nnew-person,New Person,+13125550123,available\n"
           b"priya-raman,Priya Raman,not a number,available\n")  # fmt: skip
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        response = await _import(client, "people.csv", bad)
        assert response.status_code == 400
        assert "Nothing was imported" in response.text
        assert "row 3 (id=priya-raman): phone" in response.text
        assert (await load_directory(console.storage.unit_of_work)) == before
        good = b"id,name,phone\nnew-person,New Person,+13125550123\n"
        assert "Imported 1 employee and " in (await _import(client, "people.csv", good)).text
        exported = await client.get("/directory/export.csv")
        assert "new-person" in exported.text
        wrong_type = await _import(client, "people.txt", good)
        assert "unsupported file type" in wrong_type.text
        gone = await client.post(
            "/directory/nobody/remove",
            data={"csrf_token": csrf_of((await client.get("/directory")).text)},
        )
        assert gone.status_code == 404


async def test_the_csv_export_imports_back_and_a_grouped_employee_is_not_removed(
    console: Console,
) -> None:
    uow = console.storage.unit_of_work
    before = await load_directory(uow)
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        assert (
            '<p id="blocked">The directory blocks nobody.</p>'
            in (await client.get("/directory")).text
        )
        exported = await client.get("/directory/export.csv")
        header, *rows = list(csv.reader(io.StringIO(exported.text)))
        assert header[:3] == ["kind", "id", "name"]
        for row in rows:  # what a spreadsheet user does: give IT a hunt group
            if row[:2] == ["department", "it"]:
                row[header.index("ring")] = "hunt"
                row[header.index("ring_members")] = "raj-patel;wei-chan"
        rows.append(["blocked" if c == "kind" else "+1900" if c == "phone" else "" for c in header])
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        response = await _import(client, "directory.csv", out.getvalue().encode())
        assert (
            "Imported 30 employees and 8 departments; 1 blocked number or prefix." in response.text
        )
        assert '<p id="blocked">The directory blocks nobody.</p>' not in response.text
        assert '<ul id="blocked"><li><code>+1900</code></li></ul>' in response.text
        after = await load_directory(uow)
        assert after == replace(
            before,
            departments=tuple(
                replace(d, ring=RingGroup(RingStrategy.HUNT, members=("raj-patel", "wei-chan")))
                if d.id == "it"
                else d
                for d in before.departments
            ),
            blocked=BlockList(("+1900",)),
        )
        refused = await client.post(
            "/directory/wei-chan/remove",
            data={"csrf_token": csrf_of((await client.get("/directory")).text)},
        )
        assert refused.status_code == 409
        assert "still in a ring group or on-call rota: department it" in refused.text
    assert (await load_directory(uow)).employee("wei-chan") is not None


async def test_setup_shows_doctor_results_and_runs_it_once(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        first = (await client.get("/setup")).text
        await client.get("/setup")
        assert len(console.doctor_runs) == 1
        await client.get("/setup", params={"refresh": "1"})
        assert len(console.doctor_runs) == 2
    assert 'data-check="twilio.credentials"' in first
    assert "set TWILIO_*" in first


async def test_an_employee_sets_their_own_status(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, EMPLOYEE)
        page = await client.get("/me")
        done = await client.post("/me/status", data={"csrf_token": csrf_of(page.text),
                                                     "status": "out_of_office"},
                                 follow_redirects=True)  # fmt: skip
        assert "out of office" in done.text
        odd = await client.post("/me/status", data={"csrf_token": csrf_of(page.text),
                                                    "status": "asleep"}, follow_redirects=True)  # fmt: skip
        assert "Unknown status" in odd.text
    employee = (await load_directory(console.storage.unit_of_work)).employee("priya-raman")
    assert employee is not None
    assert employee.status.value == "out_of_office"


async def test_static_assets_are_served_from_the_package(console: Console) -> None:
    async with client_for(console.app) as client:
        css = await client.get("/static/console.css")
        js = await client.get("/static/refresh.js")
        await log_in(client, ADMIN)
        html = (await client.get("/")).text
    assert css.status_code == js.status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from elsewhere


async def test_add_an_employee_and_remove_them(console: Console) -> None:
    async with client_for(console.app) as client:
        await log_in(client, ADMIN)
        form = await client.get("/directory/new")
        fields = {"csrf_token": csrf_of(form.text), "id": "kim-lee", "name": "Kim Lee",
                  "phone": "(312) 555-0188", "status": "available", "department": "billing"}  # fmt: skip
        added = await client.post("/directory/new", data=fields, follow_redirects=True)
        assert "Added kim-lee." in added.text
        again = await client.post("/directory/new", data=fields)
        assert again.status_code == 400
        assert "already exists" in again.text
        bad = await client.post(
            "/directory/new", data=fields | {"id": "Kim Lee!", "department": "nowhere"}
        )
        assert bad.status_code == 400
        assert "id" in bad.text
        unknown = await client.post(
            "/directory/new", data=fields | {"id": "kim-two", "department": "nowhere"}
        )
        assert "unknown department" in unknown.text
        removed = await client.post("/directory/kim-lee/remove", data={"csrf_token": fields["csrf_token"]},
                                    follow_redirects=True)  # fmt: skip
        assert "Removed kim-lee." in removed.text
    directory = await load_directory(console.storage.unit_of_work)
    assert directory.employee("kim-lee") is None
    assert directory.employee("kim-two") is None
