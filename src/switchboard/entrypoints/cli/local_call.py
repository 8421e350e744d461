"""`switchboard call`: you are the caller. The real agent and brain answer, the simulated phone
network plays the employees, SQLite keeps the call record and messages."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
from switchboard.services.calls import CallFactory
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
# A live call's simulated phone network runs at this many real seconds per simulated second (times
# --pace): a 25 s ring takes about 6 s, long enough to hang up during it, short enough to wait for.
REAL_SECONDS_PER_SIMULATED = 0.25
# Real seconds to pause after a line of each kind, so a transfer unfolds at a readable pace.
_PAUSE = {"ringing": 1.2, "answered": 0.6, "hold": 0.6, "speech": 0.5, "connected": 0.5}


@dataclass
class CallScreen:
    """Shows a call's lines: the caller's side plainly, the consultation indented and marked as
    the employee's side. Lines wait in `pending` until `show()`, which paces them."""

    out: Console
    pace: float = 1.0
    echo_caller: bool = False  # typed lines are already on screen; scripted ones are not
    live: bool = False  # print each line as it happens (a paced call) instead of at the next turn
    pending: list[CallLine] = field(default_factory=list)
    _in_consultation: bool = False

    def add(self, line: CallLine) -> None:
        if self.live:
            self._print(line)
        else:
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
                f"Receptionist → {escape(line.who or 'employee')}"
                if line.leg == "employee"
                else "Receptionist"
            )
            self.out.print(f"{bar}[bold cyan]{who}:[/] {text}")
        elif line.role == "employee":
            self.out.print(f"{bar}[bold yellow]{escape(line.who or 'Employee')}:[/] {text}")
        elif self.echo_caller:
            self.out.print(f"[bold green]You:[/] {text}")


def typed_line(screen: CallScreen, ask: Callable[[], str]) -> ReadLine:
    """Scripted caller lines from `ask`, one per turn; an EOF or "bye" hangs up after that line."""
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
        done = is_hang_up(line)
        return line

    return read


def is_hang_up(line: str) -> bool:
    return line.strip().lower().rstrip(".!") in HANG_UP_WORDS


