"""`switchboard call` driven with scripted input: what the person at the keyboard sees, and what
is stored afterwards."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog.testing
from rich.console import Console
from typer.testing import CliRunner

from switchboard.bootstrap import Application, bootstrap
from switchboard.entrypoints.cli import app as cli_app
from switchboard.entrypoints.cli.local_call import place_call
from switchboard.ports.telephony import LiveResources
from switchboard.services.call_records import list_calls
from switchboard.services.directory import demo_directory
from switchboard.services.local_call import LocalCallResult
from switchboard.services.local_call.behaviour import (
    BehaviourError,
    call_time,
    employee_behaviour,
    parse_employee_option,
    read_employees_file,
)
from switchboard.services.local_call.result import orphans_in
from switchboard.settings import load_settings

OPEN = "2026-11-24T10:15:00-06:00"  # a Tuesday morning in Chicago: the demo company is open
ASK_PRIYA = ["Could I speak to Priya Raman?", "Dana Whitfield from Acme.", "About an invoice."]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SWITCHBOARD_LLM", "offline")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
async def application(data_dir: Path) -> AsyncIterator[Application]:
    app = await bootstrap(load_settings(log_level="WARNING"), configure_logs=False)
    yield app
    await app.close()


def _script(lines: list[str]) -> Iterator[str]:
    yield from lines
    raise EOFError  # Ctrl-D


async def _call(
    app: Application, turns: list[str], *, options: dict[str, dict[str, str]] | None = None,
    at: str | None = OPEN,
) -> tuple[str, LocalCallResult]:  # fmt: skip
    out = io.StringIO()
    screen = Console(file=out, width=200, color_system=None)
    script = _script(turns)
    result = await place_call(
        app, options or {}, None, "+16125550177", at, screen, ask=lambda: next(script), pace=0
    )
    return out.getvalue(), result


async def test_a_newcomer_is_put_through_and_sees_every_step(application: Application) -> None:
    seen, result = await _call(application, ASK_PRIYA)
    assert "The directory was empty: loaded the demo company." in seen
    order = [
        "Receptionist: Thank you for calling Lakeshore Supply.",
        "You: Could I speak to Priya Raman?",
        "I'll see if Priya is available. Please hold.",
        "… Caller on hold",
        "employee's side — the caller can't hear this",
        "│ … Ringing Priya Raman…",
        "│ Receptionist → Priya Raman: Hi Priya, this is the receptionist. I have Dana Whitfield",
        "│ Priya Raman: Yes, put them through.",
        "Receptionist: Thanks for holding. I'm connecting you to Priya now.",
        "Outcome: transferred",
        "Connected to: priya-raman (simulated)",
    ]
    positions = [seen.index(text) for text in order]
    assert positions == sorted(positions), seen
    # The consultation is on the employee's side only: every line of it carries the side bar.
    consultation = [ln for ln in seen.splitlines() if "Hi Priya, this is the receptionist" in ln]
    assert consultation
    assert all(ln.startswith("│") for ln in consultation)
    records = await list_calls(application.unit_of_work)
    assert [r.outcome.value if r.outcome else None for r in records] == ["transferred"]
    assert records[0].call_id == result.call_id


async def test_a_busy_employee_leads_to_a_stored_message(application: Application) -> None:
    turns = [
        *ASK_PRIYA,
        "yes",
        "six one two, five five five, oh one nine nine",
        "yes",
        "Call me about invoice 42",
    ]
    seen, result = await _call(application, turns, options={"priya-raman": {"answer": "busy"}})
    assert "│ … Priya Raman's line is busy" in seen
    assert "Outcome: message_taken" in seen
    assert "Message for priya-raman: Call me about invoice 42" in seen
    assert "call back on +16125550199" in seen
    assert "sms → +1******0104: queued" in seen
    assert "+13125550104" not in seen  # an employee's number never reaches the screen
    assert result.leftovers.rooms == ()


async def test_the_call_is_hung_up_once(application: Application) -> None:
    """The agent ends the call after the message; the simulator's final sweep finds nothing left."""
    turns = [*ASK_PRIYA, "yes", "this number", "yes", "Call me about invoice 42"]
    with structlog.testing.capture_logs() as logs:
        _, result = await _call(application, turns, options={"priya-raman": {"answer": "busy"}})
    assert result.outcome.value == "message_taken"
    assert [e["event"] for e in logs].count("call.hung_up") == 1, logs
    assert result.leftovers.rooms == ()


async def test_two_calls_in_one_store_get_their_own_records(application: Application) -> None:
    await _call(application, ["Hi"])
    await _call(application, ["What are your hours?"])
    records = await list_calls(application.unit_of_work)
    assert len({r.call_id for r in records}) == 2


async def test_bye_hangs_up_after_it_is_said(application: Application) -> None:
    seen, result = await _call(application, ["bye", "this line is never read"])
    assert "this line is never read" not in seen
    assert result.outcome.value in {"no_transfer", "info_only"}


