"""`switchboard call`: you are the caller. The real agent and brain answer, the simulated phone
network plays the employees, SQLite keeps the call record and messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape

from switchboard.adapters.brain.providers import ProviderError, build_llm
from switchboard.bootstrap import Application
from switchboard.domain.phone import InvalidPhoneNumber, to_e164
from switchboard.entrypoints.cli._runtime import console, fail, run_with_app
from switchboard.services.directory import load_directory, seed_demo_if_empty
from switchboard.services.local_call import (
    DEFAULT_CALLER,
    CallLine,
    LocalCallResult,
    LocalCallSpec,
    ReadLine,
    run_local_call,
)
from switchboard.services.local_call.behaviour import (
    BehaviourError,
    call_time,
    employee_behaviour,
    parse_call_time,
    parse_employee_option,
    read_employees_file,
)

HANG_UP_WORDS = {"bye", "goodbye", "/quit", "/hangup"}
# Real seconds to pause after a line of each kind, so a transfer unfolds at a readable pace.
_PAUSE = {"ringing": 1.2, "answered": 0.6, "hold": 0.6, "speech": 0.5, "connected": 0.5}


@dataclass
class CallScreen:
    """Shows a call's lines: the caller's side plainly, the consultation indented and marked as
    the employee's side. Lines wait in `pending` until `show()`, which paces them."""

    out: Console
    pace: float = 1.0
    echo_caller: bool = False  # typed lines are already on screen; scripted ones are not
    pending: list[CallLine] = field(default_factory=list)
    _in_consultation: bool = False

    def add(self, line: CallLine) -> None:
        self.pending.append(line)

    async def show(self) -> None:
        """Print every pending line, pausing between the steps of a transfer."""
        while self.pending:
            line = self.pending.pop(0)
            self._print(line)
            if self.pace and (line.leg == "employee" or line.role == "event"):
                await asyncio.sleep(_PAUSE.get(line.kind, 0.3) * self.pace)

    def _print(self, line: CallLine) -> None:
        text = escape(line.text)
        if line.leg == "employee" and not self._in_consultation:
            self._in_consultation = True
            self.out.rule(
                "[magenta]employee's side — the caller can't hear this[/]", style="magenta"
            )
        elif line.leg == "caller" and self._in_consultation:
            self._in_consultation = False
            self.out.rule(style="magenta")
        bar = "[magenta]│[/] " if line.leg == "employee" else ""
        if line.role == "event":
            self.out.print(f"{bar}[dim italic]… {text}[/]")
        elif line.role == "agent":
            who = (
                f"Receptionist → {line.who or 'employee'}"
                if line.leg == "employee"
                else "Receptionist"
            )
            self.out.print(f"{bar}[bold cyan]{who}:[/] {text}")
        elif line.role == "employee":
            self.out.print(f"{bar}[bold yellow]{escape(line.who or 'Employee')}:[/] {text}")
        elif self.echo_caller:
            self.out.print(f"[bold green]You:[/] {text}")


def typed_line(screen: CallScreen, ask: Callable[[], str]) -> ReadLine:
    """The caller's lines from `ask` (input()); Ctrl-D or "bye" hangs up after that line."""
    done = False

    async def read() -> str | None:
        nonlocal done
        await screen.show()
        if done:
            return None
        try:
            line = await asyncio.to_thread(ask)
        except EOFError:
            return None
        done = line.strip().lower().rstrip(".!") in HANG_UP_WORDS
        return line

    return read


def show_outcome(out: Console, result: LocalCallResult) -> None:
    """The end of the call: outcome, attempts, the message and where it went."""
    out.rule("[bold]call ended[/]")
    out.print(f"[bold]Outcome:[/] {result.outcome.value}", highlight=False)
    if result.transferred_to:
        out.print(f"[bold]Connected to:[/] {result.transferred_to} (simulated)")
    for attempt in result.attempts:
        out.print(f"[bold]Attempt:[/] {attempt['employee']} → {attempt['result']}")
    if result.message:
        m = result.message
        urgent = " [red](urgent)[/]" if m["urgent"] else ""
        out.print(f"[bold]Message for {escape(m['for'])}{urgent}:[/] {escape(m['text'])}")
        out.print(f"  from {escape(m['caller_name'])}, call back on {m['callback_number']}")
        for n in result.notifications:
            out.print(f"  {n['channel']} → {escape(n['to'])}: {n['status']} (in the outbox)")
    out.print(f"[dim]Saved as call {result.call_id}: see `switchboard calls local`.[/]")