class Keyboard:
    """A person at the keyboard: lines are read all the time (a daemon thread, so an unanswered
    prompt never holds up the end of the call), not only when the receptionist waits for them.
    "bye", /hangup, Ctrl-D or Ctrl-C at any moment — on hold, while it rings — hangs up at once;
    other lines typed while the receptionist is busy are kept for the next turn.

    With `immediate=False` (input piped from a file) a hang-up takes its turn after the lines
    before it, as a script would expect."""

    def __init__(
        self, screen: CallScreen, ask: Callable[[], str], *, immediate: bool = True
    ) -> None:
        self.screen, self._ask, self._immediate = screen, ask, immediate
        self.hang_up = asyncio.Event()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_keys, name="keyboard", daemon=True).start()

    def _read_keys(self) -> None:
        while True:
            try:
                line: str | None = self._ask()
            except (EOFError, KeyboardInterrupt, OSError):
                line = None
            if line is None or is_hang_up(line):
                if self._immediate:
                    self._loop.call_soon_threadsafe(self.hang_up.set)
                else:
                    self._loop.call_soon_threadsafe(self._lines.put_nowait, None)
                return
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)

    async def read(self) -> str | None:
        """The caller's next line, or None once they hang up."""
        await self.screen.show()
        if self.hang_up.is_set():
            return None
        line = asyncio.ensure_future(self._lines.get())
        gone = asyncio.ensure_future(self.hang_up.wait())
        try:
            await asyncio.wait({line, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (line, gone):
                waiter.cancel()
        if line.done() and not line.cancelled() and (text := line.result()) is not None:
            return text
        self.hang_up.set()
        return None


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    audio_in: Path | None = None  # None: the microphone
    audio_out: Path | None = None  # None: the speakers


async def _spoken(
    calls: CallFactory, spec: LocalCallSpec, screen: CallScreen, out: Console, voice: VoiceOptions,
    recordings: Path,
) -> LocalCallResult:  # fmt: skip
    from switchboard.adapters.voice import VoiceUnavailableError
    from switchboard.entrypoints.cli.local_voice import spoken_call

    def heard(text: str) -> None:
        out.print(f"[bold green]You (heard):[/] {escape(text)}")

    out.print("[dim]Loading the offline voice (Whisper, piper, silero)…[/]")
    try:
        async with spoken_call(
            spec.directory, heard, audio_in=voice.audio_in, audio_out=voice.audio_out
        ) as call:
            if voice.audio_in is None:
                out.print("[bold]Speak now.[/] [dim]Ctrl-C hangs up.[/]")

            def on_line(line: CallLine) -> None:
                screen.add(line)
                call.on_line(line)

            screen.live = True
            return await run_local_call(
                spec, calls, call.read_line, listener=on_line,
                voicemail=call.voicemail_recorder(recordings),
            )  # fmt: skip
    except VoiceUnavailableError as exc:
        fail(str(exc), 2)
    except ValueError as exc:  # e.g. --audio-in with no WAV files
        fail(str(exc), 2)


def show_outcome(out: Console, result: LocalCallResult) -> None:
    """The end of the call: outcome, attempts, the message and where it went."""
    out.rule("[bold]call ended[/]")
    out.print(f"[bold]Outcome:[/] {result.outcome.value}", highlight=False)
    if result.transferred_to:
        out.print(f"[bold]Connected to:[/] {escape(result.transferred_to)} (simulated)")
    for attempt in result.attempts:
        tried = f"{attempt['employee']} → {attempt['result']}"
        out.print(f"[bold]Attempt:[/] {escape(tried)}")
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
        metavar="ID=answer:…,decision:…",
        help="How one employee behaves: ID=answer:true,decision:accept "
        "(answer: true|false|busy|voicemail|failed; decision: accept|decline|message|hangup).",
    ),
    employees_file: Path | None = typer.Option(
        None,
        "--employees",
        metavar="FILE",
        help="YAML file: employee id → {answer, decision}.",
        dir_okay=False,
    ),
    caller_number: str = typer.Option(
        DEFAULT_CALLER, "--caller-number", metavar="NUMBER", help="Your caller ID."
    ),
    at: str | None = typer.Option(None, "--at", metavar="TIME", help="Simulated time (ISO-8601)."),
    pace: float = typer.Option(
        1.0, "--pace", metavar="SCALE", min=0, help="Pause scale for the transfer (0: none)."
    ),
    voice: bool = typer.Option(
        False, "--voice", help="Speak instead of typing (offline voice: the [voice] extra)."
    ),
    audio_in: Path | None = typer.Option(
        None,
        "--audio-in",
        metavar="WAV",
        help="With --voice: a WAV file or a folder of them instead of the microphone.",
    ),
    audio_out: Path | None = typer.Option(
        None,
        "--audio-out",
        metavar="DIR",
        help="With --voice: write the receptionist's speech to WAV files here.",
        file_okay=False,
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

    spoken = voice or audio_in is not None or audio_out is not None
    if audio_in is not None and not audio_in.exists():
        fail(f"--audio-in {audio_in}: no such file or folder", 2)

    async def work(app: Application) -> LocalCallResult:
        return await place_call(
            app, options, from_file, caller_number, at, console, pace=pace,
            voice=VoiceOptions(audio_in, audio_out) if spoken else None,
        )  # fmt: skip

    run_with_app(work)


async def place_call(
    app: Application, options: dict[str, dict[str, str]], from_file: dict[str, dict[str, object]] | None,
    caller_number: str, at: str | None, out: Console, *, ask: Callable[[], str] | None = None,
    pace: float = 1.0, voice: VoiceOptions | None = None,
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
        company_number=settings.twilio_phone_number,
    )  # fmt: skip
    calls = replace(app.calls, brain=brain)  # the wiring of a real call, with this brain
    screen = CallScreen(out, pace=pace, echo_caller=ask is not None)
    how = "" if voice else ' Type as the caller; "bye", Ctrl-D or Ctrl-C hangs up at any moment.'
    out.print(f"[dim]Calling {escape(company.name)} from {caller_number}.{how}[/]")
    if voice is not None:
        result = await _spoken(calls, spec, screen, out, voice, settings.effective_voicemail_dir)
    elif ask is not None:  # a script: one line per turn, in order
        result = await run_local_call(spec, calls, typed_line(screen, ask), listener=screen.add)
    else:
        screen.live = pace > 0
        typing = sys.stdin.isatty()
        screen.echo_caller = not typing  # piped lines are not on the screen yet
        keyboard = Keyboard(screen, input, immediate=typing)
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGINT, keyboard.hang_up.set)
        try:
            result = await run_local_call(
                replace(spec, clock_scale=REAL_SECONDS_PER_SIMULATED * pace if pace else 0.0),
                calls, keyboard.read, listener=screen.add, hang_up=keyboard.hang_up,
            )  # fmt: skip
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGINT)
    await screen.show()
    show_outcome(out, result)
    return result
