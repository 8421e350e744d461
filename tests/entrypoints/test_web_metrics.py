"""/metrics and the access log: latency by route template and status, outbox counts read from the
database at scrape time, an optional bearer token, one masked JSON line per request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.support.webhook_world import CALLER, World, build, signed_post

from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_stats import OutboxStats, SqlAlchemyMessageStats
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.logs import configure_logging


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, frozenset(s.labels.items()))] = s.value
    return found


def client_for(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://10.0.0.7:8080")


async def test_requests_are_counted_by_route_template_and_status() -> None:
    async with client_for(build(World())) as client:
        ok = await signed_post(
            client, "/twilio/status", {"MessageSid": "SM1", "MessageStatus": "sent"}
        )
        assert ok.status_code == 204
        forged = await client.post("/twilio/status", data={"MessageSid": "SM1"})
        assert forged.status_code == 403
        await client.get("/nowhere/path-xyzzy")  # unmatched paths share one label
        text = (await client.get("/metrics")).text
    found = samples(text)
    count = "switchboard_http_request_duration_seconds_count"
    assert (
        found[
            (count, frozenset({("method", "POST"), ("route", "/twilio/status"), ("status", "204")}))
        ]
        == 1
    )
    assert (
        found[
            (count, frozenset({("method", "POST"), ("route", "/twilio/status"), ("status", "403")}))
        ]
        == 1
    )
    assert (
        found[(count, frozenset({("method", "GET"), ("route", "unmatched"), ("status", "404")}))]
        == 1
    )
    assert "xyzzy" not in text  # (a digit string could occur inside a sample value)


async def test_metrics_token_is_required_when_configured() -> None:
    app = build(World(), metrics_token="s3cret-token")
    async with client_for(app) as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert right.status_code == 200
        assert "switchboard_outbox_depth" in right.text


async def test_a_failing_database_count_does_not_break_the_scrape() -> None:
    async def broken(now: datetime) -> OutboxStats:
        raise ConnectionError("database down")

    async with client_for(build(World(), {"stats": broken})) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert samples(response.text)[("switchboard_metrics_database_errors_total", frozenset())] == 1


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def test_outbox_counts_come_from_the_database(storage: Storage) -> None:
    now = datetime.now(UTC)
    directory = Directory(
        company=CompanyProfile(name="Acme"),
        employees=(Employee("ann", "Ann", "+13125550101", email="a@x.test", sms="+13125550112"),),
    )
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    for i in range(3):
        m = Message(f"m{i}", RecipientKind.EMPLOYEE, "ann", "Bob", None, "Hi", now)
        notes = plan_notifications(m, None, directory, now - timedelta(seconds=1))
        if i == 0:
            notes = tuple(n.advanced(NotificationStatus.DELIVERED, now) for n in notes)
        await outbox.add(m, notes)
    stats_fn = SqlAlchemyMessageStats(storage.engine).outbox_stats
    stats = await stats_fn(now)
    assert stats.by_channel_status == {
        ("email", "queued"): 2,
        ("sms", "queued"): 2,
        ("email", "delivered"): 1,
        ("sms", "delivered"): 1,
    }
    assert stats.due == 4
    async with client_for(build(World(), {"stats": stats_fn})) as client:
        found = samples((await client.get("/metrics")).text)
    assert found[("switchboard_outbox_depth", frozenset())] == 4
    key = ("switchboard_notifications", frozenset({("channel", "sms"), ("status", "delivered")}))
    assert found[key] == 1


async def test_one_masked_access_line_per_request(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    async with client_for(build(World(), trust_forwarded_headers=True)) as client:
        await signed_post(
            client,
            "/twilio/sms",
            {"MessageSid": "SM5", "From": CALLER, "To": "+13125550100", "Body": "hi"},
        )
        await client.get(f"/nothing/{CALLER}", headers={"X-Forwarded-For": "203.0.113.9"})
        await client.get("/healthz")  # probes are logged at DEBUG only
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    access = [x for x in lines if x.get("logger") == "switchboard.access"]
    assert [(x["method"], x["route"], x["status"]) for x in access] == [
        ("POST", "/twilio/sms", 200),
        ("GET", "unmatched", 404),
    ]
    assert access[1]["client"] == "203.0.113.9"
    assert CALLER not in json.dumps(access)  # the number in the path is masked
    assert all(isinstance(x["duration_ms"], float) for x in access)
