"""`switchboard messages list|show|resend` against a real SQLite database, as a user runs them."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import NotificationStatus
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.entrypoints.cli import app
from switchboard.services.directory import demo_directory

runner = CliRunner()
S = NotificationStatus
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: the table shows whole ids
    assert runner.invoke(app, ["directory", "demo"]).exit_code == 0
    return url


def seed(url: str, message_id: str, *, age_minutes: int, status: S, urgent: bool = False) -> None:
    """A message for Priya (email + SMS in the demo directory) whose notifications are at `status`."""

    async def go() -> None:
        storage = await open_storage(url)
        at = NOW - timedelta(minutes=age_minutes)
        m = Message(
            message_id, RecipientKind.EMPLOYEE, "priya-raman", "Dana Whitfield",
            "+16125550177", "About invoice 4471", at, urgent=urgent, call_id="call-1",
        )  # fmt: skip
        notes = [n.advanced(status, at) for n in plan_notifications(m, None, demo_directory(), at)]
        await SqlAlchemyMessageOutbox(storage.engine).add(m, notes)
        await storage.dispose()

    asyncio.run(go())


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["messages", *args])
    return result.exit_code, result.output


def test_list_newest_first_with_state_and_status_filter(database: str) -> None:
    seed(database, "msg_old00000", age_minutes=90, status=S.FAILED)
    seed(database, "msg_new00000", age_minutes=5, status=S.DELIVERED, urgent=True)
    code, out = invoke("list", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert [(r["id"], r["state"]) for r in rows] == [
        ("msg_new00000", "delivered"),
        ("msg_old00000", "failed"),
    ]
    assert rows[0]["for"] == {"kind": "employee", "id": "priya-raman"}
    assert {n["channel"] for n in rows[0]["notifications"]} >= {"email", "sms"}
    code, out = invoke("list", "--json", "--status", "failed")
    assert [r["id"] for r in json.loads(out)] == ["msg_old00000"]
    code, out = invoke("list", "--json", "--since", "1h")
    assert [r["id"] for r in json.loads(out)] == ["msg_new00000"]
    code, out = invoke("list")
    assert code == 0
    assert "msg_new00000" in out
    assert "urgent" in out
    assert "+16125550177" not in out  # callback numbers are masked in the table


def test_bad_options_are_one_clear_line() -> None:
    code, out = invoke("list", "--status", "lost")
    assert code == 2
    assert "--status must be one of delivered, sent, pending" in out
    code, out = invoke("resend", "msg_x", "--channel", "fax")
    assert code == 2
    assert "--channel must be one of sms, email, local" in out
    code, out = invoke("show", "msg_missing1")
    assert code == 1
    assert "no message 'msg_missing1'" in out


def test_show_by_prefix(database: str) -> None:
    seed(database, "msg_abcd1234", age_minutes=1, status=S.SENT)
    code, out = invoke("show", "msg_abcd")
    assert code == 0, out
    assert "Dana Whitfield" in out
    assert "About invoice 4471" in out
    assert "sent" in out
    code, out = invoke("show", "msg_abcd", "--json")
    assert json.loads(out)["call_id"] == "call-1"


def test_resend_queues_new_notifications_and_refuses_in_flight(database: str) -> None:
    seed(database, "msg_fail0000", age_minutes=3, status=S.FAILED)
    seed(database, "msg_busy0000", age_minutes=2, status=S.SENDING)
    code, out = invoke("resend", "msg_fail0000", "--channel", "email")
    assert code == 0, out
    assert "queued email to priya.raman@lakeshoresupply.example" in out
    code, out = invoke("show", "msg_fail0000", "--json")
    notes = json.loads(out)["notifications"]
    queued = [n for n in notes if n["status"] == "queued"]
    assert [n["channel"] for n in queued] == ["email"]
    assert json.loads(out)["state"] == "pending"

    code, out = invoke("resend", "msg_busy0000")
    assert code == 1
    assert "still being delivered" in out
    assert "--force" in out
    code, out = invoke("resend", "msg_busy0000", "--force")
    assert code == 0
    assert "queued sms to" in out
    assert "+13125550104" not in out  # the employee's number is masked
