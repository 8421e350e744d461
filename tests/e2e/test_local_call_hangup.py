"""Hanging up a local call at any moment: on hold, while the employee's phone rings, during the
consultation. The simulated network runs in (scaled) real time, as for a person at the keyboard,
and the hang-up comes from outside the conversation, as the keyboard's does."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from switchboard.bootstrap import Application, bootstrap
from switchboard.domain.calls import CallOutcome
from switchboard.entrypoints.cli.local_call import CallScreen, Keyboard
from switchboard.services.directory import demo_directory
from switchboard.services.local_call import CallLine, LocalCallSpec, run_local_call
from switchboard.settings import load_settings

OPEN = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
TURNS = ["Could I speak to Priya Raman?", "Dana Whitfield from Acme.", "About an invoice."]


@pytest.fixture
async def application(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Application]:
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = await bootstrap(load_settings(log_level="WARNING"), configure_logs=False)
    yield app
    await app.close()


@pytest.mark.parametrize(
    ("moment", "priya"),
    [
        ("hold", {"answer": True, "decision": "accept"}),  # on hold, before the dial
        ("ringing", {"answer": False}),  # her phone is ringing
        ("answered", {"answer": True, "decision": "accept"}),  # she is being briefed
    ],
)
async def test_hanging_up_at_any_moment_ends_the_call_cleanly(
    application: Application, moment: str, priya: dict[str, object]
) -> None:
    hang_up = asyncio.Event()
    seen: list[CallLine] = []

    def listen(line: CallLine) -> None:
        seen.append(line)
        if line.kind == moment:
            hang_up.set()

    turns = list(TURNS)

    async def read_line() -> str | None:
        return turns.pop(0) if turns else None

    spec = LocalCallSpec(
        directory=demo_directory(), start=OPEN, employees={"priya-raman": priya}, clock_scale=0.005
    )
    result = await asyncio.wait_for(
        run_local_call(spec, application.calls, read_line, listener=listen, hang_up=hang_up),
        timeout=60,
    )
    assert result.outcome is CallOutcome.ENDED_BY_CALLER
    assert result.transferred_to is None
    assert result.leftovers.rooms == ()  # no consultation room, ringing leg or hold left behind
    assert result.leftovers.participants == ()
    assert result.leftovers.holds == ()
    assert [line.kind for line in seen].count("hung_up") == 1
    after = seen[[line.kind for line in seen].index("hung_up") + 1 :]
    assert not [x for x in after if x.role == "agent" and x.leg == "caller"]  # nobody to talk to
    async with application.unit_of_work() as uow:
        record = await uow.calls.get(result.call_id)
    assert record is not None
    assert record.outcome is CallOutcome.ENDED_BY_CALLER
    assert record.end_reason == "caller_hung_up"


async def test_the_keyboard_hangs_up_immediately_even_while_the_agent_is_busy() -> None:
    typed = asyncio.Event()
    loop = asyncio.get_running_loop()
    lines = iter(["hello", "bye"])

    def ask() -> str:
        line = next(lines)
        if line == "bye":
            asyncio.run_coroutine_threadsafe(typed.wait(), loop).result(timeout=5)
        return line

    keyboard = Keyboard(CallScreen(Console(file=io.StringIO())), ask)
    assert await keyboard.read() == "hello"
    assert not keyboard.hang_up.is_set()
    typed.set()  # the person types "bye" while nobody is reading
    await asyncio.wait_for(keyboard.hang_up.wait(), timeout=5)
    assert await keyboard.read() is None


async def test_piped_input_hangs_up_only_after_the_lines_before_it() -> None:
    lines = iter(["one", "two"])
    at_end = threading.Event()
    reader: list[threading.Thread] = []

    def ask() -> str:
        try:
            return next(lines)
        except StopIteration:
            reader.append(threading.current_thread())
            at_end.set()
            raise EOFError from None

    keyboard = Keyboard(CallScreen(Console(file=io.StringIO())), ask, immediate=False)
    # The reader has reached the end of the "file", and still the call is not hung up.
    assert await asyncio.to_thread(at_end.wait, 5)
    await asyncio.to_thread(reader[0].join, 5)  # it has handed its end-of-file to the loop
    await asyncio.sleep(0)  # and the loop has run what it handed over
    assert not keyboard.hang_up.is_set()
    assert [await keyboard.read(), await keyboard.read(), await keyboard.read()] == [
        "one",
        "two",
        None,
    ]
    assert keyboard.hang_up.is_set()
