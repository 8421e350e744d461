"""`switchboard doctor`, `trunks status`, `webhook test`, `sip events` and `calls` end to end.

Settings come from the environment exactly as for a user; the providers are the two fakes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from tests.services.doctor_support import Snapshot, WebhookServer, running_webhook_server
from tests.services.provisioning_world import NUMBER, SIP_URI, World, apply_for, running_world
from typer.testing import CliRunner

from switchboard.adapters.sqlalchemy import open_storage, upgrade_database
from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.entrypoints.cli.calls import calls_app
from switchboard.entrypoints.cli.diagnostics import register, sip_app, trunks_app, webhook_app
from switchboard.entrypoints.cli.doctor import doctor_command
from switchboard.fakes.livekit import simulate_inbound_call
from switchboard.services.doctor import CHECKS

runner = CliRunner()
CALLER = "+13125550142"


def _app() -> typer.Typer:
    # The lines the lead adds to entrypoints/cli/__init__.py, on a local app.
    app = typer.Typer()
    app.command("doctor")(doctor_command)
    app.add_typer(trunks_app, name="trunks")
    app.add_typer(webhook_app, name="webhook")
    app.add_typer(sip_app, name="sip")
    register(calls_app)
    app.add_typer(calls_app, name="calls")
    return app


APP = _app()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("cli-doctor")
    url = f"sqlite+aiosqlite:///{root / 'switchboard.db'}"
    asyncio.run(upgrade_database(url))
    with running_world() as world, running_webhook_server(world.twilio.auth_token) as hook:
        world.reset()
        report = asyncio.run(apply_for(world.settings(root, webhook_base_url=hook.base_url)))
        assert report.ok, report.error
        yield {
            "world": world,
            "hook": hook,
            "db": url,
            "data": root,
            "snapshot": Snapshot.take(world, root),
        }


@pytest.fixture
def world(env: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    world: World = env["world"]
    env["snapshot"].restore(world)
    hook: WebhookServer = env["hook"]
    hook.token, hook.validate = world.twilio.auth_token, True
    monkeypatch.chdir(tmp_path)  # no .env or switchboard.yaml unless a test writes one
    variables = {
        "TWILIO_ACCOUNT_SID": world.twilio.account_sid,
        "TWILIO_AUTH_TOKEN": world.twilio.auth_token,
        "TWILIO_API_BASE_URL": world.twilio.base_url,
        "TWILIO_PHONE_NUMBER": NUMBER,
        "LIVEKIT_URL": world.livekit.url,
        "LIVEKIT_API_KEY": world.livekit.api_key,
        "LIVEKIT_API_SECRET": world.livekit.api_secret,
        "TRANSFER_MERGE_STRATEGY": "move",  # as the world was set up
        "LIVEKIT_SIP_URI": SIP_URI,
        "SWITCHBOARD_DATA_DIR": str(env["data"]),
        "DATABASE_URL": env["db"],
        "WEBHOOK_BASE_URL": hook.base_url,
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return world


def doctor_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(APP, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_doctor_on_a_correct_setup_exits_0(world: World) -> None:
    result = runner.invoke(APP, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "switchboard doctor" in result.output
    assert f"{len(CHECKS)} ok, 0 warn, 0 fail" in result.output


def test_doctor_json_names_the_failure_and_its_fix_and_exits_1(world: World) -> None:
    world.livekit.state.dispatch_rules.clear()
    code, document = doctor_json()
    assert code == 1
    assert document["status"] == "fail"
    (bad,) = [c for c in document["checks"] if c["status"] == "fail"]
    assert bad["name"] == "livekit.dispatch_rule"
    assert "switchboard setup apply" in bad["fix"]


def test_warnings_alone_exit_0(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_BASE_URL")
    code, document = doctor_json()
    assert (code, document["status"]) == (0, "warn")
    assert {c["name"] for c in document["checks"] if c["status"] == "warn"} == {"settings"}


def test_malformed_settings_are_a_failed_check_not_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_PHONE_NUMBER", "555-0100")
    code, document = doctor_json()
    assert code == 1
    (only,) = document["checks"]
    assert only["name"] == "settings"
    assert "TWILIO_PHONE_NUMBER" in only["summary"]


def test_a_bad_setup_file_fails_and_the_rest_still_runs(world: World, tmp_path: Path) -> None:
    (tmp_path / "switchboard.yaml").write_text("tls: maybe\n")
    code, document = doctor_json()
    assert code == 1
    names = [c["name"] for c in document["checks"] if c["status"] == "fail"]
    assert names == ["switchboard.yaml"]
    assert len(document["checks"]) == len(CHECKS) + 1  # every check, and the file's own row


def test_an_unknown_twilio_edge_is_a_setup_file_failure(world: World, tmp_path: Path) -> None:
    (tmp_path / "switchboard.yaml").write_text("twilio_edges: [virginia]\n")
    code, document = doctor_json()
    assert code == 1
    [row] = [c for c in document["checks"] if c["status"] == "fail"]
    assert row["name"] == "switchboard.yaml"
    assert "unknown edge(s) 'virginia'; valid: ashburn, umatilla" in row["summary"]


def test_trunks_status_side_by_side(world: World) -> None:
    result = runner.invoke(APP, ["trunks", "status"])
    assert result.exit_code == 0, result.output
    assert "switchboard-trunk" in result.output
    assert "✗" not in result.output
    (trunk,) = world.livekit.state.outbound_trunks.values()
    trunk.address = "elsewhere.pstn.twilio.com"
    result = runner.invoke(APP, ["trunks", "status"])
    assert result.exit_code == 1
    assert "elsewhere.pstn.twilio.com" in result.output
    assert "✗" in result.output


def test_trunks_status_with_a_wrong_token_explains_instead_of_crashing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token-1")
    result = runner.invoke(APP, ["trunks", "status"])
    assert result.exit_code == 1
    assert "TWILIO_AUTH_TOKEN" in result.output
    assert "Traceback" not in result.output


def test_webhook_test_signed_and_unsigned(world: World, env: dict[str, Any]) -> None:
    result = runner.invoke(APP, ["webhook", "test", "/twilio/status"])
    assert result.exit_code == 0, result.output
    assert "signed POST" in result.output
    assert "→ 204 in" in result.output
    assert "ms" in result.output
    result = runner.invoke(APP, ["webhook", "test", "/twilio/status", "--unsigned"])
    assert result.exit_code == 0, result.output
    assert "→ 403" in result.output


def test_webhook_test_with_the_wrong_token_exits_1(world: World, env: dict[str, Any]) -> None:
    env["hook"].token = "the-server-uses-another-token"
    result = runner.invoke(APP, ["webhook", "test", "/twilio/status", "-p", "CallSid=CA1"])
    assert result.exit_code == 1
    assert "→ 403" in result.output


def test_webhook_test_unreachable_and_bad_params(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(APP, ["webhook", "test", "/x", "-p", "novalue"]).exit_code == 2
    monkeypatch.setenv("WEBHOOK_BASE_URL", "http://127.0.0.1:1")
    result = runner.invoke(APP, ["webhook", "test"])
    assert result.exit_code == 1
    assert "no answer" in result.output


def test_sip_events_lists_the_callers_in_active_rooms(world: World) -> None:
    call = simulate_inbound_call(world.livekit.state, CALLER, NUMBER)
    result = runner.invoke(APP, ["sip", "events", "--json"])
    assert result.exit_code == 0, result.output
    (event,) = json.loads(result.stdout)
    assert event["room"] == call.room
    assert event["attributes"]["sip.phoneNumber"] == CALLER
    table = runner.invoke(APP, ["sip", "events"], env={"COLUMNS": "250"})
    assert CALLER not in table.output  # masked on screen, in the room name too
    assert call.room.replace(CALLER, "+1******0142") in table.output


async def _save(url: str, record: CallRecord) -> None:
    storage = await open_storage(url)
    try:
        async with storage.unit_of_work() as uow:
            await uow.calls.save(record)
            await uow.commit()
    finally:
        await storage.dispose()


def test_calls_joins_twilio_calls_with_local_records(world: World, env: dict[str, Any]) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    seeded = world.twilio.state.seed_call(NUMBER, CALLER, start_time=start)
    world.twilio.state.seed_call(NUMBER, "+13125550999", start_time=start, status="busy")
    record = CallRecord(
        call_id="room-joined",
        started_at=start + timedelta(seconds=3),
        caller_number=CALLER,
        dialed_number=NUMBER,
        ended_at=start + timedelta(seconds=40),
        outcome=CallOutcome.MESSAGE_TAKEN,
        events=(CallEvent(start, "greeting", {}),),
    )
    asyncio.run(_save(env["db"], record))
    result = runner.invoke(APP, ["calls", "--since", "1h"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if seeded["sid"] in row)
    assert "room-joined" in line
    assert "message_taken" in line
    busy = runner.invoke(APP, ["calls", "--status", "busy"], env={"COLUMNS": "250"})
    assert busy.exit_code == 0, busy.output
    assert seeded["sid"] not in busy.output
    assert "busy" in busy.output
    assert runner.invoke(APP, ["calls", "--status", "nonsense"]).exit_code == 1


def test_calls_local_still_works_and_twilio_errors_are_explained(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = runner.invoke(APP, ["calls", "local", "--json"])
    assert local.exit_code == 0, local.output
    assert isinstance(json.loads(local.stdout), list)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token-1")
    result = runner.invoke(APP, ["calls"])
    assert result.exit_code == 1
    assert "TWILIO_AUTH_TOKEN" in result.output
    assert "Traceback" not in result.output


def test_doctor_runs_only_the_named_checks(world: World) -> None:
    code, document = doctor_json("--check", "smtp", "-c", "database")
    assert code == 0
    assert [c["name"] for c in document["checks"]] == ["database", "smtp"]
    result = runner.invoke(APP, ["doctor", "--check", "nonsense"])
    assert result.exit_code == 2
    assert "unknown check(s): nonsense" in result.output


def test_webhook_check_without_a_token_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    code, document = doctor_json("--check", "webhook")
    assert code == 1
    (check,) = document["checks"]
    assert "TWILIO_AUTH_TOKEN is not set" in check["summary"]


def test_doctor_names_the_fix_when_texts_do_not_reach_switchboard(world: World) -> None:
    number = world.twilio.state.number_by_phone(NUMBER)
    assert number is not None
    number["sms_url"] = "https://demo.twilio.com/welcome/sms/reply"
    code, document = doctor_json("--check", "twilio.sms_webhook")
    assert code == 1
    (check,) = document["checks"]
    assert check["status"] == "fail"
    assert "https://demo.twilio.com/welcome/sms/reply" in check["summary"]
    assert "switchboard setup apply" in check["fix"]
    assert "/twilio/sms" in check["fix"]


@pytest.mark.parametrize(("app", "status"), [("AP" + "1" * 32, "fail"), ("MG" + "1" * 32, "warn")])
def test_doctor_on_an_sms_application_that_overrides_the_webhook(
    world: World, app: str, status: str
) -> None:
    number = world.twilio.state.number_by_phone(NUMBER)
    assert number is not None
    number["sms_application_sid"] = app
    _, document = doctor_json("--check", "twilio.sms_webhook")
    (check,) = document["checks"]
    assert check["status"] == status
    assert app in check["summary"]
    assert check["fix"]


def test_doctor_skips_the_sms_webhook_without_a_base_url(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEBHOOK_BASE_URL")
    code, document = doctor_json("--check", "twilio.sms_webhook")
    assert code == 0
    assert "skipped" in document["checks"][0]["summary"]


def test_doctor_says_when_only_the_sms_method_is_wrong(world: World) -> None:
    number = world.twilio.state.number_by_phone(NUMBER)
    assert number is not None
    number["sms_method"] = "GET"
    _, document = doctor_json("--check", "twilio.sms_webhook")
    (check,) = document["checks"]
    assert check["status"] == "fail"
    assert "with HTTP GET, not POST" in check["summary"]