def call(
    employee: list[str] = typer.Option(
        [],
        "--employee",
        help="How one employee behaves: ID=answer:true,decision:accept "
        "(answer: true|false|busy|voicemail|failed; decision: accept|decline|message|hangup).",
    ),
    employees_file: Path | None = typer.Option(
        None, "--employees", help="YAML file: employee id → {answer, decision}.", dir_okay=False
    ),
    caller_number: str = typer.Option(DEFAULT_CALLER, "--caller-number", help="Your caller ID."),
    at: str | None = typer.Option(None, "--at", help="Simulated time (ISO-8601)."),
    pace: float = typer.Option(
        1.0, "--pace", min=0, help="Pause scale for the transfer (0: none)."
    ),
) -> None:
    """Call the receptionist yourself: type as the caller (Ctrl-D or "bye" hangs up)."""
    try:
        options = dict(parse_employee_option(text) for text in employee)
        from_file = read_employees_file(employees_file) if employees_file else None
        caller_number = to_e164(caller_number)
    except InvalidPhoneNumber:
        fail(f"--caller-number {caller_number!r} is not a phone number", 2)
    except BehaviourError as exc:
        fail(str(exc), 2)

    async def work(app: Application) -> LocalCallResult:
        return await place_call(app, options, from_file, caller_number, at, console, pace=pace)

    run_with_app(work)


async def place_call(
    app: Application, options: dict[str, dict[str, str]], from_file: dict[str, dict[str, object]] | None,
    caller_number: str, at: str | None, out: Console, *, ask: Callable[[], str] | None = None,
    pace: float = 1.0,
) -> LocalCallResult:  # fmt: skip
    """Run `switchboard call` on `app`: `ask` replaces input() and `pace` scales the pauses
    (tests pass a script and 0)."""
    settings = app.settings
    try:
        brain = build_llm(settings)
    except ProviderError as exc:
        fail(str(exc), 2)
    if await seed_demo_if_empty(app.unit_of_work):
        out.print("[dim]The directory was empty: loaded the demo company.[/]")
    directory = await load_directory(app.unit_of_work)
    company = directory.company
    try:
        behaviour = employee_behaviour(directory, from_file, options)
        if at is not None:
            start = parse_call_time(at, company)
        else:
            start, moved = call_time(company, datetime.now(UTC))
            if moved:
                local = start.astimezone(ZoneInfo(company.timezone))
                out.print(f"[yellow]{escape(company.name)} is closed right now, so this call is "
                          f"simulated at {local:%A %d %B %H:%M %Z}, when it is open. "
                          "Use --at to choose the time.[/]")  # fmt: skip
    except BehaviourError as exc:
        fail(str(exc), 2)
    spec = LocalCallSpec(
        directory=directory, start=start, employees=behaviour, caller_number=caller_number,
        merge=settings.transfer_merge_strategy, company_number=settings.twilio_phone_number,
        ai_disclosure=settings.ai_disclosure, default_region=settings.default_region,
    )  # fmt: skip
    screen = CallScreen(out, pace=pace, echo_caller=ask is not None)
    out.print(f"[dim]Calling {escape(company.name)} from {caller_number}. "
              "Type as the caller; Ctrl-D or \"bye\" hangs up.[/]")  # fmt: skip
    prompt = ask or (lambda: input("You: "))
    result = await run_local_call(
        spec, app.storage, typed_line(screen, prompt), listener=screen.add, brain=brain
    )
    await screen.show()
    show_outcome(out, result)
    return result