async def test_a_closed_company_is_called_next_morning_and_says_so(
    application: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    import switchboard.entrypoints.cli.local_call as module

    saturday_night = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # Sat 22:00 in Chicago

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenDatetime:
            return saturday_night  # type: ignore[return-value]

    monkeypatch.setattr(module, "datetime", FrozenDatetime)
    seen, result = await _call(application, ASK_PRIYA, at=None)
    assert "is closed right now, so this call is simulated at Monday 30 November 09:00" in seen
    assert result.outcome.value == "transferred"


def test_call_time_keeps_an_open_moment_and_moves_a_closed_one() -> None:
    company = demo_directory().company
    open_now = datetime(2026, 11, 24, 16, 15, tzinfo=UTC)
    assert call_time(company, open_now) == (open_now, False)
    moved, was_moved = call_time(company, datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
    assert was_moved
    assert moved.isoformat() == "2026-11-24T09:00:00-06:00"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("priya-raman", "expected ID="), ("=answer:true", "expected ID="),
     ("priya-raman=answer", "is not key:value")],
)  # fmt: skip
def test_bad_employee_options_are_refused(text: str, problem: str) -> None:
    with pytest.raises(BehaviourError, match=problem):
        parse_employee_option(text)


def test_behaviour_defaults_to_accepting_and_checks_ids_and_values() -> None:
    directory = demo_directory()
    behaviour = employee_behaviour(directory, None, {"priya-raman": {"answer": "busy"}})
    assert behaviour["priya-raman"] == {"answer": "busy"}
    assert behaviour["marcus-bell"] == {"answer": True, "decision": "accept"}
    with pytest.raises(BehaviourError, match="no employee with id 'nobody'"):
        employee_behaviour(directory, None, {"nobody": {}})
    with pytest.raises(BehaviourError, match="priya-raman"):
        employee_behaviour(directory, {"priya-raman": {"answer": "maybe"}}, None)


def test_the_command_runs_end_to_end(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli_app,
        [
            "call",
            "--pace",
            "0",
            "--at",
            OPEN,
            "--employee",
            "priya-raman=answer:true,decision:decline",
        ],
        input="\n".join([*ASK_PRIYA, "no"]) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Priya Raman: No, I can't take it right now." in result.output
    assert "Attempt: priya-raman → declined" in result.output
    bad = runner.invoke(cli_app, ["call", "--employee", "ghost=answer:true"])
    assert bad.exit_code == 2
    assert "no employee with id 'ghost'" in bad.output
    bad_number = runner.invoke(cli_app, ["call", "--caller-number", "12"])
    assert bad_number.exit_code == 2
    assert "--caller-number '12' is not a phone number" in bad_number.output
    local = runner.invoke(
        cli_app, ["call", "--pace", "0", "--at", OPEN, "--caller-number", "(612) 555-0123"],
        input="bye\n",
    )  # fmt: skip
    assert local.exit_code == 0, local.output
    assert "from +16125550123" in local.output


def test_an_employees_file_sets_behaviour_and_options_win(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("priya-raman: {answer: voicemail}\nmarcus-bell: {answer: busy}\n")
    from_file = read_employees_file(path)
    behaviour = employee_behaviour(demo_directory(), from_file, {"marcus-bell": {"answer": "true"}})
    assert behaviour["priya-raman"] == {"answer": "voicemail"}
    assert behaviour["marcus-bell"] == {"answer": "true"}
    path.write_text("- not a mapping\n")
    with pytest.raises(BehaviourError, match="expected a mapping of employee id"):
        read_employees_file(path)
    path.write_text("priya-raman: {answer: [unclosed\n")
    with pytest.raises(BehaviourError, match="cannot read it as YAML"):
        read_employees_file(path)


def test_the_call_itself_is_not_an_orphan_but_anything_else_live_is() -> None:
    live = LiveResources(
        rooms=("call-1", "call-1-consult-2"),
        participants=(("call-1", "caller-1"), ("call-1-consult-2", "employee-x")),
        ringing=(("call-1-consult-2", "employee-y"),),
        holds=(("call-1", "caller-1"),),
    )
    left = orphans_in(live, "call-1")
    assert left.rooms == ("call-1-consult-2",)
    assert left.participants == (("call-1-consult-2", "employee-x"),)
    assert left.ringing == live.ringing
    assert left.holds == live.holds
    assert orphans_in(LiveResources(("call-1",), (("call-1", "caller-1"),)), "call-1") == (
        LiveResources()
    )


def test_a_caller_who_hangs_up_is_shown_hanging_up_once(data_dir: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["call", "--pace", "0", "--at", OPEN], input="What are your hours?\n"
    )  # then the input ends: the caller hangs up
    assert result.exit_code == 0, result.output
    assert result.output.count("The caller hung up") == 1, result.output
