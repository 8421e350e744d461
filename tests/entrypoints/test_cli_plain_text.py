"""Text we did not write is printed as written: square brackets in names, messages, errors and
help are shown, never read as rich markup (which would swallow `[voice]` whole)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.entrypoints.cli import app
from switchboard.entrypoints.cli.local_call import CallScreen
from switchboard.services.directory import demo_directory
from switchboard.services.local_call import CallLine
from switchboard.settings import SettingsError

runner = CliRunner()
NAME = "Ann [voice] Lee"
TITLE = "Lead [bold]engineer[/]"
CALLER = "Dana [red]Whitfield"
TEXT = "Please install switchboard[voice] and call me [urgent]"


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "250")  # wide enough that no cell wraps
    assert runner.invoke(app, ["directory", "demo"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "directory",
            "add",
            "--id",
            "ann-lee",
            "--name",
            NAME,
            "--title",
            TITLE,
            "--phone",
            "+13125550104",
        ],
    )
    assert added.exit_code == 0, added.output
    return url


def _seed_message(url: str) -> None:
    async def go() -> None:
        storage = await open_storage(url)
        at = datetime.now(UTC)
        m = Message(
            "msg_brackets", RecipientKind.EMPLOYEE, "priya-raman", CALLER,
            "+16125550177", TEXT, at, call_id="call-[1]",
        )  # fmt: skip
        notes = plan_notifications(m, None, demo_directory(), at)
        await SqlAlchemyMessageOutbox(storage.engine).add(m, notes)
        await storage.dispose()

    asyncio.run(go())


def test_directory_list_and_show_print_brackets() -> None:
    listed = runner.invoke(app, ["directory", "list"])
    assert listed.exit_code == 0
    assert NAME in listed.output
    assert TITLE in listed.output
    shown = runner.invoke(app, ["directory", "show", "ann-lee"])
    assert NAME in shown.output
    assert TITLE in shown.output


def test_errors_print_brackets() -> None:
    missing = runner.invoke(app, ["directory", "show", "no-[such]-one"])
    assert missing.exit_code == 1
    assert "no employee with id 'no-[such]-one'" in missing.output
    bad = runner.invoke(app, ["directory", "set", "ann-lee", "[title]"])
    assert bad.exit_code == 2
    assert "got '[title]'" in bad.output


def test_agent_check_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's case: `agent check` without the voice extra lost the `[voice]`."""
    from switchboard.entrypoints import agent_worker

    def refuse(settings: object) -> None:
        raise SettingsError("offline voice needs its extra (pip install 'switchboard[voice]')")

    monkeypatch.setattr(agent_worker, "check_worker", refuse)
    result = runner.invoke(app, ["agent", "check"])
    assert result.exit_code == 2
    assert "pip install 'switchboard[voice]'" in result.output


def test_messages_list_and_show_print_brackets(database: str) -> None:
    _seed_message(database)
    listed = runner.invoke(app, ["messages", "list"])
    assert listed.exit_code == 0, listed.output
    assert CALLER in listed.output
    shown = runner.invoke(app, ["messages", "show", "msg_brackets"])
    assert shown.exit_code == 0, shown.output
    assert CALLER in shown.output
    assert TEXT in shown.output
    assert "call-[1]" in shown.output


def test_call_transcript_lines_print_brackets() -> None:
    out = Console(record=True, width=250)
    screen = CallScreen(out, pace=0, echo_caller=True)
    lines = [
        CallLine("caller", "I want [voice] please"),
        CallLine("agent", "Putting you through to [bold]Ann"),
        CallLine("event", "ringing [x]", leg="employee", kind="ringing"),
        CallLine("agent", "A call [for] you", leg="employee", who=NAME),
        CallLine("employee", "Sure [ok]", leg="employee", who=NAME),
    ]
    for line in lines:
        screen.add(line)
    asyncio.run(screen.show())
    text = out.export_text()
    for line in lines:
        assert line.text in text
    assert f"Receptionist → {NAME}:" in text
    assert f"{NAME}:" in text


def test_help_prints_brackets() -> None:
    result = runner.invoke(app, ["call", "--help"])
    assert result.exit_code == 0
    assert "the [voice] extra" in result.output


def test_doctor_rows_print_brackets() -> None:
    from switchboard.domain.diagnosis import fail
    from switchboard.entrypoints.cli.doctor import render_checks

    out = Console(record=True, width=250)
    out.print(render_checks([fail("agent", "needs switchboard[voice]", "pip install '.[voice]'")]))
    text = out.export_text()
    assert "needs switchboard[voice]" in text
    assert "pip install '.[voice]'" in text
