"""`switchboard setup plan|apply` and `config export|restore|diff` end to end on both fakes."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import typer
from tests.services.provisioning_world import NUMBER, SIP_URI, World, running_world
from typer.testing import CliRunner

from switchboard.bootstrap import Application
from switchboard.entrypoints.cli.backup import PASSPHRASE_ENV, register
from switchboard.entrypoints.cli.setup import setup_app

runner = CliRunner()
T = TypeVar("T")


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(setup_app, name="setup")
    config = typer.Typer()
    register(config)
    app.add_typer(config, name="config")
    return app


APP = _app()


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    module_world.reset()
    monkeypatch.chdir(tmp_path)  # no .env, no switchboard.yaml unless a test writes one
    env = {
        "TWILIO_ACCOUNT_SID": module_world.twilio.account_sid,
        "TWILIO_AUTH_TOKEN": module_world.twilio.auth_token,
        "TWILIO_API_BASE_URL": module_world.twilio.base_url,
        "TWILIO_PHONE_NUMBER": NUMBER,
        "LIVEKIT_URL": module_world.livekit.url,
        "LIVEKIT_API_KEY": module_world.livekit.api_key,
        "LIVEKIT_API_SECRET": module_world.livekit.api_secret,
        "TRANSFER_MERGE_STRATEGY": "move",  # set up as for LiveKit Cloud (loopback default: refer)
        "LIVEKIT_SIP_URI": SIP_URI,
        "SWITCHBOARD_DATA_DIR": str(tmp_path / "data"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return module_world


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(APP, list(args))
    return result.exit_code, result.output


def test_plan_apply_plan(world: World) -> None:
    code, out = run("setup", "plan")
    assert code == 2
    assert "create" in out
    assert "switchboard-trunk" in out

    code, out = run("setup", "apply", "--dry-run")
    assert code == 2
    assert "nothing was changed" in out
    assert not world.twilio.state.trunks

    code, out = run("setup", "apply", "--yes")
    assert code == 0, out
    assert "SIP password for switchboard-livekit" in out
    assert "applied 9 change(s)" in out
    password = (Path("data") / "secrets" / "sip-credential-switchboard-livekit").read_text()
    assert password in out  # shown once, here

    code, out = run("setup", "plan", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["in_sync"] is True
    assert {s["action"] for s in doc["steps"]} == {"unchanged"}

    code, out = run("setup", "apply", "--yes")
    assert code == 0
    assert "nothing to do" in out
    assert password not in out


def test_apply_asks_first(world: World) -> None:
    result = runner.invoke(APP, ["setup", "apply"], input="n\n")
    assert result.exit_code == 1
    assert not world.twilio.state.trunks


def test_blocked_plan_names_the_fix(world: World) -> None:
    world.twilio.state.number_by_phone(NUMBER)["trunk_sid"] = "TK" + "9" * 32  # type: ignore[index]
    code, out = run("setup", "apply", "--yes")
    assert code == 2
    assert "--adopt" in out
    assert not world.twilio.state.trunks


def test_a_provider_failure_reports_what_was_done(world: World) -> None:
    world.twilio.state.fail_next("/OriginationUrls", status=503, method="POST")
    code, out = run("setup", "apply", "--yes")
    assert code == 1
    assert "failed at twilio.origination_url" in out
    assert "Twilio answered HTTP 503" in out
    assert "applied: twilio.trunk switchboard-trunk" in out
    assert "not applied: twilio.origination_url" in out


def test_setup_file_is_validated_and_used(world: World) -> None:
    Path("switchboard.yaml").write_text("tls: maybe\n")
    code, out = run("setup", "plan")
    assert code == 1
    assert "tls: must be true or false" in out
    Path("switchboard.yaml").write_text("prefix: acme\ntls: true\n")
    code, out = run("setup", "plan", "--json")
    names = {s["name"] for s in json.loads(out)["steps"]}
    assert "acme-trunk" in names


def test_the_plan_shows_who_may_call_in(world: World) -> None:
    assert run("setup", "apply", "--yes")[0] == 0
    [trunk] = world.livekit.state.inbound_trunks.values()
    del trunk.allowed_addresses[:]
    code, out = run("setup", "plan", "--json")
    assert code == 2
    [step] = [s for s in json.loads(out)["steps"] if s["action"] != "unchanged"]
    assert step["name"] == "switchboard-inbound"
    [diff] = step["differences"]
    assert (diff["field"], diff["live"], len(diff["desired"])) == ("allowed_addresses", [], 8)
    assert "any address today" in step["notes"][0]
    Path("switchboard.yaml").write_text("twilio_edges: [virginia]\n")
    code, out = run("setup", "plan")
    assert code == 1
    assert "unknown edge(s) 'virginia'; valid: ashburn, umatilla" in out
    Path("switchboard.yaml").write_text("twilio_edges: []\n")
    code, out = run("setup", "apply", "--yes")
    assert code == 1
    assert "allow_any_source: true" in out
    assert list(trunk.allowed_addresses) == []  # nothing was changed


def test_missing_settings_are_named(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIVEKIT_SIP_URI")
    code, out = run("setup", "plan")
    assert code == 1
    assert "LIVEKIT_SIP_URI" in out


def test_export_diff_restore(world: World) -> None:
    assert run("setup", "apply", "--yes")[0] == 0
    code, out = run("config", "export", "backup.yaml")
    assert code == 0, out
    backup = Path("backup.yaml")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert "secrets redacted" in out

    code, out = run("config", "diff", "backup.yaml")
    assert code == 0
    assert "no drift" in out

    (trunk,) = world.twilio.state.trunks.values()
    trunk["transfer_mode"] = "enable-all"
    code, out = run("config", "diff", "backup.yaml")
    assert code == 2
    assert "drifted" in out

    code, out = run("config", "restore", "backup.yaml", "--dry-run")
    assert code == 0, out
    assert trunk["transfer_mode"] == "enable-all"
    code, out = run("config", "restore", "backup.yaml", "--no-directory")
    assert code == 0, out
    assert trunk["transfer_mode"] == "disable-all"
    assert run("config", "diff", "backup.yaml")[0] == 0


def test_encrypted_export_needs_the_passphrase(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("setup", "apply", "--yes")[0] == 0
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse battery")
    code, out = run("config", "export", "sealed.yaml", "--include-secrets")
    assert code == 0, out
    assert "secrets encrypted" in out
    monkeypatch.setenv(PASSPHRASE_ENV, "wrong horse battery")
    code, out = run("config", "restore", "sealed.yaml", "--no-directory")
    assert code == 1
    assert "wrong passphrase" in out
    assert run("config", "diff", "sealed.yaml")[0] == 0  # diff never needs the secrets


def test_unreadable_backup(world: World) -> None:
    Path("bad.yaml").write_text("schema_version: 9\nsetup: []\n")
    code, out = run("config", "diff", "bad.yaml")
    assert code == 1
    assert "schema_version 9 is not supported" in out
    code, out = run("config", "restore", "missing.yaml")
    assert code == 1
    assert "cannot read" in out


def test_the_directory_travels_with_the_backup(world: World) -> None:
    from switchboard.bootstrap import bootstrap
    from switchboard.services.directory import load_directory, remove_employee, seed_demo_if_empty
    from switchboard.settings import load_settings

    async def with_app(work: Callable[[Application], Awaitable[T]]) -> T:
        app = await bootstrap(load_settings(), configure_logs=False)
        try:
            return await work(app)
        finally:
            await app.close()

    assert asyncio.run(with_app(lambda app: seed_demo_if_empty(app.unit_of_work)))
    demo = asyncio.run(with_app(lambda app: load_directory(app.unit_of_work)))
    assert run("setup", "apply", "--yes")[0] == 0
    code, out = run("config", "export", "backup.yaml")
    assert code == 0, out
    assert demo.company.name in Path("backup.yaml").read_text()

    gone = demo.employees[0].id
    asyncio.run(with_app(lambda app: remove_employee(app.unit_of_work, gone)))
    code, out = run("config", "restore", "backup.yaml")
    assert code == 0, out
    assert f"directory restored: {len(demo.employees)} employee(s)" in out
    assert asyncio.run(with_app(lambda app: load_directory(app.unit_of_work))) == demo


def test_a_broken_directory_in_the_backup_changes_nothing(world: World) -> None:
    Path("bad.yaml").write_text(
        "schema_version: 1\nsetup: []\ndirectory:\n  company: {}\n  employees: [{id: x}]\n"
    )
    code, out = run("config", "restore", "bad.yaml")
    assert code == 1
    assert "nothing was changed" in out
    assert not world.twilio.state.trunks


def test_an_unreachable_provider_is_explained(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LIVEKIT_URL", f"http://127.0.0.1:{port}")
    code, out = run("setup", "plan")
    assert code == 1
    assert "could not read the live set-up" in out
    assert "could not be reached" in out


def test_plan_shows_the_sms_webhooks_and_what_attaching_the_number_replaces(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://rx.example")
    number = world.twilio.state.number_by_phone(NUMBER)
    assert number is not None
    number.update(voice_url="https://old.example/voice", sms_url="https://old.example/sms")
    code, out = run("setup", "plan", "--json")
    assert code == 2
    steps = {s["kind"]: s for s in json.loads(out)["steps"]}
    sms = steps["twilio.sms_webhook"]
    assert sms["action"] == "update"
    assert {"field": "sms_url", "live": "https://old.example/sms"} in [
        {"field": d["field"], "live": d["live"]} for d in sms["differences"]
    ]
    assert any("https://old.example/voice" in n for n in steps["twilio.phone_number"]["notes"])
    table = runner.invoke(APP, ["setup", "plan"], env={"COLUMNS": "250"}).output
    assert "twilio.sms_webhook" in table
    assert "sms_url: https://old.example/sms → https://rx.example/twilio/sms" in table
    assert "note: the number's voice URL https://old.example/voice stops being used" in table
    assert run("setup", "apply", "--yes")[0] == 0
    assert number["sms_url"] == "https://rx.example/twilio/sms"
