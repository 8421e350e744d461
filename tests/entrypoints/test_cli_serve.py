"""`switchboard serve` for real: uvicorn on a free port, SQLite, signed Twilio requests, the
notification loop in the same process. And `switchboard worker` delivering what is queued."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.bootstrap import Application, bootstrap
from switchboard.domain.directory import EmployeeStatus
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.messages.delivery import StoredMessage
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.entrypoints.cli.serve import run_worker, serve_app
from switchboard.fakes.serving import free_port
from switchboard.ports.calls import MessageRequest
from switchboard.services.directory import load_directory, seed_demo_if_empty
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.settings import Settings, SettingsError

TOKEN = "a" * 32
CALLER = "+16125550177"
PRIYA_SMS = "+13125550104"  # Priya Raman's SMS number in the demo directory


def settings_for(tmp_path: Path, port: int, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}",
        twilio_auth_token=TOKEN,
        webhook_base_url=f"http://127.0.0.1:{port}",
        notification_poll_seconds=0.05,
        **extra,
    )


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Application, httpx.AsyncClient]]:
    port = free_port()
    app = await bootstrap(settings_for(tmp_path, port), configure_logs=False)
    await seed_demo_if_empty(app.unit_of_work)
    serving = asyncio.create_task(serve_app(app, host="127.0.0.1", port=port, worker=True))
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(300):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.02)
        yield app, client
    serving.cancel()  # what SIGINT does to uvicorn's serve, minus the signal
    with pytest.raises(asyncio.CancelledError):
        await serving
    await app.close()


async def post(client: httpx.AsyncClient, path: str, params: dict[str, str]) -> httpx.Response:
    url = f"{client.base_url}{path}"
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    return await client.post(path, data=params, headers={"X-Twilio-Signature": signature})


async def eventually_stored(app: Application, text: str) -> StoredMessage:
    queries = SqlAlchemyMessageQueries(app.storage.engine)
    for _ in range(200):
        async for stored in queries.newest():
            if text in stored.message.text or text in (stored.message.recording_url or ""):
                return stored
        await asyncio.sleep(0.05)
    raise AssertionError(f"no message containing {text!r}")


async def test_ready_and_forged_requests_refused(
    served: tuple[Application, httpx.AsyncClient],
) -> None:
    _, client = served
    assert (await client.get("/readyz")).json() == {"status": "ready"}
    forged = await client.post(
        "/twilio/sms",
        data={"MessageSid": "SM1", "From": PRIYA_SMS, "Body": "AWAY"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged.status_code == 403


async def test_employee_texts_away_and_the_directory_changes(
    served: tuple[Application, httpx.AsyncClient],
) -> None:
    app, client = served
    params = {"MessageSid": "SM100", "From": PRIYA_SMS, "To": "+13125550100", "Body": "away"}
    reply = await post(client, "/twilio/sms", params)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/xml")
    assert "You are now away" in reply.text
    async with app.unit_of_work() as uow:
        priya = await uow.directory.get_employee("priya-raman")
    assert priya is not None
    assert priya.status is EmployeeStatus.OUT_OF_OFFICE
    again = await post(client, "/twilio/sms", params)  # Twilio's retry: no second reply
    assert "You are now away" not in again.text


async def test_voicemail_becomes_a_front_desk_message_and_is_delivered_locally(
    served: tuple[Application, httpx.AsyncClient], tmp_path: Path
) -> None:
    app, client = served
    call = {"CallSid": "CA900", "From": CALLER, "To": "+13125550100"}
    fallback = await post(client, "/twilio/voice-fallback", call)
    assert fallback.status_code == 200
    assert "<Record" in fallback.text
    recording = {
        "CallSid": "CA900",
        "RecordingSid": "RE900",
        "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/rec/RE900",
        "RecordingDuration": "12",
    }
    done = await post(client, "/twilio/recording", recording)
    assert done.status_code in (200, 204)
    stored = await eventually_stored(app, "RE900")
    assert stored.message.recipient_id == "front-desk"
    assert stored.message.callback_number == CALLER
    assert stored.message.recording_url == "https://api.twilio.com/rec/RE900"
    assert "https://" not in stored.message.text  # linked, not written into the text
    # No SMTP or Twilio SMS configured: the real channels fail at once and the local outbox gets it.
    outbox = tmp_path / "data" / "outbox.jsonl"
    for _ in range(200):
        if outbox.exists() and "RE900" in outbox.read_text(encoding="utf-8"):
            break
        await asyncio.sleep(0.05)
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert any("RE900" in json.dumps(line) for line in lines)


async def test_serve_refuses_to_start_unable_to_check_signatures(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, free_port()).model_copy(update={"twilio_auth_token": None})
    app = await bootstrap(settings, configure_logs=False)
    try:
        with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
            await serve_app(app, host="127.0.0.1", port=free_port(), worker=False)
    finally:
        await app.close()


async def test_worker_alone_delivers_and_stops(tmp_path: Path) -> None:
    app = await bootstrap(settings_for(tmp_path, free_port()), configure_logs=False)
    await seed_demo_if_empty(app.unit_of_work)

    async def directory() -> Any:
        return await load_directory(app.unit_of_work)

    desk = OutboxMessageDesk(SqlAlchemyMessageOutbox(app.storage.engine), directory, app.clock)
    await desk.take_message(
        MessageRequest(
            call_id="call-7",
            recipient_kind="employee",
            recipient_id="priya-raman",
            caller_name="Sam Ortiz",
            callback_number=CALLER,
            text="Please call about PO 5521",
        )
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(app, stop))
    stored = await eventually_stored(app, "PO 5521")

    def delivered_locally(notes: Any) -> bool:
        # SMS and email are not configured, so they fail and the message falls back to the
        # local outbox; done once that fallback has been written (not merely queued).
        return any(n.channel.value == "local" and n.status.value == "sent" for n in notes)

    for _ in range(200):
        stored = await eventually_stored(app, "PO 5521")
        if delivered_locally(stored.notifications):
            break
        await asyncio.sleep(0.05)
    stop.set()
    stats = await asyncio.wait_for(task, timeout=5)
    assert stats.handled >= 2
    assert delivered_locally(stored.notifications), stored.notifications
    assert all(n.status.is_final or n.channel.value == "local" for n in stored.notifications)
    await app.close()


async def test_status_callbacks_move_the_notification_forward_once(
    served: tuple[Application, httpx.AsyncClient],
) -> None:
    app, client = served
    outbox = SqlAlchemyMessageOutbox(app.storage.engine)
    now = app.clock.now()
    message = Message("msg_status1", RecipientKind.EMPLOYEE, "priya-raman", "Lee", None, "hi", now)
    # Already handed to Twilio (not due for the worker): only callbacks move it now.
    sent = Notification(
        "msg_status1.sms.0", message.id, Channel.SMS, PRIYA_SMS, now, now,
        status=NotificationStatus.SENT, provider_id="SM777",
    )  # fmt: skip
    await outbox.add(message, [sent])
    for status in ("delivered", "sent", "delivered"):  # out of order, and a retry
        params = {"MessageSid": "SM777", "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
        assert (await post(client, "/twilio/status", params)).status_code == 204
    (after,) = await outbox.notifications_of(message.id)
    assert after.status is NotificationStatus.DELIVERED


async def test_call_status_callbacks_reach_the_call_record(
    served: tuple[Application, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call the agent recorded (with the SIP participant's Twilio call SID) and Twilio's call
    status callbacks for it, out of order: `switchboard calls local` shows where Twilio says the
    call ended, and its JSON the whole carrier history."""
    from typer.testing import CliRunner

    from switchboard.domain.calls import CallContext, CallOutcome
    from switchboard.entrypoints.cli import app as cli
    from switchboard.services.call_records import CallLog

    app, client = served
    sid = "CA" + "5" * 32
    context = CallContext("room-1", "room-1", "sip_caller", CALLER, "+13125550100", sid)
    log = CallLog(context, app.clock)
    log.finish(CallOutcome.MESSAGE_TAKEN, end_reason="caller said goodbye")
    await log.save(app.unit_of_work)
    for status, duration in (("completed", "42"), ("ringing", None), ("in-progress", None)):
        params = {"CallSid": sid, "CallStatus": status, "AccountSid": "AC" + "0" * 32}
        if duration:
            params["CallDuration"] = duration
        assert (await post(client, "/twilio/status", params)).status_code == 204

    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(app.settings.data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    table = await asyncio.to_thread(runner.invoke, cli, ["calls", "local"])
    assert table.exit_code == 0, table.output
    assert "completed 42s" in table.output
    listed = await asyncio.to_thread(runner.invoke, cli, ["calls", "local", "--json"])
    (record,) = json.loads(listed.output)
    assert record["twilio_call_sid"] == sid
    assert [c["status"] for c in record["carrier"]] == ["completed", "ringing", "in-progress"]
